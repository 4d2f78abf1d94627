"""Which CUDA-stack library (CUDA, cuDNN, NCCL, TensorRT) an apt/dnf, pip or conda package installs.

Each install is described as :class:`Part`: the component, the version the package names, and
where it goes (the OS package database, Ubuntu's own CUDA, or a separate pip/conda copy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tfimage_lint.packages.tensorflow import cudnn_of_apt_package, cudnn_of_version_spec, is_tensorflow

if TYPE_CHECKING:
    from tfimage_lint.packages import Requirement

#: The components of the CUDA stack, as :attr:`Part.component` names them.
CUDA, CUDNN, NCCL, TENSORRT = "cuda", "cudnn", "nccl", "tensorrt"
COMPONENTS = (CUDA, CUDNN, NCCL, TENSORRT)
#: Each component's name in messages.
LABELS = {CUDA: "CUDA", CUDNN: "cuDNN", NCCL: "NCCL", TENSORRT: "TensorRT"}
#: Where an install puts the library: the OS package database, Ubuntu's own CUDA, or a separate copy.
SYSTEM, UBUNTU, PIP, CONDA = "system", "ubuntu", "pip", "conda"

_CUDA_APT_RE = re.compile(r"^cuda(?:-(?P<body>[a-z][a-z0-9-]*?))?(?:-(?P<major>\d+)(?:-(?P<minor>\d+))?)?$")
_CUDNN_APT_RE = re.compile(r"^(?:lib)?cudnn(?P<major>\d+)?(?:-.*)?$")
_TENSORRT_APT_RE = re.compile(r"^(?:tensorrt(?:-.*)?|(?:python3?-)?libnvinfer.*|libnvonnxparsers.*|libnvparsers.*)$")
_PIP_CUDA_RE = re.compile(r"^nvidia-(?P<library>[a-z0-9-]+?)-cu(?P<cuda>\d+)$")
_PIP_TENSORRT_RE = re.compile(r"^(?:tensorrt(?:-cu\d+)?(?:-libs|-bindings|-lean|-dispatch)?|nvidia-tensorrt)$")
_CONDA_CUDA = frozenset({"cudatoolkit", "cudatoolkit-dev", "cuda-toolkit", "cuda-runtime", "cuda-cudart",
                         "cuda-cudart-dev", "cuda-libraries", "cuda-libraries-dev", "cuda-nvcc", "cuda"})  # fmt: skip
_CONDA_OTHER = {"cudnn": CUDNN, "nccl": NCCL, "tensorrt": TENSORRT, "libnvinfer": TENSORRT}
_VERSION_RE = re.compile(r"^\d+(?:\.\d+)*")


@dataclass(frozen=True, slots=True)
class Part:
    """One library an install brings: its component, the version it names, and where it goes.

    ``version`` is as precise as the install says: CUDA ``12.2`` or a major ``12``; cuDNN ``8``,
    ``8.9`` or an exact build ``8.9.6.50``; None when it installs the newest release or it is
    unknown. ``source`` is ``system`` (apt/dnf), ``ubuntu`` (Ubuntu's own CUDA packages), ``pip``
    or ``conda`` (separate copies next to the system libraries).
    """

    component: str
    version: str | None
    source: str


def system_package_parts(name: str, version: str | None = None) -> tuple[Part, ...]:
    """The CUDA-stack libraries an apt/dnf package installs (``()`` for anything else).

    ``cuda-keyring``, ``cuda-repo-*``, local-repo packages, ``cuda-cross-*`` (libraries of another
    architecture for cross-compiling) and ``cuda-drivers*`` (TF203's) are not stack libraries.
    """
    if version is None and name.lower().endswith(".deb") and name.count("_") >= 2:
        version = name.rsplit("/", 1)[-1].split("_")[1]  # name_version_arch.deb
    name = system_package_name(name)
    if "repo" in name.split("-") or "local-repo" in name:
        return ()
    exact = _exact_version(version)
    cuda = _CUDA_APT_RE.match(name)
    if cuda:
        body = cuda["body"] or ""
        if body.startswith(("drivers", "cross")) or body == "keyring" or "-cross-" in f"-{body}-":
            return ()
        named = f"{cuda['major']}.{cuda['minor']}" if cuda["minor"] else cuda["major"]
        return (Part(CUDA, named, SYSTEM),)
    if name.startswith("nvidia-cuda-toolkit") or name == "nvidia-cuda-dev":
        return (Part(CUDA, None, UBUNTU),)
    cudnn = _CUDNN_APT_RE.match(name)
    if cudnn or name == "nvidia-cudnn":
        major = cudnn["major"] if cudnn else None
        if exact and major and exact.split(".")[0] == major:
            return (Part(CUDNN, exact, SYSTEM),)
        return (Part(CUDNN, cudnn_of_apt_package(name, version) or major, SYSTEM),)
    if name.startswith("libnccl"):
        return (Part(NCCL, exact, SYSTEM),)
    if _TENSORRT_APT_RE.match(name):
        major = re.search(r"(\d+)$", name)
        return (Part(TENSORRT, exact or (major.group(1) if major else None), SYSTEM),)
    return ()


def pip_requirement_parts(requirement: Requirement) -> tuple[Part, ...]:
    """The CUDA-stack libraries a pip requirement installs (``tensorflow[and-cuda]`` through the KB's pins)."""
    if not requirement.known or not requirement.valid or not requirement.name:
        return ()
    name = requirement.name
    if is_tensorflow(name) and "and-cuda" in requirement.extras:
        return _and_cuda_parts(requirement)
    return _pip_parts(name, requirement.specifier, requirement.pinned_version)


def conda_package_parts(name: str, spec: str) -> tuple[Part, ...]:
    """The CUDA-stack libraries a conda package installs."""
    version = None
    if spec.startswith("="):
        found = _VERSION_RE.match(spec.lstrip("=").split("=")[0].rstrip("*").rstrip("."))
        version = found.group(0) if found else None
    if name in _CONDA_CUDA:
        return (Part(CUDA, ".".join(version.split(".")[:2]) if version else None, CONDA),)
    if name in _CONDA_OTHER:
        return (Part(_CONDA_OTHER[name], version, CONDA),)
    return ()


def system_package_name(name: str) -> str:
    """The package an apt/dnf argument names, lower case.

    ``./debs/libcudnn8_8.9.6.50-1+cuda12.2_amd64.deb`` -> ``libcudnn8``.
    """
    name = name.lower()
    if "/" in name or name.endswith(".deb"):
        name = name.rsplit("/", 1)[-1].removesuffix(".deb").split("_", 1)[0]
    return name


def _exact_version(version: str | None) -> str | None:
    """``8.9.6.50-1+cuda12.2`` -> ``8.9.6.50``; None when no version was written."""
    if not version:
        return None
    found = _VERSION_RE.match(version.split(":", 1)[-1])
    return found.group(0) if found else None


def _pip_parts(name: str, specifier: str, pinned: str | None) -> tuple[Part, ...]:
    wheel = _PIP_CUDA_RE.match(name)
    if wheel:
        cuda = wheel["cuda"][:2] if len(wheel["cuda"]) > 2 else wheel["cuda"]
        if wheel["library"] == "cudnn":
            return (Part(CUDNN, pinned or (cudnn_of_version_spec(specifier) if specifier else None), PIP),)
        if wheel["library"] == "nccl":
            return (Part(NCCL, pinned, PIP),)
        return (Part(CUDA, cuda, PIP),)
    if _PIP_TENSORRT_RE.match(name):
        return (Part(TENSORRT, pinned, PIP),)
    return ()


def _and_cuda_parts(requirement: Requirement) -> tuple[Part, ...]:
    """What ``tensorflow[and-cuda]`` pulls in: the KB's pins for that TensorFlow (the newest when unpinned)."""
    from tfimage_lint.kb import load_kb, versions

    kb = load_kb()
    tensorflow = requirement.pinned_version
    if tensorflow is None and not requirement.specifier:
        tensorflow = kb.newest_tf_release()[0]
    if tensorflow is None:  # a range: the release, and so its pins, are unknown
        return (Part(CUDA, None, PIP), Part(CUDNN, None, PIP), Part(NCCL, None, PIP))
    if versions.key(tensorflow) < versions.key("2.14"):
        return ()  # the extra exists since TensorFlow 2.14: pip ignores it before
    pins = kb.and_cuda_pins(tensorflow)
    if pins:
        parts: dict[str, Part] = {}
        for name, specifier in pins.items():
            pinned = specifier[2:] if specifier.startswith("==") and "," not in specifier else None
            for part in _pip_parts(name, specifier, pinned):
                parts.setdefault(part.component, part)
        return tuple(parts.values())
    config = kb.tested_gpu_config(tensorflow)
    cuda = config.cuda.split(".")[0] if config and config.cuda else None
    return (Part(CUDA, cuda, PIP), Part(CUDNN, config.cudnn if config else None, PIP), Part(NCCL, None, PIP))
