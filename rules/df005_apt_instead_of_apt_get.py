"""DF005 apt-instead-of-apt-get."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext

#: apt subcommands whose scriptable counterpart is apt-cache rather than apt-get.
_APT_CACHE = frozenset({"search", "show", "showsrc", "policy", "depends", "rdepends", "madison"})
#: apt subcommands with another name or tool.
_RENAMED = {"full-upgrade": "apt-get dist-upgrade", "list": "dpkg-query -l (or apt-cache policy)"}


class AptInsteadOfAptGet(Rule):
    """Use `apt-get` (or `apt-cache`) in Dockerfiles, not `apt`.

    ## What it does
    Reports every `apt` command (the program named `apt`, also as `/usr/bin/apt`, behind `sudo`
    or `env`, in `sh -c '...'` strings, heredoc RUNs and `ONBUILD RUN`), whatever its subcommand.
    `apt-get`, `apt-cache`, `apt-key`, `apt-mark` and the other `apt-*` tools are not reported.
    The finding points at the command's own line inside a multi-line RUN.

    Differences from hadolint DL3027: hadolint misses `/usr/bin/apt`, `sudo apt` and `apt` inside
    `sh -c` strings.

    ## Why is this bad?
    `apt` is the interactive front end: its command-line interface may change between releases
    and it prints "WARNING: apt does not have a stable CLI interface. Use with caution in
    scripts." to the build log. `apt-get` (install, update, remove...) and `apt-cache` (search,
    show, policy...) are the stable, scriptable tools for the same jobs.

    ## Example
    ```dockerfile
    FROM debian:12.5
    RUN apt update && apt install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    ```
    """

    id = "DF005"
    name = "apt-instead-of-apt-get"
    severity = Severity.WARNING
    see_also = ("hadolint DL3027",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            installs = ctx.stage_facts.installs(facts.stage)
            for command in (*installs.commands, *installs.onbuild_commands):
                if not command.words or not command.words[0].known or command.name != "apt":
                    continue
                subcommand = next((word.text for word in command.args if not word.text.startswith("-")), "")
                tool = "apt-cache" if subcommand in _APT_CACHE else "apt-get"
                shown = f"apt {subcommand}" if subcommand else "apt"
                replacement = _RENAMED.get(subcommand) or (f"{tool} {subcommand}" if subcommand else tool)
                message = (
                    f"{shown}: apt is the interactive front end, its command line is not stable for scripts "
                    f'("apt does not have a stable CLI interface"); use {replacement} instead'
                )
                yield self.finding(ctx, command.line, message, column=command.column)
