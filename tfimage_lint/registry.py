"""Rule discovery: built-ins from ``tfimage_lint.rules``, plugins from the ``tfimage_lint.rules`` entry points."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tfimage_lint.findings import Severity
from tfimage_lint.rule import RULE_ID_RE, RULE_NAME_RE, Rule

ENTRY_POINT_GROUP = "tfimage_lint.rules"


class RuleLoadError(Exception):
    """A rule (usually a third-party plugin) that cannot be loaded or is malformed."""


class SelectorError(ValueError):
    """A ``--select`` / ``--ignore`` / suppression token that names no rule."""


def _rules_in_module(module: object) -> list[type[Rule]]:
    found = []
    for value in vars(module).values():
        is_rule = isinstance(value, type) and issubclass(value, Rule) and value is not Rule
        if is_rule and value.__module__ == getattr(module, "__name__", None) and "id" in vars(value):
            found.append(value)
    return found


def builtin_rules() -> list[type[Rule]]:
    """Every rule class defined in a module of the ``tfimage_lint.rules`` package."""
    from tfimage_lint.layout import import_mapped_package

    package = import_mapped_package("rules")
    rules: list[type[Rule]] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"tfimage_lint.rules.{info.name}")
        rules.extend(_rules_in_module(module))
    return rules


def _as_rule_classes(value: object, origin: str) -> list[type[Rule]]:
    if isinstance(value, type) and issubclass(value, Rule):
        return [value]
    if callable(value) and not isinstance(value, type):
        value = value()
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        items = list(value)
        if all(isinstance(item, type) and issubclass(item, Rule) for item in items):
            return items
    raise RuleLoadError(f"{origin}: entry point must name a Rule subclass or a sequence of them, got {value!r}")


def _may_declare_plugins(group: str = ENTRY_POINT_GROUP) -> bool:
    """Whether any distribution on ``sys.path`` may declare the entry-point group.

    A cheap look at each ``*.dist-info``/``*.egg-info`` folder's ``entry_points.txt``, so that the
    common run without plugins never imports :mod:`importlib.metadata` (about 15 ms of start-up).
    Anything unusual on ``sys.path`` (a zip file, an import hook) answers yes: the full lookup decides.
    """
    header = f"[{group}]"
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return True  # a custom finder may hold distributions of its own
    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True  # a zip file or similar on sys.path: let importlib.metadata look inside
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8", errors="replace") as file:
                    if header in file.read():
                        return True
            except OSError:
                continue
    return False


def plugin_rules() -> list[tuple[type[Rule], str]]:
    """``(rule, origin)`` for rules contributed by installed distributions through the entry-point group."""
    if not _may_declare_plugins():
        return []
    from importlib.metadata import entry_points

    rules: list[tuple[type[Rule], str]] = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        dist = entry.dist.name if entry.dist is not None else "unknown distribution"
        origin = f"plugin distribution {dist!r} (entry point {entry.name} = {entry.value})"
        try:
            loaded = _as_rule_classes(entry.load(), origin)
        except RuleLoadError:
            raise
        except Exception as exc:
            raise RuleLoadError(f"{origin} failed to load: {type(exc).__name__}: {exc}") from None
        for rule in loaded:
            _validate(rule, origin)
            rules.append((rule, origin))
    return rules


def _validate(rule: type[Rule], origin: str) -> None:
    for attribute in ("id", "name", "severity"):
        if not hasattr(rule, attribute):
            raise RuleLoadError(f"{origin}: rule {rule.__name__} has no {attribute!r}")
    if not isinstance(rule.id, str) or not RULE_ID_RE.match(rule.id):
        raise RuleLoadError(f"{origin}: rule id {rule.id!r} must be a string like ABC123")
    if not isinstance(rule.name, str) or not RULE_NAME_RE.match(rule.name):
        raise RuleLoadError(f"{origin}: rule name {rule.name!r} must be a kebab-case string")
    if not isinstance(rule.severity, Severity):
        raise RuleLoadError(f"{origin}: rule {rule.id} severity must be a tfimage_lint.findings.Severity")
    if not isinstance(rule.families, frozenset) or not all(isinstance(f, str) for f in rule.families):
        raise RuleLoadError(f"{origin}: rule {rule.id} families must be a frozenset of strings")
    if not isinstance(rule.see_also, tuple) or not all(isinstance(item, str) for item in rule.see_also):
        raise RuleLoadError(f"{origin}: rule {rule.id} see_also must be a tuple of strings")


@dataclass(frozen=True)
class RuleRegistry:
    """All known rules, with lookup by id or name and selection by id, name or id prefix."""

    rules: tuple[type[Rule], ...]

    def lookup(self, token: str) -> type[Rule] | None:
        """The rule whose id (any case) or name is ``token``."""
        wanted = token.strip()
        for rule in self.rules:
            if rule.id == wanted.upper() or rule.name == wanted.lower():
                return rule
        return None

    def matching(self, selector: str) -> list[type[Rule]]:
        """Rules named by ``selector``: an id, a name, an id prefix such as ``DF0``, or ``ALL``."""
        token = selector.strip()
        if token.upper() == "ALL":
            return list(self.rules)
        exact = self.lookup(token)
        if exact is not None:
            return [exact]
        return [rule for rule in self.rules if rule.id.startswith(token.upper()) and token]

    def select(self, select: Sequence[str] | None, ignore: Sequence[str] = ()) -> tuple[type[Rule], ...]:
        """Apply ``--select`` then ``--ignore``; raises :class:`SelectorError` for unknown tokens.

        Rules that are off by default run only when selected by their exact id or name.
        """
        chosen = [rule for rule in self.rules if rule.default_enabled] if not select else []
        for token in select or ():
            found = self.matching(token)
            if not found:
                raise SelectorError(f"--select {token!r} matches no rule (see `tfimage-lint rules`)")
            explicit = self.lookup(token)
            found = [rule for rule in found if rule.default_enabled or rule is explicit]
            chosen.extend(rule for rule in found if rule not in chosen)
        for token in ignore:
            found = self.matching(token)
            if not found:
                raise SelectorError(f"--ignore {token!r} matches no rule (see `tfimage-lint rules`)")
            chosen = [rule for rule in chosen if rule not in found]
        always = [rule for rule in self.rules if not rule.suppressible and rule not in chosen]
        return tuple(sorted(chosen + always, key=lambda rule: rule.id))


@lru_cache(maxsize=2)
def load_registry(include_plugins: bool = True) -> RuleRegistry:
    """Discover built-in (and plugin) rules once; raises :class:`RuleLoadError` on a bad plugin."""
    rules = builtin_rules()
    if include_plugins:
        seen = {rule.id: "a built-in rule" for rule in rules} | {rule.name: "a built-in rule" for rule in rules}
        for rule, origin in plugin_rules():
            clash = seen.get(rule.id) or seen.get(rule.name)
            if clash:
                raise RuleLoadError(f"{origin}: rule {rule.id} {rule.name} clashes with {clash}")
            seen[rule.id] = seen[rule.name] = f"a rule of {origin}"
            rules.append(rule)
    return RuleRegistry(tuple(sorted(rules, key=lambda rule: rule.id)))
