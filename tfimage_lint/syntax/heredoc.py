"""Heredoc detection on RUN, COPY and ADD, as BuildKit's ``heredocsFromLine`` does it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

_HEREDOC_RE = re.compile(r"^([0-9]*)<<(-?)[ \t\n\f\r]*([^<]*)$", re.DOTALL)

HEREDOC_KEYWORDS = frozenset({"run", "copy", "add"})
MAX_UINT64 = 2**64 - 1


class HeredocError(ValueError):
    """A heredoc word BuildKit rejects, such as ``<<'EOF`` with an unterminated quote."""


@dataclass(frozen=True, slots=True)
class HeredocWord:
    """What a ``<<WORD`` says: the terminator name and how the body is treated."""

    name: str
    file_descriptor: int
    expand: bool
    chomp: bool


def parse_heredoc_word(word: str) -> HeredocWord | None:
    """``ParseHeredoc``: None when ``word`` is not a heredoc; raises :class:`HeredocError`."""
    match = _HEREDOC_RE.match(word)
    if match is None:
        return None
    fd_text, dash, rest = match.groups()
    if not rest:
        return None
    try:
        words = ShellLex(skip_unset_env=True).process_words(rest)
    except ShellError as exc:
        raise HeredocError(str(exc)) from None
    if len(words) != 1:
        return None
    try:
        raw_words = ShellLex(skip_unset_env=True, raw_quotes=True).process_words(rest)
    except ShellError as exc:
        raise HeredocError(str(exc)) from None
    if len(raw_words) != 1:
        raise HeredocError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    name, raw = words[0], raw_words[0]
    expand = name.count("'") + name.count('"') == raw.count("'") + raw.count('"')
    # Go's strconv.ParseUint saturates at the largest uint64 on overflow, and BuildKit ignores the error.
    file_descriptor = min(int(fd_text or 0), MAX_UINT64)
    return HeredocWord(name=name, file_descriptor=file_descriptor, expand=expand, chomp=dash == "-")


def heredocs_from_line(line: str) -> list[HeredocWord]:
    """``heredocsFromLine``: every heredoc word of a logical line, in order."""
    lexer = ShellLex(raw_quotes=True, raw_escapes=True, skip_unset_env=True, detect_heredocs=True)
    try:
        words = lexer.process_words(line)
    except ShellError:
        return []
    found = []
    for word in words:
        heredoc = parse_heredoc_word(word)
        if heredoc is not None:
            found.append(heredoc)
    return found
