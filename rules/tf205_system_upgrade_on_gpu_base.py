"""TF205 system-upgrade-on-gpu-base."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.families import NGC_FAMILIES, Family
from tfimage_lint.packages.cuda_packages import CUDA, system_package_parts
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import StageInstalls
    from tfimage_lint.facts import StageFacts
    from tfimage_lint.packages import SystemCommand
    from tfimage_lint.shell import Command

#: Subcommands that upgrade every installed package when no package is named.
_UPGRADES = frozenset({"upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade", "update", "distro-sync",
                       "upgrade-minimal", "update-minimal"})  # fmt: skip
#: CUDA packages a hold or an exclusion must cover to keep the CUDA stack where it is.
_CUDA_SAMPLES = ("cuda-cudart-12-2", "cuda-compat-12-2", "cuda-libraries-12-2", "cuda-nvcc-12-2")


def _is_upgrade(command: SystemCommand) -> bool:
    """A whole-system upgrade: apt upgrade/dist-upgrade/full-upgrade, yum/dnf/microdnf update/upgrade."""
    if command.family == "apk" or command.packages:
        return False
    if command.family == "apt":
        return command.action == "upgrade"
    return command.subcommand in _UPGRADES


def _covers_stack(patterns: Iterable[str]) -> bool:
    """Whether any package name or glob in ``patterns`` is a CUDA package (``cuda-*``, ``cuda-compat-12-2``).

    A hold of cuDNN alone does not count: NVIDIA's cuDNN images hold it already, and the CUDA
    packages still move.
    """
    for pattern in patterns:
        for text in pattern.split(","):
            text = text.strip().strip("'\"")
            if not text:
                continue
            parts = system_package_parts(text) if "*" not in text and "?" not in text else ()
            if any(part.component == CUDA for part in parts) or any(fnmatchcase(s, text) for s in _CUDA_SAMPLES):
                return True
    return False


def _holds(command: Command) -> list[str]:
    """Packages ``apt-mark hold`` or ``dnf/yum versionlock add`` pins (``[]`` for other commands)."""
    args = [word for word in command.args if word.known]
    texts = [word.text for word in args if not word.text.startswith("-")]
    if command.name == "apt-mark" and texts[:1] == ["hold"]:
        return texts[1:]
    if command.name in ("dnf", "yum") and texts[:1] == ["versionlock"]:
        return texts[2:] if texts[1:2] == ["add"] else texts[1:]
    return []


def _held_before(installs: StageInstalls, upgrade: Command) -> bool:
    """A hold of CUDA-stack packages earlier in this stage or in a stage it is built on."""
    for stage in installs.chain():
        for command in stage.commands:
            if command is upgrade:
                return False
            if _covers_stack(_holds(command)):
                return True
    return False


def _excludes_stack(command: SystemCommand) -> bool:
    """``dnf upgrade --exclude='cuda*'`` / ``-x 'libcudnn*'``."""
    values = [option.split("=", 1)[1] for option in command.options if option.startswith(("--exclude=", "-x="))]
    return _covers_stack(values)


def gpu_base(ctx: RuleContext, facts: StageFacts) -> bool:
    """Whether the stage's root base is a GPU image: NGC, nvidia/cuda, Docker Hub TensorFlow GPU tags."""
    if facts.family in NGC_FAMILIES or facts.family is Family.NVIDIA_CUDA:
        return True
    if facts.family is Family.DOCKERHUB_TENSORFLOW:
        known = ctx.stage_facts.image_facts(facts.stage)
        return known is not None and known.gpu is True
    return False


class SystemUpgradeOnGpuBase(Rule):
    """Do not upgrade every OS package of a GPU base image.

    ## What it does
    Reports a whole-system upgrade, with no package named: `apt-get upgrade`, `dist-upgrade`,
    `full-upgrade`, `apt upgrade`, `aptitude safe-upgrade`, `yum update`/`upgrade`,
    `dnf upgrade`/`update`/`distro-sync`, `microdnf update`, on a GPU image: NGC images
    (`nvcr.io/nvidia/...`), `nvidia/cuda`, Docker Hub TensorFlow `-gpu` tags, and stages built
    from such a stage. `apt-get update` alone (it refreshes the package lists) and upgrades that
    name packages (`apt-get install --only-upgrade openssl`) are not reported. Not reported
    either when the CUDA packages were held first in the same stage or a stage it is built on
    (`apt-mark hold 'cuda-*' 'libcudnn*'`, `dnf versionlock add 'cuda-*'`), or are excluded from
    the upgrade (`dnf upgrade --exclude='cuda*'`). A hold of cuDNN alone does not count: NVIDIA's
    cuDNN images hold it already, and the CUDA packages still move.

    ## Why is this bad?
    GPU images come with NVIDIA's CUDA repository enabled, and their CUDA, cuDNN, NCCL and
    `cuda-compat` packages were chosen to match the framework in the image. A blanket upgrade
    moves them to whatever the repository has on the day of the build: cuDNN or cuBLAS built
    for another CUDA, a new `cuda-compat` that changes the effective driver (NCCL error 217),
    or a failed build on packages NVIDIA holds. The image then breaks on a rebuild, with no
    change to the Dockerfile.

    ## Example
    ```dockerfile
    FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04
    RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    Install or upgrade only the packages you need, or pin a newer base image.

    ```dockerfile
    FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04
    RUN apt-get update && apt-get install -y --only-upgrade openssl && rm -rf /var/lib/apt/lists/*
    ```
    """

    id = "TF205"
    name = "system-upgrade-on-gpu-base"
    severity = Severity.WARNING
    families = frozenset({"ngc-tensorflow", "ngc-framework", "nvidia-cuda", "dockerhub-tensorflow"})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            if facts.image is None or not gpu_base(ctx, facts):
                continue
            installs = ctx.stage_facts.installs(facts.stage)
            for command in installs.system:
                if not _is_upgrade(command) or _excludes_stack(command) or _held_before(installs, command.command):
                    continue
                yield self._report(ctx, facts, command)

    def _report(self, ctx: RuleContext, facts: StageFacts, command: SystemCommand) -> Finding:
        image = facts.image
        label = image.familiar_name + (f":{image.tag}" if image.tag else "") if image else "the base image"
        word = next((w for w in command.command.args if w.text == command.subcommand), None)
        line, column = (word.line, word.column) if word else (command.command.line, command.command.column)
        if command.family == "apt":
            hold = "hold them first (apt-mark hold 'cuda-*' 'libcudnn*' 'libnccl*' 'libnvinfer*')"
            only = "apt-get install --only-upgrade <package>"
        else:
            hold = f"exclude them ({command.manager} upgrade --exclude='cuda*,libcudnn*,libnccl*')"
            only = f"{command.manager} upgrade <package>"
        whose = "NVIDIA's tested stack" if facts.family in NGC_FAMILIES else "its CUDA release"
        message = (
            f"{command.manager} {command.subcommand} upgrades every package of {label}, a GPU image whose CUDA "
            f"libraries were pinned to {whose}: with NVIDIA's CUDA repository enabled it moves CUDA, cuDNN, NCCL and "
            "cuda-compat to whatever builds the repository has that day, possibly for another CUDA, and the image "
            f"breaks on a rebuild. Upgrade only the packages you need ({only}), or {hold}"
        )
        return self.finding(ctx, line, message, column=column)
