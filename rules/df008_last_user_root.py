"""DF008 last-user-root."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import Stage
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell.script import missing_variables
from tfimage_lint.syntax.nodes import Instruction
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex


def _user_value(ins: Instruction, env: Mapping[str, str], escape: str) -> str | None:
    """The ``USER`` value after variable and quote processing; None when unknown or empty."""
    if not ins.args:
        return None
    try:
        result = ShellLex(escape).process(ins.args[0], env)
    except ShellError:
        return None
    if missing_variables(result):
        return None
    return result.result.strip() or None


def _is_root(user: str) -> bool:
    """True when the user part of ``user[:group]`` is root (by name or UID 0)."""
    name = user.split(":", 1)[0]
    return name == "root" or (name.isdigit() and int(name) == 0)


def _last_user(stage: Stage) -> tuple[Instruction, int] | None:
    """The stage's last ``USER`` instruction and its position."""
    for position in range(len(stage.instructions) - 1, -1, -1):
        if stage.instructions[position].keyword == "user":
            return stage.instructions[position], position
    return None


class LastUserRoot(Rule):
    """The final image should not run as root because of a last `USER root`.

    ## What it does
    Looks at the last `USER` that applies to the final stage (the last stage of the file) and
    reports it when its user is root: `root` or UID `0`, with or without a group (`0:0`,
    `root:root`, `root:0`, `0:1000`). Variables and quotes are processed with the `ARG`/`ENV`
    values known at that point (`ARG U=root` + `USER $U`); a `USER` whose value is unknown is
    skipped. When the final stage has no `USER` of its own but is built `FROM` an earlier
    stage, the user it inherits from that stage chain is checked, and the finding points at
    the inherited `USER` line. A file with no `USER` at all is not reported: the base image's
    user cannot be seen offline (the same choice as hadolint).

    Differences from hadolint DL3002: hadolint reports the last root `USER` of every stage,
    also of build stages that never ship; this rule only judges the user the final image runs
    as. It also expands variables and quotes (`USER "root"`, `USER $U`), which hadolint does not.

    ## Why is this bad?
    A container that runs as root turns any compromise of its process into root inside the
    container, and makes container escapes and writes to mounted volumes more dangerous.
    Switch to root for the steps that need it (package installs), then switch back to an
    unprivileged user.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN useradd --create-home app
    USER app
    RUN pip install --no-cache-dir --user requests==2.32.3
    USER root
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    RUN useradd --create-home app
    USER app
    RUN pip install --no-cache-dir --user requests==2.32.3
    ```
    """

    id = "DF008"
    name = "last-user-root"
    severity = Severity.WARNING
    families = frozenset()
    see_also = ("hadolint DL3002",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        stages = ctx.dockerfile.stages
        if not stages:
            return
        final = stages[-1]
        stage: Stage | None = final
        seen: set[int] = set()
        while stage is not None and stage.index not in seen:
            seen.add(stage.index)
            last = _last_user(stage)
            if last is not None:
                ins, position = last
                user = _user_value(ins, stage.environment_at(position), ctx.dockerfile.syntax.escape_token)
                if user is not None and _is_root(user):
                    yield self._report(ctx, ins, user, stage, final)
                return
            parent = stage.base.stage_index
            stage = stages[parent] if parent is not None and 0 <= parent < len(stages) else None

    def _report(self, ctx: RuleContext, ins: Instruction, user: str, stage: Stage, final: Stage) -> Finding:
        where = ins.find(ins.args[0]) if ins.args else None
        column = where[1] if where is not None and where[0] == ins.start_line else 1
        message = f"the final image runs as root: the last USER is {user!r}"
        if stage is not final:
            message += f", inherited by the final stage from stage {stage.label}"
        message += "; switch to an unprivileged user (USER <name or uid>) after the steps that need root"
        return self.finding(ctx, ins, message, column=column)
