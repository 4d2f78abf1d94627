"""TF106 jupyter-base-image."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.families import Family
from tfimage_lint.rule import Rule, RuleContext


class JupyterBaseImage(Rule):
    """Do not build services on the `-jupyter` TensorFlow images.

    ## What it does
    Reports a Docker Hub TensorFlow base whose tag is a `-jupyter` variant
    (`2.17.0-gpu-jupyter`, `latest-jupyter`, ...).

    ## Why is this bad?
    The jupyter images ship a notebook server, tutorials and their dependencies, start Jupyter
    by default and open port 8888: more size and attack surface than an inference or training
    image needs.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.17.0-gpu-jupyter
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.17.0-gpu
    ```
    """

    id = "TF106"
    name = "jupyter-base-image"
    severity = Severity.INFO
    families = frozenset({Family.DOCKERHUB_TENSORFLOW.value})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            image = facts.stage.base.image
            if facts.family is not Family.DOCKERHUB_TENSORFLOW or image is None or not image.tag:
                continue
            if "jupyter" in image.tag.lower():
                yield self.finding(
                    ctx,
                    facts.stage.from_instruction,
                    f"{image.familiar_name}:{image.tag} is a Jupyter image: it ships a notebook server and "
                    "tutorials and opens port 8888; use the matching non-jupyter tag for services",
                )
