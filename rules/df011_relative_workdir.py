"""DF011 relative-workdir."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from tfimage_lint.analysis.filesystem import UNKNOWN_MARK, expand_marked
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind, Stage
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.syntax.nodes import Instruction

_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def is_absolute(path: str | None) -> bool | None:
    """True for ``/x``, ``\\\\x`` and Windows drive paths (``C:\\\\x``, ``c:/x``); None when unknown."""
    if not path or path[0] == UNKNOWN_MARK:
        return None
    if path[0] in "/\\" or _DRIVE_RE.match(path):
        return True
    if path[0].isalpha() and len(path) > 1 and path[1] == UNKNOWN_MARK:
        return None  # `C$X`: a drive letter may follow
    return False


def display(path: str) -> str:
    """A path for messages, unknown parts shown as ``$?``."""
    return path.replace(UNKNOWN_MARK, "$?")


class RelativeWorkdir(Rule):
    """Give `WORKDIR` an absolute path.

    ## What it does
    Reports a `WORKDIR` whose path is relative (`WORKDIR app`, `WORKDIR ./src`,
    `WORKDIR "app"`, `WORKDIR ~/app`: `~` is not expanded). Quotes and variables are
    processed with the `ARG`/`ENV` values known at that point: `ARG D=/app` + `WORKDIR $D` is
    absolute, `WORKDIR ${D:-/app}` takes the fallback when `D` has no known value, and
    `WORKDIR $HOME/app` with `HOME` unknown (set by the base image) is skipped. A path is
    still known to be relative when it starts with a literal part (`WORKDIR app/$D`).
    Windows paths are absolute: drive paths (`C:\\app`, `c:/app`) and `\\`-rooted paths.

    Differences from hadolint DL3000: hadolint skips every `WORKDIR` that uses a variable and
    treats a `\\`-rooted path as relative; this rule expands known values and accepts it.

    ## Why is this bad?
    A relative `WORKDIR` is resolved against the previous working directory, which may come
    from the base image and change when the base is updated (NGC, Docker Hub TensorFlow and
    Jupyter images all set their own). The resulting path is hard to tell from the
    Dockerfile, and `COPY`/`RUN` steps silently land somewhere else.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    WORKDIR app
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    WORKDIR /app
    ```
    """

    id = "DF011"
    name = "relative-workdir"
    severity = Severity.ERROR
    families = frozenset()
    see_also = ("hadolint DL3000",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        escape = ctx.dockerfile.syntax.escape_token
        final_workdirs: list[str | None] = []
        for stage in ctx.dockerfile.stages:
            workdir = _initial_workdir(stage, final_workdirs)
            for position, ins in enumerate(stage.instructions):
                if ins.keyword != "workdir" or not ins.args:
                    continue
                path = expand_marked(ins.args[0], stage.environment_at(position), escape)
                absolute = is_absolute(path)
                previous = workdir
                workdir = _next_workdir(previous, path, absolute)
                if absolute is False and path is not None:
                    yield self._report(ctx, ins, path, previous, workdir)
            final_workdirs.append(workdir)

    def _report(
        self, ctx: RuleContext, ins: Instruction, path: str, previous: str | None, result: str | None
    ) -> Finding:
        where = ins.find(ins.args[0])
        column = where[1] if where is not None and where[0] == ins.start_line else 1
        shown = display(path) if UNKNOWN_MARK not in path else ins.args[0]
        message = f"WORKDIR {shown!r} is relative: it is resolved against the previous working directory"
        if previous is not None and result is not None:
            message += f" ({previous!r} here, giving {result!r}); write {result!r}"
        else:
            message += ", which may be the base image's and change with it; write an absolute path"
        if path.startswith("~"):
            message += " (`~` is not expanded in WORKDIR)"
        return self.finding(ctx, ins, message, column=column)


def _initial_workdir(stage: Stage, final_workdirs: list[str | None]) -> str | None:
    """The working directory a stage starts in, when known (a parent stage's, or ``/`` for scratch)."""
    if stage.base.kind is BaseKind.STAGE and stage.base.stage_index is not None:
        index = stage.base.stage_index
        return final_workdirs[index] if 0 <= index < len(final_workdirs) else None
    return "/" if stage.base.kind is BaseKind.SCRATCH else None


def _next_workdir(previous: str | None, path: str | None, absolute: bool | None) -> str | None:
    """The working directory after ``WORKDIR path`` (None when unknown or a Windows path)."""
    if path is None or absolute is None or UNKNOWN_MARK in path or "\\" in path or _DRIVE_RE.match(path):
        return None
    if absolute:
        return posixpath.normpath(path).replace("//", "/")
    if previous is None:
        return None
    return posixpath.normpath(posixpath.join(previous, path)).replace("//", "/")
