"""TF102 base-not-digest-pinned."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext


class BaseNotDigestPinned(Rule):
    """Pin base images by digest (off by default; the strict policy turns it on).

    ## What it does
    Flags a `FROM` whose registry image (after ARG substitution) has no `@sha256:` digest.
    Off by default: select it with `--select TF102`.

    ## Why is this bad?
    Even a release tag can be pushed again: NGC and Docker Hub have re-published tags with
    rebuilt layers. Only a digest makes the base, and so the TensorFlow/CUDA stack, reproducible.

    ## Example
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3
    ```

    ## Use instead
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3@sha256:0000000000000000000000000000000000000000000000000000000000000000
    ```
    """

    id = "TF102"
    name = "base-not-digest-pinned"
    severity = Severity.WARNING
    default_enabled = False

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            image = facts.stage.base.image
            if image is not None and image.digest is None:
                yield self.finding(
                    ctx, facts.stage.from_instruction, f"{image.original} is not pinned by digest (@sha256:...)"
                )
