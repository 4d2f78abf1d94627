"""The CI formats: github (workflow commands), junit, gitlab (Code Quality), checkstyle.

Golden files: ``tests/fixtures/formats/<format>.<ext>`` hold the reports of the Dockerfiles under
``tests/fixtures/formats/inputs/`` (plus one from standard input) linted through the real engine.
Regenerate them after a deliberate change with ``TFIMAGE_LINT_UPDATE_GOLDEN=1 pytest tests/test_reporters_formats.py``
and review the diff. Every format is also read back with a real parser for it.
"""

from __future__ import annotations

import json
import os
import re
import xml.dom.minidom
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from tfimage_lint.engine import FileReport, Linter, LintOptions
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.registry import load_registry
from tfimage_lint.reporters.checkstyle import render_checkstyle
from tfimage_lint.reporters.context import RenderContext
from tfimage_lint.reporters.dispatch import render
from tfimage_lint.reporters.github import render_github
from tfimage_lint.reporters.gitlab import render_gitlab
from tfimage_lint.reporters.junit import render_junit

FORMATS_DIR = Path(__file__).parent / "fixtures" / "formats"
INPUTS = FORMATS_DIR / "inputs"
UPDATE_GOLDEN = os.environ.get("TFIMAGE_LINT_UPDATE_GOLDEN") == "1"
#: Rules whose messages the golden files hold (a fixed set, so unrelated rule work does not churn them).
GOLDEN_RULES = ("DF000", "DF001", "DF002", "DF003", "DF004", "DF010", "DF017", "TF305", "TF306")
GOLDEN_FILES = ("clean.Dockerfile", "app/Dockerfile", "broken/Dockerfile", "info.Dockerfile")
STDIN_TEXT = "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask \\\n    requests==2.31.0\n"
#: The credential written in inputs/app/Dockerfile: no format may print it.
SECRET = "fixture-secret-do-not-print-4711"
TOOL_ERROR = "missing.Dockerfile: cannot read: No such file or directory"
#: How the golden reports' paths are rendered (relative to INPUTS; standard input last).
NAMES = [*GOLDEN_FILES, "-"]
GOLDEN_CTX = RenderContext(
    exit_code=2,
    fail_on="warning",
    root=str(INPUTS),
    errors=(TOOL_ERROR,),
    start_time="2024-05-06T07:08:09.000000Z",
    end_time="2024-05-06T07:08:10.250000Z",
)

Renderer = Callable[[Sequence[FileReport], RenderContext], str]
RENDERERS: dict[str, Renderer] = {
    "github": render_github,
    "junit": render_junit,
    "gitlab": render_gitlab,
    "checkstyle": render_checkstyle,
}
EXTENSIONS = {"github": "txt", "junit": "xml", "gitlab": "json", "checkstyle": "xml"}
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def make_linter(select: Sequence[str] | None = GOLDEN_RULES) -> Linter:
    registry = load_registry(include_plugins=False)
    return Linter(registry, registry.select(list(select) if select else None, []), LintOptions())


def lint_file(name: str, linter: Linter | None = None) -> FileReport:
    """The report of ``inputs/<name>``, under its absolute path (rendered relative to INPUTS)."""
    path = INPUTS / name
    return (linter or make_linter()).lint_bytes(path.read_bytes(), str(path))


def lint_text(text: str, path: str = "-", select: Sequence[str] | None = GOLDEN_RULES) -> FileReport:
    return make_linter(select).lint_bytes(text.encode("utf-8"), path)


def golden_reports() -> list[FileReport]:
    linter = make_linter()
    return [*(lint_file(name, linter) for name in GOLDEN_FILES), lint_text(STDIN_TEXT)]


def finding(message: str, *, severity: Severity = Severity.WARNING, line: int = 2, **kwargs: object) -> Finding:
    values: dict[str, object] = {"column": 5, "end_line": line, "end_column": 9}
    values.update(kwargs)
    return Finding("DF004", "pip-no-cache-dir", severity, message, line, **values)  # type: ignore[arg-type]


def ctx_for(tmp_root: Path | str = ".", **kwargs: object) -> RenderContext:
    return RenderContext(root=str(tmp_root), **kwargs)  # type: ignore[arg-type]


