"""Immutable model of one Dockerfile: stages, bases, variables and cross-stage references."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from tfimage_lint.model.imageref import ImageRef
from tfimage_lint.syntax.nodes import Instruction, ParseIssue, ParseResult


class BaseKind(str, Enum):
    """What a ``FROM`` (or ``COPY --from``) points at."""

    IMAGE = "image"
    STAGE = "stage"
    SCRATCH = "scratch"
    UNRESOLVED = "unresolved"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class BaseImage:
    """A base as written and as resolved (ARG defaults and ``--build-arg`` applied).

    ``kind`` is UNRESOLVED when a variable in it has no value: rules must treat such a base
    as unknown, never guess. A FROM names a stage (kind STAGE) only when that stage is defined
    earlier, exactly as BuildKit looks stages up.
    """

    written: str
    resolved: str | None
    kind: BaseKind
    image: ImageRef | None = None
    stage_index: int | None = None
    unresolved_variables: tuple[str, ...] = ()
    error: str | None = None
    platform: str | None = None
    #: When an IMAGE base has the name of a stage defined at or after this FROM: that stage.
    #: BuildKit pulls the image; the stage of that name is not used.
    shadowed_stage: int | None = None


@dataclass(frozen=True, slots=True)
class Stage:
    """A build stage: its FROM, its own instructions, and the external image it ends up on."""

    index: int
    name: str | None
    from_instruction: Instruction
    base: BaseImage
    root: BaseImage
    instructions: tuple[Instruction, ...]
    #: The ARG/ENV values known just before each instruction, then after the last one
    #: (one more entry than ``instructions``).
    environments: tuple[Mapping[str, str], ...] = ()
    #: ``id(instruction) -> position``, built on first use (exact instructions, then ONBUILD bodies).
    _positions: dict[int, int] = field(default_factory=dict, compare=False, repr=False)
    _onbuild_positions: dict[int, int] = field(default_factory=dict, compare=False, repr=False)

    def position_of(self, instruction: Instruction, *, onbuild: bool = False) -> int | None:
        """The index of ``instruction`` in :attr:`instructions`; None when it is not in this stage.

        With ``onbuild``, an ONBUILD's body gives the ONBUILD's index. Constant time after the first call,
        so rules that look up every command's RUN stay linear in the file.
        """
        if not self._positions and self.instructions:
            for position, ins in enumerate(self.instructions):
                self._positions[id(ins)] = position
                if ins.sub is not None:
                    self._onbuild_positions[id(ins.sub)] = position
        found = self._positions.get(id(instruction))
        if found is None and onbuild:
            found = self._onbuild_positions.get(id(instruction))
        return found

    def environment_before(self, instruction: Instruction, *, onbuild: bool = False) -> Mapping[str, str]:
        """ARG/ENV values known before ``instruction`` (``{}`` when it is not in this stage)."""
        position = self.position_of(instruction, onbuild=onbuild)
        return self.environment_at(position) if position is not None else {}

    def environment_at(self, position: int) -> Mapping[str, str]:
        """ARG/ENV values known before ``instructions[position]``; ``len(instructions)`` gives the final ones."""
        return self.environments[position] if 0 <= position < len(self.environments) else {}

    @property
    def final_environment(self) -> Mapping[str, str]:
        """ARG/ENV values known at the end of the stage (what the image's config holds, plus ARGs)."""
        return self.environment_at(len(self.instructions))

    @property
    def label(self) -> str:
        """``name`` or ``#index`` for messages."""
        return self.name if self.name else f"#{self.index}"

    @property
    def start_line(self) -> int:
        """Line of the stage's FROM."""
        return self.from_instruction.start_line

    @property
    def end_line(self) -> int:
        """Last line of the stage's last instruction."""
        last = self.instructions[-1] if self.instructions else self.from_instruction
        return last.end_line


@dataclass(frozen=True, slots=True)
class VariableUse:
    """A variable BuildKit would expand, and whether anything defines it at that point."""

    name: str
    instruction: Instruction
    stage_index: int | None
    line: int
    column: int
    defined_by: str | None
    tolerates_unset: bool
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class CopyFromRef:
    """A ``COPY --from=`` / ``ADD --from`` / ``RUN --mount=from=`` reference."""

    instruction: Instruction
    stage_index: int
    written: str
    resolved: str | None
    kind: BaseKind
    target_stage: int | None


def _stage_start(stage: Stage) -> int:
    return stage.start_line


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """Everything rules may read about one file; built once by :func:`build_model`."""

    path: str
    syntax: ParseResult
    build_args: tuple[tuple[str, str], ...]
    global_args: tuple[tuple[str, str | None], ...]
    preamble: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    variable_uses: tuple[VariableUse, ...]
    copy_from: tuple[CopyFromRef, ...]
    semantic_errors: tuple[ParseIssue, ...]

    @property
    def instructions(self) -> tuple[Instruction, ...]:
        """All top-level instructions in file order."""
        return self.syntax.instructions

    def stage_at_line(self, line: int) -> Stage | None:
        """The stage whose span holds ``line`` (None before the first FROM); stages are in line order."""
        index = bisect_right(self.stages, line, key=_stage_start) - 1
        return self.stages[index] if index >= 0 else None

    def source_line(self, line: int) -> str:
        """The text of physical line ``line`` (1-based), or ``""``."""
        lines = self.syntax.source_lines
        return lines[line - 1] if 0 < line <= len(lines) else ""
