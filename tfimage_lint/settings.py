"""Combine a configuration with the command line into what one lint run uses.

Precedence: command line > configuration file > the policies it extends > built-in defaults.
``--select`` on the command line replaces the configuration's selection and its rule switches;
``--ignore`` adds to nothing else: it replaces the configuration's ``ignore``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tfimage_lint.config.effective import EffectiveConfig
from tfimage_lint.engine import Linter, LintOptions
from tfimage_lint.fleet import Fleet, FleetError
from tfimage_lint.registry import RuleRegistry, SelectorError
from tfimage_lint.rule import Rule


class SettingsError(ValueError):
    """Settings that cannot be combined (a bad selector, driver or capability)."""


@dataclass(frozen=True)
class CommandLine:
    """What the command line says; None (or empty) means "not given"."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    driver: str | None = None
    compute_capabilities: tuple[str, ...] = ()
    context_dir: str | None = None


@dataclass(frozen=True)
class RunSettings:
    """A ready linter and the severity that fails the run."""

    linter: Linter
    fail_on: str


def run_settings(registry: RuleRegistry, config: EffectiveConfig, cli: CommandLine) -> RunSettings:
    """The linter and fail-on threshold for files governed by ``config``."""
    selected = _selection(registry, config, cli)
    fleet = _fleet(config.fleet, cli)
    severities = {rule_id: override.severity for rule_id, override in config.rules.items() if override.severity}
    options = LintOptions(
        build_args={**config.build_args, **cli.build_args},
        rule_options=config.rule_options,
        fleet=fleet,
        context_dir=cli.context_dir,
        severities=severities,
        family_mappings=config.families,
        per_file_ignores=config.per_file_ignores,
        ignore_root=config.root,
    )
    return RunSettings(Linter(registry, selected, options), cli.fail_on or config.fail_on)


def _selection(registry: RuleRegistry, config: EffectiveConfig, cli: CommandLine) -> tuple[type[Rule], ...]:
    select = cli.select if cli.select is not None else config.select
    ignore = cli.ignore if cli.ignore is not None else config.ignore
    try:
        selected = list(registry.select(select, ignore))
        ignored_ids = {rule.id for token in ignore for rule in registry.matching(token)}
    except SelectorError as exc:
        raise SettingsError(str(exc)) from exc
    if cli.select is not None:
        return tuple(selected)
    disabled = config.disabled()
    chosen = [rule for rule in selected if rule.id not in disabled]
    have = {rule.id for rule in chosen}
    within = None if select is None else {rule.id for token in select for rule in registry.matching(token)}
    enabled = config.enabled() - have - ignored_ids
    for rule in registry.rules:  # a severity turns a rule on (default-off ones too), inside any `select`
        if rule.id in enabled and (within is None or rule.id in within):
            chosen.append(rule)
    order = {rule.id: index for index, rule in enumerate(registry.rules)}
    return tuple(sorted(chosen, key=lambda rule: order[rule.id]))


def _fleet(configured: Fleet, cli: CommandLine) -> Fleet:
    driver = cli.driver if cli.driver is not None else configured.driver
    capabilities: Sequence[str] = cli.compute_capabilities or configured.compute_capabilities
    try:
        return Fleet.parse(driver, list(capabilities), configured.datacenter)
    except FleetError as exc:
        raise SettingsError(str(exc)) from exc
