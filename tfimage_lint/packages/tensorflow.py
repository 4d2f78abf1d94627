"""Which Python distributions are TensorFlow itself, and which CUDA libraries come from pip/apt/conda."""

from __future__ import annotations

import re

#: Distributions that install the ``tensorflow`` package itself.
TENSORFLOW_DISTRIBUTIONS = frozenset({"tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tensorflow-intel",
    "intel-tensorflow", "intel-tensorflow-avx512", "tensorflow-macos", "tensorflow-aarch64",
    "tensorflow-cpu-aws", "tensorflow-rocm"})  # fmt: skip
_CUDNN_APT_RE = re.compile(r"^(?:lib)?cudnn(?P<major>\d+)(?:-dev)?(?:-cuda-\d+)?$")
_CUDNN_VERSION_RE = re.compile(r"(\d+)\.(\d+)")


def is_tensorflow(name: str) -> bool:
    """``tensorflow``, ``tensorflow-gpu``, ``tf-nightly-gpu``... (a PEP 503 normalised name)."""
    return name in TENSORFLOW_DISTRIBUTIONS or name.startswith("tf-nightly")


def cudnn_of_apt_package(name: str, version: str | None) -> str | None:
    """The cuDNN version an apt package installs.

    ``libcudnn8=8.9.6.50-1+cuda12.2`` -> ``8.9``, ``cudnn9-cuda-12`` -> ``9``; None when not cuDNN.
    """
    match = _CUDNN_APT_RE.match(name)
    if match is None:
        return None
    if version:
        found = _CUDNN_VERSION_RE.match(version)
        if found and found.group(1) == match["major"]:
            return f"{found.group(1)}.{found.group(2)}"
    return match["major"]


def cudnn_of_version_spec(specifier: str) -> str | None:
    """The cuDNN ``major.minor`` a pin or lower bound names: ``==9.3.0.75`` / ``>=9.3.0.75,<10`` -> ``9.3``."""
    for part in specifier.split(","):
        part = part.strip()
        if part.startswith(("==", ">=", "~=", "=")) and not part.startswith("!="):
            found = _CUDNN_VERSION_RE.search(part)
            if found:
                return f"{found.group(1)}.{found.group(2)}"
            major = re.search(r"\d+", part)
            if major:
                return major.group(0)
    return None
