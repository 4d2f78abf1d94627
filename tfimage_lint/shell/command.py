"""What a rule sees of a shell command: its words, with where each was written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tfimage_lint.syntax.nodes import Instruction


@dataclass(frozen=True, slots=True)
class Word:
    """One argument as the shell passes it: quotes removed, known variables expanded.

    ``known`` is False when the value depends on something the linter cannot know (a variable
    with no value, a command substitution); ``text`` is then a best-effort rendering.
    ``line`` and ``column`` (1-based) point at the word in the Dockerfile.
    """

    text: str
    raw: str
    line: int
    column: int
    known: bool = True
    #: Maps an offset in ``text`` to its (line, column) in the Dockerfile, when the text is a
    #: verbatim slice of the source (a quoted ``sh -c`` script); None otherwise.
    origin: Callable[[int], tuple[int, int]] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Command:
    """A simple command: its argument words (command name first, wrappers such as ``sudo`` removed).

    ``wrappers`` lists the words of the wrappers that were removed (``("sudo", "-E")``),
    ``assignments`` the ``NAME=value`` prefixes (value None when unknown), ``cwd`` the
    working directory it runs in (None when unknown). ``nested`` is True inside ``$(...)``;
    ``exact`` is False when the shell could not be parsed and the words come from a
    best-effort split; ``onbuild`` is True for commands of an ``ONBUILD RUN``; ``piped`` for
    commands of a pipeline.
    """

    words: tuple[Word, ...]
    instruction: Instruction
    line: int
    column: int
    wrappers: tuple[str, ...] = ()
    assignments: tuple[tuple[str, str | None], ...] = ()
    cwd: str | None = None
    nested: bool = False
    exact: bool = True
    onbuild: bool = False
    #: Part of a pipeline (``a | b``, including commands grouped in ``{ }``/``( )`` before a pipe).
    piped: bool = False

    @property
    def name(self) -> str:
        """The command's name without its directory (``/usr/bin/pip3`` -> ``pip3``); ``""`` for none."""
        if not self.words:
            return ""
        return self.words[0].text.rsplit("/", 1)[-1]

    @property
    def args(self) -> tuple[Word, ...]:
        """The words after the command name."""
        return self.words[1:]

    def texts(self) -> list[str]:
        """The words' texts."""
        return [word.text for word in self.words]
