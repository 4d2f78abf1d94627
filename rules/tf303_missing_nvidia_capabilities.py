"""TF303 missing-nvidia-capabilities."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tfimage_lint.analysis.environment import EnvSetting, env_settings, shown, stage_env
from tfimage_lint.analysis.installs import StageInstalls
from tfimage_lint.facts import Facts, StageFacts
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import Dockerfile, Stage
from tfimage_lint.model.families import Family
from tfimage_lint.packages.tensorflow import cudnn_of_apt_package, is_tensorflow
from tfimage_lint.rule import Rule, RuleContext

VISIBLE = "NVIDIA_VISIBLE_DEVICES"
CAPABILITIES = "NVIDIA_DRIVER_CAPABILITIES"
#: pip distributions of NVIDIA's CUDA libraries (``nvidia-cudnn-cu12``, ``nvidia-cuda-runtime-cu12``...).
_NVIDIA_PIP_RE = re.compile(r"^nvidia-[a-z0-9-]+-cu\d+$")
_GPU_TENSORFLOW = frozenset({"tensorflow-gpu", "tf-nightly-gpu"})
_CONDA_CUDA = frozenset({"cudatoolkit", "cudnn", "cuda-toolkit", "cuda-runtime", "cuda-cudart", "tensorflow-gpu"})
_APT_CUDA_RE = re.compile(r"^(?:cuda-(?:runtime|libraries|cudart|toolkit)[a-z0-9.-]*|libcudart\d*[a-z0-9.-]*)$")
_NVIDIA_BASED = frozenset({Family.NGC_TENSORFLOW, Family.NGC_FRAMEWORK, Family.NVIDIA_CUDA})
#: Families whose images set no NVIDIA variables (Docker Hub TensorFlow: its CPU tags).
_PLAIN = frozenset({Family.PYTHON, Family.OS, Family.SCRATCH, Family.DOCKERHUB_TENSORFLOW})
_FIX = f"ENV {VISIBLE}=all {CAPABILITIES}=compute,utility"


@dataclass(frozen=True, slots=True)
class GpuSetup:
    """An install that gives TensorFlow its CUDA libraries: what it is and where it is written."""

    what: str
    line: int
    column: int


def _nvidia_based(facts: StageFacts) -> bool:
    """The root image sets the NVIDIA variables (NVIDIA's images, Docker Hub GPU tags built on nvidia/cuda)."""
    if facts.family in _NVIDIA_BASED:
        return True
    tag = facts.image.effective_tag if facts.image is not None else None
    return facts.family is Family.DOCKERHUB_TENSORFLOW and tag is not None and "gpu" in tag.lower()


def _chain_has_gpu_setup(installs: StageInstalls) -> bool:
    """Whether the stage or one it is built on installs GPU TensorFlow or CUDA libraries."""
    return installs.fold("tf303-gpu-setup", False, lambda found, stage: found or bool(gpu_setups(stage)))


def gpu_setups(installs: StageInstalls) -> list[GpuSetup]:
    """The stage's own installs of CUDA-enabled TensorFlow or of CUDA/cuDNN libraries, in build order."""
    found: list[GpuSetup] = []
    for pip in installs.pip:
        if not pip.pip.is_install:
            continue
        for requirement in pip.requirements:
            name = requirement.name
            what = None
            if is_tensorflow(name) and "and-cuda" in requirement.extras:
                what = f"{name}[and-cuda]"
            elif name in _GPU_TENSORFLOW or _NVIDIA_PIP_RE.match(name):
                what = name
            if what:
                where = f" ({requirement.where})" if requirement.where else ""
                found.append(GpuSetup(f"pip install {what}{where}", requirement.line, requirement.column))
    for system in installs.system:
        if system.action != "install":
            continue
        for package in system.packages:
            if cudnn_of_apt_package(package.name, None) or _APT_CUDA_RE.match(package.name):
                found.append(GpuSetup(f"{system.manager} install {package.name}", package.word.line,
                                      package.word.column))  # fmt: skip
    for conda in installs.conda:
        if conda.action not in ("install", "update"):
            continue
        for package in conda.packages:
            if package.name in _CONDA_CUDA:
                found.append(GpuSetup(f"{conda.manager} install {package.name}", package.word.line,
                                      package.word.column))  # fmt: skip
    return sorted(found, key=lambda setup: (setup.line, setup.column))


def _tensorflow_installs(installs: StageInstalls) -> list[GpuSetup]:
    return [
        GpuSetup(f"pip install {requirement.name}", requirement.line, requirement.column)
        for pip in installs.pip
        if pip.pip.is_install
        for requirement in pip.requirements
        if is_tensorflow(requirement.name)
    ]


def _lacks_compute(setting: EnvSetting) -> bool:
    """A known, non-empty capability list without ``compute`` or ``all``."""
    if setting.value is None or not setting.value.strip():
        return False
    capabilities = {part.strip().lower() for part in setting.value.split(",")}
    return not capabilities & {"compute", "all"}


def _descendants(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    found: list[Stage] = []
    indexes = {stage.index}
    for other in dockerfile.stages[stage.index + 1 :]:
        if other.base.stage_index in indexes:
            indexes.add(other.index)
            found.append(other)
    return found


class MissingNvidiaCapabilities(Rule):
    """Set the NVIDIA runtime variables when you add CUDA TensorFlow to a plain base.

    ## What it does
    On a stage whose base is not one of NVIDIA's images (`python`, `ubuntu` and other OS images,
    a Docker Hub TensorFlow CPU tag, or a stage built on one), reports the install that sets up
    TensorFlow with CUDA (`tensorflow[and-cuda]`, `tensorflow-gpu`, pip `nvidia-*-cu12` such
    as `nvidia-cudnn-cu12`, apt cuDNN/CUDA runtime packages, conda `cudatoolkit`/`cudnn`), once
    per stage, when TensorFlow is installed and neither `NVIDIA_VISIBLE_DEVICES` nor an
    `NVIDIA_DRIVER_CAPABILITIES` is set by an `ENV` of the stage, of a stage it is built on or
    of a stage built on it. Installs read from a followed requirements file point at the
    `pip` command and name the file and line. Stages on an unknown base (an unresolved `FROM`,
    a private image) are not checked: the base may set the variables.

    On any stage with TensorFlow and a GPU stack (NVIDIA's images too), it also reports an `ENV`
    that sets `NVIDIA_DRIVER_CAPABILITIES` to a list without `compute` or `all` (for instance
    `utility` alone), as a warning: that breaks GPU use whatever the run command.

    ## Why is this bad?
    `nvidia/cuda` and NGC images set `NVIDIA_VISIBLE_DEVICES=all` and
    `NVIDIA_DRIVER_CAPABILITIES=compute,utility`; `python:3.11` and `ubuntu` do not. Without
    them, GPU access depends on how the container is started: `docker run --gpus all` sets
    them, but with the NVIDIA runtime alone (`--runtime=nvidia`, or a runtime configured by
    default) an unset `NVIDIA_VISIBLE_DEVICES` means no GPU is mounted, and TensorFlow silently
    runs on the CPU. A capability list without `compute` leaves out `libcuda`, so TensorFlow
    cannot use the GPU it sees.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir "tensorflow[and-cuda]==2.15.1"
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility
    RUN pip install --no-cache-dir "tensorflow[and-cuda]==2.15.1"
    ```
    """

    id = "TF303"
    name = "missing-nvidia-capabilities"
    severity = Severity.INFO
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        dockerfile = ctx.dockerfile
        facts = ctx.stage_facts
        for stage_facts in facts.stages:
            stage = stage_facts.stage
            tensorflow = facts.stack(stage).tensorflow
            if tensorflow.present is not True:
                continue
            installs = facts.installs(stage)
            chain_setups = _chain_has_gpu_setup(installs)
            nvidia_based = _nvidia_based(stage_facts)
            if nvidia_based or chain_setups:
                for setting in env_settings(dockerfile, stage):
                    if setting.key == CAPABILITIES and _lacks_compute(setting):
                        yield self.finding(
                            ctx,
                            setting.line,
                            f"ENV {shown(setting)} has no `compute` (or `all`): the NVIDIA runtime does not "
                            "mount libcuda, so TensorFlow cannot use the GPU; use compute,utility",
                            column=setting.column,
                            end_column=setting.end_column,
                            severity=Severity.WARNING,
                        )
            if nvidia_based or stage_facts.family not in _PLAIN or not chain_setups:
                continue
            setup = self._where(installs, facts)
            if setup is None or self._has_variables(dockerfile, stage):
                continue
            image = stage_facts.image
            base = image.familiar_name + (f":{image.tag}" if image and image.tag else "") if image else "scratch"
            yield self.finding(
                ctx,
                setup.line,
                f"{setup.what} sets up TensorFlow with CUDA on {base}, which (unlike nvidia/cuda and NGC "
                f"images) sets neither {VISIBLE} nor {CAPABILITIES}: GPU access then depends on the run command "
                f"(`docker run --gpus all` works; with the NVIDIA runtime alone, `--runtime=nvidia`, an unset "
                f"{VISIBLE} mounts no GPU); add {_FIX}",
                column=setup.column,
            )

    @staticmethod
    def _where(installs: StageInstalls, facts: Facts) -> GpuSetup | None:
        """The stage's own install to report: its first CUDA setup, else its TensorFlow install."""
        own = gpu_setups(installs)
        if own:
            return own[0]
        parent = installs.parent
        if parent is not None and facts.stack(parent.stage).tensorflow.present is True:
            return None  # reported on the stage it is built on
        tensorflow = _tensorflow_installs(installs)
        return tensorflow[0] if tensorflow else None

    @staticmethod
    def _has_variables(dockerfile: Dockerfile, stage: Stage) -> bool:
        """An ENV of the stage, of a stage it is built on or of a stage built on it sets one of the variables."""
        if VISIBLE in stage_env(dockerfile, stage) or CAPABILITIES in stage_env(dockerfile, stage):
            return True
        return any(
            setting.key in (VISIBLE, CAPABILITIES)
            for other in _descendants(dockerfile, stage)
            for setting in env_settings(dockerfile, other)
        )
