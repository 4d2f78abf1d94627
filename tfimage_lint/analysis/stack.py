"""The effective stack of a stage: TensorFlow, CUDA, cuDNN and Python, from the base and the installs.

Each value says where it came from. What cannot be known stays None ("unknown"), never guessed:
an unpinned install has ``exact=False`` and no version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tfimage_lint.analysis.installs import PipInstall, StageInstalls
from tfimage_lint.model.families import TENSORFLOW_FAMILIES, Family
from tfimage_lint.packages.tensorflow import cudnn_of_apt_package, cudnn_of_version_spec, is_tensorflow

if TYPE_CHECKING:
    from tfimage_lint.kb import ImageFacts
    from tfimage_lint.model.imageref import ImageRef

_PYTHON_TAG_RE = re.compile(r"^(\d+\.\d+)")
_TOOLCHAIN_TAG_RE = re.compile(r"(^|-)(devel|custom-op)")


@dataclass(frozen=True, slots=True)
class StackValue:
    """A version and where it came from (``origin`` such as ``base image`` or ``pip install``).

    ``value`` None means unknown (or absent when ``present`` is False). ``exact`` is False for
    an install that names no exact version. ``line`` is the Dockerfile line of the install.
    """

    value: str | None
    origin: str
    line: int | None = None
    exact: bool = True
    present: bool | None = None
    #: The knowledge base's evidence for a value from the base image (``verified``, ``inferred``,
    #: ``unverified``); ``""`` for values read from the Dockerfile.
    evidence: str = ""


UNKNOWN_VALUE = StackValue(None, "unknown")


@dataclass(frozen=True)
class Stack:
    """TensorFlow (with its distribution), CUDA, cuDNN and Python of a stage after its RUNs."""

    tensorflow: StackValue
    tensorflow_distribution: str | None
    cuda: StackValue
    cudnn: StackValue
    python: StackValue
    base_tensorflow: StackValue


def compute_stack(installs: StageInstalls, family: Family, image: ImageRef | None, known: ImageFacts | None) -> Stack:
    """The stack of ``installs.stage`` (its root base's facts, then every install in build order).

    The state after each stage is kept (:meth:`StageInstalls.fold`): a long chain of stages is walked once.
    """
    tensorflow, cuda, cudnn, python = _from_base(family, image, known)
    key = ("stack", family, image)  # ``known`` is what the knowledge base says of this image and family
    initial: _Running = (tensorflow, "tensorflow" if tensorflow.present else None, cuda, cudnn)
    state = installs.fold(key, initial, _apply_stage)
    return Stack(state[0], state[1], state[2], state[3], python, tensorflow)


#: TensorFlow, its distribution, CUDA and cuDNN while the installs of a chain of stages are applied.
_Running = tuple[StackValue, "str | None", StackValue, StackValue]


def _apply_stage(state: _Running, stage: StageInstalls) -> _Running:
    """``state`` after the pip, OS and conda installs of one stage, in build order."""
    tensorflow, distribution, cuda, cudnn = state
    events = sorted(
        [(p.command.line, p.command.column, "pip", p) for p in stage.pip]
        + [(s.command.line, s.command.column, "system", s) for s in stage.system]
        + [(c.command.line, c.command.column, "conda", c) for c in stage.conda],
        key=lambda event: (event[0], event[1]),
    )
    for line, _, kind, operation in events:
        if kind == "pip":
            tensorflow, distribution, cuda, cudnn = _pip(operation, line, tensorflow, distribution, cuda, cudnn)
        elif kind == "system" and operation.action == "install":
            for package in operation.packages:
                version = cudnn_of_apt_package(package.name, package.version)
                if version:
                    cudnn = StackValue(version, f"{operation.manager} install", line, package.version is not None, True)
        elif kind == "conda" and operation.action in ("install", "update"):
            for package in operation.packages:
                if package.name == "cudnn":
                    spec = (
                        package.spec if package.spec.startswith(("==", ">=", "~=")) else "==" + package.spec.lstrip("=")
                    )
                    version = cudnn_of_version_spec(spec) if package.spec else None
                    exact = package.spec.startswith("=") and not package.spec.startswith("==*")
                    cudnn = StackValue(version, "conda install", line, exact and version is not None, True)
                elif is_tensorflow(package.name):
                    version = package.spec.lstrip("=") if package.spec.startswith("=") else None
                    tensorflow = StackValue(version, "conda install", line, version is not None, True)
                    distribution = package.name
    return tensorflow, distribution, cuda, cudnn


def _from_base(
    family: Family, image: ImageRef | None, known: ImageFacts | None
) -> tuple[StackValue, StackValue, StackValue, StackValue]:
    def fact(name: str) -> StackValue:
        found = getattr(known, name) if known is not None else None
        value = found.value if found is not None else None
        if found is None or value in (None, "not included"):
            return StackValue(None, "base image", present=False if value == "not included" else None)
        return StackValue(value, "base image", present=True, evidence=found.evidence)

    tensorflow = fact("tensorflow")
    tag = image.tag if image is not None and image.tag else ""
    toolchain = family is Family.DOCKERHUB_TENSORFLOW and _TOOLCHAIN_TAG_RE.search(tag)
    if toolchain:  # devel / custom-op images are build toolchains: whether TensorFlow is installed is unknown
        tensorflow = StackValue(None, "base image", present=None)
    elif family in TENSORFLOW_FAMILIES:
        tensorflow = replace(tensorflow, present=True)
    elif family in (Family.PYTHON, Family.OS, Family.NVIDIA_CUDA, Family.SCRATCH):
        tensorflow = StackValue(None, "base image", present=False)
    python = fact("python")
    if family is Family.PYTHON and image is not None and image.tag:
        match = _PYTHON_TAG_RE.match(image.tag)
        if match:
            python = StackValue(match.group(1), "base image tag", present=True, evidence="verified")
    return tensorflow, fact("cuda"), fact("cudnn"), python


def _pip(
    operation: PipInstall,
    line: int,
    tensorflow: StackValue,
    distribution: str | None,
    cuda: StackValue,
    cudnn: StackValue,
) -> tuple[StackValue, str | None, StackValue, StackValue]:
    pip = operation.pip
    if not (pip.is_install or pip.is_uninstall):
        return tensorflow, distribution, cuda, cudnn
    for requirement in operation.requirements:
        name = requirement.name
        if pip.is_uninstall:
            if is_tensorflow(name):
                tensorflow, distribution = StackValue(None, "pip uninstall", line, present=False), None
            continue
        if is_tensorflow(name):
            version = requirement.pinned_version
            tensorflow = StackValue(version, "pip install", line, version is not None, True)
            distribution = name
            if "and-cuda" in requirement.extras:
                cudnn = StackValue(_and_cuda_cudnn(version), "pip install tensorflow[and-cuda]", line,
                                   version is not None, True)  # fmt: skip
        elif re.fullmatch(r"nvidia-cudnn-cu\d+", name):
            version = cudnn_of_version_spec(requirement.specifier)
            cudnn = StackValue(version, "pip install", line, version is not None, True)
    return tensorflow, distribution, cuda, cudnn


def _and_cuda_cudnn(tensorflow_version: str | None) -> str | None:
    if tensorflow_version is None:
        return None
    from tfimage_lint.kb import load_kb

    pins = load_kb().and_cuda_pins(tensorflow_version)
    if not pins:
        return None
    for name, specifier in pins.items():
        if name.startswith("nvidia-cudnn-cu"):
            return cudnn_of_version_spec(specifier)
    return None
