"""DF007 sudo-in-run."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command


class SudoInRun(Rule):
    """Do not use sudo in RUN instructions.

    ## What it does
    Reports every command a RUN runs through `sudo` (`sudo apt-get ...`, `sudo -u app ...`,
    `env sudo ...`, `/usr/bin/sudo ...`, a bare `sudo`), also inside `sh -c '...'` strings,
    heredoc RUNs, exec-form RUNs and `ONBUILD RUN`. The finding points at the physical line
    and column where that command starts inside a multi-line RUN.

    `sudo` as a word that is not run as a command is fine: installing the package
    (`apt-get install -y sudo`), `echo sudo`, `usermod -aG sudo app`, or writing
    `/etc/sudoers`. A command whose name comes from a variable without a value (`$SUDO ls`)
    is unknown and not reported.

    Compared with hadolint DL3004: this rule also finds `sudo` behind another wrapper
    (`env sudo ...`, `xargs sudo ...`), called by path, and inside `sh -c` strings, and it
    reports each `sudo` command (hadolint reports a RUN once) at its own line and column rather
    than the RUN's first line.

    ## Why is this bad?
    A RUN already runs as the user the last `USER` set, so `sudo` adds nothing but
    surprises: it must be installed and configured (sudoers, passwords, a TTY), it resets the
    environment and `PATH` (`env_reset`, `secure_path`), and its TTY and signal handling differ
    from a plain command. A setuid `sudo` left in the image also lets a compromised
    non-root process become root. Switch users with `USER` instead, and use a tool like
    `gosu` or `su-exec` when an entrypoint must drop privileges at run time.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    USER app
    RUN sudo apt-get update
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    USER root
    RUN apt-get update
    USER app
    ```
    """

    id = "DF007"
    name = "sudo-in-run"
    severity = Severity.ERROR
    see_also = ("hadolint DL3004",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            installs = ctx.stage_facts.installs(stage)
            for command in (*installs.commands, *installs.onbuild_commands):
                if _runs_sudo(command):
                    inner = f" {command.name}" if command.name else ""
                    yield self.finding(
                        ctx, command.line,
                        f"`sudo{inner}` in a RUN: the RUN already runs as the current USER, and sudo resets the "
                        "environment and PATH and behaves unpredictably without a TTY. Switch with `USER root` "
                        "(and back) instead; use gosu or su-exec to drop privileges at run time",
                        column=command.column,
                    )  # fmt: skip


def _runs_sudo(command: Command) -> bool:
    """One of the wrappers removed in front of the command is ``sudo``."""
    return any(word.rsplit("/", 1)[-1] == "sudo" for word in command.wrappers)
