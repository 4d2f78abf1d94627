"""Human-readable output in the style of ruff and rustc."""

from __future__ import annotations

from collections.abc import Sequence

from tfimage_lint.engine import FileReport
from tfimage_lint.findings import Finding, count_by_severity
from tfimage_lint.reporters.escape import escape_control, escape_source_line

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;34m"}
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_CYAN = "\x1b[36m"
_RESET = "\x1b[0m"
MAX_SNIPPET_LINES = 4


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.enabled else text


REDACTED = "(line not shown: it holds a secret)"


def _headline(path: str, finding: Finding, paint: _Paint) -> str:
    severity = finding.severity.value
    location = paint(f"{escape_control(path)}:{finding.line}:{finding.column}:", _BOLD)
    rule = paint(f"{finding.rule_id} {finding.rule_name}", _BOLD)
    return f"{location} {paint(severity, _COLORS[severity])} {rule}: {escape_control(finding.message)}"


def redacted_lines(findings: Sequence[Finding]) -> frozenset[int]:
    """Lines that findings mark as holding a secret: no reporter prints them."""
    return frozenset(
        number
        for finding in findings
        if finding.redact_source
        for number in range(finding.line, (finding.end_line or finding.line) + 1)
    )


def _snippet(finding: Finding, lines: Sequence[str], paint: _Paint, hidden: frozenset[int] = frozenset()) -> list[str]:
    if not 0 < finding.line <= len(lines):
        return []
    last = min(finding.end_line or finding.line, len(lines), finding.line + MAX_SNIPPET_LINES - 1)
    width = len(str(last))
    gutter = paint(" " * width + " |", _CYAN)
    out = [gutter]
    for number in range(finding.line, last + 1):
        if number in hidden:
            out.append(f"{paint(str(number).rjust(width) + ' |', _CYAN)} {REDACTED}")
            continue
        raw = lines[number - 1]
        text = escape_source_line(raw)
        out.append(f"{paint(str(number).rjust(width) + ' |', _CYAN)} {text}")
        if number == finding.line:
            raw_start = min(max(finding.column - 1, 0), len(raw))
            same_line = finding.end_line in (None, finding.line) and finding.end_column
            raw_end = min(finding.end_column - 1, len(raw)) if same_line else len(raw)
            start = len(escape_source_line(raw[:raw_start]))
            length = max(1, len(escape_source_line(raw[raw_start : max(raw_end, raw_start)])))
            out.append(f"{gutter} {' ' * start}{paint('^' * length, _COLORS[finding.severity.value])}")
    if (finding.end_line or finding.line) > last:
        out.append(paint(" " * width + " ...", _CYAN))
    return out


def summary_line(reports: Sequence[FileReport]) -> str:
    """One line: how many findings of each severity in how many files."""
    findings = [finding for report in reports for finding in report.findings]
    files = len(reports)
    noun = "file" if files == 1 else "files"
    if not findings:
        return f"No problems found ({files} {noun} checked)."
    counts = count_by_severity(findings)
    with_findings = sum(1 for report in reports if report.findings)
    parts = ", ".join(f"{count} {name}{'s' if count != 1 and name != 'info' else ''}" for name, count in counts.items())
    problem = "problem" if len(findings) == 1 else "problems"
    return f"Found {len(findings)} {problem} ({parts}) in {with_findings} of {files} {noun}."


def render_text(reports: Sequence[FileReport], *, color: bool = False, quiet: bool = False) -> str:
    """The text report; ``quiet`` prints only the headline of each finding."""
    paint = _Paint(color)
    out: list[str] = []
    for report in reports:
        hidden = redacted_lines(report.findings)
        for finding in report.findings:
            out.append(_headline(report.path, finding, paint))
            if not quiet:
                out.extend(_snippet(finding, report.source_lines, paint, hidden))
                out.append("")
    if not quiet:
        out.append(summary_line(reports))
    return "\n".join(out) + ("\n" if out else "")
