"""The fuzz properties as plain functions, shared by the pytest fuzz tests and ``tools/fuzz.py``.

Each ``check_*`` function takes one generated input and raises (``AssertionError`` for a broken
property, anything else for a crash) when the tool misbehaves on it:

* :func:`check_parser`: the parser never raises on any bytes, is deterministic, and keeps its
  line numbers inside the file; the model builds from whatever it returns.
* :func:`check_pipeline`: the whole lint pipeline (every built-in rule, default-off ones included,
  with or without a build context holding requirements files) never raises and never reports an
  internal error; an input that does not parse yields a DF000 finding (and only then); findings
  have valid positions and known rule ids.
* :func:`check_cli`: the real click CLI (``CliRunner``) exits 0 or 1 (never 2: these invocations hold
  no usage error, so a 2 would be an internal error), never shows a traceback, exits 1 exactly when a
  finding reaches ``--fail-on``, and writes valid reports in every format at once: JSON and GitLab
  JSON parse, SARIF validates against the official 2.1.0 schema, JUnit and Checkstyle XML parse,
  GitHub output is workflow commands only, and no report lets a control character through.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from tests.fuzz.strategies import BuildContextFiles
from tfimage_lint.analysis.context import DirectoryContext
from tfimage_lint.cli import main
from tfimage_lint.engine import FileReport, Linter, LintOptions
from tfimage_lint.model.build import build_model
from tfimage_lint.registry import RuleRegistry, load_registry
from tfimage_lint.syntax.parser import parse_dockerfile

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = ROOT.parent / "shared" / "sarif" / "sarif-schema-2.1.0.json"
#: Characters no report may print raw (what ``reporters.escape`` escapes), a newline aside.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
GITHUB_LINE = re.compile(r"^::(error|warning|notice)( [^:]*)?::")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
#: Formats written to files in one CLI run (text goes to stdout).
FILE_FORMATS = ("json", "sarif", "github", "junit", "gitlab", "checkstyle")


@functools.cache
def registry() -> RuleRegistry:
    """The built-in rules (no plugins), loaded once."""
    return load_registry(include_plugins=False)


@functools.cache
def all_rule_ids() -> tuple[str, ...]:
    """Every built-in rule id, default-off rules included."""
    return tuple(rule.id for rule in registry().rules)


def linter(build_args: Mapping[str, str] | None = None) -> Linter:
    """A linter running every built-in rule (selected by exact id, so default-off rules run too)."""
    reg = registry()
    options = LintOptions(build_args=dict(build_args or {}))
    return Linter(reg, reg.select(list(all_rule_ids())), options)


@functools.cache
def sarif_validator() -> jsonschema.Draft4Validator | None:
    """The official SARIF 2.1.0 schema validator (the one tests/test_sarif.py builds); None without ../shared."""
    if not SARIF_SCHEMA.is_file():
        return None
    from tests.test_sarif import _validator

    return _validator(SARIF_SCHEMA)


@contextmanager
def build_context(files: BuildContextFiles | None) -> Iterator[str]:
    """A temporary build-context folder holding ``files`` (an empty one for None)."""
    with tempfile.TemporaryDirectory(prefix="tfimage-fuzz-") as folder:
        for name, content in (files.files if files else {}).items():
            Path(folder, name).write_bytes(content)
        yield folder


def _line_count(data: bytes, source_lines: Sequence[str]) -> int:
    """Lines of the file: the decoded ones, or for content that does not decode, the LF-separated ones."""
    return max(len(source_lines), data.count(b"\n") + 1, 1)


# -- parser -----------------------------------------------------------------------------------------------


def check_parser(data: bytes) -> None:
    """The parser returns (never raises), deterministically, with line numbers inside the file."""
    result = parse_dockerfile(data)
    assert parse_dockerfile(data) == result, "parsing the same bytes twice gave different results"
    last = _line_count(data, result.source_lines)
    for ins in result.instructions:
        assert 1 <= ins.start_line <= ins.end_line <= last, f"instruction lines {ins.start_line}-{ins.end_line}"
        for heredoc in ins.heredocs:
            assert 1 <= heredoc.start_line <= last and heredoc.end_line <= last, f"heredoc lines of {ins.original!r}"
    for issue in (*result.errors, *result.warnings):
        assert 1 <= issue.line <= last + 1 and issue.line <= issue.end_line, f"issue at line {issue.line}: {issue}"
        assert issue.column >= 1, f"issue at column {issue.column}: {issue}"
    build_model(result, "Dockerfile", {})


# -- lint pipeline ----------------------------------------------------------------------------------------


def lint_report(data: bytes, context_dir: str | None, build_args: Mapping[str, str] | None = None) -> FileReport:
    """Lint ``data`` in process with every built-in rule."""
    context = DirectoryContext(context_dir) if context_dir is not None else None
    return linter(build_args).lint_bytes(data, "Dockerfile", context)


def check_pipeline(
    data: bytes, context: BuildContextFiles | None = None, build_args: Mapping[str, str] | None = None
) -> FileReport:
    """Every rule runs without an internal error; parse failures (and only they) give DF000."""
    if context is None:
        report = lint_report(data, None, build_args)
    else:
        with build_context(context) as folder:
            report = lint_report(data, folder, build_args)
    assert not report.internal_errors, f"internal errors: {report.internal_errors}"
    syntax = parse_dockerfile(data)
    model = build_model(syntax, "Dockerfile", dict(build_args or {}))
    unparseable = bool(syntax.errors or model.semantic_errors)
    has_df000 = any(f.rule_id == "DF000" for f in report.findings)
    assert has_df000 == unparseable, f"DF000 reported: {has_df000}, parse errors: {unparseable}"
    known = set(all_rule_ids())
    last = _line_count(data, report.source_lines)
    for finding in report.findings:
        assert finding.rule_id in known, f"unknown rule id {finding.rule_id!r}"
        assert isinstance(finding.message, str) and finding.message.strip(), f"empty message from {finding.rule_id}"
        assert 1 <= finding.line <= last + 1, f"{finding.rule_id} at line {finding.line} of {last}"
        assert finding.column >= 1, f"{finding.rule_id} at column {finding.column}"
    return report


# -- CLI --------------------------------------------------------------------------------------------------


def cli_arguments(
    stdin: bool, folder: str, build_args: Mapping[str, str], fail_on: str, include_suppressed: bool
) -> list[str]:
    """``check`` with every rule and every output format at once (text on stdout, the others in files)."""
    args = ["check", "--isolated", "--no-color", "--fail-on", fail_on, "--select", ",".join(all_rule_ids())]
    for name, value in sorted(build_args.items()):
        args += ["--build-arg", f"{name}={value}"]
    if include_suppressed:
        args.append("--sarif-include-suppressed")
    for output_format in FILE_FORMATS:
        args += ["--format", output_format, "-o", os.path.join(folder, f"report.{output_format}")]
    args += ["--format", "text"]
    if stdin:
        return [*args, "--context", folder, "--stdin-filename", "Dockerfile", "-"]
    return [*args, os.path.join(folder, "Dockerfile")]


def check_cli(
    data: bytes,
    context: BuildContextFiles | None = None,
    build_args: Mapping[str, str] | None = None,
    *,
    stdin: bool = True,
    fail_on: str = "warning",
    include_suppressed: bool = False,
) -> None:
    """Run the real CLI on ``data`` (stdin or a file in the build context) and check exit code and reports."""
    with build_context(context) as folder:
        if not stdin:
            Path(folder, "Dockerfile").write_bytes(data)
        args = cli_arguments(stdin, folder, build_args or {}, fail_on, include_suppressed)
        result = CliRunner().invoke(main, args, input=data if stdin else None)
        shown = result.output + (result.stderr or "")
        assert "Traceback" not in shown, shown[-2000:]
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code in (0, 1), f"exit {result.exit_code}: {result.stderr[-2000:]}"
        reports = {name: Path(folder, f"report.{name}").read_text(encoding="utf-8") for name in FILE_FORMATS}
    check_reports(reports, result.stdout, result.exit_code, fail_on)


def _findings_of(document: dict) -> list[dict]:
    return [finding for file in document["files"] for finding in file["findings"]]


def check_reports(reports: Mapping[str, str], text: str, exit_code: int, fail_on: str) -> None:
    """The reports of one run (format -> content) are valid, agree on the number of findings, match the exit code."""
    document = json.loads(reports["json"])
    findings = _findings_of(document)
    assert document["summary"]["findings"] == len(findings)
    failing = fail_on != "never" and any(SEVERITY_RANK[f["severity"]] >= SEVERITY_RANK[fail_on] for f in findings)
    assert exit_code == (1 if failing else 0), f"exit {exit_code} with fail-on {fail_on} and findings {findings}"

    gitlab = json.loads(reports["gitlab"])
    assert isinstance(gitlab, list) and len(gitlab) == len(findings), "GitLab issues != JSON findings"

    sarif = json.loads(reports["sarif"])
    validator = sarif_validator()
    if validator is not None:
        errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    results = [r for run in sarif["runs"] for r in run["results"] if not r.get("suppressions")]
    assert len(results) == len(findings), "SARIF results != JSON findings"

    ET.fromstring(reports["junit"])
    checkstyle = ET.fromstring(reports["checkstyle"])
    assert len(checkstyle.findall("./file/error")) == len(findings), "Checkstyle errors != JSON findings"

    github_lines = [line for line in reports["github"].split("\n") if line]
    assert all(GITHUB_LINE.match(line) for line in github_lines), f"not a workflow command: {github_lines}"
    assert len(github_lines) == len(findings), "GitHub annotations != JSON findings"

    for name, output in (("text", text), ("github", reports["github"])):
        unsafe = UNSAFE.search(output)
        assert unsafe is None, f"{name} output prints {unsafe.group(0)!r} raw"
