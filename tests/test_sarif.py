"""SARIF 2.1.0 output: schema validity, GitHub code scanning fields, fingerprints, limits, golden files.

Golden files: ``tests/fixtures/sarif/<name>.sarif`` hold the SARIF of ``<name>.Dockerfile`` linted through the
real engine with a fixed set of rules; the version, the root's file URI and the rules' documentation texts are
normalised (those texts are checked against the rules' docs separately). Regenerate them after a deliberate
change with ``TFIMAGE_LINT_UPDATE_GOLDEN=1 pytest tests/test_sarif.py`` and review the diff.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest

from tfimage_lint import __version__
from tfimage_lint.engine import FileReport, Linter, LintOptions
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.registry import builtin_rules, load_registry
from tfimage_lint.reporters import sarif
from tfimage_lint.reporters.context import RenderContext
from tfimage_lint.reporters.sarif import (
    MAX_DESCRIPTION,
    MAX_TAGS,
    PROJECT_URL,
    RULE_TAXONOMY,
    line_hashes,
    render_sarif,
    rule_descriptor,
)
from tfimage_lint.rule import Rule, RuleContext

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "sarif"
UPDATE_GOLDEN = os.environ.get("TFIMAGE_LINT_UPDATE_GOLDEN") == "1"
SECRET = "fixture-secret-do-not-print-0815"
#: name -> (rules selected, include suppressed findings)
GOLDEN: dict[str, tuple[tuple[str, ...], bool]] = {
    "gpu": (("DF001", "DF002", "DF004", "DF007", "TF305", "TF306"), False),
    "suppressed": (("DF004", "DF017", "DF900"), True),
}
SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

GPU_TEXT = """\
FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
ARG HF_TOKEN=not-a-real-token-but-a-secret-4242
RUN sudo apt-get install curl \\
    && pip install flask
