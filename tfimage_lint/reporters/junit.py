"""JUnit XML for CI test-report views: GitLab, Jenkins, Azure Pipelines (``--format junit``).

Layout::

    <testsuites name="tfimage-lint" tests="2" failures="1" errors="0">
      <testsuite name="tfimage-lint" tests="2" failures="1" errors="0" skipped="0">
        <testcase classname="tfimage-lint" name="app/Dockerfile">
          <failure type="error" message="2 findings">app/Dockerfile:1:1: error TF101 floating-base-tag: ...
    app/Dockerfile:4:5: warning DF004 pip-no-cache-dir: ...</failure>
        </testcase>
        <testcase classname="tfimage-lint" name="Dockerfile" />
      </testsuite>
    </testsuites>

Decisions:

* One testcase per linted file, named by its path (relative to :attr:`RenderContext.root`, ``/``
  separators; standard input is ``-``), so a CI summary lists files, not thousands of findings.
* A file fails when one of its findings is at or above :attr:`RenderContext.fail_on` (the run's exit
  code uses the same threshold). Its ``<failure>`` carries every finding of the file, one
  ``path:line:col: severity RULE name: message`` line each; ``type`` is the worst severity and
  ``message`` the count (``2 findings``). A file whose findings are all below the threshold passes
  and lists them in ``<system-out>``; with ``fail_on="never"`` every file passes.
* A file the engine could not lint completely (internal errors) gets an ``<error>`` instead (one
  element per testcase, as strict JUnit schemas require): its text lists the internal errors, then
  the findings. The run's other tool errors (:attr:`RenderContext.errors`, e.g. an unreadable file)
  get one extra testcase named ``tool errors`` with an ``<error>``.
* ``tests``/``failures``/``errors`` count testcases; ``timestamp`` and ``time`` (seconds) are given
  when the context has the run's start and end times. Suppressed findings are not listed.
* The document is valid XML 1.0 in ASCII (other characters as character references, so any reader's
  encoding works). Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF)
  cannot be escaped in XML: they are replaced by a visible ``\\xNN``/``\\uNNNN`` text, as the text
  report shows them. Carriage returns in element text become line feeds.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from tfimage_lint.baseline import baseline_path
from tfimage_lint.engine import FileReport
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.reporters.context import RenderContext
from tfimage_lint.reporters.escape import escape_control

SUITE_NAME = "tfimage-lint"
CLASSNAME = "tfimage-lint"
TOOL_ERRORS_CASE = "tool errors"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

_NOT_WHITESPACE = re.compile(r"[^\t\n\r]+")
#: What :func:`escape_control` leaves and XML 1.0 still forbids.
_XML_FORBIDDEN = re.compile("[\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids (and other invisible controls) made visible.

    Tabs, line feeds and carriage returns are kept: the serializer writes them as character
    references in attributes.
    """
    visible = _NOT_WHITESPACE.sub(lambda match: escape_control(match.group(0)), text)
    return _XML_FORBIDDEN.sub(lambda match: f"\\u{ord(match.group(0)):04x}", visible)


def xml_body(text: str) -> str:
    """Like :func:`xml_safe`, for element text: line breaks normalised to LF (parsers do the same)."""
    return xml_safe(text.replace("\r\n", "\n").replace("\r", "\n"))


def to_xml(root: ET.Element) -> str:
    """The document: declaration, indented ASCII XML (other characters as references), final newline."""
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="us-ascii").decode("ascii") + "\n"


def finding_line(path: str, finding: Finding) -> str:
    """``path:line:col: severity RULE name: message``."""
    return (
        f"{path}:{finding.line}:{finding.column}: {finding.severity.value} "
        f"{finding.rule_id} {finding.rule_name}: {finding.message}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _fails(finding: Finding, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    try:
        threshold = Severity(fail_on)
    except ValueError:
        threshold = Severity.WARNING
    return finding.severity.rank >= threshold.rank


def _seconds(start: str | None, end: str | None) -> str | None:
    if not start or not end:
        return None
    try:
        elapsed = datetime.datetime.fromisoformat(end) - datetime.datetime.fromisoformat(start)
    except (TypeError, ValueError):
        return None
    return f"{max(elapsed.total_seconds(), 0.0):.3f}"


def _testcase(report: FileReport, ctx: RenderContext) -> tuple[ET.Element, str]:
    """The testcase of one file and its outcome: 'passed', 'failure' or 'error'."""
    path = baseline_path(report.path, ctx.root)
    case = ET.Element("testcase", classname=CLASSNAME, name=xml_safe(path))
    listed = "\n".join(finding_line(path, finding) for finding in report.findings)
    if report.internal_errors:
        count = len(report.internal_errors)
        text = "\n".join(f"{path}: internal error: {message}" for message in report.internal_errors)
        error = ET.SubElement(
            case, "error", type="internal-error", message=_count(count, "internal error") + " (file not fully linted)"
        )
        error.text = xml_body(text + ("\n" + listed if listed else ""))
        return case, "error"
    if any(_fails(finding, ctx.fail_on) for finding in report.findings):
        worst = max(report.findings, key=lambda finding: finding.severity.rank).severity.value
        failure = ET.SubElement(case, "failure", type=worst, message=_count(len(report.findings), "finding"))
        failure.text = xml_body(listed)
        return case, "failure"
    if report.findings:
        ET.SubElement(case, "system-out").text = xml_body(listed)
    return case, "passed"


def render_junit(reports: Sequence[FileReport], ctx: RenderContext) -> str:
    """The JUnit XML document of the run."""
    cases: list[ET.Element] = []
    outcomes: list[str] = []
    internal: set[str] = set()
    for report in reports:
        case, outcome = _testcase(report, ctx)
        cases.append(case)
        outcomes.append(outcome)
        internal.update(f"{report.path}: {message}" for message in report.internal_errors)
    tool_errors = [message for message in ctx.errors if message not in internal]
    if tool_errors:
        case = ET.Element("testcase", classname=CLASSNAME, name=TOOL_ERRORS_CASE)
        error = ET.SubElement(case, "error", type="tool-error", message=_count(len(tool_errors), "tool error"))
        error.text = xml_body("\n".join(tool_errors))
        cases.append(case)
        outcomes.append("error")
    counts = {
        "tests": str(len(cases)),
        "failures": str(outcomes.count("failure")),
        "errors": str(outcomes.count("error")),
    }
    root = ET.Element("testsuites", name=SUITE_NAME, **counts)
    suite = ET.SubElement(root, "testsuite", name=SUITE_NAME, **counts, skipped="0")
    if ctx.start_time:
        suite.set("timestamp", xml_safe(ctx.start_time))
    seconds = _seconds(ctx.start_time, ctx.end_time)
    if seconds is not None:
        root.set("time", seconds)
        suite.set("time", seconds)
    suite.extend(cases)
    return to_xml(root)
