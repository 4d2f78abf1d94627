"""DF015 multiple-cmd-or-entrypoint."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.syntax.nodes import Instruction


class MultipleCmdOrEntrypoint(Rule):
    """A stage should have at most one `CMD` and at most one `ENTRYPOINT`.

    ## What it does
    Counts the `CMD` and the `ENTRYPOINT` instructions of each stage separately and reports
    every one after the first, naming the line of the first. Each stage is counted on its own:
    a stage built `FROM` another that sets its own `CMD` is not reported. `ONBUILD CMD` and
    `ONBUILD ENTRYPOINT` do not count (they apply to images built on this one).

    Differences from hadolint DL4003/DL4004: one rule covers both, with warning severity
    (hadolint makes a second `ENTRYPOINT` an error).

    ## Why is this bad?
    Only the last `CMD` and the last `ENTRYPOINT` of the stage take effect; the earlier ones
    are dead code that suggests the image starts something it does not (a notebook server
    *and* a training job, say). Usually one was meant to be a `RUN`, or one is left over.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    CMD ["jupyter", "notebook", "--ip=0.0.0.0"]
    CMD ["python", "train.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    CMD ["python", "train.py"]
    ```
    """

    id = "DF015"
    name = "multiple-cmd-or-entrypoint"
    severity = Severity.WARNING
    families = frozenset()
    see_also = ("hadolint DL4003", "hadolint DL4004")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            first: dict[str, Instruction] = {}
            for ins in stage.instructions:
                if ins.keyword not in ("cmd", "entrypoint"):
                    continue
                earlier = first.setdefault(ins.keyword, ins)
                if earlier is ins:
                    continue
                keyword = ins.keyword.upper()
                message = (
                    f"another {keyword} in stage {stage.label} (the first is on line {earlier.start_line}): "
                    f"only the last {keyword} takes effect; remove the others"
                )
                yield self.finding(ctx, ins, message)
