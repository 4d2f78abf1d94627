"""TF101 floating-base-tag."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind, Stage
from tfimage_lint.model.families import NGC_FAMILIES, Family
from tfimage_lint.model.tags import MOVING_PREFIXES, moving_tag, tag_variant
from tfimage_lint.rule import Rule, RuleContext

_STRICT_FAMILIES = NGC_FAMILIES | {Family.DOCKERHUB_TENSORFLOW, Family.NVIDIA_CUDA}


class FloatingBaseTag(Rule):
    """Pin base images to a release tag or a digest.

    ## What it does
    Flags a `FROM` whose image (after ARG substitution) has no tag, or a moving tag: `latest`,
    `latest-gpu`, `latest-jupyter`, `latest-gpu-jupyter`, `nightly*` or `devel*`, unless the
    reference also carries a `@sha256:` digest. It is an error for NGC, Docker Hub TensorFlow and
    `nvidia/cuda` bases and a warning for other images; never for `scratch` or a stage. Where the
    knowledge base knows one, the message suggests the newest pinned tag of the same variant.

    ## Why is this bad?
    A moving tag changes TensorFlow, CUDA and cuDNN under you: the next build silently gets a new
    stack that may need a newer host driver, or drop the GPU support your code relies on, and two
    builds of the same Dockerfile differ.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:latest-gpu
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.17.0-gpu
    ```
    """

    id = "TF101"
    name = "floating-base-tag"
    severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            base = facts.stage.base
            image = base.image
            if image is None:
                if base.kind is BaseKind.UNRESOLVED:
                    yield from self._written_tag(ctx, facts.stage)
                continue
            why = moving_tag(image)
            if why is None:
                continue
            floating = "has no tag, so it pulls `latest`" if why == "no tag" else f"uses the moving tag {why!r}"
            message = f"{image.familiar_name}{':' + image.tag if image.tag else ''} {floating}"
            if base.written != base.resolved:
                message += f" (FROM {base.written} resolves to {base.resolved})"
            message += "; pin a release tag or a digest"
            suggestion = self._suggestion(facts.family, image.tag)
            if suggestion:
                message += f" (newest known without a known GPU problem: {image.familiar_name}:{suggestion})"
            severity = Severity.ERROR if facts.family in _STRICT_FAMILIES else Severity.WARNING
            yield self.finding(ctx, facts.stage.from_instruction, message, severity=severity)

    def _written_tag(self, ctx: RuleContext, stage: Stage) -> Iterator[Finding]:
        """A base whose repository holds an unknown variable still floats when its written tag moves."""
        written = stage.base.written
        if "@" in written:
            return
        last = written.rsplit("/", 1)[-1]
        _, colon, tag = last.partition(":")
        if not colon or "$" in tag or not tag.lower().startswith(MOVING_PREFIXES):
            return
        yield self.finding(
            ctx,
            stage.from_instruction,
            f"FROM {written} uses the moving tag {tag!r} whatever {', '.join(stage.base.unresolved_variables)} "
            "turns out to be; pin a release tag or a digest",
            severity=Severity.WARNING,
        )

    @staticmethod
    def _suggestion(family: Family, tag: str | None) -> str | None:
        if family not in (Family.DOCKERHUB_TENSORFLOW, Family.NGC_TENSORFLOW):
            return None
        from tfimage_lint.kb import load_kb

        variant = tag_variant(tag) if tag and family is Family.DOCKERHUB_TENSORFLOW else ""
        return load_kb().newest_pinned_tag(family.value, variant)
