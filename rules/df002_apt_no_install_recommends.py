"""DF002 apt-no-install-recommends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tfimage_lint.analysis.apt_settings import configured_before, options_hidden
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.packages import SystemCommand, parse_system
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    pass

#: apt's spellings of a false boolean.
_FALSE = frozenset({"false", "no", "0", "off", "without", "disable"})
#: Short apt options that take a value (the rest of a cluster is that value).
_SHORT_WITH_VALUE = frozenset("octa")
#: ``APT::Install-Recommends "false";`` written to an apt.conf file by an earlier command or heredoc.
_CONFIGURED_RE = re.compile(r"APT::Install-Recommends\s*\"?\s*(?:false|no|0|off)\b", re.IGNORECASE)
#: Unknown words that may hold options (``$APT_OPTS``, ``${INSTALL_FLAGS}``, ``$APT_ARGS``).


def _config_values(command: SystemCommand) -> list[tuple[str, str]]:
    """``-o KEY=VALUE`` / ``-oKEY=VALUE`` / ``--option=KEY=VALUE`` settings as (lower-case key, value)."""
    values: list[str] = []
    for option in command.options:
        if option.startswith("--option="):
            values.append(option.removeprefix("--option="))
        elif not option.startswith("--"):
            for index, letter in enumerate(option[1:], start=1):
                if letter in _SHORT_WITH_VALUE:
                    if letter == "o":
                        value = option[index + 1 :]
                        values.append(value[1:] if value.startswith("=") else value)
                    break
    pairs = []
    for value in values:
        key, _, setting = value.partition("=")
        pairs.append((key.strip().lower(), setting.strip().strip("\"'").lower()))
    return pairs


def _skips_recommends(command: SystemCommand) -> bool:
    """``--no-install-recommends``, ``--install-recommends=false``, ``-o APT::Install-Recommends=false`` (or 0)."""
    for option in command.options:
        name, has_value, value = option.partition("=")
        if name == "--no-install-recommends":
            return True
        if name == "--install-recommends" and has_value and value.lower() in _FALSE:
            return True
        if command.manager == "aptitude" and (name in ("-R", "--without-recommends")):
            return True
    return any(key == "apt::install-recommends" and value in _FALSE for key, value in _config_values(command))


class AptNoInstallRecommends(Rule):
    """Install apt packages with `--no-install-recommends`.

    ## What it does
    Reports `apt-get install` (and `apt install`, `aptitude install`) without
    `--no-install-recommends`, `-o APT::Install-Recommends=false` (or `=0`, `=no`),
    `--install-recommends=false` or aptitude's `-R`/`--without-recommends`. Not reported when an
    earlier command or heredoc of the stage (or of a stage it is built on) wrote
    `APT::Install-Recommends "false";` (or `"0";`) to an apt.conf file, when the options hide in an
    unknown variable (`apt-get install -y $APT_OPTS curl`), nor for `apt-get install -f` with no
    package named. Installing local `.deb` files is reported too: apt still pulls in their
    dependencies and their recommended packages from the archive. Commands behind `sudo`, in
    `sh -c '...'` strings, heredoc RUNs and `ONBUILD RUN` are checked; the finding points at the
    command's own line inside a multi-line RUN.

    Differences from hadolint DL3015: hadolint checks `apt-get` only, does not accept
    `APT::Install-Recommends=0` or an apt.conf setting, reports `apt-get install -f` with no
    package named, and misses `sudo apt-get` and `sh -c`.

    ## Why is this bad?
    By default apt installs each package's Recommends as well: documentation tools, X11
    libraries, compilers, often hundreds of megabytes nobody asked for, in every image. They grow
    the image, its pull time and its attack surface. Name the packages you need instead.

    ## Example
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \\
        && rm -rf /var/lib/apt/lists/*
    ```
    """

    id = "DF002"
    name = "apt-no-install-recommends"
    severity = Severity.INFO
    see_also = ("hadolint DL3015",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            installs = ctx.stage_facts.installs(facts.stage)
            onbuild = (parse_system(command) for command in installs.onbuild_commands)
            for command in (*installs.system, *(parsed for parsed in onbuild if parsed is not None)):
                if command.family != "apt" or command.subcommand != "install" or not command.packages:
                    continue
                if _skips_recommends(command) or options_hidden(command.command):
                    continue
                if configured_before(installs, command.command, _CONFIGURED_RE):
                    continue
                shell = command.command
                message = (
                    f"{command.manager} install without --no-install-recommends also installs every recommended "
                    "package of what it installs (often hundreds of MB nobody asked for); add "
                    "--no-install-recommends and name the packages you need"
                )
                yield self.finding(ctx, shell.line, message, column=shell.column)
