"""Immutable results of parsing: instructions with exact spans, heredocs, comments, directives."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SourceSegment:
    """A run of a physical line that went into an instruction's logical line.

    ``offset`` is where the run starts in :attr:`Instruction.original`, ``column`` the 0-based
    character offset where it starts in physical line ``line``.
    """

    line: int
    column: int
    offset: int
    text: str


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A heredoc body attached to RUN, COPY or ADD (lines are 1-based, inclusive)."""

    name: str
    file_descriptor: int
    expand: bool
    chomp: bool
    content: str
    start_line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Comment:
    """A whole-line comment: ``text`` is what follows ``#``, stripped."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Directive:
    """A parser directive such as ``# syntax=...``, ``# escape=...`` or ``# check=...``."""

    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """A parse error or warning with its 1-based line span."""

    message: str
    line: int
    end_line: int
    column: int = 1


def _segment_offset(segment: SourceSegment) -> int:
    return segment.offset


@dataclass(frozen=True, slots=True)
class Instruction:
    """One Dockerfile instruction, as BuildKit's parser sees it.

    ``args`` follow BuildKit's ``Node.Dump()`` conventions (ENV/LABEL as key, value, separator
    triplets; JSON arrays decoded); ``rest`` is the text after the builder flags; ``original``
    the logical line (continuations joined); ``raw`` the exact source lines from ``start_line``
    to ``end_line`` (comments and heredoc bodies included).
    """

    keyword: str
    keyword_text: str
    flags: tuple[str, ...]
    args: tuple[str, ...]
    rest: str
    is_json: bool
    start_line: int
    end_line: int
    original: str
    segments: tuple[SourceSegment, ...] = ()
    heredocs: tuple[Heredoc, ...] = ()
    sub: Instruction | None = None
    comments: tuple[str, ...] = field(default=())
    raw: str = ""

    def locate(self, offset: int) -> tuple[int, int]:
        """Map an offset in :attr:`original` to a 1-based (line, column) in the file."""
        if not self.segments:
            return self.start_line, 1
        # the last segment starting at or before ``offset`` (segments are in offset order)
        index = bisect_right(self.segments, offset, key=_segment_offset) - 1
        chosen = self.segments[max(index, 0)]
        delta = max(0, offset - chosen.offset)
        return chosen.line, chosen.column + delta + 1

    def find(self, needle: str, start: int = 0) -> tuple[int, int] | None:
        """Locate the first occurrence of ``needle`` in :attr:`original` (1-based line, column)."""
        index = self.original.find(needle, start)
        if index < 0:
            return None
        return self.locate(index)

    @property
    def instruction_lines(self) -> tuple[int, ...]:
        """Physical lines that hold the instruction text (not heredoc bodies or comments)."""
        return tuple(dict.fromkeys(segment.line for segment in self.segments))

    def flag_value(self, name: str) -> str | None:
        """Value of builder flag ``--name=value`` (last one wins), ``""`` for a bare flag."""
        found: str | None = None
        prefix = f"--{name}"
        for flag in self.flags:
            if flag == prefix:
                found = ""
            elif flag.startswith(prefix + "="):
                found = flag[len(prefix) + 1 :]
        return found


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything the parser learned about one file."""

    instructions: tuple[Instruction, ...]
    directives: tuple[Directive, ...]
    comments: tuple[Comment, ...]
    errors: tuple[ParseIssue, ...]
    warnings: tuple[ParseIssue, ...]
    escape_token: str
    source_lines: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when BuildKit would accept the file."""
        return not self.errors
