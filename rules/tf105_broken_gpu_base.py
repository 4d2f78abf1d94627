"""TF105 broken-gpu-base."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tfimage_lint.facts import Facts
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind, Stage
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.kb import ImageFacts, KnownProblem

#: The knowledge base's kind of problem this rule reports.
BROKEN_GPU = "broken-gpu"
#: Evidence a known problem needs to back an error.
_TRUSTED = ("verified", "inferred")


class BrokenGpuBase(Rule):
    """Do not build on a GPU image whose TensorFlow cannot use the GPU.

    ## What it does
    Reports a `FROM` (after ARG substitution) on an image the knowledge base knows to ship
    without working GPU support for the TensorFlow it carries: `tensorflow/tensorflow:2.18.0-gpu`
    and `2.19.0-gpu` (and their `-jupyter` variants) ship cuDNN 8.9 while TensorFlow 2.18 and
    later need cuDNN 9.3. It is not reported when the Dockerfile installs the known fix (cuDNN 9
    through `tensorflow[and-cuda]`, `nvidia-cudnn-cu12>=9`, or apt `cudnn9-cuda-12` /
    `libcudnn9-cuda-12`) in that stage, or in every stage built on it.

    ## Why is this bad?
    Nothing fails: TensorFlow logs `Skipping registering GPU devices` and silently runs
    everything on the CPU, ten to a hundred times slower, on a machine paid for its GPUs.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.19.0-gpu
    ```

    ## Use instead
    Base on a GPU image whose cuDNN matches its TensorFlow, or keep the image and install
    cuDNN 9 for the same TensorFlow (`RUN pip install "tensorflow[and-cuda]==2.19.0"`).

    ```dockerfile
    FROM tensorflow/tensorflow:2.17.0-gpu
    ```
    """

    id = "TF105"
    name = "broken-gpu-base"
    severity = Severity.ERROR
    families = frozenset({"dockerhub-tensorflow", "ngc-tensorflow"})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        stages = ctx.dockerfile.stages
        children: dict[int, list[Stage]] = {}
        for stage in stages:
            if stage.base.kind is BaseKind.STAGE and stage.base.stage_index is not None:
                children.setdefault(stage.base.stage_index, []).append(stage)
        for facts in ctx.stage_facts.stages:
            stage = facts.stage
            image = stage.base.image
            if image is None:  # stages inherit the image: judged at the FROM that names it
                continue
            known = ctx.stage_facts.image_facts(stage)
            if known is None or known.tag_known is False:
                continue
            for problem in known.problems:
                if problem.kind != BROKEN_GPU or problem.evidence not in _TRUSTED:
                    continue
                if _fixed(ctx.stage_facts, stage, problem.id, children):
                    continue
                name = image.familiar_name + (f":{image.tag}" if image.tag else "")
                if stage.base.written != stage.base.resolved:
                    name += f" (FROM {stage.base.written} resolves to {stage.base.resolved})"
                yield self.finding(ctx, stage.from_instruction, f"{name}: {_explain(known, problem)}")


def _fixed(facts: Facts, stage: Stage, problem_id: str, children: dict[int, list[Stage]]) -> bool:
    """The fix is installed in ``stage``, or on every path from it to a stage nothing builds on."""
    if facts.installs_fix(stage, problem_id):
        return True
    below = children.get(stage.index, [])
    return bool(below) and all(_fixed(facts, child, problem_id, children) for child in below)


def _explain(known: ImageFacts, problem: KnownProblem) -> str:
    """The problem's title, the versions involved where the KB knows them, and the fix."""
    from tfimage_lint.kb import load_kb, versions

    text = problem.title
    tensorflow = versions.base(known.tensorflow.value) if known.tensorflow.value else None
    config = load_kb().tested_gpu_config(tensorflow) if tensorflow else None
    if config is not None and known.cudnn.value and known.cudnn.value != "not included":
        text += (
            f" (the image ships cuDNN {known.cudnn.value}; TensorFlow {tensorflow} is built and tested "
            f"with cuDNN {config.cudnn}, so it registers no GPU and runs on the CPU)"
        )
    fix = problem.fix.replace("<version>", tensorflow) if tensorflow else problem.fix
    return f"{text}. Fix: {fix}"
