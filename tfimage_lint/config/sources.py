"""Read a configuration file (YAML, TOML or ``pyproject.toml``) into plain data and key positions.

The data is what ``yaml.safe_load`` / ``tomllib.loads`` would give (a mapping of plain values);
next to it every key path (a tuple of keys and list indexes, e.g. ``("rules", "TF201")`` or
``("allowed-bases", 0)``) maps to the 1-based (line, column) of its key and of its value, so
that validation errors can point at the exact place. YAML positions come from the nodes of
``yaml.compose``; TOML positions from a small scanner of the text (``tomllib`` gives none).
Syntax errors become :class:`~tfimage_lint.config.errors.ConfigError` with their line and column.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfimage_lint.config.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

Position = tuple[int, int]
KeyPath = tuple[str | int, ...]

#: The table of ``pyproject.toml`` that holds the configuration.
PYPROJECT_TABLE: tuple[str, str] = ("tool", "tfimage-lint")


def dotted(path: KeyPath) -> str:
    """``("rules", "TF201", "severity")`` -> ``rules.TF201.severity``; list indexes as ``[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Source:
    """One configuration file, read: its data and where each key and value is written.

    ``display`` is the path used in messages; ``label`` names a shipped preset (``preset strict``),
    None for the user's own files.
    """

    display: str
    data: dict[str, Any]
    keys: Mapping[KeyPath, Position] = field(default_factory=dict)
    values: Mapping[KeyPath, Position] = field(default_factory=dict)
    label: str | None = None

    def position(self, path: KeyPath, *, key: bool = False) -> Position | None:
        """Where ``path`` is written: its key (``key=True``) or its value, else the nearest enclosing one."""
        first, second = (self.keys, self.values) if key else (self.values, self.keys)
        probe = tuple(path)
        while True:
            found = first.get(probe) or second.get(probe)
            if found is not None:
                return found
            if not probe:
                return None
            probe = probe[:-1]

    def where(self, path: KeyPath) -> str:
        """Provenance text of a key: ``file:line:column``, or ``preset strict (policies/strict.yaml:4:3)``."""
        position = self.position(path, key=True)
        place = f"{self.display}:{position[0]}:{position[1]}" if position else self.display
        return f"{self.label} ({place})" if self.label else place

    def error(self, path: KeyPath, message: str, *, key: bool = False) -> ConfigError:
        """A :class:`ConfigError` at ``path`` (its key when ``key`` is true, else its value)."""
        position = self.position(path, key=key)
        line, column = position if position else (None, None)
        return ConfigError(message, file=self.display, line=line, column=column, key=dotted(path))


def kind_of(path: str | Path) -> str:
    """``pyproject``, ``toml`` or ``yaml`` (any other suffix is read as YAML) from a file name."""
    name = Path(path).name.lower()
    if name == "pyproject.toml":
        return "pyproject"
    return "toml" if name.endswith(".toml") else "yaml"


def read_source(path: str | Path, display: str | None = None, *, label: str | None = None) -> Source:
    """Read and parse a configuration file; raises :class:`ConfigError` for any problem."""
    shown = display if display is not None else str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError("configuration file not found", file=shown) from None
    except IsADirectoryError:
        raise ConfigError("is a folder, not a configuration file", file=shown) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration file: {exc.strerror or exc}", file=shown) from None
    return parse_source(decode(raw, shown), shown, kind_of(path), label=label)


def decode(raw: bytes, display: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); raises :class:`ConfigError` at the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigError("the file is not UTF-8 text", file=display, line=line, column=column) from None


def parse_source(text: str, display: str, kind: str, *, label: str | None = None) -> Source:
    """Parse configuration text of a ``kind`` (``yaml``, ``toml`` or ``pyproject``)."""
    if kind == "yaml":
        return parse_yaml(text, display, label=label)
    source = parse_toml(text, display, label=label)
    if kind != "pyproject":
        return source
    return _pyproject_table(source)


# -- YAML -----------------------------------------------------------------------------------------

_YAML_KEY_RE = re.compile(r"""^(\s*)(?:-\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#'"][^:#]*?)\s*:(?:\s|$)""")


def parse_yaml(text: str, display: str, *, label: str | None = None) -> Source:
    """Parse YAML text (one document) into a :class:`Source`."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        if exc.problem and exc.context:
            problem += f" ({exc.context})"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        key = _yaml_key_at(text, line) if line else ""
        raise ConfigError(f"invalid YAML: {problem}", file=display, line=line, column=column, key=key) from None
    except yaml.YAMLError as exc:  # reader errors: characters YAML does not allow
        position = getattr(exc, "position", None)
        line, column = _line_column(text, position) if isinstance(position, int) else (None, None)
        reason = getattr(exc, "reason", None) or str(exc)
        raise ConfigError(f"invalid YAML: {reason}", file=display, line=line, column=column) from None
    if node is None:
        return Source(display, {}, {}, {(): (1, 1)}, label)
    walker = _YamlWalker(display)
    try:
        data = walker.walk(node, ())
    except RecursionError:
        raise ConfigError("the YAML is nested too deeply", file=display, line=1, column=1) from None
    if not isinstance(data, dict):
        line, column = _mark(node)
        raise ConfigError(
            f"the top level must be a mapping of keys (such as `extends:` or `rules:`); got {kind_name(data)}",
            file=display,
            line=line,
            column=column,
        )
    return Source(display, data, walker.keys, walker.values, label)


#: The most values a YAML configuration may hold once aliases are expanded.
_MAX_NODES = 100_000


def _mark(node: Any) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _YamlWalker:
    """Build plain data from composed YAML nodes, recording positions and refusing duplicate keys."""

    def __init__(self, display: str) -> None:
        import yaml

        self._yaml = yaml
        self.display = display
        self.constructor = yaml.SafeLoader("")
        self.keys: dict[KeyPath, Position] = {}
        self.values: dict[KeyPath, Position] = {}
        self.count = 0

    def walk(self, node: Any, path: KeyPath) -> Any:
        yaml = self._yaml
        self.count += 1
        if self.count > _MAX_NODES:
            line, column = _mark(node)
            raise ConfigError(
                f"more than {_MAX_NODES} values (YAML aliases expand to too much)",
                file=self.display,
                line=line,
                column=column,
                key=dotted(path),
            )
        self.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, index)) for index, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            line, column = _mark(node)
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError(
                f"invalid YAML value: {problem}", file=self.display, line=line, column=column, key=dotted(path)
            ) from None

    def _mapping(self, node: Any, path: KeyPath) -> dict[str, Any]:
        yaml = self._yaml
        merge_tag = "tag:yaml.org,2002:merge"
        first_at: dict[Any, Position] = {}
        for key_node, _value in node.value:
            if key_node.tag == merge_tag:
                continue
            key = self._key(key_node, path)
            if key in first_at:
                line, column = _mark(key_node)
                raise ConfigError(
                    f"duplicate key (first written at line {first_at[key][0]}); a key may appear only once",
                    file=self.display,
                    line=line,
                    column=column,
                    key=dotted((*path, key)),
                )
            first_at[key] = _mark(key_node)
        if any(key_node.tag == merge_tag for key_node, _value in node.value):
            try:
                self.constructor.flatten_mapping(node)
            except yaml.YAMLError as exc:
                line, column = _mark(node)
                problem = getattr(exc, "problem", None) or str(exc)
                raise ConfigError(
                    f"invalid YAML merge: {problem}", file=self.display, line=line, column=column, key=dotted(path)
                ) from None
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            self.keys[(*path, key)] = _mark(key_node)
            result[key] = self.walk(value_node, (*path, key))
        return result

    def _key(self, key_node: Any, path: KeyPath) -> str:
        yaml = self._yaml
        if isinstance(key_node, yaml.ScalarNode):
            try:
                key = self.constructor.construct_object(key_node, deep=True)
            except yaml.YAMLError:
                key = key_node.value
            if isinstance(key, str):
                return key
            written = key_node.value
            hint = ""
            if isinstance(key, bool):
                hint = f' (YAML reads a bare {written} as {str(key).lower()}: write "{written}" in quotes)'
            elif isinstance(key, (int, float)):
                hint = f' (write "{written}" in quotes)'
            message = f"keys must be strings; got {kind_name(key)}{hint}"
        else:
            shape = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
            message = f"keys must be strings; got a {shape}"
        line, column = _mark(key_node)
        raise ConfigError(message, file=self.display, line=line, column=column, key=dotted(path))


def _yaml_key_at(text: str, line: int) -> str:
    """Best-effort dotted key path in force at ``line`` (for syntax errors, where no node exists)."""
    stack: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines()[:line], start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        match = _YAML_KEY_RE.match(raw)
        indent = len(raw) - len(raw.lstrip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if match:
            key = match.group(2).strip()
            if key[:1] in "\"'" and key[-1:] == key[:1] and len(key) >= 2:
                key = key[1:-1]
            stack.append((indent, key))
        elif number == line:
            break
    return ".".join(key for _indent, key in stack)


# -- TOML -----------------------------------------------------------------------------------------

_TOML_AT_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END_RE = re.compile(r"\s*\(at end of document\)\s*$")
_TOML_HEADER_RE = re.compile(r"^\s*\[\[?\s*([^\]#]+?)\s*(?:\]\]?)?\s*(?:#.*)?$")
_TOML_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_TOML_KEY_RE = re.compile(rf"^\s*({_TOML_PART}(?:\s*\.\s*{_TOML_PART})*)\s*=")
_TOML_PART_RE = re.compile(_TOML_PART)


def parse_toml(text: str, display: str, *, label: str | None = None) -> Source:
    """Parse TOML text into a :class:`Source` (positions from :class:`_TomlScanner`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        match = _TOML_AT_RE.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()]
        elif _TOML_END_RE.search(message):
            message = _TOML_END_RE.sub("", message)
            line, column = _line_column(text, len(text))
        key = _toml_key_at(text, line) if line else ""
        raise ConfigError(f"invalid TOML: {message}", file=display, line=line, column=column, key=key) from None
    scanner = _TomlScanner(text)
    scanner.scan()
    return Source(display, data, scanner.keys, scanner.values, label)


def _pyproject_table(source: Source) -> Source:
    """The ``[tool.tfimage-lint]`` table of a parsed ``pyproject.toml``, positions re-rooted."""
    table: Any = source.data
    for index, name in enumerate(PYPROJECT_TABLE):
        if not isinstance(table, dict) or name not in table:
            raise ConfigError("has no [tool.tfimage-lint] table", file=source.display)
        table = table[name]
        if not isinstance(table, dict):
            raise source.error(PYPROJECT_TABLE[: index + 1], f"expected a table; got {kind_name(table)}")
    size = len(PYPROJECT_TABLE)

    def reroot(positions: Mapping[KeyPath, Position]) -> dict[KeyPath, Position]:
        return {path[size:]: pos for path, pos in positions.items() if path[:size] == PYPROJECT_TABLE}

    values = reroot(source.values)
    values[()] = source.keys.get(PYPROJECT_TABLE) or (1, 1)
    return Source(source.display, table, reroot(source.keys), values, source.label)


def _toml_key_at(text: str, line: int) -> str:
    """Best-effort dotted key path at ``line`` of TOML text (for syntax errors)."""
    table: list[str] = []
    key: list[str] = []
    for number, raw in enumerate(text.splitlines()[:line], start=1):
        header = _TOML_HEADER_RE.match(raw)
        if header and not _TOML_KEY_RE.match(raw):
            table = [_unquote(part) for part in _TOML_PART_RE.findall(header.group(1))]
            key = []
            continue
        match = _TOML_KEY_RE.match(raw)
        if match and number == line:
            key = [_unquote(part) for part in _TOML_PART_RE.findall(match.group(1))]
    parts = table + key
    if parts[: len(PYPROJECT_TABLE)] == list(PYPROJECT_TABLE):
        parts = parts[len(PYPROJECT_TABLE) :]
    return ".".join(parts)


def _unquote(part: str) -> str:
    if part[:1] in "\"'":
        try:
            return str(tomllib.loads(f"k = {part}")["k"])
        except tomllib.TOMLDecodeError:
            return part.strip("\"'")
    return part


class _TomlScanner:
    """Find where each key and value of (valid) TOML text is written. Best effort: never raises."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
        self.keys: dict[KeyPath, Position] = {}
        self.values: dict[KeyPath, Position] = {(): (1, 1)}
        self._array_tables: dict[KeyPath, int] = {}

    def pos(self, index: int) -> Position:
        line = bisect.bisect_right(self.starts, index) - 1
        return line + 1, index - self.starts[line] + 1

    def peek(self, size: int = 1) -> str:
        return self.text[self.i : self.i + size]

    def scan(self) -> None:
        with contextlib.suppress(IndexError, ValueError, RecursionError, tomllib.TOMLDecodeError):
            self._document()

    def _skip(self, newlines: bool) -> None:
        text = self.text
        while self.i < len(text):
            char = text[self.i]
            if char in " \t\r" or (newlines and char == "\n"):
                self.i += 1
            elif char == "#":
                while self.i < len(text) and text[self.i] != "\n":
                    self.i += 1
            else:
                break

    def _document(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.text):
                return
            start = self.i
            if self.peek(2) == "[[":
                self.i += 2
                self._skip(False)
                written = self._key()
                self._skip(False)
                self.i += 2
                path = (*self._in_arrays(written[:-1]), *written[-1:])
                index = self._array_tables.get(path, 0)
                self._array_tables[path] = index + 1
                self._record_key(path, start)
                table = (*path, index)
                self.keys.setdefault(table, self.pos(start))
                self.values.setdefault(table, self.pos(start))
            elif self.peek() == "[":
                self.i += 1
                self._skip(False)
                path = self._in_arrays(self._key())
                self._skip(False)
                self.i += 1
                self._record_key(path, start)
                table = path
            else:
                self._keyval(table)

    def _in_arrays(self, written: KeyPath) -> KeyPath:
        """A header's path with the index of the current element of each array of tables it goes through."""
        path: KeyPath = ()
        for part in written:
            path = (*path, part)
            if path in self._array_tables:
                path = (*path, self._array_tables[path] - 1)
        return path

    def _record_key(self, path: KeyPath, start: int) -> None:
        for size in range(1, len(path) + 1):
            self.keys.setdefault(path[:size], self.pos(start))
            self.values.setdefault(path[:size], self.pos(start))

    def _keyval(self, table: KeyPath) -> None:
        start = self.i
        parts = self._key()
        if not parts:
            raise ValueError("no key")
        self._skip(False)
        if self.peek() != "=":
            raise ValueError("no =")
        self.i += 1
        self._skip(False)
        path = (*table, *parts)
        for size in range(len(table) + 1, len(path)):
            self.keys.setdefault(path[:size], self.pos(start))
            self.values.setdefault(path[:size], self.pos(start))
        self.keys[path] = self.pos(start)
        self._value(path)

    def _key(self) -> KeyPath:
        parts: list[str] = []
        while True:
            self._skip(False)
            char = self.peek()
            if char == '"':
                end = self._basic_end(self.i + 1)
                parts.append(_unquote(self.text[self.i : end]))
                self.i = end
            elif char == "'":
                end = self.text.index("'", self.i + 1) + 1
                parts.append(self.text[self.i + 1 : end - 1])
                self.i = end
            else:
                match = re.compile(r"[A-Za-z0-9_-]+").match(self.text, self.i)
                if not match:
                    break
                parts.append(match.group(0))
                self.i = match.end()
            self._skip(False)
            if self.peek() == ".":
                self.i += 1
                continue
            break
        return tuple(parts)

    def _basic_end(self, index: int) -> int:
        """Index just after the closing quote of a one-line basic string whose body starts at ``index``."""
        text = self.text
        while text[index] != '"':
            index += 2 if text[index] == "\\" else 1
        return index + 1

    def _value(self, path: KeyPath) -> None:
        text = self.text
        self.values[path] = self.pos(self.i)
        if self.peek(3) in ('"""', "'''"):
            quote = self.peek(3)
            index = self.i + 3
            while text[index : index + 3] != quote:
                index += 2 if quote == '"""' and text[index] == "\\" else 1
            index += 3
            while index < len(text) and text[index] == quote[0]:
                index += 1
            self.i = index
        elif self.peek() == '"':
            self.i = self._basic_end(self.i + 1)
        elif self.peek() == "'":
            self.i = text.index("'", self.i + 1) + 1
        elif self.peek() == "[":
            self.i += 1
            index = 0
            while True:
                self._skip(True)
                if self.peek() == "]":
                    self.i += 1
                    return
                self._value((*path, index))
                index += 1
                self._skip(True)
                if self.peek() == ",":
                    self.i += 1
        elif self.peek() == "{":
            self.i += 1
            while True:
                self._skip(True)
                if self.peek() == "}":
                    self.i += 1
                    return
                self._keyval(path)
                self._skip(True)
                if self.peek() == ",":
                    self.i += 1
        else:
            while self.i < len(text) and text[self.i] not in ",]}#\n":
                self.i += 1


# -- helpers --------------------------------------------------------------------------------------


def _line_column(text: str, index: int) -> Position:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def kind_name(value: Any) -> str:
    """A value as an error message shows it: ``"eror"``, ``3``, ``false``, ``null``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({value})"
