"""ARG/ENV scopes and the names BuildKit or base images define without a declaration."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Build args BuildKit defines itself (platform args in the global scope, proxy args everywhere).
PREDEFINED_ARGS = frozenset(
    {
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
        "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
        "TARGETSTAGE", "SOURCE_DATE_EPOCH",
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
        "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
    }
)  # fmt: skip
PREDEFINED_PREFIXES = ("BUILDKIT_",)

#: Environment variables that base images commonly set (Debian/Ubuntu, python, nvidia/cuda, NGC,
#: tensorflow/tensorflow). tfimage-lint cannot see a base image's ENV offline, so a reference to
#: one of these in a stage built on an external image is not reported as undefined.
BASE_IMAGE_ENV = frozenset(
    {
        "PATH", "HOME", "HOSTNAME", "TERM", "LANG", "LANGUAGE", "LC_ALL", "SHELL", "USER", "PWD",
        "LD_LIBRARY_PATH", "LIBRARY_PATH", "PYTHONPATH", "PYTHONIOENCODING", "PYTHONUNBUFFERED",
        "JAVA_HOME", "GOPATH", "GOROOT", "DEBIAN_FRONTEND", "GPG_KEY", "MPI_HOME", "CPATH",
        "PKG_CONFIG_PATH", "MANPATH", "VIRTUAL_ENV", "TZ",
    }
)  # fmt: skip
BASE_IMAGE_ENV_PREFIXES = (
    "NV_", "NVIDIA_", "CUDA_", "CUDNN_", "NCCL_", "CUBLAS_", "CUFFT_", "CURAND_", "CUSOLVER_",
    "CUSPARSE_", "NPP_", "NSIGHT_", "TRT_", "TENSORRT_", "DALI_", "OPENMPI_", "OMPI_", "MOFED_",
    "TENSORFLOW_", "PYTHON_", "PIP_", "CONDA_", "LC_", "JUPYTER_", "NB_",
)  # fmt: skip


def is_predefined_arg(name: str) -> bool:
    """True for args BuildKit provides without an ARG line."""
    return name in PREDEFINED_ARGS or name.startswith(PREDEFINED_PREFIXES)


def may_come_from_base_image(name: str) -> bool:
    """True for names a base image commonly defines in its environment."""
    return name in BASE_IMAGE_ENV or name.startswith(BASE_IMAGE_ENV_PREFIXES)


@dataclass
class Scope:
    """Names visible at one point of a build: known values and how each was defined."""

    values: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)

    def define(self, name: str, value: str | None, origin: str) -> None:
        """Define ``name``; a None value means declared, value unknown (e.g. ``ARG X``)."""
        self.origins[name] = origin
        if value is None:
            self.values.pop(name, None)
        else:
            self.values[name] = value

    def origin(self, name: str) -> str | None:
        """``ARG``, ``ENV``, ``global ARG``... or None when not defined."""
        return self.origins.get(name)

    def copy(self) -> Scope:
        """An independent copy."""
        return Scope(dict(self.values), dict(self.origins))
