"""TF209 tensorflow-cuda-mismatch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tfimage_lint.analysis.pip_requirements import (
    GPU_STUB,
    dated_tf_releases,
    judged_requirement,
    requirement_label,
    tf_candidates,
)
from tfimage_lint.analysis.python_version import python_of_pip, supports_python, version_key
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind, Stage
from tfimage_lint.model.families import Family
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import PipInstall
    from tfimage_lint.analysis.stack import StackValue
    from tfimage_lint.facts import Facts
    from tfimage_lint.kb.knowledge import GpuBuildConfig
    from tfimage_lint.packages import Requirement

#: Distributions that load CUDA from the system (``tensorflow`` only from 2.1 on; before, it was CPU-only).
GPU_DISTRIBUTIONS = frozenset({"tensorflow", "tensorflow-gpu"})
#: ``tensorflow`` includes GPU support from 2.1.0 (release notes; KB milestone ``tensorflow-gpu``).
GPU_IN_TENSORFLOW = (2, 1)
#: CUDA before 11 names its libraries after the minor too (``libcudart.so.10.0``).
MINOR_SONAME_BEFORE = 11
#: pip wheels that bring CUDA itself: the base image's CUDA is then not what TensorFlow loads.
_PIP_CUDA_RE = re.compile(r"^nvidia-(?:cuda-runtime|cublas)-cu\d+$")
#: apt packages of a CUDA toolkit version (``cuda-cudart-11-8``, ``cuda-libraries-12-2``, ``libcublas-12-2``).
_APT_CUDA_RE = re.compile(r"^(?:cuda-[a-z0-9-]+?|libcublas|libcufft|libcurand|libcusolver|libcusparse)-(\d+)-(\d+)$")
#: conda packages that bring a CUDA runtime of their own.
_CONDA_CUDA = frozenset({"cudatoolkit", "cuda-toolkit", "cuda-runtime", "cuda-cudart", "cuda"})
#: CUDA runfile installers (``cuda_11.2.0_460.27.04_linux.run``).
_RUNFILE_RE = re.compile(r"cuda_(\d+)\.(\d+)\.\d+_[^/]*\.run")


class TensorflowCudaMismatch(Rule):
    """Do not install a TensorFlow built for another CUDA or cuDNN than the `nvidia/cuda` base has.

    ## What it does
    On an `nvidia/cuda` base (or a stage built on one), reports a `tensorflow` or
    `tensorflow-gpu` installed without the `[and-cuda]` extra, on the command line or in a followed
    requirements file, whose release was built for another CUDA or cuDNN than the image provides
    (TensorFlow's tested configurations, e.g. 2.15: CUDA 12.2 / cuDNN 8.9; 2.18+: CUDA 12.5 /
    cuDNN 9.3):

    - error: another CUDA major (before CUDA 11, another minor too: those libraries carry the
      minor in their names, `libcudart.so.10.0`), another cuDNN major, or no cuDNN at all (a
      `-base`, `-runtime` or `-devel` tag without `cudnn`, and no cuDNN installed by the stage
      through apt `libcudnn*`/`cudnn*`, pip `nvidia-cudnn-cu*` or conda `cudnn`);
    - warning: an older CUDA minor (CUDA 11 and later) or an older cuDNN minor.

    An unpinned (or range) requirement is judged against the newest release the knowledge
    base lists that it allows (and that supports the stage's Python, when known); the message
    says so. CPU-only distributions (`tensorflow-cpu`, and `tensorflow` before 2.1) need no CUDA
    and are not reported.

    ## Why is this bad?
    TensorFlow loads CUDA and cuDNN at run time. With the wrong major it logs
    `Could not load dynamic library 'libcudart.so.11.0'` (or `libcudnn.so.8`) and
    `Skipping registering GPU devices`, then silently runs on the CPU; with an older cuDNN it
    fails with `Loaded runtime CuDNN library: 8.1.0 but source was compiled with: 8.6.0`.

    ## Example
    ```dockerfile
    FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
    RUN apt-get update && apt-get install -y --no-install-recommends python3-pip
    RUN pip3 install --no-cache-dir tensorflow==2.15.0
    ```

    ## Use instead
    Pick the `nvidia/cuda` tag TensorFlow was built for, or install `tensorflow[and-cuda]`,
    which brings the CUDA and cuDNN wheels it needs.

    ```dockerfile
    FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04
    RUN apt-get update && apt-get install -y --no-install-recommends python3-pip
    RUN pip3 install --no-cache-dir tensorflow==2.15.0
    ```
    """

    id = "TF209"
    name = "tensorflow-cuda-mismatch"
    severity = Severity.ERROR
    families = frozenset({"nvidia-cuda"})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        children: dict[int, list[Stage]] = {}
        for stage in ctx.dockerfile.stages:
            if stage.base.kind is BaseKind.STAGE and stage.base.stage_index is not None:
                children.setdefault(stage.base.stage_index, []).append(stage)
        for facts in ctx.stage_facts.stages:
            if facts.family is not Family.NVIDIA_CUDA:
                continue
            stage = facts.stage
            for install in ctx.stage_facts.installs(stage).pip:
                if not install.pip.is_install:
                    continue
                for requirement in install.requirements:
                    if requirement.name not in GPU_DISTRIBUTIONS or "and-cuda" in requirement.extras:
                        continue
                    if not judged_requirement(requirement):
                        continue
                    if not _is_final_tensorflow(ctx.stage_facts, stage, install, requirement):
                        continue
                    finding = self._judge(ctx, stage, install, requirement, children)
                    if finding is not None:
                        yield finding

    def _judge(
        self,
        ctx: RuleContext,
        stage: Stage,
        install: PipInstall,
        requirement: Requirement,
        children: dict[int, list[Stage]],
    ) -> Finding | None:
        chosen = _version(ctx.stage_facts, stage, install, requirement)
        if chosen is None:
            return None
        version, how, alternatives = chosen
        problems = self._problems(ctx, stage, install, requirement, version, children)
        if not problems:
            return None
        for other in alternatives:  # the stage's Python is unknown: pip may pick one of these instead
            cpu_only = requirement.name == "tensorflow" and (version_key(other) or (0, 0)) < GPU_IN_TENSORFLOW
            if not cpu_only and not self._problems(ctx, stage, install, requirement, other, children):
                return None
        config = _config(version)
        if config is None:
            return None
        severity = Severity.ERROR if any(s is Severity.ERROR for s, _ in problems) else Severity.WARNING
        image = ctx.stage_facts.of(stage).image
        name = f"{image.familiar_name}:{image.tag}" if image is not None and image.tag else "the base image"
        built = f"TensorFlow {version} {how}is built for CUDA {config.cuda} and cuDNN {config.cudnn}"
        message = f"{requirement_label(requirement)}: {built}, but {name}: " + "; ".join(t for _, t in problems)
        message += f". {_fix(version, config)}"
        return self.finding(ctx, requirement.line, message, column=requirement.column, severity=severity)

    @staticmethod
    def _problems(
        ctx: RuleContext,
        stage: Stage,
        install: PipInstall,
        requirement: Requirement,
        version: str,
        children: dict[int, list[Stage]],
    ) -> list[tuple[Severity, str]]:
        """What does not fit between TensorFlow ``version`` and the stage's CUDA and cuDNN."""
        key = version_key(version) or (0, 0)
        if requirement.name == "tensorflow" and key < GPU_IN_TENSORFLOW:
            return []  # CPU-only build: needs no CUDA
        if requirement.name == "tensorflow-gpu" and key >= GPU_STUB:
            return []  # the removed tensorflow-gpu name: TF206's finding
        config = _config(version)
        if config is None:
            return []
        facts = ctx.stage_facts
        stack = facts.stack(stage)
        problems: list[tuple[Severity, str]] = []
        if not _pip_brings_cuda(facts, stage) and not _cuda_changed(facts, stage, stack.cuda.value):
            problems += _cuda_problems(stack.cuda.value, config)
        if stack.cudnn.origin == "base image" and _mentions_cudnn(facts, stage):
            return problems  # cuDNN handled in a way the analysis does not read (variables, tarballs, COPY)
        cudnn = _cudnn_problems(stack.cudnn, config)
        if cudnn and not _fixed_below(facts, stage, config, children, install):
            problems += cudnn
        return problems


def _config(version: str) -> GpuBuildConfig | None:
    from tfimage_lint.kb import load_kb

    return load_kb().tested_gpu_config(version)


def _is_final_tensorflow(facts: Facts, stage: Stage, install: PipInstall, requirement: Requirement) -> bool:
    """Whether ``requirement`` is the TensorFlow the stage ends up with (no later TF install replaces it)."""
    if facts.stack(stage).tensorflow.origin != "pip install":
        return False  # conda, an uninstall, or the base
    last = _last_tensorflow(facts, stage)
    return last is not None and last[0] is install and last[1] is requirement


def _last_tensorflow(facts: Facts, stage: Stage) -> tuple[PipInstall, Requirement] | None:
    """The last pip operation on TensorFlow in the stage chain, if it is an install."""
    from tfimage_lint.packages.tensorflow import is_tensorflow

    last: tuple[PipInstall, Requirement] | None = None
    operations = sorted(facts.installs(stage).all_pip(), key=lambda p: (p.command.line, p.command.column))
    for install in operations:
        if not (install.pip.is_install or install.pip.is_uninstall):
            continue
        for requirement in install.requirements:
            if is_tensorflow(requirement.name):
                last = (install, requirement) if install.pip.is_install else None
    return last


def _version(
    facts: Facts, stage: Stage, install: PipInstall, requirement: Requirement
) -> tuple[str, str, list[str]] | None:
    """The release pip installs, how that was decided (``""`` for a pin), and alternatives.

    When the stage's Python is unknown, the alternatives are the newest allowed release of
    every other Python (pip may pick one of those).
    """
    from tfimage_lint.kb import load_kb

    kb = load_kb()
    candidates = tf_candidates(requirement, install.constraints)
    if candidates is None:
        return None
    found, exact = candidates
    if exact:
        return found[0], "", []
    if requirement.name == "tensorflow-gpu":
        return None  # unpinned, it resolves to the 2.12 stub that fails to install: TF206's finding
    dated = dated_tf_releases()
    found = [v for v in found if v in dated] or found
    python = python_of_pip(facts, stage, install)
    scope = "the newest release the knowledge base lists"
    alternatives: list[str] = []
    if python is not None:
        found = [v for v in found if _supports(v, python.version)]
        if not found:
            return None  # no release for that Python: TF208's finding
        scope += f" for Python {python.version}"
    else:
        pythons = sorted({p for v in found for p in _pythons(v)}, key=lambda p: version_key(p) or (0, 0))
        for other in pythons:
            fitting = [v for v in found if _supports(v, other)]
            if fitting and fitting[-1] != found[-1] and fitting[-1] not in alternatives:
                alternatives.append(fitting[-1])
    pinned = "is not pinned" if not requirement.specifier else "is a range"
    return found[-1], f"(the requirement {pinned}: judged as {scope}, as of {kb.as_of}) ", alternatives


def _supports(version: str, python: str) -> bool:
    config = _config(version)
    return config is not None and bool(supports_python(config, python))


def _pythons(version: str) -> list[str]:
    """Every Python minor the tested configuration of ``version`` covers."""
    config = _config(version)
    found = []
    for low, high in config.python_ranges if config else ():
        first, last = version_key(low), version_key(high)
        if first is None or last is None or first[0] != last[0]:
            continue
        found += [f"{first[0]}.{minor}" for minor in range(first[1], last[1] + 1)]
    return found


def _cuda_changed(facts: Facts, stage: Stage, image_cuda: str | None) -> bool:
    """The stage installs CUDA libraries of another version (apt ``cuda-*-X-Y``, a runfile)."""
    have = version_key(image_cuda)
    for system in facts.installs(stage).all_system():
        if system.action != "install":
            continue
        for package in system.packages:
            match = _APT_CUDA_RE.match(package.name)
            if match is None or package.name.startswith(("cuda-compat", "cuda-drivers")):
                continue
            if (int(match.group(1)), int(match.group(2))) != have:
                return True
    for conda in facts.installs(stage).all_conda():
        for package in conda.packages:
            if package.name not in _CONDA_CUDA or conda.action == "remove":
                continue
            if not package.spec or version_key(package.spec.lstrip("=<>~!")) != have:
                return True
    for installs in facts.installs(stage).chain():
        for command in installs.commands:
            for word in command.words:
                match = _RUNFILE_RE.search(word.text)
                if match and (int(match.group(1)), int(match.group(2))) != have:
                    return True
    return False


def _mentions_cudnn(facts: Facts, stage: Stage) -> bool:
    """A command or COPY/ADD of the stage chain names cuDNN (beyond what the stack could read)."""
    for installs in facts.installs(stage).chain():
        for command in installs.commands:
            if any("cudnn" in word.raw.lower() or "cudnn" in word.text.lower() for word in command.words):
                return True
        for ins in installs.stage.instructions:
            if ins.keyword in ("copy", "add") and any("cudnn" in arg.lower() for arg in ins.args):
                return True
    return False


def _pip_brings_cuda(facts: Facts, stage: Stage) -> bool:
    """The stage pip-installs the CUDA runtime or cuBLAS wheels itself."""
    for install in facts.installs(stage).all_pip():
        if install.pip.is_install and any(_PIP_CUDA_RE.match(r.name) for r in install.requirements):
            return True
    return False


def _cuda_problems(image_cuda: str | None, config: GpuBuildConfig) -> list[tuple[Severity, str]]:
    have, want = version_key(image_cuda), version_key(config.cuda)
    if have is None or want is None:
        return []
    shown = image_cuda
    if have[0] != want[0]:
        return [(Severity.ERROR, f"it has CUDA {shown}, another major version: TensorFlow cannot load its CUDA "
                                 "libraries and runs on the CPU")]  # fmt: skip
    if have[0] < MINOR_SONAME_BEFORE and have[1] != want[1]:
        return [(Severity.ERROR, f"it has CUDA {shown}; before CUDA 11 the libraries carry the minor in their names "
                                 f"(libcudart.so.{have[0]}.{have[1]}) and TensorFlow loads the "
                                 f"{want[0]}.{want[1]} ones")]  # fmt: skip
    if have[1] < want[1]:
        return [(Severity.WARNING, f"it has CUDA {shown}, older than CUDA {config.cuda} (it can work only "
                                   "through CUDA minor-version compatibility)")]  # fmt: skip
    return []


def _cudnn_problems(cudnn: StackValue, config: GpuBuildConfig) -> list[tuple[Severity, str]]:
    want = version_key(config.cudnn)
    if want is None:
        return []
    if cudnn.value is None:
        if cudnn.present is False:
            return [(Severity.ERROR, "its tag has no cuDNN and the stage installs none: TensorFlow needs cuDNN "
                                     "(use a `cudnn` tag or `tensorflow[and-cuda]`)")]  # fmt: skip
        return []
    have = version_key(cudnn.value)
    if have is None:
        return []
    origin = "its tag" if cudnn.origin == "base image" else f"{cudnn.origin} at line {cudnn.line}"
    if have[0] != want[0]:
        return [(Severity.ERROR, f"cuDNN {cudnn.value} ({origin}) has another major version than the cuDNN "
                                 f"{config.cudnn} TensorFlow needs")]  # fmt: skip
    minor_known = "." in cudnn.value
    if minor_known and have[1] < want[1]:
        return [(Severity.WARNING, f"cuDNN {cudnn.value} ({origin}) is older than {config.cudnn}: TensorFlow "
                                   "requires the same major and an equal or higher minor")]  # fmt: skip
    return []


def _fixed_below(
    facts: Facts, stage: Stage, config: GpuBuildConfig, children: dict[int, list[Stage]], install: PipInstall
) -> bool:
    """Every stage built on ``stage`` installs a fitting cuDNN (or replaces this TensorFlow)."""
    below = children.get(stage.index, [])
    if not below:
        return False
    for child in below:
        stack = facts.stack(child)
        last = _last_tensorflow(facts, child)
        replaced = last is None or last[0] is not install
        fits = not _cudnn_problems(stack.cudnn, config)
        if not (replaced or fits or _fixed_below(facts, child, config, children, install)):
            return False
    return True


def _fix(version: str, config: GpuBuildConfig) -> str:
    key = version_key(version) or (0, 0)
    cudnn_major = (version_key(config.cudnn) or (0, 0))[0]
    cuda = config.cuda if "." in config.cuda else f"{config.cuda}.0"
    tag = f"use an nvidia/cuda {cuda} tag with cuDNN {cudnn_major} (`-cudnn` flavour)"
    if key >= (2, 14):
        return f"Fix: {tag}, or install `tensorflow[and-cuda]=={version}`, which brings the CUDA and cuDNN it needs."
    return f"Fix: {tag}, or a TensorFlow release built for the image's CUDA."
