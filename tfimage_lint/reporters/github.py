"""GitHub Actions workflow commands: one annotation per finding (``--format github``).

Each finding becomes one line the Actions runner turns into an annotation on the file::

    ::error file=Dockerfile,line=3,endLine=3,col=5,endColumn=12,title=DF001 apt-get-missing-yes::message

``error`` findings use ``::error``, ``warning`` findings ``::warning`` and ``info`` findings ``::notice``.

Decisions:

* The output holds workflow commands and nothing else: no summary line (the runner would print it as
  a plain log line; the exit code already says whether the run failed). A run without findings or
  errors prints nothing.
* Values are escaped as the runner unescapes them (``actions/toolkit`` ``escapeData`` and
  ``escapeProperty``): in the message ``%`` -> ``%25``, ``\\r`` -> ``%0D``, ``\\n`` -> ``%0A``; in
  properties also ``:`` -> ``%3A`` and ``,`` -> ``%2C``. Other control characters (ANSI escapes...)
  are made visible (``\\x1b``) as in the text report, so nothing can restyle the log.
* ``file`` is relative to :attr:`RenderContext.root` with ``/`` separators (what GitHub matches against
  the repository). Standard input (``-``) has no file to annotate: its commands carry no ``file``.
* ``col`` and ``endColumn`` are given only for a finding on one line (GitHub's annotations accept
  columns only when the start and end lines are the same); ``endColumn`` is the finding's end column
  as the JSON and SARIF reports give it (the column after the span), and only when the finding has one.
* A file the engine could not lint completely (an internal error) gets
  ``::error file=...,title=tfimage-lint internal error::...``; the run's other tool errors
  (:attr:`RenderContext.errors`, e.g. an unreadable file) get ``::error title=tfimage-lint::...``.
* Suppressed findings are not printed. GitHub shows at most 10 error and 10 warning annotations of a
  step on the run's summary page; all of them stay in the log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tfimage_lint.baseline import STDIN_PATH, baseline_path
from tfimage_lint.engine import FileReport
from tfimage_lint.findings import Finding
from tfimage_lint.reporters.context import RenderContext
from tfimage_lint.reporters.escape import escape_control

#: Workflow command of each severity.
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
TOOL_TITLE = "tfimage-lint"
INTERNAL_ERROR_TITLE = "tfimage-lint internal error"

_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")


def _visible(text: str) -> str:
    """Control characters other than line breaks made visible (line breaks are %-escaped after)."""
    return _NOT_LINE_BREAK.sub(lambda match: escape_control(match.group(0)), text)


def escape_data(text: str) -> str:
    """Escape a command's message: ``%``, CR and LF."""
    return _visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: like :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, properties: Sequence[tuple[str, object]], message: str) -> str:
    """One ``::command key=value,...::message`` line (properties whose value is None are left out)."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties if value is not None)
    head = f"::{command} {props}" if props else f"::{command}"
    return f"{head}::{escape_data(message)}"


def _file_property(path: str, root: str) -> str | None:
    return None if path == STDIN_PATH else baseline_path(path, root)


def finding_command(path: str | None, finding: Finding) -> str:
    """The workflow command of one finding; ``path`` is the relative path or None (standard input)."""
    end_line = finding.end_line if finding.end_line is not None else finding.line
    one_line = end_line == finding.line
    properties: list[tuple[str, object]] = [
        ("file", path),
        ("line", finding.line),
        ("endLine", end_line),
        ("col", finding.column if one_line else None),
        ("endColumn", finding.end_column if one_line else None),
        ("title", f"{finding.rule_id} {finding.rule_name}"),
    ]
    return workflow_command(COMMANDS[finding.severity.value], properties, finding.message)


def render_github(reports: Sequence[FileReport], ctx: RenderContext) -> str:
    """Workflow commands for every finding, internal error and tool error of the run."""
    lines: list[str] = []
    internal: set[str] = set()
    for report in reports:
        path = _file_property(report.path, ctx.root)
        for finding in report.findings:
            lines.append(finding_command(path, finding))
        for message in report.internal_errors:
            internal.add(f"{report.path}: {message}")
            lines.append(workflow_command("error", [("file", path), ("title", INTERNAL_ERROR_TITLE)], message))
    for message in ctx.errors:
        if message not in internal:  # the CLI repeats internal errors among the run's errors
            lines.append(workflow_command("error", [("title", TOOL_TITLE)], message))
    return "".join(f"{line}\n" for line in lines)
