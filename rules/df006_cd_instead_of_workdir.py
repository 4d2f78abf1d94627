"""DF006 cd-instead-of-workdir."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command


class CdInsteadOfWorkdir(Rule):
    """Use `WORKDIR` instead of `cd` in `RUN`.

    ## What it does
    Reports a `RUN` that runs `cd`, pointing at the (first) `cd` command: its physical line
    inside a multi-line `RUN` or heredoc, and its column. One finding per `RUN`; the message
    counts the other `cd`s of the same `RUN`. A `RUN` that does nothing but `cd` gets its own
    message: it changes nothing at all, because every instruction starts again in the
    `WORKDIR`.

    As in hadolint (DL3003), any `cd` the `RUN`'s shell runs counts, also one that only scopes
    the commands after it in the same `RUN` (`cd /src && make`, `cd /src; make`), one in a
    subshell (`(cd /src && make)`), in an `if`, `cd -` and `cd $(mktemp -d)`, exec form
    (`RUN ["cd", "/src"]`) and a `cd` in a heredoc body run by the shell (`RUN <<EOF`), which
    hadolint reports at the `RUN`'s first line. Also reported, unlike hadolint: a `cd` inside
    a `sh -c '...'` / `bash -c "..."` string (the same pattern, one shell further down) and in
    an `ONBUILD RUN` (use `ONBUILD WORKDIR`).

    Not reported, unlike hadolint: a `cd` inside a command substitution, e.g.
    `SRC=$(cd /src && pwd)` or `$(cd /src && git rev-parse HEAD)`. There `cd` only computes a
    value in a subshell; `WORKDIR` cannot replace it. Words that merely contain `cd`
    (`echo cd`, `make -C /src`) are not commands named `cd` and are not reported.

    ## Why is this bad?
    `cd` in a `RUN` hides the directory commands run in: the next `RUN` starts again in the
    `WORKDIR`, which surprises readers (a `RUN cd /app` on its own line changes nothing), and
    long `cd a && ... && cd ../b` chains are hard to follow and to change. `WORKDIR` states the
    directory once, creates it if needed, and applies to `RUN`, `COPY`, `CMD` and
    `ENTRYPOINT` alike; tools that take a directory (`make -C`, `git -C`, `pip install ./pkg`)
    or absolute paths avoid the `cd` without changing the `WORKDIR`.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN cd /opt && python -m venv venv
    ```

    ```dockerfile
    FROM python:3.11-slim
    RUN cd /app
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    WORKDIR /opt
    RUN python -m venv venv
    ```

    ```dockerfile
    FROM python:3.11-slim
    RUN python -m venv /opt/venv
    ```
    """

    id = "DF006"
    name = "cd-instead-of-workdir"
    severity = Severity.WARNING
    families = frozenset()
    see_also = ("hadolint DL3003",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            installs = ctx.stage_facts.installs(stage)
            by_run: dict[int, list[Command]] = {}
            for command in (*installs.commands, *installs.onbuild_commands):
                by_run.setdefault(id(command.instruction), []).append(command)
            for commands in by_run.values():
                finding = self._run(ctx, commands)
                if finding is not None:
                    yield finding

    def _run(self, ctx: RuleContext, commands: list[Command]) -> Finding | None:
        """One finding for the ``cd`` commands of one RUN (all ``commands`` belong to it)."""
        cds = [command for command in commands if command.name == "cd" and not command.nested]
        if not cds:
            return None
        first = cds[0]
        target, directory = _target(first)
        others = cds[1:]
        run = "ONBUILD RUN" if first.onbuild else "RUN"
        more = ""
        if others:
            lines = ", ".join(str(line) for line in dict.fromkeys(command.line for command in others))
            more = f" (and {len(others)} more `cd` in this {run}, line {lines})"
        workdir = "ONBUILD WORKDIR" if first.onbuild else "WORKDIR"
        article = "an" if first.onbuild else "a"
        if first.instruction.is_json:
            message = (
                f"`cd{target}` in an exec-form {run}: `cd` is a shell builtin, not a program, so this fails (or "
                f"changes nothing); use `{workdir} {directory}` to change the directory for later instructions"
            )
        elif all(command.name == "cd" for command in commands if command.words):
            message = (
                f"`cd{target}` is all this {run} does: it changes nothing, as every instruction starts again in the "
                f"WORKDIR; use `{workdir} {directory}` to change the directory for later instructions"
            )
        else:
            message = (
                f"`cd{target}` in {article} {run}: use `{workdir} {directory}` to set the directory the commands run "
                "in (or an option such as `make -C`/`git -C`, or absolute paths)"
            )
        return self.finding(ctx, first.line, message + more, column=first.column)


def _target(command: Command) -> tuple[str, str]:
    """(`` /src`` as written, ``""`` for a bare ``cd``; the absolute directory for WORKDIR, or ``DIR``)."""
    operands = [word for word in command.args if not (word.text.startswith("-") and len(word.text) > 1)]
    if not operands:
        return "", "DIR"
    word = operands[0]
    text = word.text if word.known else word.raw
    shown = f" {text}" if len(text) <= 60 else f" {text[:57]}..."
    directory = "DIR"
    if word.known and text.startswith("/"):
        directory = posixpath.normpath(text)
    elif word.known and command.cwd is not None and text not in ("-", "") and not text.startswith("~"):
        directory = posixpath.normpath(posixpath.join(command.cwd, text))
    return shown, directory if len(directory) <= 60 else "DIR"
