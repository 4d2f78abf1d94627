"""Inline suppressions: ``# tfimage-lint: ignore=ID,...`` above an instruction, ``global ignore=`` anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tfimage_lint.findings import Finding
from tfimage_lint.registry import RuleRegistry
from tfimage_lint.syntax.nodes import Instruction, ParseResult

_DIRECTIVE_RE = re.compile(r"^tfimage-lint\s*:\s*(.*)$", re.IGNORECASE)
_IGNORE_RE = re.compile(r"^(global\s+)?ignore\s*=\s*(.*)$", re.IGNORECASE)


@dataclass
class Suppression:
    """One suppression comment and the tokens it names."""

    line: int
    is_global: bool
    tokens: list[str]
    used: set[str] = field(default_factory=set)
    target: Instruction | None = None


@dataclass
class SuppressionOutcome:
    """Findings left after suppression, and the bookkeeping problems found on the way."""

    kept: list[Finding]
    unused: list[tuple[int, str]]
    unknown: list[tuple[int, str]]
    #: Findings an inline or global suppression comment silenced (SARIF can still report them).
    suppressed: list[Finding] = field(default_factory=list)


def parse_suppressions(syntax: ParseResult) -> tuple[list[Suppression], list[tuple[int, str]]]:
    """Suppression comments of a file, plus ``(line, text)`` for malformed ``tfimage-lint:`` comments."""
    found: list[Suppression] = []
    malformed: list[tuple[int, str]] = []
    for comment in syntax.comments:
        head = _DIRECTIVE_RE.match(comment.text)
        if head is None:
            continue
        body = _IGNORE_RE.match(head.group(1).strip())
        if body is None:
            malformed.append((comment.line, head.group(1).strip()))
            continue
        tokens = [token for token in re.split(r"[,\s]+", body.group(2).strip()) if token]
        found.append(Suppression(comment.line, bool(body.group(1)), tokens))
    _attach(found, syntax)
    return found, malformed


def _attach(suppressions: list[Suppression], syntax: ParseResult) -> None:
    comment_lines = {comment.line for comment in syntax.comments}
    owner: dict[int, Instruction] = {}
    for ins in syntax.instructions:
        line = ins.start_line - 1
        while line in comment_lines:
            owner[line] = ins
            line -= 1
        for line in range(ins.start_line, ins.end_line + 1):
            if line in comment_lines:
                owner[line] = ins
    for suppression in suppressions:
        if not suppression.is_global:
            suppression.target = owner.get(suppression.line)


def _matches(token: str, finding: Finding) -> bool:
    return token.upper() == finding.rule_id or token.lower() == finding.rule_name


def apply_suppressions(
    findings: Iterable[Finding],
    suppressions: list[Suppression],
    registry: RuleRegistry,
    enabled_ids: set[str],
) -> SuppressionOutcome:
    """Drop suppressed findings; report unused and unknown suppression tokens as ``(line, message)``."""
    kept: list[Finding] = []
    silenced: list[Finding] = []
    unsuppressible = {rule.id for rule in registry.rules if not rule.suppressible}
    for finding in findings:
        if finding.rule_id in unsuppressible or not _suppress(finding, suppressions):
            kept.append(finding)
        else:
            silenced.append(finding)
    unused: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    for suppression in suppressions:
        for token in suppression.tokens:
            rule = registry.lookup(token)
            if rule is None:
                unknown.append((suppression.line, f"suppression names unknown rule {token!r}"))
            elif rule.id in unsuppressible:
                unused.append((suppression.line, f"{rule.id} {rule.name} cannot be suppressed"))
            elif token not in suppression.used and rule.id in enabled_ids:
                where = "in this file" if suppression.is_global else "on the instruction below"
                if not suppression.is_global and suppression.target is None:
                    where = "(the comment is not directly above an instruction)"
                unused.append(
                    (suppression.line, f"unused suppression of {rule.id} {rule.name}: no such finding {where}")
                )
    return SuppressionOutcome(kept, unused, unknown, silenced)


def _suppress(finding: Finding, suppressions: list[Suppression]) -> bool:
    suppressed = False
    for suppression in suppressions:
        if suppression.is_global:
            applies = True
        else:
            target = suppression.target
            applies = target is not None and target.start_line <= finding.line <= target.end_line
        if not applies:
            continue
        for token in suppression.tokens:
            if _matches(token, finding):
                suppression.used.add(token)
                suppressed = True
    return suppressed


def is_globally_ignored(finding: Finding, suppressions: list[Suppression]) -> bool:
    """True when a ``global ignore=`` names the finding's rule."""
    return any(s.is_global and any(_matches(token, finding) for token in s.tokens) for s in suppressions)
