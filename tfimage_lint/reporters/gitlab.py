"""GitLab Code Quality report: the ``artifacts:reports:codequality`` JSON (``--format gitlab``).

A JSON list with one issue per finding::

    [
      {
        "type": "issue",
        "check_name": "DF004",
        "description": "DF004 pip-no-cache-dir: `pip install` without --no-cache-dir: ...",
        "fingerprint": "0f3c...",
        "severity": "major",
        "location": {"path": "app/Dockerfile", "lines": {"begin": 4, "end": 4}}
      }
    ]

Decisions:

* ``check_name`` is the rule id; ``description`` is the rule id and name, then the message (GitLab's
  merge request widget shows only the description, so it must say which rule spoke).
* ``severity`` maps ours onto GitLab's scale (info, minor, major, critical, blocker): ``error`` ->
  ``critical`` (an image that breaks on the GPU, or leaks a secret), ``warning`` -> ``major``,
  ``info`` -> ``info``. ``blocker`` is kept for a file the engine could not lint completely (an
  internal error, ``check_name`` ``internal-error``, at line 1): nothing else said about it can be trusted.
* ``fingerprint`` (GitLab matches issues across pipelines by it, and shows one issue per fingerprint) is
  the MD5 of the relative path, the rule id and the baseline fingerprint of the finding
  (:func:`tfimage_lint.baseline.fingerprints`: the instruction's text, the text the finding points at,
  an occurrence index) — never the line number, so a finding keeps its fingerprint when lines move.
* ``location.path`` is relative to :attr:`RenderContext.root` with ``/`` separators (standard input is
  ``-``); ``location.lines`` has ``begin`` and ``end``.
* Suppressed findings and the run's tool errors without a file are left out (tool errors are printed on
  standard error and make the exit code 2). The JSON is ASCII (``\\uXXXX`` escapes); lone surrogates
  (undecodable bytes) are written as visible text, since strict JSON readers reject them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from tfimage_lint.baseline import baseline_path, fingerprints
from tfimage_lint.engine import FileReport
from tfimage_lint.reporters.context import RenderContext

#: Our severity -> GitLab's.
SEVERITIES = {"error": "critical", "warning": "major", "info": "info"}
INTERNAL_ERROR_CHECK = "internal-error"
INTERNAL_ERROR_SEVERITY = "blocker"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes of a Dockerfile) written as visible ``\\udcXX``.

    JSON could carry them as ``\\udcXX`` escapes, but strict readers reject a lone surrogate.
    """
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)


def fingerprint(*parts: str) -> str:
    """The MD5 hex digest of ``parts`` (an identifier, not a security measure)."""
    payload = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()


def _issue(check: str, description: str, digest: str, severity: str, path: str, begin: int, end: int) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": check,
        "description": json_text(description),
        "fingerprint": digest,
        "severity": severity,
        "location": {"path": json_text(path), "lines": {"begin": begin, "end": end}},
    }


def report_issues(report: FileReport, root: str) -> list[dict[str, Any]]:
    """The Code Quality issues of one file."""
    path = baseline_path(report.path, root)
    issues = []
    for index, message in enumerate(report.internal_errors):
        digest = fingerprint(path, INTERNAL_ERROR_CHECK, str(index), message)
        description = f"tfimage-lint internal error (file not fully linted): {message}"
        issues.append(_issue(INTERNAL_ERROR_CHECK, description, digest, INTERNAL_ERROR_SEVERITY, path, 1, 1))
    for finding, stable in zip(report.findings, fingerprints(report), strict=True):
        end = finding.end_line if finding.end_line is not None and finding.end_line >= finding.line else finding.line
        issues.append(
            _issue(
                finding.rule_id,
                f"{finding.rule_id} {finding.rule_name}: {finding.message}",
                fingerprint(path, finding.rule_id, stable),
                SEVERITIES[finding.severity.value],
                path,
                finding.line,
                end,
            )
        )
    return issues


def render_gitlab(reports: Sequence[FileReport], ctx: RenderContext) -> str:
    """The Code Quality JSON of the run (an empty list when there is nothing to report)."""
    issues = [issue for report in reports for issue in report_issues(report, ctx.root)]
    return json.dumps(issues, indent=2, ensure_ascii=True) + "\n"
