"""TF103 unknown-base-tag."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.tags import moving_tag
from tfimage_lint.rule import Rule, RuleContext

_SUGGESTIONS = 3


class UnknownBaseTag(Rule):
    """Base on a tag that was actually published.

    ## What it does
    Reports a `FROM` (after ARG substitution) on a TensorFlow image whose tag the knowledge base
    says was never published: `tensorflow/tensorflow:2.16.0-gpu` (TensorFlow 2.16 shipped as
    2.16.1), `2.6.2` (no images; the maintainers point to 2.6.1), an NGC `YY.MM` month without a
    TensorFlow release, or an NGC release after the last one (25.02). The message suggests the
    closest real tags and says how recent the knowledge base is. Nothing is reported when the
    knowledge base cannot tell, for moving tags, for digest-pinned references (the digest decides
    what is pulled), for `scratch`, stages and bases whose variables have no value.

    ## Why is this bad?
    The build fails at the first pull with `manifest unknown`, often in CI long after the
    Dockerfile was written; a near-miss tag usually means a different TensorFlow, CUDA or
    cuDNN than the author expected.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.16.0-gpu
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.16.1-gpu
    ```
    """

    id = "TF103"
    name = "unknown-base-tag"
    severity = Severity.WARNING
    families = frozenset({"dockerhub-tensorflow", "ngc-tensorflow"})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            base = facts.stage.base
            image = base.image
            # Stages, scratch and unresolved bases have no image of their own; a digest decides
            # what is pulled; a moving tag (or none) is TF101's business.
            if image is None or image.digest is not None or image.tag is None or moving_tag(image) is not None:
                continue
            known = ctx.stage_facts.image_facts(facts.stage)
            if known is None or known.tag_known is not False:
                continue
            from tfimage_lint.kb import load_kb

            kb = load_kb()
            status = known.tag_status
            message = f"{image.familiar_name}:{image.tag}"
            if base.written != base.resolved:
                message += f" (FROM {base.written} resolves to {base.resolved})"
            evidence = "" if status.evidence == "verified" else f", {status.evidence}"
            message += f" is not a published tag according to the knowledge base (as of {kb.as_of}{evidence})"
            note = (status.note or "").replace(f" (KB as of {kb.as_of})", "")
            if note:
                message += f": {note}"
            closest = kb.closest_tags(facts.family.value, image.tag, _SUGGESTIONS)
            if closest:
                message += "; closest real tags: " + ", ".join(closest)
            yield self.finding(ctx, facts.stage.from_instruction, message)
