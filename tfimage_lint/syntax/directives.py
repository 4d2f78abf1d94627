"""Parser directives (``# syntax=``, ``# escape=``, ``# check=``) with BuildKit's placement rules.

Directives are honoured only on the first lines of the file, before any instruction, blank
line or ordinary comment; each may appear once; ``escape`` must be ``\\`` or a backtick.
"""

from __future__ import annotations

import re

from tfimage_lint.syntax.gotext import go_quote, trim_left_space

VALID_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_DIRECTIVE_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$", re.ASCII)


class DirectiveError(ValueError):
    """A directive BuildKit rejects (duplicate, or an invalid escape token)."""


class DirectiveParser:
    """Feeds lines one by one, as BuildKit's ``DirectiveParser.ParseLine`` does."""

    def __init__(self, comment_prefix: str = "#") -> None:
        self.comment_prefix = comment_prefix
        self.done = False
        self._seen: set[str] = set()

    def parse_line(self, line: str) -> tuple[str, str] | None:
        """Return ``(name, value)`` when ``line`` is a directive; raises :class:`DirectiveError`."""
        if self.done:
            return None
        if not line.startswith(self.comment_prefix):
            self.done = True
            return None
        body = trim_left_space(line[len(self.comment_prefix) :])
        match = _DIRECTIVE_RE.match(body)
        if match is None:
            self.done = True
            return None
        name = match.group(1).lower()
        if name not in VALID_DIRECTIVES:
            self.done = True
            return None
        if name in self._seen:
            raise DirectiveError(f"only one {name} parser directive can be used")
        self._seen.add(name)
        value = match.group(2)
        if name == "escape" and value not in ("\\", "`"):
            raise DirectiveError(f"invalid escape token '{value}' does not match ` or \\")
        if name == "check":
            check_options_error = validate_check_options(value)
            if check_options_error:
                raise DirectiveError(check_options_error)
        return name, value


_GO_BOOLS = frozenset({"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"})


def validate_check_options(value: str) -> str | None:
    """BuildKit's ``ParseLintOptions``: ``skip=...;error=<bool>;experimental=...``; the error, if any."""
    value = value.strip()
    if not value:
        return None
    for part in value.split(";", 2):
        key, eq, option = part.partition("=")
        if not eq:
            return f"invalid check option {go_quote(part)}"
        key = key.strip()
        if key == "error" and option.strip() not in _GO_BOOLS:
            return f"failed to parse check option {go_quote(part)}: invalid syntax"
        if key not in ("skip", "error", "experimental"):
            return f"invalid check option {go_quote(key)}"
    return None


def _discard_shebang(text: str) -> tuple[str, bool]:
    first, _, rest = text.partition("\n")
    if first.startswith("#!"):
        return rest, True
    return text, False


def _detect_with_prefix(key: str, text: str, prefix: str, first_line: int) -> tuple[str, str, int] | None:
    parser = DirectiveParser(prefix)
    for number, line in enumerate(text.split("\n"), start=first_line + 1):
        if parser.done:
            break
        try:
            found = parser.parse_line(line)
        except DirectiveError:
            return None
        if found is not None and found[0] == key:
            return found[1].split(" ", 1)[0], found[1], number
    return None


def detect_syntax(text: str) -> tuple[str, str, int] | None:
    """BuildKit's ``DetectSyntax``: ``(ref, cmdline, line)`` of the ``syntax`` directive, if any.

    Accepts ``# syntax=``, ``// syntax=`` and a JSON ``{"syntax": ...}`` document; a leading
    shebang line is skipped.
    """
    import json

    text = text.removeprefix("\ufeff")
    text, had_shebang = _discard_shebang(text)
    first_line = 1 if had_shebang else 0
    for prefix in ("#", "//"):
        found = _detect_with_prefix("syntax", text, prefix, first_line)
        if found is not None:
            return found
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if isinstance(document, dict) and isinstance(document.get("syntax"), str):
        return document["syntax"], document["syntax"], first_line
    return None
