"""DF014 relative-copy-without-workdir."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfimage_lint.analysis.filesystem import UNKNOWN_MARK, expand_marked
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind, Stage
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.syntax.nodes import Instruction

_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def _is_relative(path: str | None) -> bool:
    """True only when ``path`` is known to be relative (not ``/x``, ``\\\\x``, ``C:\\\\x`` or unknown)."""
    if not path or path[0] in (UNKNOWN_MARK, "/", "\\") or _DRIVE_RE.match(path):
        return False
    return not (path[0].isalpha() and len(path) > 1 and path[1] == UNKNOWN_MARK)


def _has_workdir(instructions: tuple[Instruction, ...]) -> bool:
    return any(ins.keyword == "workdir" and ins.args for ins in instructions)


class RelativeCopyWithoutWorkdir(Rule):
    """Set `WORKDIR` before copying to a relative destination.

    ## What it does
    Reports a `COPY` or `ADD` whose destination is relative (`.`, `./src`, `app/`, `"app"`)
    when no `WORKDIR` comes before it in the stage or in the earlier stages it is built
    `FROM` (a `WORKDIR` is inherited by a stage built on that stage). `COPY --from=...` and
    heredoc copies count like any other. Quotes and variables in the destination are processed
    with the known `ARG`/`ENV` values; a destination that starts with an unknown variable is
    skipped. Absolute destinations (`/app`, and Windows `C:\\app`, `c:/app`, `\\app`) are fine.
    A `WORKDIR` set by an external base image cannot be seen offline; like hadolint, the copy
    is reported anyway, because the destination then depends on the base image.
    `ONBUILD COPY` is not reported: it runs in the child build, after that build's `WORKDIR`.

    Differences from hadolint DL3045: `ADD` is checked too (its destination is resolved the
    same way); known variables in the destination are expanded (hadolint skips any `$`); a
    parent stage named through an ARG (`FROM ${BASE_STAGE}`) is followed for its `WORKDIR`.

    ## Why is this bad?
    A relative destination is resolved against the working directory, which without a
    `WORKDIR` is whatever the base image set (`/` for most images, `/tf` for the TensorFlow
    Jupyter images, `/workspace` for NGC). Code then lands in a different place when the base
    image changes, and `python train.py` or `pip install -r requirements.txt` stops finding it.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    COPY train.py .
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    WORKDIR /app
    COPY train.py .
    ```
    """

    id = "DF014"
    name = "relative-copy-without-workdir"
    severity = Severity.WARNING
    families = frozenset()
    see_also = ("hadolint DL3045",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        escape = ctx.dockerfile.syntax.escape_token
        stages = ctx.dockerfile.stages
        known: dict[int, bool] = {}
        for stage in stages:
            workdir_set = _inherits_workdir(stage, stages, known)
            for position, ins in enumerate(stage.instructions):
                if ins.keyword == "workdir" and ins.args:
                    workdir_set = True
                if ins.keyword not in ("copy", "add") or len(ins.args) < 2 or workdir_set:
                    continue
                raw = ins.args[-1]
                destination = expand_marked(raw, stage.environment_at(position), escape)
                if not _is_relative(destination):
                    continue
                shown = destination if destination is not None and UNKNOWN_MARK not in destination else raw
                base = "/ (scratch)" if stage.root.kind is BaseKind.SCRATCH else "the base image's working directory"
                message = (
                    f"{ins.keyword.upper()} to the relative destination {shown!r} with no WORKDIR set: "
                    f"it is resolved against {base}; set WORKDIR first or use an absolute path"
                )
                yield self.finding(ctx, ins, message)


def _inherits_workdir(stage: Stage, stages: tuple[Stage, ...], known: dict[int, bool]) -> bool:
    """True when an earlier stage this one is built on (directly or not) sets a WORKDIR.

    ``known`` keeps the answer for each stage (does it, or one it is built on, set a WORKDIR?), so a
    chain of stages built on one another is walked once.
    """
    pending: list[int] = []
    found = False
    parent = stage.base.stage_index if stage.base.kind is BaseKind.STAGE else None
    while parent is not None and 0 <= parent < stage.index and parent not in pending:
        if parent in known:
            found = known[parent]
            break
        pending.append(parent)
        base = stages[parent].base
        parent = base.stage_index if base.kind is BaseKind.STAGE else None
    for index in reversed(pending):
        found = found or _has_workdir(stages[index].instructions)
        known[index] = found
    return found
