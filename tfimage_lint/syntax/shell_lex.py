"""BuildKit's shell lexer (``frontend/dockerfile/shell``): variable expansion and word splitting.

It follows BuildKit's semantics rather than a real shell's: ``$V``, ``${V}``, ``${V:-w}``,
``${V-w}``, ``${V:+w}``, ``${V+w}``, ``${V:?w}``, ``${V?w}``, ``${V#p}``, ``${V##p}``,
``${V%p}``, ``${V%%p}``, ``${V/p/r}`` and ``${V//p/r}``; single and double quotes; the escape
token. Nothing is ever executed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tfimage_lint.syntax.gotext import is_go_space

_EOF = ""
_SPECIAL_PARAMS = frozenset("@*#?-$!0")
#: Nested ``${V:-${W:-...}}`` levels expanded; deeper is a :class:`ShellError` (recursion would exhaust the stack).
MAX_NESTING = 100


class ShellError(ValueError):
    """A word BuildKit refuses to expand (unterminated quote, bad substitution, ``${V:?}``...)."""


@dataclass(slots=True)
class ShellResult:
    """The expanded word, its split words, and which variable names were found or missing."""

    result: str
    words: list[str]
    matched: set[str] = field(default_factory=set)
    unmatched: set[str] = field(default_factory=set)
    references: list[VariableReference] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class VariableReference:
    """A ``$NAME`` or ``${NAME...}`` in a word: where it starts and its modifier (``:-``, ``#``...)."""

    name: str
    offset: int
    modifier: str

    @property
    def tolerates_unset(self) -> bool:
        """True for ``${V:-w}``, ``${V-w}``, ``${V:+w}``, ``${V+w}``, ``${V:?w}`` and ``${V?w}``."""
        return self.modifier in (":-", "-", ":+", "+", ":?", "?")


class _Words:
    __slots__ = ("in_word", "word", "words")

    def __init__(self) -> None:
        self.word = ""
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if is_go_space(ch):
            if self.in_word and self.word:
                self.words.append(self.word)
                self.word = ""
                self.in_word = False
        else:
            self.add_raw_char(ch)

    def add_raw_char(self, ch: str) -> None:
        self.word += ch
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw_string(self, text: str) -> None:
        self.word += text
        self.in_word = True

    def get_words(self) -> list[str]:
        if self.word:
            self.words.append(self.word)
            self.word = ""
            self.in_word = False
        return self.words


class ShellLex:
    """A configurable lexer; create one per use, it is not re-entrant."""

    def __init__(
        self,
        escape_token: str = "\\",
        *,
        raw_quotes: bool = False,
        raw_escapes: bool = False,
        skip_process_quotes: bool = False,
        skip_unset_env: bool = False,
        detect_heredocs: bool = False,
    ) -> None:
        self.escape_token = escape_token
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_process_quotes = skip_process_quotes
        self.skip_unset_env = skip_unset_env
        self.detect_heredocs = detect_heredocs
        self._text = ""
        self._pos = 0
        self._env: Mapping[str, str] = {}
        self._matched: set[str] = set()
        self._unmatched: set[str] = set()
        self._references: list[VariableReference] = []
        self._depth = 0

    # -- public API -------------------------------------------------------------------------

    def process(self, word: str, env: Mapping[str, str] | None = None) -> ShellResult:
        """Expand ``word``; raises :class:`ShellError` where BuildKit would fail."""
        self._text = word
        self._pos = 0
        self._env = env or {}
        self._matched = set()
        self._unmatched = set()
        self._references = []
        result, words = self._process_stop_on(_EOF, self.raw_escapes)
        return ShellResult(result, words, self._matched, self._unmatched, self._references)

    def process_word(self, word: str, env: Mapping[str, str] | None = None) -> str:
        """``ProcessWord``: the expanded string."""
        return self.process(word, env).result

    def process_words(self, word: str, env: Mapping[str, str] | None = None) -> list[str]:
        """``ProcessWords``: the expanded text split into words, quotes honoured."""
        return self.process(word, env).words

    # -- scanner ----------------------------------------------------------------------------

    def _peek(self) -> str:
        return self._text[self._pos] if self._pos < len(self._text) else _EOF

    def _next(self) -> str:
        if self._pos < len(self._text):
            ch = self._text[self._pos]
            self._pos += 1
            return ch
        return _EOF

    # -- lexing -----------------------------------------------------------------------------

    def _process_stop_on(self, stop: str, raw_escapes: bool) -> tuple[str, list[str]]:
        if self._depth > MAX_NESTING:
            raise ShellError(f"substitutions nested more than {MAX_NESTING} deep: tfimage-lint does not expand them")
        saved_raw = self.raw_escapes
        self.raw_escapes = raw_escapes
        self._depth += 1
        try:
            return self._stop_on(stop)
        finally:
            self.raw_escapes = saved_raw
            self._depth -= 1

    def _stop_on(self, stop: str) -> tuple[str, list[str]]:
        result: list[str] = []
        words = _Words()
        while self._peek() != _EOF:
            ch = self._peek()
            if stop != _EOF and ch == stop:
                self._next()
                return "".join(result), words.get_words()
            handler = self._handler_for(ch)
            if handler is not None:
                text = handler()
                result.append(text)
                if ch == "$":
                    words.add_string(text)
                else:
                    words.add_raw_string(text)
                continue
            ch = self._next()
            if ch == self.escape_token:
                if self.raw_escapes:
                    words.add_raw_char(ch)
                    result.append(ch)
                ch = self._next()
                if ch == _EOF:
                    break
                words.add_raw_char(ch)
            else:
                words.add_char(ch)
            result.append(ch)
        if stop != _EOF:
            raise ShellError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.get_words()

    def _handler_for(self, ch: str) -> Callable[[], str] | None:
        if ch == "$":
            return self._process_dollar
        if not self.skip_process_quotes:
            if ch == "'":
                return self._process_single_quote
            if ch == '"':
                return self._process_double_quote
        if ch == "<" and self.detect_heredocs:
            return self._process_possible_heredoc
        return None

    def _process_possible_heredoc(self) -> str:
        self._next()
        if self._peek() != "<":
            return "<"
        self._next()
        text = "<<"
        if self._peek() == "-":
            text += self._next()
        while self._peek() != _EOF and self._peek() in " \t":
            text += self._next()
        return text

    def _process_single_quote(self) -> str:
        result: list[str] = []
        ch = self._next()
        if self.raw_quotes:
            result.append(ch)
        while True:
            ch = self._next()
            if ch == _EOF:
                raise ShellError("unexpected end of statement while looking for matching single-quote")
            if ch == "'":
                if self.raw_quotes:
                    result.append(ch)
                return "".join(result)
            result.append(ch)

    def _process_double_quote(self) -> str:
        result: list[str] = []
        ch = self._next()
        if self.raw_quotes:
            result.append(ch)
        while True:
            peek = self._peek()
            if peek == _EOF:
                raise ShellError("unexpected end of statement while looking for matching double-quote")
            if peek == '"':
                ch = self._next()
                if self.raw_quotes:
                    result.append(ch)
                return "".join(result)
            if peek == "$":
                result.append(self._process_dollar())
                continue
            ch = self._next()
            if ch == self.escape_token:
                if self.raw_escapes:
                    result.append(ch)
                following = self._peek()
                if following == _EOF:
                    continue
                if following in ('"', "$", self.escape_token):
                    ch = self._next()
            result.append(ch)

    def _process_name(self) -> str:
        name: list[str] = []
        while self._peek() != _EOF:
            ch = self._peek()
            if not name and ch.isdecimal():
                while self._peek() != _EOF and self._peek().isdecimal():
                    name.append(self._next())
                return "".join(name)
            if not name and ch in _SPECIAL_PARAMS:
                return self._next()
            if not (ch.isalpha() or ch.isdecimal() or ch == "_"):
                break
            name.append(self._next())
        return "".join(name)

    def _get_env(self, name: str) -> tuple[str, bool]:
        if name in self._env:
            self._matched.add(name)
            return self._env[name], True
        self._unmatched.add(name)
        return "", False

    def _process_dollar(self) -> str:
        start = self._pos
        self._next()
        if self._peek() != "{":
            name = self._process_name()
            if not name:
                return "$"
            self._references.append(VariableReference(name, start, ""))
            value, found = self._get_env(name)
            if not found and self.skip_unset_env:
                return "$" + name
            return value
        self._next()
        peek = self._peek()
        if peek == _EOF:
            raise ShellError("syntax error: missing '}'")
        if peek in "{}:":
            raise ShellError("syntax error: bad substitution")
        name = self._process_name()
        ch = self._next()
        modifier = ch or "\ufffd"
        null_is_unset = False
        if ch == ":":
            modifier += self._peek()
        self._references.append(VariableReference(name, start, "" if ch == "}" else modifier))
        if ch == "}":
            value, found = self._get_env(name)
            if not found and self.skip_unset_env:
                return "${" + name + "}"
            return value
        if ch == ":":
            null_is_unset = True
            ch = self._next()
            if ch in ("#", "%"):
                raise ShellError(f"unsupported modifier ({modifier}) in substitution")
        elif ch == "/":
            return self._process_replace(name)
        elif ch not in ("+", "-", "?", "#", "%"):
            raise ShellError(f"unsupported modifier ({modifier}) in substitution")
        try:
            word, _ = self._process_stop_on("}", ch in ("#", "%"))
        except ShellError:
            if self._peek() == _EOF:
                raise ShellError("syntax error: missing '}'") from None
            raise
        value, found = self._get_env(name)
        if self.skip_unset_env and not found:
            return "${" + name + modifier + word + "}"
        if ch == "-":
            return word if (not found or (null_is_unset and value == "")) else value
        if ch == "+":
            return "" if (not found or (null_is_unset and value == "")) else word
        if ch == "?":
            if not found:
                raise ShellError(f"{name}: {word or 'is not allowed to be unset'}")
            if null_is_unset and value == "":
                raise ShellError(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        if ch in ("#", "%"):
            greedy = bool(word) and word[0] == ch
            if greedy:
                word = word[1:]
            if ch == "%":
                return _trim_suffix(word, value, greedy)
            return _trim_prefix(word, value, greedy)
        raise ShellError(f"unsupported modifier ({modifier}) in substitution")

    def _process_replace(self, name: str) -> str:
        replace_all = self._peek() == "/"
        if replace_all:
            self._next()
        try:
            pattern, _ = self._process_stop_on("/", True)
        except ShellError:
            if self._peek() == _EOF:
                raise ShellError("syntax error: missing '/' in ${}") from None
            raise
        try:
            replacement, _ = self._process_stop_on("}", True)
        except ShellError:
            if self._peek() == _EOF:
                raise ShellError("syntax error: missing '}'") from None
            raise
        value, found = self._get_env(name)
        if self.skip_unset_env and not found:
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        regex = _shell_pattern_to_regex(pattern, greedy=True, anchored=False)
        if replace_all:
            return _go_replace_all(regex, value, replacement)
        match = regex.search(value)
        if match:
            return value[: match.start()] + replacement + value[match.end() :]
        return value


_REGEX_SPECIALS = frozenset("[]{}.+()|^$")


def _shell_pattern_to_regex(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """BuildKit's ``convertShellPatternToRegex``: ``*`` and ``?`` wildcards, no brackets."""
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    index = 0
    while index < len(pattern):
        tok = pattern[index]
        index += 1
        if tok == "*":
            out.append(star)
            continue
        if tok == "?":
            out.append(".")
            continue
        if tok == "\\":
            following = pattern[index] if index < len(pattern) else ""
            if following in ("}", "/"):
                continue
            out.append("\\")
            tok = following
            index += 1
            if tok not in ("*", "?", "\\"):
                raise ShellError(f"invalid pattern ({pattern}) in substitution: invalid escape '\\{tok}'")
        elif tok in _REGEX_SPECIALS:
            out.append("\\")
        out.append(tok)
    return re.compile("".join(out))


def _reverse_pattern(pattern: str) -> str:
    """Reverse a pattern without reversing its escapes (``a\\*c`` becomes ``c\\*a``)."""
    units: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern[index] == "\\" and index + 1 < len(pattern):
            units.append(pattern[index : index + 2])
            index += 2
        else:
            units.append(pattern[index])
            index += 1
    return "".join(reversed(units))


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    match = _shell_pattern_to_regex(pattern, greedy=greedy, anchored=True).search(value)
    return value[match.end() :] if match else value


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    return _trim_prefix(_reverse_pattern(pattern), value[::-1], greedy)[::-1]


_TEMPLATE_NAME = re.compile(r"\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+)")


def _go_expand(template: str, match: re.Match[str]) -> str:
    """Go's ``Regexp.Expand``: ``$$`` is ``$``, ``$0``/``${0}`` the match, other names empty."""
    out: list[str] = []
    rest = template
    while True:
        before, dollar, after = rest.partition("$")
        out.append(before)
        if not dollar:
            return "".join(out)
        if after.startswith("$"):
            out.append("$")
            rest = after[1:]
            continue
        found = _TEMPLATE_NAME.match(after)
        if found is None:
            out.append("$")
            rest = after
            continue
        name = found.group(1) or found.group(2)
        if name.isdigit() and int(name) == 0:
            out.append(match.group(0))
        rest = after[found.end() :]


def _go_replace_all(regex: re.Pattern[str], value: str, replacement: str) -> str:
    """Go's ``ReplaceAllString``: an empty match right after a match is not replaced."""
    out: list[str] = []
    search = 0
    last_end = 0
    while search <= len(value):
        match = regex.search(value, search)
        if match is None:
            break
        out.append(value[last_end : match.start()])
        if match.end() > last_end or match.start() == 0:
            out.append(_go_expand(replacement, match))
        last_end = match.end()
        if search + 1 > match.end():
            search += 1
        else:
            search = match.end()
    out.append(value[last_end:])
    return "".join(out)
