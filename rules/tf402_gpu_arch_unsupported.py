"""TF402 gpu-arch-unsupported."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.fleet import Fleet
from tfimage_lint.kb import Fact, ImageFacts
from tfimage_lint.model.dockerfile import BaseKind
from tfimage_lint.model.families import Family
from tfimage_lint.rule import Rule, RuleContext

#: ``sm_80`` (SASS), ``compute_90`` (PTX); a suffix (``sm_90a``) marks arch-specific code.
_ARCH_RE = re.compile(r"\b(sm|compute)_(\d{2,3})([a-z]?)\b")
_CAPABILITY_RE = re.compile(r"^\s*(\d+)\.(\d+)")

Capability = tuple[int, int]
Arch = tuple[str, Capability, str]


def _capability(text: str | None) -> Capability | None:
    match = _CAPABILITY_RE.match(text or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def _archs(text: str) -> list[Arch]:
    """``"sm_60 sm_89 compute_90"`` -> ``[("sm", (6, 0), ""), ("sm", (8, 9), ""), ("compute", (9, 0), "")]``.

    The last digit is the minor version: ``sm_120`` is 12.0.
    """
    return [(kind, (int(digits[:-1]), int(digits[-1])), suffix) for kind, digits, suffix in _ARCH_RE.findall(text)]


def _runs(capability: Capability, arch: Arch) -> bool:
    """Whether code for ``arch`` runs on a GPU of ``capability`` (CUDA's compatibility rules).

    SASS for X.y runs on X.z with z >= y; PTX for X.y is JIT-compiled for any capability >= X.y;
    arch-specific code (``sm_90a``, ``compute_90a``) runs on that capability only.
    """
    kind, built, suffix = arch
    if suffix:
        return built == capability
    if kind == "sm":
        return built[0] == capability[0] and built[1] <= capability[1]
    return built <= capability


def _evidence(fact: Fact) -> str:
    return "" if fact.evidence == "verified" else f", evidence: {fact.evidence}"


def _capabilities(caps: list[str]) -> str:
    return ("compute capability " if len(caps) == 1 else "compute capabilities ") + ", ".join(caps)


class GpuArchUnsupported(Rule):
    """The TensorFlow build in the base has no GPU code for the fleet's GPUs.

    ## What it does
    Active only when the fleet's compute capabilities are given (`--compute-capability 8.0,9.0`).
    For each `FROM` that names an image (after ARG substitution), it reports the fleet's
    capabilities the image cannot run TensorFlow on, where the knowledge base knows:

    * the architectures of the image's TensorFlow build (for Docker Hub images, those of the
      official wheel of that TensorFlow version). A capability is unsupported when the build has
      neither SASS that runs on it nor PTX that can be JIT-compiled for it. CUDA's rules apply:
      `sm_XY` code runs on capability X.Z for Z >= Y, `compute_XY` PTX on any capability >= X.Y,
      and arch-specific code (`sm_90a`) only on that capability;
    * the image's minimum compute capability (NGC release notes state one).

    It is silent when the knowledge base knows neither, e.g. for NVIDIA's own TensorFlow builds
    and for TensorFlow versions whose wheel architectures it has not recorded. A stage built
    `FROM` an earlier stage is covered by the finding on that stage's `FROM`. The message states
    the evidence level when it is not verified.

    ## Why is this bad?
    Without kernels or PTX for a GPU, TensorFlow either skips that GPU ("Ignoring visible gpu
    device ... with Cuda compute capability X.Y") and runs on the CPU, or fails at the first kernel
    launch (`CUDA_ERROR_INVALID_PTX`, `no kernel image is available for execution on the device`).
    The image builds and starts, so the problem shows only as lost performance or a late crash.

    ## Example
    With `--compute-capability 5.2` (Maxwell, e.g. Tesla M40/M60):

    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3
    ```

    ## Use instead
    Choose a base whose TensorFlow still ships code for those GPUs: the TensorFlow 2.16 wheels
    were the last with Maxwell (5.x) kernels. Or move the workload to newer GPUs:

    ```dockerfile
    FROM tensorflow/tensorflow:2.16.1-gpu
    ```
    """

    id = "TF402"
    name = "gpu-arch-unsupported"
    severity = Severity.WARNING
    families = frozenset({Family.NGC_TENSORFLOW.value, Family.DOCKERHUB_TENSORFLOW.value})
    example_fleet = Fleet(compute_capabilities=("5.2",))

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        fleet = [(text, cap) for text in ctx.fleet.compute_capabilities if (cap := _capability(text))]
        if not fleet:
            return
        for facts in ctx.stage_facts.stages:
            base = facts.stage.base
            if base.kind is not BaseKind.IMAGE or base.image is None:
                continue
            image_facts = ctx.stage_facts.image_facts(facts.stage)
            if image_facts is None:
                continue
            reasons = []
            failing: list[str] = []
            minimum_fact = image_facts.min_compute_capability
            minimum = _capability(minimum_fact.value)
            if minimum is not None:
                below = [text for text, cap in fleet if cap < minimum]
                if below:
                    evidence = f" (evidence: {minimum_fact.evidence})" if minimum_fact.evidence != "verified" else ""
                    reasons.append(f"it supports compute capability {minimum_fact.value} and newer{evidence}")
                    failing.extend(below)
            build = _build_archs(image_facts, facts.family)
            archs = _archs(build.value or "")
            if archs:
                missing = [text for text, cap in fleet if not any(_runs(cap, arch) for arch in archs)]
                if missing:
                    tf = f" {image_facts.tensorflow.value}" if image_facts.tensorflow.is_known else ""
                    reasons.append(
                        f"its TensorFlow{tf} build ({build.value}{_evidence(build)}) has neither SASS nor PTX "
                        f"for {', '.join(missing)}"
                    )
                    failing.extend(text for text in missing if text not in failing)
            if not reasons:
                continue
            image = base.image
            name = f"{image.familiar_name}:{image.tag}" if image.tag else image.familiar_name
            ordered = [text for text, _ in fleet if text in failing]
            message = f"{name} has no GPU code for the fleet's {_capabilities(ordered)}"
            if base.written != base.resolved:
                message += f" (FROM {base.written} resolves to {base.resolved})"
            message += ": " + "; ".join(reasons) + "; TensorFlow will not use those GPUs"
            yield self.finding(ctx, facts.stage.from_instruction, message)


def _build_archs(image_facts: ImageFacts, family: Family) -> Fact:
    """The build's architectures: the image's, else (Docker Hub GPU images) the official wheel's."""
    if image_facts.build_archs.is_known:
        return image_facts.build_archs
    tensorflow = image_facts.tensorflow
    if family is not Family.DOCKERHUB_TENSORFLOW or not image_facts.gpu or not tensorflow.is_known:
        return image_facts.build_archs
    from tfimage_lint.kb import load_kb

    wheel = load_kb().tf_build_archs(tensorflow.value or "")
    return wheel.weakened(tensorflow.evidence, "the official wheel of that TensorFlow version")
