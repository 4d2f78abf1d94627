"""DF022 instruction-before-from."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext


class InstructionBeforeFrom(Rule):
    """Only `ARG` may come before the first `FROM`.

    ## What it does
    Reports any instruction other than `ARG` (comments and parser directives are fine) that
    appears before the first `FROM`, and a file with no `FROM` at all.

    ## Why is this bad?
    BuildKit rejects such files: there is no stage for a `RUN`, `ENV` or `COPY` to run in.
    Often a `FROM` line was deleted or mistyped while editing a base image.

    ## Example
    ```dockerfile
    ENV TF_FORCE_GPU_ALLOW_GROWTH=true
    FROM tensorflow/tensorflow:2.15.0-gpu
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    ENV TF_FORCE_GPU_ALLOW_GROWTH=true
    ```
    """

    id = "DF022"
    name = "instruction-before-from"
    severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        df = ctx.dockerfile
        for ins in df.preamble:
            if ins.keyword != "arg":
                yield self.finding(ctx, ins, f"{ins.keyword_text} before the first FROM: only ARG may come before FROM")
        if not df.stages and df.preamble:
            yield self.finding(ctx, df.preamble[-1], "the file has no FROM instruction, so there is no build stage")
