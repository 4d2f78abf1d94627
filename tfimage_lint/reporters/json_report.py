"""Machine-readable output; the schema is ``tfimage_lint/schemas/report-v1.schema.json``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tfimage_lint import __version__
from tfimage_lint.engine import FileReport
from tfimage_lint.findings import Finding, count_by_severity

SCHEMA_VERSION = 1


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """One finding as the JSON schema describes it."""
    stage = None
    if finding.stage_index is not None:
        stage = {"index": finding.stage_index, "name": finding.stage_name}
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.value,
        "message": finding.message,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line if finding.end_line is not None else finding.line,
        "end_column": finding.end_column,
        "stage": stage,
        "fix": None,
    }


def report_to_dict(reports: Sequence[FileReport]) -> dict[str, Any]:
    """The whole run as a JSON-ready dict."""
    findings = [finding for report in reports for finding in report.findings]
    by_severity = count_by_severity(findings)
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "tfimage-lint", "version": __version__},
        "files": [
            {"path": report.path, "findings": [finding_to_dict(f) for f in report.findings]} for report in reports
        ],
        "summary": {
            "files": len(reports),
            "files_with_findings": sum(1 for report in reports if report.findings),
            "findings": len(findings),
            "by_severity": by_severity,
        },
    }


def render_json(reports: Sequence[FileReport]) -> str:
    """The JSON report (ASCII-only, so control characters are always escaped)."""
    return json.dumps(report_to_dict(reports), indent=2, ensure_ascii=True) + "\n"