"""
CLEAN_TEXT = 'FROM python:3.11-slim\nWORKDIR /app\nCMD ["python", "app.py"]\n'


# -- helpers ------------------------------------------------------------------------------------------------


def make_linter(select: Sequence[str] | None = None) -> Linter:
    registry = load_registry(include_plugins=False)
    return Linter(registry, registry.select(list(select) if select else None, []), LintOptions())


def lint(text: str | bytes, path: str, select: Sequence[str] | None = None) -> FileReport:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return make_linter(select).lint_bytes(data, path)


def write_and_lint(folder: Path, name: str, text: str | bytes, select: Sequence[str] | None = None) -> FileReport:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return lint(path.read_bytes(), str(path), select)


def render(reports: Sequence[FileReport], select: Sequence[str] | None = None, **kwargs: Any) -> dict[str, Any]:
    ctx = RenderContext(rules=make_linter(select).selected, **kwargs)
    return json.loads(render_sarif(reports, ctx))


def results_of(log: dict[str, Any]) -> list[dict[str, Any]]:
    return log["runs"][0]["results"]


def driver_of(log: dict[str, Any]) -> dict[str, Any]:
    return log["runs"][0]["tool"]["driver"]


def finding(rule_id: str = "DF001", line: int = 1, severity: Severity = Severity.WARNING, **kwargs: Any) -> Finding:
    return Finding(rule_id, kwargs.pop("rule_name", "apt-get-missing-yes"), severity, "a message", line, **kwargs)


_URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]*$")
_URI_REFERENCE_RE = re.compile(r"^(?:[^\s\"<>\\^`{|}%]|%[0-9A-Fa-f]{2})*$")


_DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _date_time(value: object) -> bool:
    if not isinstance(value, str) or not _DATE_TIME_RE.match(value):
        return False
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@functools.cache
def _validator(schema_path: Path) -> jsonschema.Draft4Validator:
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(lambda value: not isinstance(value, str) or bool(_URI_RE.match(value)))
    checker.checks("uri-reference")(lambda value: not isinstance(value, str) or bool(_URI_REFERENCE_RE.match(value)))
    checker.checks("date-time", raises=ValueError)(lambda value: not isinstance(value, str) or _date_time(value))
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=checker)


@pytest.fixture
def validator(shared: Path) -> jsonschema.Draft4Validator:
    """The official schema (draft-04) from ../shared, with real checks for ``uri``, ``uri-reference``, ``date-time``.

    Skipped (and reported as skipped) without ../shared.
    """
    return _validator(shared / "sarif" / "sarif-schema-2.1.0.json")


def assert_valid(validator: jsonschema.Draft4Validator, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


# -- schema validity of real outputs -----------------------------------------------------------------------


def test_the_validator_rejects_what_the_schema_forbids(validator: jsonschema.Draft4Validator, tmp_path: Path) -> None:
    log = render([write_and_lint(tmp_path, "Dockerfile", GPU_TEXT)], root=str(tmp_path))
    assert_valid(validator, log)
    result = log["runs"][0]["results"][0]
    result["level"] = "info"
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "my dir/Dockerfile"
    result["locations"][0]["physicalLocation"]["region"]["endColumn"] = 0
    log["runs"][0]["invocations"][0]["startTimeUtc"] = "yesterday"
    log["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri"
    failing = {tuple(error.absolute_path)[-1] for error in validator.iter_errors(log)}
    assert failing == {"level", "uri", "endColumn", "startTimeUtc", "informationUri"}


def test_no_findings_is_valid(validator: jsonschema.Draft4Validator, tmp_path: Path) -> None:
    report = write_and_lint(tmp_path, "Dockerfile", CLEAN_TEXT)
    assert report.findings == ()
    log = render([report], root=str(tmp_path))
    assert_valid(validator, log)
    run = log["runs"][0]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"], "rules[] lists every rule that ran, findings or not"
    assert run["artifacts"] == [
        {
            "location": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
            "roles": ["analysisTarget"],
            "sourceLanguage": "dockerfile",
        }
    ]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["invocations"][0]["toolExecutionNotifications"] == []


def test_many_findings_in_several_files_are_valid(validator: jsonschema.Draft4Validator, tmp_path: Path) -> None:
    reports = [
        write_and_lint(tmp_path, "Dockerfile", GPU_TEXT),
        write_and_lint(tmp_path, "services/api/Dockerfile.gpu", GPU_TEXT.replace("flask", "numpy")),
        write_and_lint(tmp_path, "clean/Dockerfile", CLEAN_TEXT),
        write_and_lint(tmp_path, "latest.Dockerfile", "FROM tensorflow/tensorflow:latest-gpu\nRUN pip install keras\n"),
    ]
    log = render(reports, root=str(tmp_path), exit_code=1)
    assert_valid(validator, log)
    results = results_of(log)
    assert len({r["ruleId"] for r in results}) >= 5
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "Dockerfile",
        "services/api/Dockerfile.gpu",
        "latest.Dockerfile",
    }
    assert [a["location"]["uri"] for a in log["runs"][0]["artifacts"]] == [
        "Dockerfile",
        "services/api/Dockerfile.gpu",
        "clean/Dockerfile",
        "latest.Dockerfile",
    ]
    for result in results:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert log["runs"][0]["artifacts"][location["index"]]["location"]["uri"] == location["uri"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"FROM python:3.11-slim\nENV TF_CPP_MIN_LOG_LEVEL\nRUN <<EOF\necho hi\n", id="syntax"),
        pytest.param("FROM python:3.11-slim\n".encode("utf-16"), id="utf-16"),
        pytest.param(b"FROM python:3.11-slim\nRUN echo \xff\xfe\n", id="invalid-utf-8"),
        pytest.param(b"", id="empty"),
    ],
)
def test_parse_errors_are_valid(validator: jsonschema.Draft4Validator, tmp_path: Path, data: bytes) -> None:
    report = write_and_lint(tmp_path, "Dockerfile", data)
    assert "DF000" in {f.rule_id for f in report.findings}
    log = render([report], root=str(tmp_path), exit_code=1)
    assert_valid(validator, log)
    df000 = [r for r in results_of(log) if r["ruleId"] == "DF000"]
    assert df000 and all(r["level"] == "error" for r in df000)
    for result in df000:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["endLine"] >= region["startLine"] >= 1
        assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_stdin_input_is_valid(validator: jsonschema.Draft4Validator, tmp_path: Path) -> None:
    report = lint(GPU_TEXT, "-")
    log = render([report], root=str(tmp_path), exit_code=1)
    assert_valid(validator, log)
    location = results_of(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "stdin"
    assert "uriBaseId" not in location, "standard input is not a file under %SRCROOT%"
    assert location["description"]["text"] == "standard input"
    # fingerprints come from the linted lines
    hashes = line_hashes(GPU_TEXT)
    for result in results_of(log):
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert result["partialFingerprints"]["primaryLocationLineHash"] == hashes[line]


def test_suppressed_findings_included_are_valid(validator: jsonschema.Draft4Validator, tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\n# tfimage-lint: ignore=DF004\nRUN pip install flask==3.0.0\nRUN pip install x==1\n"
    report = write_and_lint(tmp_path, "Dockerfile", text, ["DF004"])
    assert [f.line for f in report.suppressed] == [3]
    log = render([report], ["DF004"], root=str(tmp_path), include_suppressed=True)
    assert_valid(validator, log)


def test_notifications_and_invocation_details_are_valid(validator: jsonschema.Draft4Validator, tmp_path: Path) -> None:
    report = write_and_lint(tmp_path, "Dockerfile", GPU_TEXT)
    broken = FileReport(str(tmp_path / "weird.Dockerfile"), (), (), ("internal error while parsing: boom",))
    log = render(
        [report, broken],
        root=str(tmp_path),
        exit_code=2,
        errors=("missing.Dockerfile: cannot read: No such file or directory",),
        command_line=("tfimage-lint", "--format", "sarif", "my dir/Dockerfile"),
        start_time="2024-05-06T07:08:09.000000Z",
        end_time="2024-05-06T07:08:10.250000Z",
    )
    assert_valid(validator, log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    assert invocation["commandLine"] == "tfimage-lint --format sarif 'my dir/Dockerfile'"
    assert invocation["arguments"] == ["--format", "sarif", "my dir/Dockerfile"]
    assert invocation["startTimeUtc"] == "2024-05-06T07:08:09.000000Z"
    assert invocation["endTimeUtc"] == "2024-05-06T07:08:10.250000Z"
    notifications = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notifications] == ["error", "error"]
    assert notifications[0]["message"]["text"] == "missing.Dockerfile: cannot read: No such file or directory"
    assert notifications[1]["message"]["text"].endswith("weird.Dockerfile: internal error while parsing: boom")
    assert notifications[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "weird.Dockerfile"


def test_internal_errors_already_among_the_run_errors_are_not_repeated(tmp_path: Path) -> None:
    path = str(tmp_path / "Dockerfile")
    broken = FileReport(path, (), (), ("rule TF999 x crashed: ValueError: y",))
    log = render([broken], root=str(tmp_path), exit_code=2, errors=(f"{path}: rule TF999 x crashed: ValueError: y",))
    assert len(log["runs"][0]["invocations"][0]["toolExecutionNotifications"]) == 1


def test_cli_sarif_output_is_valid(validator: jsonschema.Draft4Validator, cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "Dockerfile").write_text(GPU_TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli(["--format", "sarif", "--sarif-category", "docker/gpu", "Dockerfile"])
    assert result.exit_code == 1, result.output
    log = json.loads(result.stdout)
    assert_valid(validator, log)
    run = log["runs"][0]
    assert run["automationDetails"] == {"id": "docker/gpu/"}
    assert run["invocations"][0]["exitCode"] == 1
    assert run["invocations"][0]["executionSuccessful"] is True
    assert {"startTimeUtc", "endTimeUtc", "commandLine"} <= set(run["invocations"][0])
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert results_of(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"


# -- tool.driver and rules[] --------------------------------------------------------------------------------


def test_driver_identifies_the_tool(tmp_path: Path) -> None:
    log = render([lint(CLEAN_TEXT, "Dockerfile")], root=str(tmp_path))
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(log["runs"]) == 1
    driver = driver_of(log)
    assert driver["name"] == "tfimage-lint"
    assert driver["version"] == __version__
    assert driver["semanticVersion"] == __version__
    assert SEMVER_RE.match(driver["semanticVersion"])
    assert driver["informationUri"] == PROJECT_URL == "https://github.com/tfimage-lint/tfimage-lint"
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_rules_are_the_rules_that_ran_sorted_by_id(tmp_path: Path) -> None:
    select = ["TF305", "DF001", "DF007", "TF101"]
    log = render([lint(GPU_TEXT, "Dockerfile", select)], select, root=str(tmp_path))
    ids = [rule["id"] for rule in driver_of(log)["rules"]]
    assert ids == sorted({*select, "DF000"})  # DF000 cannot be turned off
    for result in results_of(log):
        assert driver_of(log)["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


@pytest.mark.parametrize("rule", sorted(builtin_rules(), key=lambda r: r.id), ids=lambda r: r.id)
def test_every_rule_descriptor_is_complete(rule: type[Rule]) -> None:
    descriptor = rule_descriptor(rule)
    assert descriptor["id"] == rule.id
    assert descriptor["name"] == rule.name
    assert descriptor["shortDescription"]["text"] == rule.summary()
    what = descriptor["fullDescription"]["text"]
    assert 0 < len(what) <= MAX_DESCRIPTION
    first_words = " ".join(rule.sections()["What it does"].split()[:8])
    assert " ".join(what.split()[:8]) == first_words
    help_text, help_markdown = descriptor["help"]["text"], descriptor["help"]["markdown"]
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert section in help_text
        assert f"## {section}" in help_markdown
    assert "```dockerfile" in help_markdown and "```" not in help_text
    assert rule.example_blocks("Example")[0].splitlines()[0] in help_text
    for item in rule.see_also:
        assert item in help_text and item in help_markdown
    assert descriptor["helpUri"] == f"{PROJECT_URL}/blob/main/docs/rules/{rule.id}.md"
    assert descriptor["helpUri"] in help_markdown
    assert descriptor["defaultConfiguration"]["level"] == LEVELS[rule.severity.value]
    properties = descriptor["properties"]
    tags = properties["tags"]
    assert 0 < len(tags) <= MAX_TAGS == 20
    assert len(set(tags)) == len(tags) and all(tag and tag == tag.strip() for tag in tags)
    assert tags[-1] == "dockerfile"
    assert properties["precision"] in {"very-high", "high", "medium", "low"}
    if "security" in tags:
        score = properties["security-severity"]
        assert isinstance(score, str) and 0.0 < float(score) <= 10.0 and re.match(r"^\d+\.\d$", score)
        assert "problem.severity" not in properties
    else:
        assert "security-severity" not in properties
        assert properties["problem.severity"] in {"error", "warning", "recommendation"}
    if rule.see_also:
        assert properties["see_also"] == list(rule.see_also)
    else:
        assert "see_also" not in properties


def test_the_taxonomy_table_covers_exactly_the_builtin_rules() -> None:
    assert set(RULE_TAXONOMY) == {rule.id for rule in builtin_rules()}


def test_tags_precision_and_security_severity_decisions() -> None:
    rules = {rule.id: rule_descriptor(rule)["properties"] for rule in builtin_rules()}
    security = {rule_id: p["security-severity"] for rule_id, p in rules.items() if "security-severity" in p}
    assert security == {"TF305": "8.0", "TF502": "6.0", "DF008": "5.0", "DF007": "4.0", "TF203": "4.0"}
    assert rules["TF305"]["tags"][:2] == ["security", "secrets"]
    assert "external/cwe/cwe-798" in rules["TF305"]["tags"]
    for rule_id, properties in rules.items():
        tags = properties["tags"]
        if rule_id.startswith("DF"):
            assert "hygiene" in tags
        elif rule_id.startswith("TF5"):
            assert "policy" in tags
        else:
            assert "tensorflow" in tags
    for rule_id in ("TF101", "TF102", "DF017", "DF018"):
        assert "reproducibility" in rules[rule_id]["tags"]
    for rule_id in ("TF105", "TF202", "TF209", "TF401"):
        assert "gpu" in rules[rule_id]["tags"]
    assert "cuda" in rules["TF209"]["tags"] and "nvidia-cuda" in rules["TF209"]["tags"], "the rule's family"
    assert {"ngc-tensorflow", "dockerhub-tensorflow"} <= set(rules["TF105"]["tags"])
    medium = {rule_id for rule_id, p in rules.items() if p["precision"] == "medium"}
    assert medium == {"TF103", "TF104", "TF105", "TF207", "TF208", "TF209", "TF401", "TF402", "DF020"}
    assert {rule_id for rule_id, p in rules.items() if p["precision"] == "very-high"} == {"DF000", "DF021", "DF022"}
    assert rules["DF002"]["problem.severity"] == "recommendation"


def test_help_uris_name_existing_docs_pages() -> None:
    docs = ROOT / "docs" / "rules"
    if not docs.is_dir():
        pytest.skip("docs/rules/ is not generated in this checkout")
    for rule in builtin_rules():
        assert (docs / f"{rule.id}.md").is_file(), rule_descriptor(rule)["helpUri"]


def test_help_links_hadolint_counterparts() -> None:
    rule = next(r for r in builtin_rules() if r.id == "DF007")
    markdown = rule_descriptor(rule)["help"]["markdown"]
    assert "[hadolint DL3004](https://github.com/hadolint/hadolint/wiki/DL3004)" in markdown


class _PluginRule(Rule):
    """A plugin rule with a lot to say.

    ## What it does
    {what}

    ## Why is this bad?
    Because.

    ## Example
    ```dockerfile
    FROM scratch
    ```

    ## Use instead
    ```dockerfile
    FROM scratch
    ```
    """

    id = "XY123"
    name = "x" * 300
    severity = Severity.INFO
    families: ClassVar[frozenset[str]] = frozenset(f"family-{n:02d}" for n in range(30))

    def check(self, ctx: RuleContext):  # pragma: no cover - never run
        yield from ()


_PluginRule.__doc__ = (_PluginRule.__doc__ or "").replace("{what}", "Reports a long story. " * 100)


def test_long_texts_and_many_tags_are_cut_to_githubs_limits(validator: jsonschema.Draft4Validator) -> None:
    descriptor = rule_descriptor(_PluginRule)
    text = descriptor["fullDescription"]["text"]
    assert len(text) <= MAX_DESCRIPTION
    assert "shortened to fit GitHub's limit" in text and descriptor["helpUri"] in text
    assert text.startswith("Reports a long story. Reports")
    assert len(descriptor["name"]) == 255
    assert len(descriptor["properties"]["tags"]) == MAX_TAGS
    assert descriptor["properties"]["precision"] == "medium", "a rule the table does not know"
    log = json.loads(render_sarif([], RenderContext(rules=(_PluginRule,))))
    assert_valid(validator, log)


def test_results_of_rules_that_did_not_run_still_get_descriptors(validator: jsonschema.Draft4Validator) -> None:
    report = FileReport(
        "Dockerfile",
        (finding("DF001"), finding("ZZ999", line=2, rule_name="from-a-plugin")),
        ("RUN apt-get install x", "RUN y"),
    )
    log = json.loads(render_sarif([report], RenderContext()))
    assert_valid(validator, log)
    rules = driver_of(log)["rules"]
    assert [rule["id"] for rule in rules] == ["DF001", "ZZ999"]
    assert rules[0]["helpUri"].endswith("/DF001.md")
    assert rules[1]["name"] == "from-a-plugin" and rules[1]["shortDescription"]["text"]
    assert [r["ruleIndex"] for r in results_of(log)] == [0, 1]


# -- results ------------------------------------------------------------------------------------------------


def test_result_fields_regions_and_levels(tmp_path: Path) -> None:
    text = (
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
        "ARG HF_TOKEN=not-a-real-token-but-a-secret-4242\n"
        "RUN apt-get update && \\\n"
        "    apt-get install -y curl\n"
        "ENV TF_CPP_MIN_LOG_LEVEL=3\n"
    )
    report = write_and_lint(tmp_path, "Dockerfile", text, ["TF305", "DF002", "DF003", "TF306"])
    log = render([report], ["TF305", "DF002", "DF003", "TF306"], root=str(tmp_path))
    by_rule = {r["ruleId"]: r for r in results_of(log)}
    assert set(by_rule) == {"TF305", "DF002", "DF003", "TF306"}
    findings = {f.rule_id: f for f in report.findings}
    for rule_id, result in by_rule.items():
        assert result["level"] == LEVELS[findings[rule_id].severity.value]
        assert result["message"]["text"] == findings[rule_id].message
        assert len(result["locations"]) == 1
        assert "suppressions" not in result
    assert by_rule["DF002"]["level"] == "note"
    # TF305 points at the name: columns 5..13 (exclusive end), as the finding says
    assert by_rule["TF305"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2,
        "startColumn": 5,
        "endLine": 2,
        "endColumn": 13,
    }
    # a finding without an end column ends at the end of its last line
    df003 = findings["DF003"]
    region = by_rule["DF003"]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (df003.line, df003.column)
    assert region["endLine"] == (df003.end_line or df003.line)
    assert region["endColumn"] == len(text.splitlines()[region["endLine"] - 1]) + 1


def test_multi_line_regions_end_at_the_end_of_the_last_line() -> None:
    lines = ("RUN a \\", "    && b", "CMD x")
    report = FileReport("Dockerfile", (finding(line=1, column=5, end_line=2),), lines)
    region = json.loads(render_sarif([report], RenderContext()))["runs"][0]["results"][0]["locations"][0]
    assert region["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 5, "endLine": 2, "endColumn": 9}


def test_regions_stay_well_formed_on_odd_positions() -> None:
    report = FileReport(
        "Dockerfile",
        (
            finding(line=1, column=40),  # past the end of the line
            finding(line=9, column=1),  # past the end of the file
            finding(line=1, column=3, end_column=2),  # end before start
        ),
        ("RUN x",),
    )
    regions = [
        r["locations"][0]["physicalLocation"]["region"]
        for r in json.loads(render_sarif([report], RenderContext()))["runs"][0]["results"]
    ]
    for region in regions:
        assert region["endLine"] >= region["startLine"]
        assert region["endLine"] > region["startLine"] or region["endColumn"] >= region["startColumn"]
    assert {"startLine": 1, "startColumn": 40, "endLine": 1, "endColumn": 40} in regions
    assert {"startLine": 1, "startColumn": 3, "endLine": 1, "endColumn": 3} in regions
    assert {"startLine": 9, "startColumn": 1, "endLine": 9, "endColumn": 1} in regions


def test_no_secret_and_no_source_in_the_output(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim\n"
        f"ARG HF_TOKEN={SECRET}\n"
        "RUN pip install --extra-index-url https://me:Sup3rS3cretPassw0rd@pypi.corp.example/simple uniquepkg==1\n"
    )
    report = write_and_lint(tmp_path, "Dockerfile", text)
    assert [f.line for f in report.findings if f.rule_id == "TF305"] == [2, 3]
    output = render_sarif([report], RenderContext(rules=make_linter().selected, root=str(tmp_path)))
    assert SECRET not in output and "Sup3rS3cretPassw0rd" not in output
    assert "uniquepkg==1" not in output.replace("`pip install", ""), "no source line is copied"
    assert '"snippet"' not in output and '"contextRegion"' not in output


def test_message_control_characters_are_escaped() -> None:
    odd = Finding("DF001", "apt-get-missing-yes", Severity.WARNING, "bad \x1b[31m\u202ename", 1)
    report = FileReport("Dockerfile", (odd,), ("x",))
    text = json.loads(render_sarif([report], RenderContext()))["runs"][0]["results"][0]["message"]["text"]
    assert text == "bad \\x1b[31m\\u202ename"


# -- locations ----------------------------------------------------------------------------------------------


def test_uris_are_relative_posix_and_percent_encoded(tmp_path: Path) -> None:
    report = write_and_lint(tmp_path, "my dir/Dockerfile.gpü#1", GPU_TEXT)
    log = render([report], root=str(tmp_path))
    location = results_of(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "my%20dir/Dockerfile.gp%C3%BC%231", "uriBaseId": "%SRCROOT%", "index": 0}
    assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    assert log["runs"][0]["invocations"][0]["workingDirectory"]["uri"] == tmp_path.as_uri() + "/"


def test_relative_report_paths_are_relative_to_the_root(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text(GPU_TEXT, encoding="utf-8")
    report = lint(GPU_TEXT, os.path.join("sub", "Dockerfile"))
    log = render([report], root=str(tmp_path))
    location = results_of(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "sub/Dockerfile"
    assert location["uriBaseId"] == "%SRCROOT%"


def test_files_outside_the_root_get_absolute_file_uris(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    root = tmp_path / "repo"
    root.mkdir()
    report = write_and_lint(outside, "Dockerfile", GPU_TEXT)
    log = render([report], root=str(root))
    location = results_of(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == (outside / "Dockerfile").as_uri()
    assert "uriBaseId" not in location


def test_category_becomes_automation_details(tmp_path: Path) -> None:
    report = lint(CLEAN_TEXT, "Dockerfile")
    assert render([report], root=str(tmp_path))["runs"][0]["automationDetails"] == {"id": "tfimage-lint/"}
    custom = render([report], root=str(tmp_path), sarif_category="dockerfiles")
    assert custom["runs"][0]["automationDetails"] == {"id": "dockerfiles/"}, "a trailing / keeps it a category"
    assert "automationDetails" not in render([report], root=str(tmp_path), sarif_category="")["runs"][0]


@pytest.mark.parametrize(("exit_code", "successful"), [(0, True), (1, True), (2, False)])
def test_execution_successful_follows_the_exit_code(tmp_path: Path, exit_code: int, successful: bool) -> None:
    invocation = render([lint(CLEAN_TEXT, "Dockerfile")], root=str(tmp_path), exit_code=exit_code)["runs"][0]
    assert invocation["invocations"][0]["executionSuccessful"] is successful
    assert invocation["invocations"][0]["exitCode"] == exit_code
    assert not {"commandLine", "startTimeUtc", "endTimeUtc"} & set(invocation["invocations"][0])


# -- suppressions -------------------------------------------------------------------------------------------


SUPPRESSED_TEXT = (
    "FROM python:3.11-slim\n# tfimage-lint: ignore=DF004\nRUN pip install flask==3.0.0\nRUN pip install x==1\n"
)


def test_suppressed_findings_are_left_out_by_default(tmp_path: Path) -> None:
    report = write_and_lint(tmp_path, "Dockerfile", SUPPRESSED_TEXT, ["DF004"])
    results = results_of(render([report], ["DF004"], root=str(tmp_path)))
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [4]
    assert all("suppressions" not in r for r in results)


def test_included_suppressed_findings_carry_in_source_suppressions(tmp_path: Path) -> None:
    report = write_and_lint(tmp_path, "Dockerfile", SUPPRESSED_TEXT, ["DF004"])
    results = results_of(render([report], ["DF004"], root=str(tmp_path), include_suppressed=True))
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    assert lines == [3, 4]
    assert [r["suppressions"] for r in results] == [[{"kind": "inSource"}], []]


# -- GitHub's result limit ----------------------------------------------------------------------------------


def test_the_result_limit_is_githubs() -> None:
    assert sarif.MAX_RESULTS == 25_000


def test_results_over_the_limit_keep_the_most_important(monkeypatch, validator: jsonschema.Draft4Validator) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 4)
    lines = tuple(f"RUN step{n}" for n in range(1, 9))
    b_findings = (
        finding("DF002", 1, Severity.INFO, rule_name="apt-no-install-recommends"),
        finding("DF007", 2, Severity.ERROR, rule_name="sudo-in-run"),
        finding("DF001", 3, Severity.WARNING),
    )
    a_findings = (
        finding("DF001", 1, Severity.WARNING),
        finding("DF007", 5, Severity.ERROR, rule_name="sudo-in-run"),
        finding("DF002", 6, Severity.INFO, rule_name="apt-no-install-recommends"),
    )
    reports = [
        FileReport("b/Dockerfile", b_findings, lines, suppressed=(finding("DF007", 8, Severity.ERROR),)),
        FileReport("a/Dockerfile", a_findings, lines),
    ]
    log = json.loads(render_sarif(reports, RenderContext(include_suppressed=True)))
    assert_valid(validator, log)
    kept = [
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"], r["level"])
        for r in results_of(log)
    ]
    # errors first, then warnings by path; the output keeps file and line order
    assert kept == [
        ("b/Dockerfile", "DF007", "error"),
        ("b/Dockerfile", "DF001", "warning"),
        ("a/Dockerfile", "DF001", "warning"),
        ("a/Dockerfile", "DF007", "error"),
    ]
    notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notifications[-1]["level"] == "warning"
    assert "at most 4 results per run: 3 of 7 results were left out" in notifications[-1]["message"]["text"]


# -- fingerprints -------------------------------------------------------------------------------------------

#: Inputs and expected hashes from github/codeql-action, src/fingerprints.test.ts (test "hash").
CODEQL_ACTION_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *[
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ],
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            *(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)),
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
    (
        "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
        [
            "e54938cc54b302f1:1",
            "bb609acbe9138d60:1",
            "1131fd5871777f34:1",
            "5c482a0f8b35ea28:1",
            "54517377da7028d2:1",
            "2c644846cb18d53e:1",
            "f1b89f20de0d133:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CODEQL_ACTION_VECTORS)
def test_line_hashes_match_githubs_codeql_action(text: str, expected: list[str]) -> None:
    hashes = line_hashes(text)
    assert [hashes[n] for n in range(1, len(hashes) + 1)] == expected
    assert len(hashes) == len(re.split(r"\r\n|\r|\n", text))


def test_line_hash_properties() -> None:
    text = "FROM python:3.11-slim\nRUN pip install flask\nCMD x\n"
    hashes = line_hashes(text)
    assert line_hashes(text) == hashes, "same content, same hashes"
    moved = line_hashes("# a comment\n\nLABEL a=b\n" + text)
    assert [moved[n] for n in (4, 5, 6)] == [hashes[n] for n in (1, 2, 3)], "lines added above change nothing"
    spaced = line_hashes("FROM   python:3.11-slim\n\tRUN pip install   flask  \nCMD x\n")
    assert spaced == hashes, "spaces and tabs are ignored"
    assert line_hashes(text.replace("\n", "\r\n")) == hashes, "line endings are ignored"
    assert line_hashes(text.replace("flask", "numpy"))[3] == hashes[3]
    assert line_hashes(text.replace("flask", "numpy"))[2] != hashes[2]
    repeated = line_hashes(("RUN echo " + "x" * 100 + "\n") * 3)  # each line fills the 100-character window
    assert repeated[2] == repeated[1].replace(":1", ":2") and repeated[1].endswith(":1")
    assert line_hashes("FROM gpü\U0001f600\n")[1] != line_hashes("FROM gpu\n")[1]


def test_fingerprints_hash_the_file_on_disk(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfFROM python:3.11\r\nRUN sudo ls"  # a BOM, CRLF, no final newline
    report = write_and_lint(tmp_path, "Dockerfile", data, ["DF007"])
    (result,) = results_of(render([report], ["DF007"], root=str(tmp_path)))
    expected = line_hashes(data.decode("utf-8"))[2]
    assert result["partialFingerprints"]["primaryLocationLineHash"] == expected
    assert expected != line_hashes("FROM python:3.11\nRUN sudo ls\n")[2], "the missing final newline counts"


def test_fingerprints_use_the_linted_lines_when_the_file_changed(tmp_path: Path) -> None:
    text = "FROM python:3.11\nRUN sudo ls\n"
    report = write_and_lint(tmp_path, "Dockerfile", text, ["DF007"])
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nRUN sudo ls\nRUN echo changed\n", encoding="utf-8")
    (result,) = results_of(render([report], ["DF007"], root=str(tmp_path)))
    assert result["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(text)[2]


# -- golden files and determinism ---------------------------------------------------------------------------


def _golden_log(name: str) -> str:
    select, include_suppressed = GOLDEN[name]
    path = FIXTURES / f"{name}.Dockerfile"
    report = make_linter(select).lint_bytes(path.read_bytes(), str(path))
    ctx = RenderContext(
        rules=make_linter(select).selected,
        exit_code=1,
        root=str(FIXTURES),
        include_suppressed=include_suppressed,
        start_time="2024-05-06T07:08:09.000000Z",
        end_time="2024-05-06T07:08:10.250000Z",
    )
    return render_sarif([report], ctx)


def _normalised(text: str) -> dict[str, Any]:
    log = json.loads(text.replace(FIXTURES.as_uri(), "file:///SRCROOT"))
    driver = log["runs"][0]["tool"]["driver"]
    driver["version"] = driver["semanticVersion"] = "<version>"
    for rule in driver["rules"]:
        for key in ("shortDescription", "fullDescription"):
            rule[key]["text"] = "<from the rule's docs>"
        rule["help"] = {"text": "<from the rule's docs>", "markdown": "<from the rule's docs>"}
    return log


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_files(name: str, validator: jsonschema.Draft4Validator) -> None:
    text = _golden_log(name)
    assert_valid(validator, json.loads(text))
    assert text == _golden_log(name), "deterministic"
    golden = FIXTURES / f"{name}.sarif"
    normalised = json.dumps(_normalised(text), indent=2, sort_keys=True) + "\n"
    if UPDATE_GOLDEN:
        golden.write_text(normalised, encoding="utf-8")
    assert golden.is_file(), f"run TFIMAGE_LINT_UPDATE_GOLDEN=1 pytest {Path(__file__).name}"
    assert json.loads(normalised) == json.loads(golden.read_text(encoding="utf-8"))
    assert normalised == golden.read_text(encoding="utf-8")
    assert SECRET not in text
