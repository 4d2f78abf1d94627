"""TF401 driver-too-old."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.fleet import Fleet
from tfimage_lint.kb import Fact, ImageFacts
from tfimage_lint.model.dockerfile import BaseKind
from tfimage_lint.model.families import NGC_FAMILIES, Family
from tfimage_lint.rule import Rule, RuleContext

_VERSION_RE = re.compile(r"^\s*(\d+(?:\.\d+)*)")
#: One data-centre forward-compatible branch in a KB ``forward_compat`` value: ``R470>=470.57``, or
#: ``R384 (Tesla V100/P4/P40/P100)`` for a branch limited to some GPUs.
_BRANCH_RE = re.compile(r"\bR(\d+)(?:\s*>=\s*(\d+(?:\.\d+)*))?(?:\s*\(([^)]*)\))?")


def _version(text: str | None) -> tuple[int, ...] | None:
    """The leading dotted number of ``text`` as a tuple, or None."""
    match = _VERSION_RE.match(text or "")
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _older(driver: tuple[int, ...], minimum: tuple[int, ...]) -> bool | None:
    """Whether ``driver`` is older than ``minimum``; None when the fleet driver is too coarse to tell.

    Compared on the components both give: ``525`` meets ``525`` and ``525.60.13`` meets ``525``,
    but ``525`` against ``525.85.12`` cannot be decided (any R525 driver could be meant).
    """
    common = min(len(driver), len(minimum))
    if driver[:common] != minimum[:common]:
        return driver[:common] < minimum[:common]
    return None if len(driver) < len(minimum) else False


def _evidence(fact: Fact) -> str:
    return "" if fact.evidence == "verified" else f", evidence: {fact.evidence}"


class DriverTooOld(Rule):
    """The base image needs a newer NVIDIA driver than the fleet has.

    ## What it does
    Active only when the fleet's driver is known (`--driver 470.57.02`). For each `FROM` that names
    an image (after ARG substitution) the knowledge base knows, it compares the fleet's driver with
    the minimum driver of the image: the minimum NVIDIA states for an NGC release, otherwise the
    CUDA toolkit's minimum Linux driver for the CUDA version in the image (from the `nvidia/cuda`
    tag, the NGC release table or the Docker Hub image era). A stage built `FROM` an earlier stage
    is covered by the finding on that stage's `FROM`. No finding when the minimum is unknown, or
    when the fleet's driver is written too coarsely to decide (`525` against `525.85.12`).

    The message says:

    * the evidence level of the minimum when it is not verified. Minimums that are only
      `unverified` (third-party claims) are reported as warnings instead of errors;
    * whether the fleet's driver meets the CUDA minor-version-compatibility floor of the image's
      CUDA major (11.x: 450.80.02, 12.x: 525.60.13, 13.x: 580). This is still an error: NVIDIA
      documents the toolkit driver as the full-feature minimum and minor-version compatibility as
      a limited feature set. In particular JIT compilation of newer PTX fails, and TensorFlow
      relies on PTX JIT for GPUs its build has no SASS for. `nvidia/cuda` images also declare
      `NVIDIA_REQUIRE_CUDA`, which can make the container toolkit refuse to start them;
    * whether CUDA forward compatibility would make it work on data-centre GPUs: when the
      knowledge base lists the image's forward-compatible driver branches (NGC release notes
      do) and the fleet driver's branch is one of them (at or above that branch's floor). NGC
      images include the forward-compatibility package and enable it on data-centre GPUs. It
      does not apply to consumer GPUs.

    ## Why is this bad?
    A container whose CUDA needs a newer driver than the host has fails at start-up
    (`nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.2`) or at the first
    GPU call (`CUDA driver version is insufficient for CUDA runtime version`). Alternatively,
    TensorFlow logs the error and silently runs on the CPU. Host drivers are upgraded far less
    often than images, so the base must fit the fleet.

    ## Example
    With `--driver 470.57.02`:

    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3
    ```

    ## Use instead
    Upgrade the fleet's driver (525 or later for 23.01), run on data-centre GPUs with forward
    compatibility, or choose a base built for the driver you have:

    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:21.10-tf2-py3
    ```
    """

    id = "TF401"
    name = "driver-too-old"
    severity = Severity.ERROR
    families = frozenset({Family.NGC_TENSORFLOW.value, Family.DOCKERHUB_TENSORFLOW.value, Family.NVIDIA_CUDA.value})
    example_fleet = Fleet(driver="470.57.02")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        driver = _version(ctx.fleet.driver)
        if driver is None:
            return
        for facts in ctx.stage_facts.stages:
            base = facts.stage.base
            if base.kind is not BaseKind.IMAGE or base.image is None:
                continue
            image_facts = ctx.stage_facts.image_facts(facts.stage)
            if image_facts is None:
                continue
            minimum = _minimum(image_facts)
            wanted = _version(minimum.value)
            if wanted is None or _older(driver, wanted) is not True:
                continue
            image = base.image
            name = f"{image.familiar_name}:{image.tag}" if image.tag else image.familiar_name
            cuda = image_facts.cuda.value if _version(image_facts.cuda.value) else None
            message = f"{name} needs NVIDIA driver >= {minimum.value}"
            if cuda:
                message += f" (CUDA {cuda}{_evidence(minimum)})"
            elif minimum.evidence != "verified":
                message += f" (evidence: {minimum.evidence})"
            message += f"; the fleet's driver {ctx.fleet.driver} is older"
            if base.written != base.resolved:
                message += f" (FROM {base.written} resolves to {base.resolved})"
            if cuda:
                message += _minor_compat(driver, cuda)
            forward = _forward_compat(driver, image_facts, facts.family, ctx.fleet.datacenter)
            message += forward
            severity = Severity.WARNING if minimum.evidence == "unverified" else Severity.ERROR
            if ctx.fleet.datacenter and forward.startswith("; on data-centre GPUs it works"):
                severity = Severity.WARNING  # the fleet's data-centre GPUs can run it through forward compatibility
            yield self.finding(ctx, facts.stage.from_instruction, message, severity=severity)


def _minimum(image_facts: ImageFacts) -> Fact:
    """The image's stated minimum driver, else the CUDA table's minimum for its CUDA."""
    if _version(image_facts.min_driver.value):
        return image_facts.min_driver
    if not _version(image_facts.cuda.value):
        return image_facts.min_driver
    from tfimage_lint.kb import load_kb
    from tfimage_lint.kb.cuda import derived_min_driver

    return derived_min_driver(load_kb().drivers, image_facts.cuda, "the image")


def _minor_compat(driver: tuple[int, ...], cuda: str) -> str:
    from tfimage_lint.kb import load_kb

    _, floor = load_kb().cuda_min_driver(cuda)
    wanted = _version(floor.value)
    if wanted is None:
        return ""
    major = cuda.split(".", 1)[0]
    what = f"the CUDA {major}.x minor-version-compatibility floor {floor.value}{_evidence(floor)}"
    older = _older(driver, wanted)
    if older is None:
        return ""
    if older:
        return f"; it is also below {what}"
    return f"; it meets {what}, so most CUDA {major}.x code may run, with limited features (no JIT of newer PTX)"


def _forward_compat(driver: tuple[int, ...], image_facts: ImageFacts, family: Family, datacenter: bool | None) -> str:
    fact = image_facts.forward_compat
    if fact.value is None:
        return ""
    if datacenter is False:
        return "; CUDA forward compatibility would need data-centre GPUs, and the fleet has none"
    branches = {int(number): (floor, gpus) for number, floor, gpus in _BRANCH_RE.findall(fact.value)}
    if not branches:
        return ""
    branch = driver[0]
    if branch not in branches:
        return f"; R{branch} is not one of its data-centre forward-compatible branches ({fact.value})"
    floor, gpus = branches[branch]
    older = _older(driver, _version(floor) or ()) if floor else False
    listed = (f"R{branch}>={floor}" if floor else f"R{branch}") + (f", {gpus} only" if gpus else "")
    if older is True:
        return f"; CUDA forward compatibility on data-centre GPUs needs >= {floor} on the R{branch} branch"
    package = "CUDA forward compatibility"
    if family in NGC_FAMILIES:
        package = "the forward-compatibility package NGC images include"
    condition = f" if the driver is >= {floor}" if older is None else ""
    return f"; on data-centre GPUs it works through {package}{condition} (supported branch {listed}{_evidence(fact)})"
