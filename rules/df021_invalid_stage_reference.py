"""DF021 invalid-stage-reference."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind, Dockerfile
from tfimage_lint.rule import Rule, RuleContext


class InvalidStageReference(Rule):
    """Stage names must be unique and references must point at earlier stages.

    ## What it does
    Reports a stage name used twice; a `COPY --from=<stage|index>` (also `ADD --from` and
    `RUN --mount=from=`) that names the stage it is in or a stage defined later, or an index
    with no such stage; and a `FROM <name>` where `<name>` is a stage defined later (BuildKit
    then pulls an image of that name). A stage named after its own base image
    (`FROM python AS python`) is fine.

    ## Why is this bad?
    BuildKit refuses duplicate stage names and circular references, and a reference to a
    stage defined later does not do what it reads as: the build fails, or an image of that
    name is pulled from a registry instead of the stage you meant.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu AS train
    COPY --from=export /model /model
    FROM python:3.11-slim AS export
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim AS export
    FROM tensorflow/tensorflow:2.15.0-gpu AS train
    COPY --from=export /model /model
    ```
    """

    id = "DF021"
    name = "invalid-stage-reference"
    severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        df = ctx.dockerfile
        first_by_name: dict[str, int] = {}
        for stage in df.stages:
            if stage.name is not None:
                if stage.name in first_by_name:
                    first = df.stages[first_by_name[stage.name]]
                    yield self.finding(
                        ctx,
                        stage.from_instruction,
                        f"duplicate stage name {stage.name!r}: already defined at line {first.start_line}",
                    )
                else:
                    first_by_name[stage.name] = stage.index
            shadowed = stage.base.shadowed_stage
            if shadowed is not None and shadowed > stage.index:
                later = df.stages[shadowed]
                if later.base.written != stage.base.written:
                    yield self.finding(
                        ctx,
                        stage.from_instruction,
                        f"FROM {stage.base.written}: {later.name!r} is a stage defined later, at line "
                        f"{later.start_line}; BuildKit does not use it here and pulls an image of that name instead",
                    )
        for ref in df.copy_from:
            if ref.kind is not BaseKind.STAGE or ref.target_stage is None:
                continue
            if ref.target_stage >= ref.stage_index or ref.target_stage < 0:
                ins = ref.instruction
                position = ins.find("from=" + ref.written)
                position = (position[0], position[1] + len("from=")) if position else (ins.start_line, 1)
                yield self.finding(
                    ctx,
                    position[0],
                    self._describe(df, ref.stage_index, ref.target_stage, f"--from={ref.written}"),
                    column=position[1],
                    end_line=position[0],
                    end_column=position[1] + len(ref.written),
                )

    @staticmethod
    def _describe(df: Dockerfile, current: int, target: int, text: str) -> str:
        if target == current:
            return f"{text} refers to the stage it is in"
        if target >= len(df.stages) or target < 0:
            return f"{text}: there is no stage with index {target} (the file has {len(df.stages)})"
        stage = df.stages[target]
        return (
            f"{text} refers to stage {stage.label!r} defined later, at line {stage.start_line}; "
            "only earlier stages can be used"
        )
