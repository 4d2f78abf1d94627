"""The ``ENV`` settings of a stage, as written and as BuildKit expands them, with where each key is.

Also :func:`word_offsets`, which locates the arguments of any instruction (``ENV``, ``ARG``) in
its original text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from tfimage_lint.model.dockerfile import Dockerfile, Stage
from tfimage_lint.syntax.nodes import Instruction
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex


@dataclass(frozen=True, slots=True)
class EnvSetting:
    """One ``KEY=value`` of an ``ENV`` instruction.

    ``raw`` is the value as written, ``value`` the value after expansion with the ARG/ENV values
    known before the instruction (None when it depends on a variable with no known value, e.g.
    one only the base image sets), ``references`` the names of the variables ``raw`` expands.
    ``line``/``column`` (1-based) point at the key, on its physical line; ``end_column`` just after it.
    """

    instruction: Instruction
    position: int
    key: str
    raw: str
    value: str | None
    references: tuple[str, ...]
    line: int
    column: int
    end_column: int


def _expand(raw: str, env: Mapping[str, str], escape: str = "\\") -> tuple[str | None, tuple[str, ...]]:
    """``raw`` expanded the way BuildKit expands ENV values: (value or None when unknown, referenced names)."""
    try:
        result = ShellLex(escape).process(raw, env)
    except ShellError:
        return None, ()
    names = tuple(dict.fromkeys(reference.name for reference in result.references))
    return (None if result.unmatched else result.result), names


def word_offsets(ins: Instruction, words: tuple[str, ...]) -> list[int | None]:
    """Offsets in ``ins.original`` of successive ``words`` of the instruction's arguments (None if not found)."""
    text = ins.original
    cursor = text.rfind(ins.rest) if ins.rest else len(text)
    cursor = max(cursor, 0)
    offsets: list[int | None] = []
    for word in words:
        index = text.find(word, cursor) if word else -1
        if index < 0:
            offsets.append(None)
            continue
        offsets.append(index)
        cursor = index + len(word)
    return offsets


def env_settings(dockerfile: Dockerfile, stage: Stage) -> Iterator[EnvSetting]:
    """Every ``KEY=value`` set by an ``ENV`` instruction of ``stage``, in order."""
    escape = dockerfile.syntax.escape_token
    for position, ins in enumerate(stage.instructions):
        if ins.keyword != "env" or len(ins.args) < 3:
            continue
        env = stage.environment_at(position)
        args = ins.args[: len(ins.args) - len(ins.args) % 3]
        offsets = word_offsets(ins, tuple(word for index, word in enumerate(args) if index % 3 != 2))
        for index in range(0, len(args), 3):
            key_raw, raw = args[index], args[index + 1]
            offset = offsets[(index // 3) * 2]
            line, column = ins.locate(offset) if offset is not None else (ins.start_line, 1)
            key, _ = _expand(key_raw, env, escape)
            value, references = _expand(raw, env, escape)
            end_column = column + len(key_raw)
            yield EnvSetting(ins, position, key or key_raw, raw, value, references, line, column, end_column)


def stage_env(dockerfile: Dockerfile, stage: Stage) -> dict[str, EnvSetting]:
    """The ENV settings in effect at the end of ``stage``: its own and those of the stages it is built on."""
    chain: list[Stage] = []
    current: Stage | None = stage
    seen: set[int] = set()
    while current is not None and current.index not in seen:
        seen.add(current.index)
        chain.append(current)
        parent = current.base.stage_index
        current = dockerfile.stages[parent] if parent is not None and parent < current.index else None
    settings: dict[str, EnvSetting] = {}
    for member in reversed(chain):
        for setting in env_settings(dockerfile, member):
            settings[setting.key] = setting
    return settings


def shown(setting: EnvSetting, limit: int = 60) -> str:
    """``KEY=value`` as written, shortened for a message."""
    raw = setting.raw if len(setting.raw) <= limit else setting.raw[: limit - 3] + "..."
    return f"{setting.key}={raw}"
