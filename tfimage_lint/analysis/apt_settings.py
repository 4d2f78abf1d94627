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
        for instruction in stage.stage.instructions:
            if instruction.start_line >= command.instruction.start_line:
                break
            if any(setting.search(heredoc.content) for heredoc in instruction.heredocs):
                return True
        for other in stage.commands:
            if other is command:
                return False
            if any(word.known and setting.search(word.text) for word in other.words):
                return True
    return False


def options_hidden(command: Command) -> bool:
    """An unknown word that may hold options (``$APT_OPTS``, ``${..FLAGS}``): what it holds cannot be known."""
    return any(not word.known and _OPTION_VARIABLE_RE.search(word.raw) for word in command.args)
