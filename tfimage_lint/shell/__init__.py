"""Shell analysis: every RUN split into the simple commands the shell would run.

:func:`run_commands` is the entry point; :class:`Command` and :class:`Word` are what rules see.
"""

from tfimage_lint.shell.command import Command, Word
from tfimage_lint.shell.script import run_commands

__all__ = ["Command", "Word", "run_commands"]
