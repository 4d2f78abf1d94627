"""The effective configuration: what the engine and the CLI need, whatever file it came from.

Built by :mod:`tfimage_lint.config` from built-in defaults, the presets a file ``extends``, the
file itself and the command line (in that order of precedence, lowest first). It is plain data:
no pydantic here, so a run without a configuration file never imports the validation layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tfimage_lint.findings import Severity
from tfimage_lint.fleet import Fleet
from tfimage_lint.model.families import Family

_EMPTY: Mapping[str, Any] = MappingProxyType({})

#: Top-level policy keys and the rule option each one sets (``key -> (rule id, option name)``).
POLICY_KEYS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "min-tensorflow": ("TF104", "min_tensorflow"),
        "max-base-age-days": ("TF104", "max_ngc_age_days"),
        "allowed-bases": ("TF501", "allowed_bases"),
        "denied-bases": ("TF501", "denied_bases"),
        "trusted-registries": ("TF502", "trusted_registries"),
        "deny-packages": ("TF503", "deny_packages"),
        "require-labels": ("TF504", "require_labels"),
        "allowed-families": ("TF505", "allowed_families"),
    }
)


@dataclass(frozen=True)
class RuleOverride:
    """What a configuration says about one rule: a severity, disabled, and option values."""

    severity: Severity | None = None
    disabled: bool = False
    options: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class EffectiveConfig:
    """Everything a configuration decides, with where each value came from.

    ``path`` is the configuration file (None for the built-in defaults); ``root`` the folder that
    ``per-file-ignores`` globs are relative to (the file's folder). ``select`` None means the
    default selection. ``rules`` is keyed by rule id. ``rule_options`` merges each rule's
    ``options`` with the top-level policy keys (:data:`POLICY_KEYS`). ``provenance`` maps a
    dotted key (``rules.TF201.severity``, ``fleet.driver``) to where its value was set, e.g.
    ``.tfimage-lint.yaml:12:5``, ``preset strict (policies/strict.yaml:4:3)``, ``command line``.
    """

    path: str | None = None
    root: str | None = None
    fail_on: str = "warning"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    rules: Mapping[str, RuleOverride] = field(default_factory=lambda: _EMPTY)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    build_args: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    families: tuple[tuple[str, Family], ...] = ()
    fleet: Fleet = field(default_factory=Fleet)
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)
    provenance: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        """The severity a rule's findings get under this configuration."""
        override = self.rules.get(rule_id)
        return override.severity if override is not None and override.severity is not None else default

    def disabled(self) -> frozenset[str]:
        """Rule ids the configuration turns off."""
        return frozenset(rule_id for rule_id, override in self.rules.items() if override.disabled)

    def enabled(self) -> frozenset[str]:
        """Rule ids the configuration turns on by giving them a severity (default-off rules too)."""
        return frozenset(
            rule_id
            for rule_id, override in self.rules.items()
            if override.severity is not None and not override.disabled
        )


DEFAULT_CONFIG = EffectiveConfig()
