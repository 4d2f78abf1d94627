"""DF001 apt-get-missing-yes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tfimage_lint.analysis.apt_settings import configured_before, options_hidden
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.packages import SystemCommand, parse_system
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import StageInstalls
    from tfimage_lint.shell import Command

#: Subcommands that ask "Do you want to continue? [Y/n]" before changing packages.
_PROMPTING = frozenset({"install", "reinstall", "remove", "purge", "autoremove", "autopurge", "upgrade",
                        "dist-upgrade", "full-upgrade", "safe-upgrade", "build-dep", "satisfy"})  # fmt: skip
#: apt's spellings of a true boolean.
_TRUE = frozenset({"true", "yes", "1", "on", "with", "enable"})
#: Short apt options that take a value (the rest of a cluster is that value).
_SHORT_WITH_VALUE = frozenset("octa")
#: Options that only simulate: nothing is changed, nothing is asked.
_SIMULATE = frozenset({"simulate", "just-print", "dry-run", "recon", "no-act"})
#: ``APT::Get::Assume-Yes "true";`` written to an apt.conf file by an earlier command or heredoc.
_CONFIGURED_YES_RE = re.compile(r"APT::Get::Assume-Yes\s*\"?\s*(?:true|yes|1|on)\b", re.IGNORECASE)
#: Unknown words that may hold options (``$APT_OPTS``, ``${INSTALL_FLAGS}``, ``$APT_ARGS``).


def _quiet_level(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _answers_yes(command: SystemCommand) -> bool | None:
    """True when the options answer the prompt, None when they say nothing is changed (simulation)."""
    quiet = 0
    configs: list[str] = []
    for option in command.options:
        if option.startswith("--"):
            name, has_value, value = option[2:].partition("=")
            if name in ("yes", "assume-yes") and (not has_value or value.lower() in _TRUE):
                return True
            if name in _SIMULATE:
                return None
            if name == "quiet":
                quiet = _quiet_level(value) if has_value else quiet + 1
            elif name == "option" and has_value:
                configs.append(value)
            continue
        body = option[1:]
        if body.startswith("q="):
            quiet = _quiet_level(body[2:])
            continue
        for index, letter in enumerate(body):
            if letter in _SHORT_WITH_VALUE:
                if letter == "o":
                    value = body[index + 1 :]
                    configs.append(value[1:] if value.startswith("=") else value)
                break
            if letter == "y":
                return True
            if letter == "s":
                return None
            if letter == "q":
                quiet += 1
    for config in configs:
        key, _, value = config.partition("=")
        key = key.strip().lower()
        if key in ("apt::get::assume-yes", "aptitude::cmdline::assume-yes") and value.strip().lower() in _TRUE:
            return True
        if key == "quiet":
            quiet = _quiet_level(value.strip())
    # apt-get and apt: quiet level 2 implies -y (apt-get(8)); aptitude's -q does not.
    return command.manager != "aptitude" and quiet >= 2


def _answers_y(command: Command) -> bool:
    """``yes``, ``echo y``, ``printf 'y\\n'``: a command whose output answers the prompt."""
    if command.name == "yes":
        return True
    texts = [word.text for word in command.args if word.known and not word.text.startswith("-")]
    return command.name in ("echo", "printf") and bool(texts) and texts[0][:1] in ("y", "Y")


def _after_yes_pipe(installs: StageInstalls, command: Command) -> bool:
    """``yes | apt-get install ...``: the command right before it in the same pipeline answers "y"."""
    commands = installs.onbuild_commands if command.onbuild else installs.commands
    for index, other in enumerate(commands):
        if other is command:
            previous = commands[index - 1] if index else None
            return (
                command.piped
                and previous is not None
                and previous.piped
                and previous.instruction is command.instruction
                and _answers_y(previous)
            )
    return False


class AptGetMissingYes(Rule):
    """Answer apt-get's confirmation prompt with `-y`; a build cannot answer it.

    ## What it does
    Reports `apt-get` (and `apt`, `aptitude`) commands that change packages (`install`,
    `reinstall`, `remove`, `purge`, `autoremove`, `upgrade`, `dist-upgrade`, `full-upgrade`,
    `build-dep`, `satisfy`) without an option that answers the confirmation prompt:
    `-y`, `--yes`, `--assume-yes` (also inside a short-option cluster such as `-qy`), a quiet
    level of 2 (`-qq`, `-q -q`, `-q=2`: apt-get documents that it implies `-y`; not for
    aptitude) or `-o APT::Get::Assume-Yes=true`. Commands run through `sudo`, `env`, `xargs`,
    `sh -c '...'`, heredoc RUNs and `ONBUILD RUN` (it breaks every build that uses the image)
    are checked; the finding points at the command's own line inside a multi-line RUN.
    Not reported: simulations (`-s`, `--simulate`, `--dry-run`...), `yes | apt-get ...` (or `echo y |`), a stage
    where an earlier command or heredoc wrote `APT::Get::Assume-Yes "true";` to an apt.conf file,
    and commands whose options hide in an unknown variable (`apt-get install $APT_OPTS curl`).

    Differences from hadolint DL3014: hadolint checks `apt-get install` only; this rule also
    checks the other subcommands that ask (a `remove` always asks), `apt install` (which also
    gets DF005) and `aptitude`, accepts `-o APT::Get::Assume-Yes=true`, and sees commands behind
    `sudo` and inside `sh -c` strings.

    ## Why is this bad?
    Whenever the operation does more than install exactly the named packages (dependencies to
    pull in, packages to remove or upgrade), apt-get asks "Do you want to continue? [Y/n]". A
    `docker build` gives it no terminal and no input: apt-get reads end-of-file, prints
    `Abort.` and the build fails, often only once a package gains a dependency.

    ## Example
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    """

    id = "DF001"
    name = "apt-get-missing-yes"
    severity = Severity.WARNING
    see_also = ("hadolint DL3014",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            installs = ctx.stage_facts.installs(facts.stage)
            onbuild = (parse_system(command) for command in installs.onbuild_commands)
            for command in (*installs.system, *(parsed for parsed in onbuild if parsed is not None)):
                if command.family != "apt" or command.subcommand not in _PROMPTING:
                    continue
                if _answers_yes(command) is not False or options_hidden(command.command):
                    continue
                if _after_yes_pipe(installs, command.command) or configured_before(
                    installs, command.command, _CONFIGURED_YES_RE
                ):
                    continue
                yield self._report(ctx, command)

    def _report(self, ctx: RuleContext, command: SystemCommand) -> Finding:
        shell = command.command
        label = f"{command.manager} {command.subcommand}"
        if command.action == "install" or command.subcommand in ("build-dep", "satisfy"):
            when = "as soon as it must pull in dependencies it asks"
        else:
            when = "before it removes or upgrades packages it asks"
        where = "every build FROM this image (ONBUILD)" if shell.onbuild else "the build"
        message = (
            f'{label} without -y: {when} "Do you want to continue? [Y/n]", reads no answer (a build has no '
            f"terminal) and aborts {where}; add -y ({label} -y ...)"
        )
        return self.finding(ctx, shell.line, message, column=shell.column)
