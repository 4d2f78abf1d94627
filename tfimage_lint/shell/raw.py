"""Commands as a shell parser found them, before variables are expanded (offsets into the script)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Text that makes a word's value depend on running something.
_DYNAMIC_MARKERS = ("$(", "`", "<(", ">(")


@dataclass(frozen=True, slots=True)
class RawWord:
    """A word as written and the character offset where it starts in the script."""

    raw: str
    offset: int

    @property
    def dynamic(self) -> bool:
        """True when the word holds a command or process substitution."""
        return any(marker in self.raw for marker in _DYNAMIC_MARKERS)


@dataclass(slots=True)
class RawCommand:
    """A simple command: ``NAME=value`` prefixes, then words (name first), in script order."""

    offset: int
    words: list[RawWord] = field(default_factory=list)
    assignments: list[RawWord] = field(default_factory=list)
    nested: bool = False
    exact: bool = True
    #: Part of a pipeline (``a | b``): its exit status may be lost.
    piped: bool = False
    #: ``"enter"``/``"leave"`` for the bounds of a ``( ... )`` subshell (no words); ``""`` for a command.
    scope: str = ""
