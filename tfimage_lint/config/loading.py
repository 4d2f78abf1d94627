"""Load a configuration file, follow its ``extends`` chain, and resolve it into an :class:`EffectiveConfig`.

Precedence (highest first): the file > what it extends (recursively) > built-in defaults. The
command line sits above all of these; the CLI applies it. Merging:

- mappings merge key by key: ``rules`` (per rule id, whether written as an id or a name; inside a
  rule the severity replaces and ``options`` merge per option), ``per-file-ignores``, ``build-args``,
  ``families``, ``fleet``, ``deny-packages`` (per package manager) and ``require-labels`` (per label);
- everything else replaces, lists included (``select``, ``ignore``, ``allowed-bases``, ...).

``extends`` is a preset name (``default``, ``strict``, ``ngc``, ``workstation``: the files
``policies/<name>.yaml`` of the installed package ``tfimage_lint.policies``) or a path relative
to the extending file. A bare preset name wins over a file of the same name. Cycles and missing
files are errors at the ``extends`` line.

Every problem is a :class:`~tfimage_lint.config.errors.ConfigError`; nothing else escapes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from tfimage_lint.config.effective import POLICY_KEYS, EffectiveConfig, RuleOverride
from tfimage_lint.config.errors import ConfigError
from tfimage_lint.config.model import (
    POLICY_TYPES,
    SEVERITY_WORDS,
    ConfigFile,
    bool_hint,
    did_you_mean,
    validate_file,
    validate_options,
    validate_rule_table,
    validate_value,
)
from tfimage_lint.config.sources import KeyPath, Source, dotted, kind_name, read_source
from tfimage_lint.findings import Severity
from tfimage_lint.fleet import Fleet, FleetError
from tfimage_lint.model.families import Family

if TYPE_CHECKING:
    from tfimage_lint.registry import RuleRegistry

#: The shipped presets, by name (``policies/<name>.yaml``).
PRESET_NAMES: tuple[str, ...] = ("default", "ngc", "strict", "workstation")

#: ``(rule id, option name)`` -> the top-level policy key that sets it.
_OPTION_KEYS: Mapping[tuple[str, str], str] = {target: key for key, target in POLICY_KEYS.items()}
_PIP_NAME_RE = re.compile(r"[-_.]+")


def load_config(path: str | Path, registry: RuleRegistry) -> EffectiveConfig:
    """Load, validate and resolve the configuration file at ``path`` (YAML, TOML or ``pyproject.toml``).

    ``registry`` resolves rule ids and names and gives each rule's options. Raises
    :class:`ConfigError` naming the file, line, column and key of the first problem.
    """
    display = display_path(path)
    first = _Ref(identity=_identity(Path(path)), display=display, file=Path(path))
    layers = _chain(first)
    return _resolve(layers, registry, path=display, root=os.path.dirname(os.path.abspath(path)))


def preset_config(name: str, registry: RuleRegistry) -> EffectiveConfig:
    """The effective configuration of a shipped preset (``--policy NAME``); ``path`` and ``root`` are None."""
    key = name.strip().lower()
    if key not in PRESET_NAMES:
        raise ConfigError(
            f"unknown policy {kind_name(name)}; the presets are {', '.join(PRESET_NAMES)}"
            f"{did_you_mean(name, PRESET_NAMES)}"
        )
    return _resolve(_chain(_preset_ref(key)), registry, path=None, root=None)


def preset_path(name: str) -> Path:
    """The file of a shipped preset (``policies/<name>.yaml`` inside the installed package)."""
    from tfimage_lint.layout import import_mapped_package

    package = import_mapped_package("policies")
    return Path(next(iter(package.__path__))) / f"{name}.yaml"


def display_path(path: str | Path) -> str:
    """How a configuration path is shown: relative to the current folder when it lies inside it."""
    text = os.path.normpath(str(path))
    if os.path.isabs(text):
        try:
            relative = os.path.relpath(text)
        except ValueError:  # pragma: no cover - another drive on Windows
            return text
        if not relative.startswith(os.pardir):
            return relative
    return text


# -- the extends chain ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """A configuration to read: a file, or a shipped preset (``label`` set)."""

    identity: str
    display: str
    file: Path
    label: str | None = None


@dataclass(frozen=True)
class _Layer:
    source: Source
    model: ConfigFile


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def _preset_ref(name: str) -> _Ref:
    file = preset_path(name)
    return _Ref(identity=_identity(file), display=f"policies/{name}.yaml", file=file, label=f"preset {name}")


def _chain(first: _Ref) -> list[_Layer]:
    """The layers of a file and of everything it extends, the most basic first."""
    layers: list[_Layer] = []
    seen: list[_Ref] = []
    ref: _Ref | None = first
    while ref is not None:
        source = read_source(ref.file, ref.display, label=ref.label)
        model = validate_file(source)
        layers.append(_Layer(source, model))
        seen.append(ref)
        ref = _extended(model.extends, ref, source) if model.extends is not None else None
        if ref is not None and any(item.identity == ref.identity for item in seen):
            chain = " -> ".join(item.display for item in [*seen, ref])
            raise source.error(("extends",), f"cycle in extends: {chain}")
    return layers[::-1]


def _extended(value: str, current: _Ref, source: Source) -> _Ref:
    """What ``extends: value`` in ``current`` names; raises :class:`ConfigError` when it does not exist."""
    if value.lower() in PRESET_NAMES:
        return _preset_ref(value.lower())
    written = os.path.expanduser(value)
    if os.path.isabs(written):
        file, display = Path(written), display_path(written)
    else:
        file = current.file.parent / written
        display = os.path.normpath(os.path.join(os.path.dirname(current.display), written))
        if current.label:
            display = f"policies/{os.path.normpath(written)}"
    if file.is_file():
        return _Ref(identity=_identity(file), display=display, file=file, label=current.label)
    bare = "/" not in value and "\\" not in value and "." not in value
    if bare:
        message = (
            f"no preset named {kind_name(value)} (the presets are {', '.join(PRESET_NAMES)}) and no file {display}"
            f"{did_you_mean(value, PRESET_NAMES)}"
        )
    elif file.exists():
        message = f"{display} is not a file"
    else:
        message = f"the extended file {display} does not exist (a path is relative to the file that extends it)"
    raise source.error(("extends",), message)


# -- merging ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Setting:
    value: Any
    origin: str
    key: str
    layer: int


class _Merged:
    """Settings by slot; a later layer (or a later key of one layer) replaces what it sets."""

    def __init__(self) -> None:
        self.slots: dict[tuple[Any, ...], _Setting] = {}
        self.layer = 0

    def put(self, slot: tuple[Any, ...], value: Any, source: Source, path: KeyPath, key: str | None = None) -> None:
        self.slots.pop(slot, None)
        self.slots[slot] = _Setting(value, source.where(path), key if key is not None else dotted(path), self.layer)

    def get(self, slot: tuple[Any, ...]) -> _Setting | None:
        return self.slots.get(slot)

    def under(self, prefix: str) -> list[tuple[tuple[Any, ...], _Setting]]:
        return [(slot, setting) for slot, setting in self.slots.items() if slot[0] == prefix]


def _resolve(layers: list[_Layer], registry: RuleRegistry, *, path: str | None, root: str | None) -> EffectiveConfig:
    merged = _Merged()
    for index, layer in enumerate(layers):
        merged.layer = index
        _merge_layer(layer, registry, merged)
    return _effective(merged, layers[-1].source, path=path, root=root)


def _set_fields(model: Any) -> list[tuple[str, str, Any]]:
    """``(field name, key as written, value)`` of the fields a file sets (null counts as not set)."""
    found = []
    for name in model.model_fields_set:
        value = getattr(model, name)
        if value is not None:
            found.append((name, type(model).model_fields[name].alias or name, value))
    return sorted(found)


def _merge_layer(layer: _Layer, registry: RuleRegistry, merged: _Merged) -> None:
    source, model = layer.source, layer.model
    # ``rules`` first, so that a top-level policy key wins over the same option in ``rules.<ID>.options``
    for name, key, value in sorted(_set_fields(model), key=lambda item: item[0] != "rules"):
        if name == "extends":
            continue
        if name == "fail_on":
            merged.put(("fail-on",), value, source, (key,))
        elif name in ("select", "ignore"):
            for index, token in enumerate(value):
                _rule_ids(token, registry, source, (key, index))
            merged.put((key,), tuple(value), source, (key,))
        elif name == "rules":
            _merge_rules(value, registry, source, merged)
        elif name == "per_file_ignores":
            for pattern, tokens in value.items():
                ids: list[str] = []
                for index, token in enumerate(tokens):
                    ids.extend(rule_id for rule_id in _rule_ids(token, registry, source, (key, pattern, index)))
                merged.put((key, pattern), tuple(dict.fromkeys(ids)), source, (key, pattern))
        elif name == "build_args":
            for arg, arg_value in value.items():
                merged.put((key, arg), arg_value, source, (key, arg))
        elif name == "families":
            for pattern, family in value.items():
                merged.put((key, pattern), Family(family), source, (key, pattern))
        elif name == "fleet":
            for _field, fleet_key, fleet_value in _set_fields(value):
                merged.put(("fleet", fleet_key), fleet_value, source, ("fleet", fleet_key))
        elif key in POLICY_KEYS:
            _merge_policy(key, value, source, merged)


def _merge_policy(key: str, value: Any, source: Source, merged: _Merged) -> None:
    rule_id, option = POLICY_KEYS[key]
    if key == "deny-packages":
        for _field, manager, names in _set_fields(value):
            merged.put(("option", rule_id, option, manager), _packages(manager, names), source, (key, manager))
    elif key == "require-labels":
        for label, pattern in value.items():
            merged.put(("option", rule_id, option, label), pattern, source, (key, label))
    else:
        merged.put(("option", rule_id, option), list(value) if isinstance(value, list) else value, source, (key,))


def _packages(manager: str, names: list[str]) -> list[str]:
    """Package names as TF503 compares them (pip names PEP 503-normalised)."""
    if manager == "pip":
        return list(dict.fromkeys(_PIP_NAME_RE.sub("-", name).lower() for name in names))
    return list(names)


def _merge_rules(rules: Mapping[str, Any], registry: RuleRegistry, source: Source, merged: _Merged) -> None:
    written_as: dict[str, str] = {}
    for written, value in rules.items():
        path: KeyPath = ("rules", written)
        rule = registry.lookup(written)
        if rule is None:
            raise source.error(path, _unknown_rule(written, registry, "rule id or name"), key=True)
        if rule.id in written_as:
            raise source.error(
                path, f"{rule.id} ({rule.name}) is already configured in this file as rules.{written_as[rule.id]}"
            )
        written_as[rule.id] = written
        merged.put(("rules", rule.id, "touched"), True, source, path)
        if isinstance(value, dict):
            table = validate_rule_table(value, source, path)
            if table.severity is not None:
                merged.put(("rules", rule.id, "level"), table.severity, source, (*path, "severity"))
            options = validate_options(rule, table.options or {}, source, (*path, "options"))
            for option, option_value in options.items():
                option_path = (*path, "options", option)
                policy_key = _OPTION_KEYS.get((rule.id, option))
                if policy_key is not None:
                    option_value = _as_option(policy_key, option_value, source, option_path)
                merged.put(("option", rule.id, option), option_value, source, option_path, dotted(option_path))
            continue
        level = value.strip().lower() if isinstance(value, str) else None
        if level not in SEVERITY_WORDS:
            expected = f"expected one of {', '.join(SEVERITY_WORDS)}"
            if not isinstance(value, (str, bool)) and value is not None:
                expected += " (or a mapping with keys severity, options)"
            raise source.error((*path, "severity"), f"{expected}; got {kind_name(value)}{bool_hint(value)}")
        merged.put(("rules", rule.id, "level"), level, source, path, f"rules.{rule.id}.severity")


def _as_option(policy_key: str, value: Any, source: Source, path: KeyPath) -> Any:
    """A policy option set through ``rules.<ID>.options``: the same checks as its top-level key."""
    checked = validate_value(POLICY_TYPES[policy_key], value, source, path)
    if policy_key == "deny-packages":
        return {manager: _packages(manager, names) for _field, manager, names in _set_fields(checked)}
    return checked


def _rule_ids(token: str, registry: RuleRegistry, source: Source, path: KeyPath) -> list[str]:
    """The rule ids a selector (id, name, id prefix or ALL) names; unknown ones are errors."""
    found = registry.matching(token)
    if not found:
        raise source.error(path, _unknown_rule(token, registry, "rule id, name or id prefix"))
    return [rule.id for rule in found]


def _unknown_rule(token: str, registry: RuleRegistry, what: str) -> str:
    ids = [rule.id for rule in registry.rules]
    names = [rule.name for rule in registry.rules]
    hint = did_you_mean(token, [*ids, *names])
    return f"unknown {what} {kind_name(token)}{hint} (see `tfimage-lint rules`)"


# -- the result -------------------------------------------------------------------------------------


def _effective(merged: _Merged, top: Source, *, path: str | None, root: str | None) -> EffectiveConfig:
    provenance = {setting.key: setting.origin for slot, setting in merged.slots.items() if slot[-1] != "touched"}

    def value(slot: tuple[Any, ...], default: Any) -> Any:
        setting = merged.get(slot)
        return setting.value if setting is not None else default

    rule_options: dict[str, dict[str, Any]] = {}
    for slot, setting in merged.under("option"):
        options = rule_options.setdefault(slot[1], {})
        if len(slot) == 3:
            options[slot[2]] = dict(setting.value) if isinstance(setting.value, dict) else setting.value
        else:
            inner = options.get(slot[2])
            if not isinstance(inner, dict):
                inner = options[slot[2]] = {}
            inner[slot[3]] = setting.value

    rules: dict[str, RuleOverride] = {}
    for rule_id in sorted({slot[1] for slot, _setting in merged.under("rules")}):
        level = value(("rules", rule_id, "level"), None)
        rules[rule_id] = RuleOverride(
            severity=Severity(level) if level not in (None, "disable") else None,
            disabled=level == "disable",
            options=MappingProxyType(dict(rule_options.get(rule_id, {}))),
        )

    families = sorted(merged.under("families"), key=lambda item: -item[1].layer)
    return EffectiveConfig(
        path=path,
        root=root,
        fail_on=value(("fail-on",), EffectiveConfig.fail_on),
        select=value(("select",), None),
        ignore=value(("ignore",), ()),
        rules=MappingProxyType(rules),
        per_file_ignores=tuple((slot[1], setting.value) for slot, setting in merged.under("per-file-ignores")),
        build_args=MappingProxyType({slot[1]: setting.value for slot, setting in merged.under("build-args")}),
        families=tuple((slot[1], setting.value) for slot, setting in families),
        fleet=_fleet(merged, top),
        rule_options=MappingProxyType({rule_id: MappingProxyType(opts) for rule_id, opts in rule_options.items()}),
        provenance=MappingProxyType(provenance),
    )


def _fleet(merged: _Merged, top: Source) -> Fleet:
    def get(key: str, default: Any) -> Any:
        setting = merged.get(("fleet", key))
        return setting.value if setting is not None else default

    try:
        return Fleet.parse(get("driver", None), list(get("compute-capabilities", [])), get("datacenter", None))
    except FleetError as exc:  # pragma: no cover - each value was checked where it is written
        raise top.error(("fleet",), str(exc)) from None
