"""What every reporter may need besides the file reports: the rules that ran and facts of the run."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfimage_lint.rule import Rule


@dataclass(frozen=True)
class RenderContext:
    """Facts of one run, for reporters.

    ``rules`` are the rule classes that ran (SARIF's ``rules[]``), ``exit_code`` the code the run
    exits with (0 clean, 1 findings at ``fail_on`` or worse, 2 errors), ``root`` the folder
    relative paths are resolved against (SARIF's ``%SRCROOT%``: the current directory),
    ``errors`` the run's tool errors (unreadable files, crashed rules) as one-line messages.
    """

    rules: tuple[type[Rule], ...] = ()
    exit_code: int = 0
    fail_on: str = "warning"
    root: str = "."
    errors: tuple[str, ...] = ()
    command_line: tuple[str, ...] = ()
    start_time: str | None = None
    end_time: str | None = None
    sarif_category: str = "tfimage-lint/"
    include_suppressed: bool = False
    color: bool = False
    quiet: bool = False
    extra: dict[str, object] = field(default_factory=dict)
