"""apt settings given outside the command line.

apt.conf lines written earlier in the stage chain, and options hidden in a variable
(``$APT_OPTS``) whose value the linter cannot know.
"""

from __future__ import annotations

import re

from tfimage_lint.analysis.installs import StageInstalls
from tfimage_lint.shell.command import Command

_OPTION_VARIABLE_RE = re.compile(r"OPT|FLAG|(?<![A-Z])ARGS?(?![A-Z])", re.IGNORECASE)


def configured_before(installs: StageInstalls, command: Command, setting: re.Pattern[str]) -> bool:
    """Whether an earlier heredoc or command of the stage chain wrote ``setting`` (an apt.conf line)."""
    for stage in installs.chain():
        heredoc_line, command_index = _first_settings(stage, setting)
        if stage is not installs:
            if heredoc_line is not None or command_index is not None:
                return True
            continue
        if heredoc_line is not None and heredoc_line < command.instruction.start_line:
            return True
        if command_index is not None:
            return command_index < _positions(stage).get(id(command), len(stage.commands))
    return False


def _positions(stage: StageInstalls) -> dict[int, int]:
    """``id(command) -> index`` in ``stage.commands`` (built once per stage)."""
    found = stage.memo.get("command-positions")
    if found is None:
        found = stage.memo["command-positions"] = {id(other): index for index, other in enumerate(stage.commands)}
    return found  # type: ignore[return-value]


def _first_settings(stage: StageInstalls, setting: re.Pattern[str]) -> tuple[int | None, int | None]:
    """(first line of an instruction whose heredoc writes ``setting``, index of the first command that does).

    Computed once per stage and setting, so that checking every apt command stays linear in the file.
    """
    key = ("apt-setting", setting.pattern, setting.flags)
    found = stage.memo.get(key)
    if found is None:
        instructions = stage.stage.instructions
        heredoc_line = next(
            (ins.start_line for ins in instructions if any(setting.search(h.content) for h in ins.heredocs)), None
        )
        command_index = next(
            (index for index, other in enumerate(stage.commands)
             if any(word.known and setting.search(word.text) for word in other.words)),
            None,
        )  # fmt: skip
        found = stage.memo[key] = (heredoc_line, command_index)
    return found  # type: ignore[return-value]


def options_hidden(command: Command) -> bool:
    """An unknown word that may hold options (``$APT_OPTS``, ``${..FLAGS}``): what it holds cannot be known."""
    return any(not word.known and _OPTION_VARIABLE_RE.search(word.raw) for word in command.args)
