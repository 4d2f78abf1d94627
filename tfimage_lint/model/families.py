"""Base-image families: which kind of image a stage is built on, from a mapping table.

The table maps image names (``registry/repository`` after normalisation, shell-style
patterns allowed) to families. Policies prepend their own rows (private mirrors of NGC or
Docker Hub images) through :func:`classify`'s ``extra`` argument; the first match wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from fnmatch import fnmatchcase

from tfimage_lint.model.dockerfile import BaseImage, BaseKind
from tfimage_lint.model.imageref import ImageRef


class Family(str, Enum):
    """The families rules are written for."""

    NGC_TENSORFLOW = "ngc-tensorflow"
    NGC_FRAMEWORK = "ngc-framework"
    DOCKERHUB_TENSORFLOW = "dockerhub-tensorflow"
    NVIDIA_CUDA = "nvidia-cuda"
    PYTHON = "python"
    OS = "os"
    SCRATCH = "scratch"
    UNKNOWN = "unknown"


#: Families whose images are NVIDIA's own builds.
NGC_FAMILIES = frozenset({Family.NGC_TENSORFLOW, Family.NGC_FRAMEWORK})
#: Families that ship TensorFlow in the base image.
TENSORFLOW_FAMILIES = frozenset({Family.NGC_TENSORFLOW, Family.DOCKERHUB_TENSORFLOW})

_OS_IMAGES = ("ubuntu", "debian", "alpine", "centos", "rockylinux", "almalinux", "fedora", "amazonlinux",
              "oraclelinux", "opensuse/leap", "busybox", "archlinux", "photon")  # fmt: skip

#: (pattern on ``registry/repository``, family); first match wins.
FAMILY_TABLE: tuple[tuple[str, Family], ...] = (
    ("nvcr.io/nvidia/tensorflow", Family.NGC_TENSORFLOW),
    ("nvcr.io/nvidia/cuda", Family.NVIDIA_CUDA),
    ("nvcr.io/nvidia/*", Family.NGC_FRAMEWORK),
    ("docker.io/tensorflow/tensorflow", Family.DOCKERHUB_TENSORFLOW),
    ("docker.io/nvidia/cuda", Family.NVIDIA_CUDA),
    ("docker.io/library/python", Family.PYTHON),
    *((f"docker.io/library/{name}" if "/" not in name else f"docker.io/{name}", Family.OS) for name in _OS_IMAGES),
)


def classify(ref: ImageRef, extra: Sequence[tuple[str, Family]] = ()) -> Family:
    """The family of an image reference; ``extra`` rows (from policies) are tried first."""
    name = ref.name
    for pattern, family in (*extra, *FAMILY_TABLE):
        if fnmatchcase(name, pattern):
            return family
    return Family.UNKNOWN


def family_of_base(base: BaseImage, extra: Sequence[tuple[str, Family]] = ()) -> Family:
    """The family of a stage's root base: scratch, an image's family, or unknown when unresolved."""
    if base.kind is BaseKind.SCRATCH:
        return Family.SCRATCH
    if base.kind is BaseKind.IMAGE and base.image is not None:
        return classify(base.image, extra)
    return Family.UNKNOWN
