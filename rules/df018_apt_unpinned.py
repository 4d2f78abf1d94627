"""DF018 apt-unpinned."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.packages import SystemPackage, parse_system
from tfimage_lint.rule import Rule, RuleContext

#: A Debian package name, optionally with an architecture (``libc6:amd64``) and a release (``curl/bookworm``).
_PACKAGE_RE = re.compile(r"^[a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?(?:/[A-Za-z0-9.~+_-]+)?$")


def _unpinned(package: SystemPackage) -> bool:
    """A package word that names a repository package with no ``=version``.

    Unknown words (``$PKGS``), local files (``./x.deb``, ``/tmp/x.deb``), globs and regular
    expressions, and ``name-`` (apt-get's "remove this one") are skipped.
    """
    word = package.word
    if not word.known or package.version:
        return False
    text = word.text
    if text.startswith(("./", "../", "/", "~")) or text.endswith(".deb"):
        return False
    if text.endswith("-") or "=" in text:
        return False
    return bool(_PACKAGE_RE.match(text))


class AptUnpinned(Rule):
    """Pin the versions of the apt packages you install.

    ## What it does
    Reports each package of an `apt-get install` (and `apt install`, `aptitude install`) named
    without a version: `curl` rather than `curl=7.88.1-10+deb12u5`. A version with a wildcard
    (`curl=7.88.*`) counts as pinned: apt accepts it and it keeps to one upstream release. A
    release pin (`curl/bookworm-backports`) does not: the version in that release moves with
    every point and security update, so it is reported. Local package files (`./x.deb`),
    unknown words (`$PKGS`), globs and `name-` (apt-get's "remove this one") are skipped. The
    finding points at the package word itself, on its own line inside a multi-line RUN.
    Commands behind `sudo`, in `sh -c '...'` strings, heredoc RUNs and `ONBUILD RUN` are checked.

    Off by default, as many teams rely on a pinned base image and distribution security updates
    instead: enable it with `--select DF018` (or by name).

    Differences from hadolint DL3008: hadolint checks `apt-get` only, reports once per command
    at the first line of the RUN, and accepts `name/release` as pinned.

    ## Why is this bad?
    Without a version the build installs whatever the archive holds on the day it runs: two
    builds of the same Dockerfile can differ, and a rebuild can break on a changed package (or on
    a CUDA repository that moved on) with no change to the Dockerfile. Pinned versions make the
    rebuild reproducible and the upgrade a reviewed change.

    ## Example
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \\
        && rm -rf /var/lib/apt/lists/*
    ```
    """

    id = "DF018"
    name = "apt-unpinned"
    severity = Severity.WARNING
    default_enabled = False
    see_also = ("hadolint DL3008",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            installs = ctx.stage_facts.installs(facts.stage)
            onbuild = (parse_system(command) for command in installs.onbuild_commands)
            for command in (*installs.system, *(parsed for parsed in onbuild if parsed is not None)):
                if command.family != "apt" or command.subcommand != "install":
                    continue
                for package in command.packages:
                    if not _unpinned(package):
                        continue
                    word = package.word
                    written, _, release = word.text.partition("/")
                    selects = f" ({word.text} selects a release, not a version)" if release else ""
                    message = (
                        f"{written} is installed without a version{selects}: each build gets whatever the archive "
                        f"holds that day; pin it ({written}=<version>, see apt-cache policy {package.name})"
                    )
                    yield self.finding(ctx, word.line, message, column=word.column)
