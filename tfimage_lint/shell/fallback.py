"""A best-effort split of shell text into commands, for text the real parser cannot read.

It knows quotes, backslash escapes, ``$(...)`` and backticks (kept inside one word), the
separators ``&& || ; | &`` and newlines, and skips reserved words at a command's start.
It never raises; an unterminated quote runs to the end of the text.
"""

from __future__ import annotations

import re

from tfimage_lint.shell.raw import RawCommand, RawWord

_SEPARATORS = ("&&", "||", ";;", ";", "|", "&", "\n", "(", ")")
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac",
                       "{", "}", "!", "in", "select", "function"})  # fmt: skip
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def split_script(text: str) -> list[RawCommand]:
    """Commands of ``text`` in order; every command is marked inexact."""
    commands: list[RawCommand] = []
    current: RawCommand | None = None
    pipe_next = False
    for word, offset, separator in _tokens(text):
        if separator:
            if word == "|" and current is not None:
                current.piped = True
            pipe_next = word == "|"
            current = None
            continue
        if current is None:
            if word in _RESERVED:
                continue
            current = RawCommand(offset, exact=False, piped=pipe_next)
            commands.append(current)
        if not current.words and _ASSIGNMENT_RE.match(word):
            current.assignments.append(RawWord(word, offset))
        else:
            current.words.append(RawWord(word, offset))
    return [command for command in commands if command.words or command.assignments]


def _tokens(text: str) -> list[tuple[str, int, bool]]:
    """(text, offset, is_separator) for every word and separator."""
    tokens: list[tuple[str, int, bool]] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in " \t\r":
            index += 1
            continue
        if char == "\\" and text.startswith("\\\n", index):
            index += 2
            continue
        if char == "#" and (index == 0 or text[index - 1] in " \t\n;&|("):
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        separator = next((sep for sep in _SEPARATORS if text.startswith(sep, index)), None)
        if separator is not None:
            tokens.append((separator, index, True))
            index += len(separator)
            continue
        start = index
        index = _word_end(text, index)
        tokens.append((text[start:index], start, False))
    return tokens


def _word_end(text: str, index: int) -> int:
    """Where the word starting at ``index`` ends."""
    length = len(text)
    while index < length:
        char = text[index]
        if char in " \t\r\n;&|()":
            return index
        if char == "\\":
            index += 2
        elif char == "'":
            end = text.find("'", index + 1)
            index = length if end < 0 else end + 1
        elif char == '"':
            index = _closing_double_quote(text, index + 1)
        elif char == "`":
            end = text.find("`", index + 1)
            index = length if end < 0 else end + 1
        elif text.startswith("$(", index):
            index = _closing_paren(text, index + 2)
        else:
            index += 1
    return index


def _closing_double_quote(text: str, index: int) -> int:
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
        elif char == '"':
            return index + 1
        else:
            index += 1
    return length


def _closing_paren(text: str, index: int) -> int:
    depth, length = 1, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return length
