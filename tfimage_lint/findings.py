"""Severities and findings: what a rule reports, independent of any output format."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """Finding severity, ordered ``info`` < ``warning`` < ``error``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for error, 1 for warning, 0 for info."""
        return _RANKS[self.value]


_RANKS = {"error": 2, "warning": 1, "info": 0}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at a 1-based line/column span of a file."""

    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    stage_index: int | None = None
    stage_name: str | None = None
    #: The source lines of this finding hold a secret: reporters must not print them.
    redact_source: bool = False

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        """Deterministic order inside a file: line, column, rule id, message."""
        return (self.line, self.column, self.rule_id, self.message)


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """``{"error": n, "warning": n, "info": n}``."""
    counts = dict.fromkeys(_RANKS, 0)
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts
