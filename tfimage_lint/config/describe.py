"""``tfimage-lint config``: the effective configuration as YAML, each value saying where it came from.

Every value line ends with ``# from <provenance>`` (a ``file:line:column``, a preset, or the
command line) or ``# default``. The output is itself a valid configuration file: loading it
gives the same settings (comments aside), with every rule's effective state spelled out
(``disable`` for a rule that does not run).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from tfimage_lint.config.effective import POLICY_KEYS, EffectiveConfig
from tfimage_lint.findings import Severity

if TYPE_CHECKING:
    from tfimage_lint.registry import RuleRegistry
    from tfimage_lint.rule import Rule

_PLAIN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/]*$")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n"})


@dataclass(frozen=True)
class RuleState:
    """What a configuration makes of one rule: whether it runs, at which severity, and why."""

    rule: type[Rule]
    enabled: bool
    severity: Severity
    origin: str | None
    reason: str


def rule_states(config: EffectiveConfig, registry: RuleRegistry) -> list[RuleState]:
    """Each rule's effective state under ``config`` (the same selection logic as a lint run).

    A rule runs when the selection (``select`` minus ``ignore``) picks it and the configuration
    does not disable it, or when the configuration gives it a severity and does not ignore it
    (which turns default-off rules on).
    """
    from tfimage_lint.registry import SelectorError

    try:
        selected = {rule.id for rule in registry.select(config.select, config.ignore)}
        ignored = {rule.id for token in config.ignore for rule in registry.matching(token)}
        within = None if config.select is None else {r.id for t in config.select for r in registry.matching(t)}
    except SelectorError:
        selected = {rule.id for rule in registry.select(None)}
        ignored = set()
        within = None
    disabled = config.disabled()
    enabled = config.enabled()
    states = []
    for rule in registry.rules:
        origin = config.provenance.get(f"rules.{rule.id}.severity")
        if rule.id in disabled:
            states.append(RuleState(rule, False, rule.severity, origin, "disabled"))
            continue
        turned_on = rule.id in enabled and rule.id not in ignored and (within is None or rule.id in within)
        on = rule.id in selected or turned_on
        if on:
            reason = "severity set" if rule.id in enabled else "selected"
        elif rule.id in ignored:
            reason, origin = "ignored", config.provenance.get("ignore")
        elif config.select is not None:
            reason, origin = "not selected", config.provenance.get("select")
        else:
            reason = "off by default (runs when selected by id or given a severity)"
        states.append(RuleState(rule, on, config.severity_of(rule.id, rule.severity), origin, reason))
    return states


def describe(config: EffectiveConfig, registry: RuleRegistry) -> str:
    """The effective configuration as commented YAML text (ends with a newline)."""
    prov = config.provenance
    lines: list[str] = [f"# Effective configuration: {_title(config)}", "# Each value says where it comes from."]

    def line(indent: int, key: str, value: Any, where: str | None, note: str = "") -> None:
        text = f"{'  ' * indent}{_key(key)}: {_scalar(value)}"
        comment = f"from {where}" if where else "default"
        lines.append(f"{text}  # {comment}{note}")

    def section(key: str, items: list[tuple[str, Any, str | None]], empty: Any) -> None:
        if not items:
            line(0, key, empty, None)
            return
        lines.append(f"{_key(key)}:")
        for item_key, value, where in items:
            line(1, item_key, value, where)

    line(0, "fail-on", config.fail_on, prov.get("fail-on"))
    select = list(config.select) if config.select is not None else None
    line(0, "select", select, prov.get("select"), "" if select is not None else " (the default selection)")
    line(0, "ignore", list(config.ignore), prov.get("ignore"))
    section(
        "per-file-ignores",
        [(glob, list(ids), prov.get(f"per-file-ignores.{glob}")) for glob, ids in config.per_file_ignores],
        {},
    )
    section("build-args", [(k, v, prov.get(f"build-args.{k}")) for k, v in config.build_args.items()], {})
    section("families", [(p, f.value, prov.get(f"families.{p}")) for p, f in config.families], {})
    lines.append("fleet:")
    fleet = config.fleet
    line(1, "driver", fleet.driver, prov.get("fleet.driver"))
    line(1, "compute-capabilities", list(fleet.compute_capabilities), prov.get("fleet.compute-capabilities"))
    line(1, "datacenter", fleet.datacenter, prov.get("fleet.datacenter"))
    for key, (rule_id, option) in POLICY_KEYS.items():
        value = config.rule_options.get(rule_id, {}).get(option)
        via_rules = prov.get(f"rules.{rule_id}.options.{option}")
        if isinstance(value, Mapping) and key in ("deny-packages", "require-labels"):
            items = [(k, v, prov.get(f"{key}.{k}") or via_rules) for k, v in value.items()]
            section(key, items, None)
        else:
            line(0, key, value, prov.get(key) or via_rules)
    lines.append("rules:")
    policy_options = set(POLICY_KEYS.values())
    for state in rule_states(config, registry):
        rule = state.rule
        word = state.severity.value if state.enabled else "disable"
        options = {
            name: value
            for name, value in config.rule_options.get(rule.id, {}).items()
            if (rule.id, name) not in policy_options
        }
        note = f" | {rule.name}{'' if state.enabled or state.reason == 'disabled' else ': ' + state.reason}"
        if not options:
            line(1, rule.id, word, state.origin, note)
            continue
        lines.append(f"  {rule.id}:  # {rule.name}")
        line(2, "severity", word, state.origin)
        lines.append("    options:")
        for name, value in options.items():
            line(3, name, value, prov.get(f"rules.{rule.id}.options.{name}"))
    return "\n".join(lines) + "\n"


def _title(config: EffectiveConfig) -> str:
    if config.path:
        return config.path
    presets = sorted({where.split(" (", 1)[0] for where in config.provenance.values() if where.startswith("preset ")})
    if presets:
        return ", ".join(presets)
    return "built-in defaults" if not config.provenance else "command line"


def _key(key: str) -> str:
    return key if _PLAIN_RE.match(key) and key.lower() not in _YAML_WORDS else json.dumps(key)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        plain = _PLAIN_RE.match(value) and value.lower() not in _YAML_WORDS and not _looks_numeric(value)
        return value if plain else json.dumps(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(str(k))}: {_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ", ".join(_scalar(item) for item in value) + "]"
    return json.dumps(str(value))


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