# -- readers: a real parser for each format ------------------------------------------------------

#: A workflow command as the Actions runner reads it: ``::name`` then optional ``key=value,...`` then ``::data``.
COMMAND_RE = re.compile(r"^::(?P<command>[A-Za-z][A-Za-z0-9-]*)(?: (?P<properties>[^:]*))?::(?P<data>.*)$")


def unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse_github(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Every line must be a workflow command: (command, properties, message), all unescaped."""
    commands = []
    assert output == "" or output.endswith("\n")
    for line in output.splitlines():
        match = COMMAND_RE.match(line)
        assert match, f"not a workflow command: {line!r}"
        properties: dict[str, str] = {}
        if match["properties"]:
            for pair in match["properties"].split(","):
                key, eq, value = pair.partition("=")
                assert eq and key, f"malformed property {pair!r} in {line!r}"
                assert key not in properties
                properties[key] = unescape_property(value)
        commands.append((match["command"], properties, unescape_data(match["data"])))
    return commands


def parse_xml(output: str) -> ET.Element:
    """Parse with two real parsers (ElementTree and minidom); the document must be ASCII with a declaration."""
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    output.encode("ascii")
    xml.dom.minidom.parseString(output.encode("utf-8"))
    return ET.fromstring(output.encode("utf-8"))


def parse_junit(output: str) -> ET.Element:
    """Parse and validate the JUnit structure GitLab, Jenkins and Azure read."""
    root = parse_xml(output)
    assert root.tag == "testsuites"
    assert root.get("name") == "tfimage-lint"
    suites = list(root)
    assert [suite.tag for suite in suites] == ["testsuite"]
    (suite,) = suites
    cases = list(suite)
    assert all(case.tag == "testcase" for case in cases)
    failures = errors = 0
    for case in cases:
        assert case.get("classname") == "tfimage-lint"
        assert case.get("name")
        kinds = [child.tag for child in case]
        assert set(kinds) <= {"failure", "error", "system-out"}
        assert kinds.count("failure") + kinds.count("error") <= 1, "at most one failure or error per testcase"
        for child in case:
            if child.tag in ("failure", "error"):
                assert child.get("type") and child.get("message")
        failures += "failure" in kinds
        errors += "error" in kinds
    for element in (root, suite):
        assert int(element.get("tests", "-1")) == len(cases)
        assert int(element.get("failures", "-1")) == failures
        assert int(element.get("errors", "-1")) == errors
    assert suite.get("skipped") == "0"
    return root


def junit_cases(output: str) -> dict[str, ET.Element]:
    root = parse_junit(output)
    return {case.get("name", ""): case for case in root.iter("testcase")}


def parse_checkstyle(output: str) -> ET.Element:
    root = parse_xml(output)
    assert root.tag == "checkstyle"
    assert root.get("version") == "4.3"
    for file in root:
        assert file.tag == "file" and file.get("name")
        for error in file:
            assert error.tag == "error"
            assert int(error.get("line", "0")) >= 1
            assert error.get("severity") in ("error", "warning", "info")
            assert (error.get("source") or "").startswith("tfimage-lint.")
            assert error.get("message")
    return root


def parse_gitlab(output: str) -> list[dict[str, object]]:
    issues = json.loads(output)
    output.encode("ascii")
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        assert issue["severity"] in GITLAB_SEVERITIES
        location = issue["location"]
        assert isinstance(location["path"], str) and location["path"]
        lines = location["lines"]
        assert isinstance(lines["begin"], int) and lines["begin"] >= 1
        assert isinstance(lines["end"], int) and lines["end"] >= lines["begin"]
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints), "GitLab shows one issue per fingerprint"
    return issues


def messages_of(name: str, output: str) -> list[str]:
    """The messages as a reader of the format gets them back (junit: the failure's text)."""
    if name == "github":
        return [message for _, _, message in parse_github(output)]
    if name == "gitlab":
        return [str(issue["description"]) for issue in parse_gitlab(output)]
    if name == "checkstyle":
        return [error.get("message") or "" for error in parse_checkstyle(output).iter("error")]
    return [element.text or "" for element in parse_junit(output).iter("failure")]


PARSERS: dict[str, Callable[[str], object]] = {
    "github": parse_github,
    "junit": parse_junit,
    "gitlab": parse_gitlab,
    "checkstyle": parse_checkstyle,
}


# -- golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_golden(name: str) -> None:
    output = render(name, golden_reports(), GOLDEN_CTX)
    golden = FORMATS_DIR / f"{name}.{EXTENSIONS[name]}"
    if UPDATE_GOLDEN:
        golden.write_text(output, encoding="utf-8", newline="\n")
    assert output == golden.read_text(encoding="utf-8"), f"{golden.name} is stale: see this module's docstring"
    PARSERS[name](output)


def test_golden_inputs_cover_the_cases() -> None:
    reports = golden_reports()
    clean, app, broken, info, stdin = reports
    assert clean.findings == ()
    assert len(app.findings) >= 6
    assert {f.severity for f in app.findings} == {Severity.ERROR, Severity.WARNING, Severity.INFO}
    assert {f.rule_id for f in broken.findings} == {"DF000"}
    assert stdin.path == "-" and stdin.findings
    assert info.findings and {f.severity for f in info.findings} == {Severity.INFO}
    assert any(f.redact_source for f in app.findings), "TF305 marks the secret's line"
    assert SECRET in "".join(app.source_lines)


# -- every format -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_renderers_are_dispatched_by_name(name: str) -> None:
    reports = golden_reports()
    assert render(name, reports, GOLDEN_CTX) == RENDERERS[name](reports, GOLDEN_CTX)


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_no_secret_and_no_source_text_in_any_format(name: str) -> None:
    reports = golden_reports()
    output = RENDERERS[name](reports, GOLDEN_CTX)
    assert SECRET not in output
    assert "do-not-print" not in output
    # a synthetic finding that marks its lines as secret, with a source line nobody prints
    secret_report = FileReport(
        "Dockerfile",
        (finding("credential in ENV", severity=Severity.ERROR, redact_source=True),),
        ("FROM python:3.11-slim", "ENV PASSWORD=hunter2-s3cr3t"),
    )
    assert "hunter2-s3cr3t" not in RENDERERS[name]([secret_report], ctx_for())


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_odd_messages_parse_in_every_format(name: str) -> None:
    messages = [
        "a <tag> & \"quoted\" 'single' 100% done",
        "colon: comma, percent %0A literal %25",
        "two\nlines\r\nand a CR\rend",
        "non-ASCII: héllo 日本語 ✓ 𝔘",
        "controls: \x00 \x1b[31m \x7f \x85 \ufffe \uffff \udc80 tab\there",
        "::error::nested command and ]]> cdata end",
    ]
    findings = tuple(finding(message, line=index + 2) for index, message in enumerate(messages))
    report = FileReport("odd dir,x/a:b é.Dockerfile", findings, ("FROM scratch",) * 10)
    output = RENDERERS[name]([report], ctx_for())
    assert "\x1b" not in output and "\x00" not in output
    shown = messages_of(name, output)
    path = "odd dir,x/a:b é.Dockerfile"
    controls = "controls: \\x00 \\x1b[31m \\x7f \\x85 \\ufffe \\uffff \\udc80 tab\\x09here"
    if name == "github":  # noncharacters are not controls: the log shows them as they are
        expected = [*messages[:4], controls.replace("\\ufffe \\uffff", "\ufffe \uffff"), messages[5]]
    elif name == "gitlab":  # JSON carries every character as it is, but a lone surrogate
        expected = [f"DF004 pip-no-cache-dir: {message}".replace("\udc80", "\\udc80") for message in messages]
    else:  # XML keeps tabs (attributes as &#09;); element text has its line breaks normalised
        expected = [*messages[:4], controls.replace("\\x09", "\t"), messages[5]]
    if name == "junit":  # the failure's text: one line per finding, after its location
        body = "\n".join(f"{path}:{i + 2}:5: warning DF004 pip-no-cache-dir: {m}" for i, m in enumerate(expected))
        expected = [body.replace("\r\n", "\n").replace("\r", "\n")]
    assert shown == expected


def _stdin_report() -> FileReport:
    return lint_text(STDIN_TEXT)


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_no_findings(name: str) -> None:
    report = lint_file("clean.Dockerfile")
    assert report.findings == ()
    output = RENDERERS[name]([report], ctx_for(INPUTS))
    PARSERS[name](output)
    if name == "github":
        assert output == ""
    if name == "gitlab":
        assert json.loads(output) == []
    PARSERS[name](RENDERERS[name]([], ctx_for(INPUTS)))


# -- github ---------------------------------------------------------------------------------------


def test_github_commands_round_trip_to_the_findings() -> None:
    reports = golden_reports()
    commands = parse_github(render_github(reports, GOLDEN_CTX))
    expected = [(report, f) for report in reports for f in report.findings]
    assert len(commands) == len(expected) + 1  # plus the tool error
    for (command, properties, message), (report, f) in zip(commands, expected, strict=False):
        assert command == {"error": "error", "warning": "warning", "info": "notice"}[f.severity.value]
        assert message == f.message
        assert properties["title"] == f"{f.rule_id} {f.rule_name}"
        assert properties["line"] == str(f.line)
        assert properties["endLine"] == str(f.end_line or f.line)
        if report.path == "-":
            assert "file" not in properties
        else:
            assert properties["file"] == Path(report.path).relative_to(INPUTS).as_posix()
    assert commands[-1] == ("error", {"title": "tfimage-lint"}, TOOL_ERROR)


def test_github_escaping_round_trips_messages_and_paths() -> None:
    message = '100% sure: a, b\nsecond line\r\nthird %0A literal <&> "q" héllo'
    report = FileReport("sub,dir/we:ird%.Dockerfile", (finding(message),))
    output = render_github([report], ctx_for())
    assert output.count("\n") == 1, "one line per command"
    ((command, properties, text),) = parse_github(output)
    assert (command, text) == ("warning", message)
    assert properties == {
        "file": "sub,dir/we:ird%.Dockerfile",
        "line": "2",
        "endLine": "2",
        "col": "5",
        "endColumn": "9",
        "title": "DF004 pip-no-cache-dir",
    }
    line = output.rstrip("\n")
    assert "file=sub%2Cdir/we%3Aird%25.Dockerfile," in line
    assert line.endswith('::100%25 sure: a, b%0Asecond line%0D%0Athird %250A literal <&> "q" héllo')


def test_github_control_characters_are_made_visible() -> None:
    report = FileReport("Dockerfile", (finding("red \x1b[31m bell \x07 tab\tend"),))
    ((_, _, text),) = parse_github(render_github([report], ctx_for()))
    assert text == "red \\x1b[31m bell \\x07 tab\\x09end"


def test_github_multi_line_finding_has_no_columns() -> None:
    report = FileReport("Dockerfile", (finding("spans", line=2, end_line=4, end_column=3),))
    ((_, properties, _),) = parse_github(render_github([report], ctx_for()))
    assert properties == {"file": "Dockerfile", "line": "2", "endLine": "4", "title": "DF004 pip-no-cache-dir"}


def test_github_finding_without_end_column_or_end_line() -> None:
    report = FileReport("Dockerfile", (finding("point", end_line=None, end_column=None),))
    ((_, properties, _),) = parse_github(render_github([report], ctx_for()))
    assert properties == {"file": "Dockerfile", "line": "2", "endLine": "2", "col": "5", "title": properties["title"]}


def test_github_severities() -> None:
    findings = tuple(finding(s.value, severity=s, line=i + 1) for i, s in enumerate(Severity))
    commands = parse_github(render_github([FileReport("Dockerfile", findings)], ctx_for()))
    assert [(c, m) for c, _, m in commands] == [("error", "error"), ("warning", "warning"), ("notice", "info")]


def test_github_stdin_has_no_file() -> None:
    commands = parse_github(render_github([_stdin_report()], ctx_for()))
    assert commands and all("file" not in properties for _, properties, _ in commands)


def test_github_internal_and_tool_errors_each_once() -> None:
    report = FileReport("Dockerfile", (), internal_errors=("rule TF999 crashed: ValueError: boom",))
    ctx = ctx_for(errors=("Dockerfile: rule TF999 crashed: ValueError: boom", "gone.Dockerfile: cannot read"))
    commands = parse_github(render_github([report], ctx))
    assert commands == [
        (
            "error",
            {"file": "Dockerfile", "title": "tfimage-lint internal error"},
            "rule TF999 crashed: ValueError: boom",
        ),
        ("error", {"title": "tfimage-lint"}, "gone.Dockerfile: cannot read"),
    ]


def test_paths_relative_to_root_with_slashes(tmp_path: Path) -> None:
    inside = tmp_path / "a" / "b" / "Dockerfile"
    outside = tmp_path.parent / "elsewhere" / "Dockerfile"
    reports = [FileReport(str(inside), (finding("x"),)), FileReport(str(outside), (finding("y"),))]
    commands = parse_github(render_github(reports, ctx_for(tmp_path)))
    assert [properties["file"] for _, properties, _ in commands] == ["a/b/Dockerfile", outside.as_posix()]
    issues = parse_gitlab(render_gitlab(reports, ctx_for(tmp_path)))
    assert [issue["location"]["path"] for issue in issues] == ["a/b/Dockerfile", outside.as_posix()]  # type: ignore[index]
    files = parse_checkstyle(render_checkstyle(reports, ctx_for(tmp_path)))
    assert [file.get("name") for file in files] == ["a/b/Dockerfile", outside.as_posix()]
    assert list(junit_cases(render_junit(reports, ctx_for(tmp_path)))) == ["a/b/Dockerfile", outside.as_posix()]


# -- junit ---------------------------------------------------------------------------------------


def test_junit_one_testcase_per_file_with_findings_listed() -> None:
    reports = golden_reports()
    cases = junit_cases(render_junit(reports, GOLDEN_CTX))
    assert list(cases) == [*NAMES, "tool errors"]
    assert list(cases["clean.Dockerfile"]) == []
    (passed,) = cases["info.Dockerfile"]  # info findings below fail_on=warning: the testcase passes
    assert passed.tag == "system-out" and "info TF306 silenced-tensorflow-logs" in (passed.text or "")
    app = reports[1]
    (failure,) = cases["app/Dockerfile"]
    assert failure.tag == "failure"
    assert failure.get("type") == "error"
    assert failure.get("message") == f"{len(app.findings)} findings"
    lines = (failure.text or "").splitlines()
    assert lines == [
        f"app/Dockerfile:{f.line}:{f.column}: {f.severity.value} {f.rule_id} {f.rule_name}: {f.message}"
        for f in app.findings
    ]
    (broken,) = cases["broken/Dockerfile"]
    assert broken.tag == "failure" and "DF000 parse-error" in (broken.text or "")
    (tool,) = cases["tool errors"]
    assert tool.tag == "error" and tool.text == TOOL_ERROR


def test_junit_stdin_testcase() -> None:
    cases = junit_cases(render_junit([_stdin_report()], ctx_for()))
    (failure,) = cases["-"]
    assert (failure.text or "").startswith("-:2:")


@pytest.mark.parametrize(
    ("fail_on", "outcome"),
    [("error", "system-out"), ("warning", "system-out"), ("info", "failure"), ("never", "system-out")],
)
def test_junit_info_findings_fail_only_at_fail_on_info(fail_on: str, outcome: str) -> None:
    report = FileReport("Dockerfile", (finding("just so you know", severity=Severity.INFO),))
    (case,) = junit_cases(render_junit([report], ctx_for(fail_on=fail_on))).values()
    (child,) = case
    assert child.tag == outcome
    assert "info DF004 pip-no-cache-dir: just so you know" in (child.text or "")
    if outcome == "failure":
        assert child.get("type") == "info" and child.get("message") == "1 finding"


@pytest.mark.parametrize(("fail_on", "fails"), [("error", False), ("warning", True), ("never", False)])
def test_junit_warning_against_fail_on(fail_on: str, fails: bool) -> None:
    findings = (finding("w"), finding("i", severity=Severity.INFO, line=3))
    root = parse_junit(render_junit([FileReport("Dockerfile", findings)], ctx_for(fail_on=fail_on)))
    assert root.get("failures") == ("1" if fails else "0")
    (case,) = root.iter("testcase")
    (child,) = case
    assert child.tag == ("failure" if fails else "system-out")
    if fails:
        assert child.get("type") == "warning" and child.get("message") == "2 findings"


def test_junit_internal_error_is_an_error_not_a_failure() -> None:
    report = FileReport("Dockerfile", (finding("w"),), internal_errors=("rule X crashed: boom <&>",))
    ctx = ctx_for(errors=("Dockerfile: rule X crashed: boom <&>",))
    root = parse_junit(render_junit([report], ctx))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "1")
    (case,) = root.iter("testcase")
    (error,) = case
    assert error.tag == "error" and error.get("type") == "internal-error"
    assert (error.text or "").splitlines() == [
        "Dockerfile: internal error: rule X crashed: boom <&>",
        "Dockerfile:2:5: warning DF004 pip-no-cache-dir: w",
    ]


def test_junit_times_only_when_known() -> None:
    root = parse_junit(render_junit([], ctx_for()))
    assert root.get("time") is None and root.find("testsuite").get("timestamp") is None  # type: ignore[union-attr]
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("0", "0", "0")
    ctx = ctx_for(start_time="2024-01-01T00:00:00.000000Z", end_time="2024-01-01T00:01:01.500000Z")
    root = parse_junit(render_junit([], ctx))
    suite = root.find("testsuite")
    assert suite is not None
    assert (root.get("time"), suite.get("time"), suite.get("timestamp")) == (
        "61.500",
        "61.500",
        "2024-01-01T00:00:00.000000Z",
    )


def test_junit_messages_survive_xml() -> None:
    message = "a <b> & \"c\" 'd' é 日本 %"
    report = FileReport("Dockerfile", (finding(message, severity=Severity.ERROR),))
    output = render_junit([report], ctx_for())
    (case,) = junit_cases(output).values()
    assert (case[0].text or "").endswith(f"DF004 pip-no-cache-dir: {message}")


def test_xml_forbidden_characters_become_visible() -> None:
    message = "nul \x00 esc \x1b bell \x07 nonchar \ufffe \uffff lone \udc80 ok"
    report = FileReport("Dockerfile", (finding(message),))
    checkstyle = parse_checkstyle(render_checkstyle([report], ctx_for()))
    shown = checkstyle[0][0].get("message")
    assert shown == "nul \\x00 esc \\x1b bell \\x07 nonchar \\ufffe \\uffff lone \\udc80 ok"
    (case,) = junit_cases(render_junit([report], ctx_for(fail_on="warning"))).values()
    assert (case[0].text or "").endswith(shown)


# -- checkstyle ----------------------------------------------------------------------------------


def test_checkstyle_every_file_and_every_finding() -> None:
    reports = golden_reports()
    root = parse_checkstyle(render_checkstyle(reports, GOLDEN_CTX))
    files = {file.get("name"): file for file in root}
    assert list(files) == NAMES
    assert list(files["clean.Dockerfile"]) == []
    for report, (name, file) in zip(reports, files.items(), strict=True):
        assert [
            (e.get("line"), e.get("column"), e.get("severity"), e.get("message"), e.get("source")) for e in file
        ] == [
            (str(f.line), str(f.column), f.severity.value, f.message, f"tfimage-lint.{f.rule_id}")
            for f in report.findings
        ], name
    assert {e.get("source") for e in files["broken/Dockerfile"]} == {"tfimage-lint.DF000"}


def test_checkstyle_multi_line_messages_round_trip() -> None:
    message = 'line one\nline two, "quoted" & <angle>\ttab'
    root = parse_checkstyle(render_checkstyle([FileReport("Dockerfile", (finding(message),))], ctx_for()))
    assert root[0][0].get("message") == message


def test_checkstyle_internal_error() -> None:
    report = FileReport("Dockerfile", (), internal_errors=("internal error while parsing: boom",))
    root = parse_checkstyle(render_checkstyle([report], ctx_for()))
    (error,) = root[0]
    assert error.get("source") == "tfimage-lint.internal-error"
    assert error.get("severity") == "error" and error.get("line") == "1"
    assert "boom" in (error.get("message") or "")


# -- gitlab --------------------------------------------------------------------------------------


def test_gitlab_issues_match_the_findings() -> None:
    reports = golden_reports()
    issues = parse_gitlab(render_gitlab(reports, GOLDEN_CTX))
    expected = [(report, f) for report in reports for f in report.findings]
    assert len(issues) == len(expected)
    severities = {"error": "critical", "warning": "major", "info": "info"}
    for issue, (report, f) in zip(issues, expected, strict=True):
        path = "-" if report.path == "-" else Path(report.path).relative_to(INPUTS).as_posix()
        assert issue == {
            "type": "issue",
            "check_name": f.rule_id,
            "description": f"{f.rule_id} {f.rule_name}: {f.message}",
            "fingerprint": issue["fingerprint"],
            "severity": severities[f.severity.value],
            "location": {"path": path, "lines": {"begin": f.line, "end": f.end_line or f.line}},
        }


def test_gitlab_fingerprints_do_not_depend_on_line_numbers() -> None:
    text = "FROM python:3.11-slim\nRUN pip install flask\nRUN pip install flask\n"
    moved = "# a comment\n\nFROM python:3.11-slim\n\nRUN pip install flask\nRUN   pip install flask\n"
    before = parse_gitlab(render_gitlab([lint_text(text, "Dockerfile")], ctx_for()))
    after = parse_gitlab(render_gitlab([lint_text(moved, "Dockerfile")], ctx_for()))
    assert [i["location"]["lines"]["begin"] for i in before] != [  # type: ignore[index]
        i["location"]["lines"]["begin"]  # type: ignore[index]
        for i in after
    ]
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    assert len({i["fingerprint"] for i in before}) == len(before), "identical findings stay distinct"


def test_gitlab_fingerprints_differ_between_files_and_rules() -> None:
    text = "FROM python:3.11-slim\nRUN pip install flask\n"
    reports = [lint_text(text, "a/Dockerfile"), lint_text(text, "b/Dockerfile")]
    issues = parse_gitlab(render_gitlab(reports, ctx_for()))
    assert len(issues) == 4  # DF004 and DF017 in each file
    changed = parse_gitlab(render_gitlab([lint_text(text.replace("flask", "django"), "a/Dockerfile")], ctx_for()))
    assert not {i["fingerprint"] for i in changed} & {i["fingerprint"] for i in issues}


def test_gitlab_multi_line_and_internal_errors() -> None:
    report = FileReport(
        "Dockerfile",
        (finding("spans", line=2, end_line=5, severity=Severity.ERROR),),
        internal_errors=("rule X crashed: boom",),
    )
    issues = parse_gitlab(render_gitlab([report], ctx_for()))
    assert [(i["check_name"], i["severity"], i["location"]["lines"]) for i in issues] == [  # type: ignore[index]
        ("internal-error", "blocker", {"begin": 1, "end": 1}),
        ("DF004", "critical", {"begin": 2, "end": 5}),
    ]


def test_gitlab_stdin_and_special_characters() -> None:
    message = 'quote " backslash \\ <&> é 日本 \n newline'
    report = replace(_stdin_report(), findings=(finding(message),))
    (issue,) = parse_gitlab(render_gitlab([report], ctx_for()))
    assert issue["location"]["path"] == "-"  # type: ignore[index]
    assert issue["description"] == f"DF004 pip-no-cache-dir: {message}"


# -- suppressed findings --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_suppressed_findings_are_not_reported(name: str) -> None:
    text = "FROM python:3.11-slim\n# tfimage-lint: ignore=DF004\nRUN pip install flask==3.0.0\n"
    report = lint_text(text, "Dockerfile", select=("DF004", "DF900"))
    assert report.findings == () and [f.rule_id for f in report.suppressed] == ["DF004"]
    output = RENDERERS[name]([report], ctx_for())
    assert "DF004" not in output and "no-cache-dir" not in output


# -- through the CLI -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_cli_formats_parse(cli, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install flask==3.0.0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli(["check", "--isolated", "--select", "DF004", "--format", name, "Dockerfile"])
    assert result.exit_code == 1, result.output
    PARSERS[name](result.output)
    assert "DF004" in result.output
