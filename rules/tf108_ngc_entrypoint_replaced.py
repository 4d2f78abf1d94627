"""TF108 ngc-entrypoint-replaced."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.families import NGC_FAMILIES
from tfimage_lint.rule import Rule, RuleContext

NVIDIA_ENTRYPOINT = "/opt/nvidia/nvidia_entrypoint.sh"


class NgcEntrypointReplaced(Rule):
    """Keep NVIDIA's entrypoint on NGC images.

    ## What it does
    On a stage built on an NGC image (`nvcr.io/nvidia/*`), reports an `ENTRYPOINT` that does not
    run `/opt/nvidia/nvidia_entrypoint.sh`.

    ## Why is this bad?
    NVIDIA's entrypoint prints the release banner and checks that the host driver is recent
    enough for the container's CUDA (and whether forward compatibility is in use). Replacing it
    hides the one message that explains a driver mismatch at start-up.

    ## Example
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3
    ENTRYPOINT ["python", "serve.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3
    ENTRYPOINT ["/opt/nvidia/nvidia_entrypoint.sh", "python", "serve.py"]
    ```
    """

    id = "TF108"
    name = "ngc-entrypoint-replaced"
    severity = Severity.INFO
    families = frozenset(family.value for family in NGC_FAMILIES)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            if facts.family not in NGC_FAMILIES:
                continue
            for ins in facts.stage.instructions:
                if ins.keyword != "entrypoint" or any(NVIDIA_ENTRYPOINT in arg for arg in ins.args):
                    continue
                what = "clears the entrypoint" if not ins.args else "does not run " + NVIDIA_ENTRYPOINT
                yield self.finding(
                    ctx,
                    ins,
                    f"ENTRYPOINT {what}: NVIDIA's entrypoint prints the release banner and the driver "
                    'compatibility check; keep it first (ENTRYPOINT ["' + NVIDIA_ENTRYPOINT + '", ...])',
                )
