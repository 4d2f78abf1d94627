"""Lint one file: parse, build the model, run the selected rules, apply suppressions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.build import build_model
from tfimage_lint.registry import RuleRegistry
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.suppressions import apply_suppressions, is_globally_ignored, parse_suppressions
from tfimage_lint.syntax.parser import parse_dockerfile

UNUSED_SUPPRESSION = "DF900"
UNKNOWN_RULE_IN_SUPPRESSION = "DF901"


@dataclass(frozen=True)
class FileReport:
    """The findings of one file, sorted by line, column and rule id."""

    path: str
    findings: tuple[Finding, ...]
    source_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class LintOptions:
    """Per-run settings the engine needs."""

    build_args: Mapping[str, str] = field(default_factory=dict)
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


class Linter:
    """Runs a fixed selection of rules over files."""

    def __init__(self, registry: RuleRegistry, selected: tuple[type[Rule], ...], options: LintOptions) -> None:
        self.registry = registry
        self.selected = selected
        self.options = options
        self._instances = [rule() for rule in selected if not rule.engine_generated]
        self._enabled_ids = {rule.id for rule in selected}

    def lint_bytes(self, data: bytes, path: str) -> FileReport:
        """Lint the content of one file."""
        syntax = parse_dockerfile(data)
        dockerfile = build_model(syntax, path, self.options.build_args)
        findings: list[Finding] = []
        for rule in self._instances:
            ctx = RuleContext(dockerfile, self.options.rule_options.get(rule.id, {}))
            try:
                findings.extend(rule.check(ctx))
            except Exception as exc:
                findings.append(
                    Finding(
                        rule.id, rule.name, Severity.ERROR, f"internal error in rule: {type(exc).__name__}: {exc}", 1
                    )
                )
        suppressions, malformed = parse_suppressions(syntax)
        outcome = apply_suppressions(findings, suppressions, self.registry, self._enabled_ids)
        kept = outcome.kept
        ctx = RuleContext(dockerfile)
        bookkeeping = [
            (UNUSED_SUPPRESSION, outcome.unused),
            (
                UNKNOWN_RULE_IN_SUPPRESSION,
                outcome.unknown
                + [
                    (line, f"malformed suppression {text!r}: expected `ignore=ID[,ID...]` or `global ignore=...`")
                    for line, text in malformed
                ],
            ),
        ]
        for rule_id, problems in bookkeeping:
            rule = self.registry.lookup(rule_id)
            if rule is None or rule_id not in self._enabled_ids:
                continue
            for line, message in problems:
                finding = rule().finding(ctx, line, message)
                if not is_globally_ignored(finding, suppressions):
                    kept.append(finding)
        return FileReport(path, tuple(sorted(kept, key=lambda f: f.sort_key)), syntax.source_lines)
