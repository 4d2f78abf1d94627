"""Lint one file: parse, build the model, run the selected rules, apply suppressions.

A rule that raises or returns something that is not a valid :class:`Finding` does not stop
the run: the file report carries an internal error, which the CLI prints and exits 2 on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from tfimage_lint.facts import compute_facts
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.fleet import Fleet
from tfimage_lint.model.build import build_model
from tfimage_lint.model.dockerfile import Dockerfile
from tfimage_lint.model.families import Family
from tfimage_lint.registry import RuleRegistry
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.suppressions import (
    Suppression,
    SuppressionOutcome,
    apply_suppressions,
    is_globally_ignored,
    parse_suppressions,
)
from tfimage_lint.syntax.parser import parse_dockerfile

if TYPE_CHECKING:
    from tfimage_lint.analysis.context import BuildContext

UNUSED_SUPPRESSION = "DF900"
UNKNOWN_RULE_IN_SUPPRESSION = "DF901"
MALFORMED_SUPPRESSION = "malformed suppression {!r}: expected `ignore=ID[,ID...]` or `global ignore=...`"


@dataclass(frozen=True)
class FileReport:
    """The findings of one file, sorted by line, column and rule id."""

    path: str
    findings: tuple[Finding, ...]
    source_lines: tuple[str, ...] = ()
    internal_errors: tuple[str, ...] = ()
    #: Findings silenced by suppression comments (not counted, not failing; SARIF may list them).
    suppressed: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class LintOptions:
    """Per-run settings the engine needs."""

    build_args: Mapping[str, str] = field(default_factory=dict)
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fleet: Fleet = field(default_factory=Fleet)
    #: The build context folder (``--context``); by default each Dockerfile's own folder.
    context_dir: str | None = None
    #: Severities a configuration gives rules, by rule id (replacing each rule's default severity).
    severities: Mapping[str, Severity] = field(default_factory=dict)
    #: Extra ``(image-name pattern, family)`` rows tried before the built-in family table.
    family_mappings: tuple[tuple[str, Family], ...] = ()
    #: ``(glob, rule ids)``: findings of those rules are dropped in files matching the glob,
    #: a path relative to ``ignore_root`` (the configuration's folder).
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    ignore_root: str | None = None


def _problem_with(finding: object, rule: Rule) -> str | None:
    if not isinstance(finding, Finding):
        return f"rule {rule.id} yielded {type(finding).__name__}, not a Finding"
    if (
        not isinstance(finding.line, int)
        or finding.line < 1
        or not isinstance(finding.column, int)
        or finding.column < 1
    ):
        return f"rule {rule.id} yielded a finding at line {finding.line!r}, column {finding.column!r}"
    return None


class Linter:
    """Runs a fixed selection of rules over files."""

    def __init__(self, registry: RuleRegistry, selected: tuple[type[Rule], ...], options: LintOptions) -> None:
        self.registry = registry
        self.selected = selected
        self.options = options
        self._instances = [rule() for rule in selected if not rule.engine_generated]
        self._enabled_ids = {rule.id for rule in selected}

    def context_for(self, path: str | None) -> BuildContext | None:
        """The build context of a Dockerfile at ``path`` (None for standard input without ``--context``)."""
        from tfimage_lint.analysis.context import DirectoryContext

        if self.options.context_dir is not None:
            return DirectoryContext(self.options.context_dir)
        if path is None:
            return None
        return DirectoryContext(os.path.dirname(os.path.abspath(path)))

    def lint_bytes(self, data: bytes, path: str, context: BuildContext | None = None) -> FileReport:
        """Lint the content of one file; ``context`` is where COPY sources and requirement files are read."""
        try:
            syntax = parse_dockerfile(data)
            dockerfile = build_model(syntax, path, self.options.build_args)
        except Exception as exc:
            return FileReport(path, (), (), (f"internal error while parsing: {type(exc).__name__}: {exc}",))
        findings, errors = self._run_rules(dockerfile, context)
        suppressions, malformed = parse_suppressions(syntax)
        outcome = apply_suppressions(findings, suppressions, self.registry, self._enabled_ids)
        kept = outcome.kept + self._bookkeeping(dockerfile, outcome, malformed, suppressions)
        ignored = self._ignored_in(path)
        if ignored:
            kept = [finding for finding in kept if finding.rule_id not in ignored]
        suppressed = tuple(sorted(outcome.suppressed, key=lambda f: f.sort_key))
        return FileReport(
            path, tuple(sorted(kept, key=lambda f: f.sort_key)), syntax.source_lines, tuple(errors), suppressed
        )

    def _ignored_in(self, path: str) -> frozenset[str]:
        """Rule ids the configuration's ``per-file-ignores`` drop for ``path``."""
        if not self.options.per_file_ignores or path == "-":
            return frozenset()
        root = self.options.ignore_root or os.getcwd()
        relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
        ids: set[str] = set()
        for pattern, rule_ids in self.options.per_file_ignores:
            if fnmatchcase(relative, pattern) or fnmatchcase(os.path.basename(path), pattern):
                ids.update(rule_ids)
        return frozenset(ids)

    def _run_rules(self, dockerfile: Dockerfile, context: BuildContext | None) -> tuple[list[Finding], list[str]]:
        findings: list[Finding] = []
        errors: list[str] = []
        facts = compute_facts(dockerfile, self.options.family_mappings, context=context)
        severities = self.options.severities
        for rule in self._instances:
            ctx = RuleContext(dockerfile, self.options.rule_options.get(rule.id, {}), facts, self.options.fleet)
            try:
                produced = list(rule.check(ctx))
            except Exception as exc:
                errors.append(f"rule {rule.id} {rule.name} crashed: {type(exc).__name__}: {exc}")
                continue
            override = severities.get(rule.id)
            for finding in produced:
                problem = _problem_with(finding, rule)
                if problem:
                    errors.append(problem)
                elif override is not None and finding.severity is rule.severity and override is not rule.severity:
                    # the configuration replaces the rule's default severity; findings a rule
                    # reports at another severity on purpose (an info-level no-op) keep theirs
                    findings.append(replace(finding, severity=override))
                else:
                    findings.append(finding)
        return findings, errors

    def _bookkeeping(
        self,
        dockerfile: Dockerfile,
        outcome: SuppressionOutcome,
        malformed: list[tuple[int, str]],
        suppressions: list[Suppression],
    ) -> list[Finding]:
        """DF900/DF901 findings for suppressions that suppress nothing or name no rule."""
        problems = {
            UNUSED_SUPPRESSION: outcome.unused,
            UNKNOWN_RULE_IN_SUPPRESSION: outcome.unknown
            + [(line, MALFORMED_SUPPRESSION.format(text)) for line, text in malformed],
        }
        ctx = RuleContext(dockerfile)
        produced: list[Finding] = []
        for rule_id, entries in problems.items():
            rule = self.registry.lookup(rule_id)
            if rule is None or rule_id not in self._enabled_ids:
                continue
            for line, message in entries:
                finding = rule().finding(ctx, line, message)
                if not is_globally_ignored(finding, suppressions):
                    produced.append(finding)
        return produced
