"""TF203 nvidia-driver-in-image."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.packages import SystemCommand
    from tfimage_lint.shell import Command
    from tfimage_lint.shell.command import Word

#: Driver packages by exact name (Debian's ``nvidia-driver``/``libcuda1``, NVIDIA's ``cuda-drivers``...).
_DRIVER_NAMES = frozenset({"cuda-drivers", "nvidia-driver", "nvidia-open", "libcuda1", "nvidia-kernel-dkms",
                           "nvidia-kernel-open-dkms"})  # fmt: skip
#: Driver packages by prefix (Ubuntu's per-branch packages, NVIDIA's repository, RPM kmods).
_DRIVER_PREFIXES = ("cuda-drivers-", "nvidia-driver-", "nvidia-utils-", "nvidia-compute-utils-", "nvidia-dkms-",
                    "nvidia-headless-", "nvidia-kernel-", "nvidia-open-", "kmod-nvidia", "libcuda1-",
                    "libnvidia-compute-", "xserver-xorg-video-nvidia-")  # fmt: skip
#: Ubuntu's other per-branch user-space driver libraries: ``libnvidia-gl-535``, ``libnvidia-decode-535-server``.
_BRANCH_LIBRARY_RE = re.compile(r"^libnvidia-(?:gl|decode|encode|extra|fbc1|cfg1|common|ifr1)-\d{3}(?:-server|-open)?$")
#: NVIDIA meta-packages that depend on ``cuda-drivers``: ``cuda``, ``cuda-12-2``, ``cuda-runtime-12-2``.
_CUDA_WITH_DRIVER_RE = re.compile(r"^cuda(?:-runtime)?(?:-\d+-\d+)?$")
_DRIVER_RUNFILE_RE = re.compile(r"^nvidia-linux-.*\.run$", re.IGNORECASE)
_CUDA_RUNFILE_RE = re.compile(r"^cuda_\d+\.\d+(?:\.\d+)?_.*linux.*$", re.IGNORECASE)
#: Runfile options that do not install (help, extraction, checks).
_NO_INSTALL = frozenset({"help", "h", "A", "advanced-options", "version", "v", "x", "extract-only", "extract", "info",
                         "list", "check", "uninstall", "noexec", "tar"})  # fmt: skip
#: CUDA runfile options that select components: without ``driver`` among them, no driver is installed.
_COMPONENTS = frozenset({"driver", "toolkit", "samples"})
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh"})


def driver_package(name: str) -> str | None:
    """Why the OS package ``name`` puts the NVIDIA driver into the image, or None.

    Not drivers: ``nvidia-container-toolkit``/``libnvidia-container*`` (host software),
    ``nvidia-modprobe`` (a helper that loads the host's modules), ``cuda-toolkit-*`` and the
    ``cuda-*`` libraries, ``nvidia-cuda-toolkit``, repository setup packages.
    """
    name = name.lower()
    if "/" in name or name.endswith((".deb", ".rpm")):
        name = name.rsplit("/", 1)[-1].removesuffix(".deb").split("_", 1)[0]
    name = name.split(":", 1)[0]  # dnf module streams: nvidia-driver:latest-dkms
    if "repo" in name:
        return None
    if name in _DRIVER_NAMES or name.startswith(_DRIVER_PREFIXES) or _BRANCH_LIBRARY_RE.match(name):
        return "the NVIDIA driver"
    if _CUDA_WITH_DRIVER_RE.match(name):
        return "a CUDA meta-package that depends on cuda-drivers (the NVIDIA driver)"
    return None


def runfile_installs_driver(command: Command) -> tuple[Word, str] | None:
    """The runfile word and what it is, when ``command`` runs an installer that installs the driver."""
    words = list(command.words)
    if not words or not words[0].known:
        return None
    start = 0
    if command.name in _SHELLS:
        rest = words[1:]
        if any(word.text == "-c" or (word.text.startswith("-") and "c" in word.text[1:]) for word in rest[:1]):
            return None  # sh -c '...': the string is split into its own commands
        script = next((index for index, word in enumerate(rest) if not word.text.startswith("-")), None)
        if script is None:
            return None
        start = script + 1
    runfile = words[start]
    if not runfile.known:
        return None
    basename = runfile.text.rsplit("/", 1)[-1]
    options = {word.text.lstrip("-").split("=", 1)[0] for word in words[start + 1 :] if word.text.startswith("-")}
    if options & _NO_INSTALL:
        return None
    if _DRIVER_RUNFILE_RE.match(basename):
        return runfile, "the NVIDIA driver installer"
    if _CUDA_RUNFILE_RE.match(basename) and ("driver" in options or not options & _COMPONENTS):
        how = "with --driver" if "driver" in options else "without --toolkit"
        return runfile, f"the CUDA runfile installer {how}, which installs the NVIDIA driver"
    return None


class NvidiaDriverInImage(Rule):
    """Do not install the NVIDIA driver inside an image.

    ## What it does
    Reports, in any image, RUN commands that install the NVIDIA driver:

    - OS packages: `nvidia-driver-*` (and Debian's `nvidia-driver`), `nvidia-utils-*`,
      `nvidia-compute-utils-*`, `libnvidia-compute-*` and Ubuntu's other per-branch driver
      libraries (`libnvidia-gl-535`...), `cuda-drivers*`, `nvidia-dkms-*`, `nvidia-headless-*`,
      `nvidia-kernel-*`, `kmod-nvidia*`, `libcuda1`; and NVIDIA's `cuda`, `cuda-X-Y` and
      `cuda-runtime-X-Y` meta-packages, which depend on `cuda-drivers` (NVIDIA's install guide:
      "Installs all CUDA Toolkit and Driver packages"); `cuda-toolkit-X-Y` does not.
    - The driver runfile (`sh NVIDIA-Linux-x86_64-535.54.03.run`, `./NVIDIA-Linux-*.run`) and
      the CUDA runfile (`cuda_12.2.0_535.54.03_linux.run`) run without `--toolkit`: as root and
      without a component option it installs the driver as well as the toolkit. `--toolkit`
      alone installs no driver; `--driver` always does. Runs that only extract or print help
      (`-x`, `--extract-only`, `--help`) are not reported.

    Not reported: `nvidia-container-toolkit`, `nvidia-container-runtime`, `libnvidia-container*`
    and `nvidia-docker2` (host software: out of place in an image, but no driver), and
    `nvidia-modprobe` (a helper that loads the host's kernel modules; it installs none). A
    runfile renamed or named through an unset variable is not recognised.

    ## Why is this bad?
    Containers use the host's driver: the NVIDIA Container Toolkit mounts the host driver's
    user-space libraries (`libcuda.so`, `libnvidia-ml.so`, `nvidia-smi`) into the container at
    run time, matched to the host's kernel module. A driver baked into the image conflicts with
    them or shadows them: `Failed to initialize NVML: Driver/library version mismatch`,
    `CUDA driver version is insufficient`, or a GPU that works on one host and not another. It
    also adds hundreds of megabytes and cannot load a kernel module in a container anyway.

    ## Example
    ```dockerfile
    FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04
    RUN apt-get update && apt-get install -y --no-install-recommends nvidia-driver-535
    ```

    ## Use instead
    Install the driver on the host (with the NVIDIA Container Toolkit), and only the CUDA
    toolkit, if anything, in the image.

    ```dockerfile
    FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04
    RUN apt-get update && apt-get install -y --no-install-recommends cuda-nvcc-12-2
    ```
    """

    id = "TF203"
    name = "nvidia-driver-in-image"
    severity = Severity.ERROR
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            installs = ctx.stage_facts.installs(facts.stage)
            for command in installs.system:
                yield from self._packages(ctx, command)
            for command in installs.commands:
                found = runfile_installs_driver(command)
                if found is not None:
                    word, what = found
                    message = (
                        f"{word.text} is {what} inside the image: {_WHY}. Install the driver on the host; in the "
                        "image, run the CUDA runfile with --silent --toolkit (or use apt cuda-toolkit-X-Y packages)"
                    )
                    yield self.finding(ctx, word.line, message, column=word.column)

    def _packages(self, ctx: RuleContext, command: SystemCommand) -> Iterator[Finding]:
        packages, how = command.packages, f"{command.manager} {command.subcommand}"
        if command.action == "module" and packages and packages[0].name == "install":
            packages, how = packages[1:], f"{how} install"  # dnf module install nvidia-driver:latest-dkms
        elif command.action != "install":
            return
        for package in packages:
            if not package.word.known:
                continue
            text = package.word.text
            what = driver_package(text if text.endswith((".deb", ".rpm")) else package.name)
            if what is None:
                continue
            advice = (
                "install cuda-toolkit-X-Y (no driver) instead"
                if what.startswith("a CUDA meta-package")
                else "remove it and install the driver on the host"
            )
            message = (
                f"{how} {package.word.text} installs {what} inside the image: {_WHY}. {advice[0].upper()}{advice[1:]}"
            )
            yield self.finding(ctx, package.word.line, message, column=package.word.column)


_WHY = (
    "the NVIDIA Container Toolkit mounts the host's driver into the container at run time, and a driver in the "
    "image conflicts with it ('Failed to initialize NVML: Driver/library version mismatch') or breaks on hosts "
    "with another driver"
)
