"""TF202 cuda-stack-replaced."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.families import Family
from tfimage_lint.packages.cuda_packages import (
    COMPONENTS,
    CONDA,
    CUDA,
    CUDNN,
    LABELS,
    NCCL,
    PIP,
    SYSTEM,
    TENSORRT,
    UBUNTU,
    Part,
    conda_package_parts,
    pip_requirement_parts,
    system_package_name,
    system_package_parts,
)
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import StageInstalls
    from tfimage_lint.kb import ImageFacts, KnownProblem
    from tfimage_lint.model.dockerfile import Stage
    from tfimage_lint.packages import Requirement

_BROKEN_GPU = "broken-gpu"
_TRUSTED = ("verified", "inferred")
#: NGC repositories (under ``nvcr.io/nvidia/``) that do not ship the whole stack: what they do ship.
_NGC_PARTIAL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("l4t-base", ()),
    ("l4t-cuda", (CUDA,)),
    ("rapidsai/*", (CUDA,)),
    ("k8s/*", ()),
    ("cloud-native/*", ()),
    ("driver", ()),
    ("gpu-operator*", ()),
)


@dataclass(frozen=True)
class Shipped:
    """What a stage's base image ships of the stack.

    ``versions`` maps each component it ships to its version (None: shipped, version unknown);
    ``cuda_libraries`` is False for ``nvidia/cuda`` ``-base`` tags, which ship only the CUDA
    runtime basics (cudart, compat) and none of the math libraries.
    """

    label: str
    ngc: bool
    versions: dict[str, str | None]
    cuda_libraries: bool
    problems: tuple[KnownProblem, ...] = ()


def shipped_stack(ctx: RuleContext, stage: Stage) -> Shipped | None:
    """The stack the stage's root base ships, or None when it ships none (or the KB cannot tell)."""
    facts = ctx.stage_facts.of(stage)
    image = facts.image
    if image is None:
        return None
    label = image.familiar_name + (f":{image.tag}" if image.tag else "")
    known = ctx.stage_facts.image_facts(stage)
    problems = tuple(
        problem
        for problem in (known.problems if known else ())
        if problem.kind == _BROKEN_GPU and problem.evidence in _TRUSTED
    )
    family = facts.family
    if family is Family.NGC_TENSORFLOW:
        versions = {name: _value(known, name) for name in COMPONENTS}
        return Shipped(label, True, versions, True, problems)
    if family is Family.NGC_FRAMEWORK:
        repository = image.repository.removeprefix("nvidia/")
        components = next((parts for pattern, parts in _NGC_PARTIAL if fnmatchcase(repository, pattern)), COMPONENTS)
        if not components:
            return None
        return Shipped(label, True, dict.fromkeys(components), True, problems)
    if known is None:
        return None
    if family is Family.NVIDIA_CUDA:
        if known.cuda.value is None:  # a tag outside the grammar: what it ships is unknown
            return None
        versions = {CUDA: known.cuda.value}
        variant = known.variant or ""
        if known.cudnn.value not in (None, "not included"):
            versions[CUDNN] = known.cudnn.value
        elif known.cudnn.value is None and variant.startswith("cudnn"):
            versions[CUDNN] = None
        return Shipped(label, False, versions, variant not in ("", "base"), problems)
    if family is Family.DOCKERHUB_TENSORFLOW and known.gpu is True:
        versions = {CUDA: _value(known, CUDA), CUDNN: _value(known, CUDNN)}
        for name in (NCCL, TENSORRT):
            if getattr(known, name).value not in (None, "not included"):
                versions[name] = getattr(known, name).value
        return Shipped(label, False, versions, True, problems)
    return None


def _value(known: ImageFacts | None, name: str) -> str | None:
    value = getattr(known, name).value if known is not None else None
    return None if value == "not included" else value


def conflict(part: Part, shipped: Shipped) -> bool:
    """Whether ``part`` replaces or duplicates what the base ships (False: it adds what the base lacks)."""
    if part.component not in shipped.versions:
        return False
    if shipped.ngc:
        return True
    base = shipped.versions[part.component]
    if part.component != CUDA:
        return not (base and part.version and _same_build(part.version, base))
    if part.source == UBUNTU:
        return True
    base_major = base.split(".")[0] if base else None
    part_major = part.version.split(".")[0] if part.version else None
    if base_major and part_major and base_major != part_major:
        return True
    base_xy = ".".join(base.split(".")[:2]) if base else None
    if part.source == SYSTEM:  # apt packages of the image's own CUDA X.Y extend it
        return base_xy is not None and part.version != base_xy
    return shipped.cuda_libraries  # a -base tag lacks the libraries: adding them is the normal setup


def _same_build(installed: str, base: str) -> bool:
    """An exact build equal to the base's (``8.9.6.50``): the same library, not a replacement."""
    return base.count(".") >= 2 and (installed == base or installed.startswith(base + "."))


class CudaStackReplaced(Rule):
    """Do not install CUDA, cuDNN, NCCL or TensorRT again on an image that already ships them.

    ## What it does
    Reports an install of the CUDA toolkit or runtime libraries, cuDNN, NCCL or TensorRT on a
    base image that already ships them:

    - apt/dnf: `cuda-*` (not `cuda-keyring`, `cuda-repo-*`, the `cuda-cross-*` packages for
      cross-compiling to another architecture, nor the driver's `cuda-drivers*`, which is
      TF203's), `libcudnn*`, `cudnn*`, `libnccl*`, `tensorrt*`, `libnvinfer*`, Ubuntu's
      `nvidia-cuda-toolkit`; a local `.deb` file by its name and version;
    - pip (on the command line or in a followed requirements file): `nvidia-*-cu11|cu12|cu13`
      wheels, `tensorrt`, `tensorflow[and-cuda]` (what it pulls in, from the knowledge base's
      pins for that TensorFlow; the newest release when unpinned);
    - conda: `cudatoolkit`, `cuda-toolkit`, `cudnn`, `nccl`.

    On NGC images (`nvcr.io/nvidia/tensorflow`, and NVIDIA's other framework images, except
    `l4t-base` and the like, which do not ship the stack) every such install is an error. On
    `nvidia/cuda` and Docker Hub TensorFlow GPU images it is a warning, reported only when it
    replaces or duplicates what the image has, judged from the knowledge base:

    - a library the image lacks is not reported: cuDNN on a `-base`/`-runtime` tag without
      `cudnn` is the normal way to set one up, and so are CUDA wheels or conda packages on a
      `-base` tag (it ships only the CUDA runtime basics);
    - apt `cuda-*-X-Y` packages of the image's own CUDA X.Y extend it and are not reported;
      another X.Y, or an unversioned `cuda-toolkit` (the repository's newest), is;
    - cuDNN, NCCL or TensorRT the image has is reported unless the install pins the very
      build the image ships (`libcudnn8=8.9.6.50-1+cuda12.2` on an image with cuDNN 8.9.6.50);
      `libcudnn8` on a `cudnn8` tag is reported (the tag names only the major).

    Docker Hub CPU tags ship no CUDA: nothing is reported there. On an image with a known
    problem of kind `broken-gpu` (`tensorflow/tensorflow:2.18.0-gpu`, `2.19.0-gpu`: cuDNN 8.9 for
    a TensorFlow that needs cuDNN 9), installing one of the knowledge base's fixes (cuDNN 9)
    is the documented fix: it is reported as info, and TF105 is not reported.

    ## Why is this bad?
    The framework in the image was built and tested against the libraries the image ships. A
    second copy, or a replaced package, is loaded depending on the library search path, and a
    mismatch shows up only at run time: `Loaded runtime CuDNN library: 8.9.6 but source was
    compiled with: 9.3.0`, `DNN library initialization failed`, NCCL errors, or no GPU at all.
    On NGC images NVIDIA's tuned stack is silently replaced; NVIDIA images also `apt-mark hold`
    cuDNN, so a forced change fails the build.

    ## Example
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    RUN apt-get update && apt-get install -y --no-install-recommends libcudnn8
    ```

    ```dockerfile
    FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04
    RUN pip install --no-cache-dir nvidia-cudnn-cu12==9.3.0.75
    ```

    ## Use instead
    Use the libraries the image ships, or pick the base that ships the versions you need; add
    cuDNN to a CUDA image that has none.

    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    RUN pip install --no-cache-dir pandas==2.1.4
    ```

    ```dockerfile
    FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04
    RUN apt-get update && apt-get install -y --no-install-recommends libcudnn8=8.9.7.29-1+cuda12.2
    ```
    """

    id = "TF202"
    name = "cuda-stack-replaced"
    severity = Severity.ERROR
    families = frozenset({"ngc-tensorflow", "ngc-framework", "nvidia-cuda", "dockerhub-tensorflow"})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            stage = facts.stage
            shipped = shipped_stack(ctx, stage)
            if shipped is None:
                continue
            # one finding per install command (and per severity), at its first package that conflicts
            groups: dict[tuple[int, bool], list[tuple[_Install, list[Part]]]] = {}
            for install in _installs(ctx.stage_facts.installs(stage)):
                flagged = [part for part in install.parts if conflict(part, shipped)]
                if flagged:
                    fix = not shipped.ngc and _fixed_problem(ctx, stage, shipped, install) is not None
                    groups.setdefault((install.group, fix), []).append((install, flagged))
            for (_, fix), items in groups.items():
                yield self._report(ctx, stage, shipped, items, fix)

    def _report(
        self, ctx: RuleContext, stage: Stage, shipped: Shipped, items: list[tuple[_Install, list[Part]]], fix: bool
    ) -> Finding:
        first = items[0][0]
        names = [install.text + (f" ({install.where})" if install.where else "") for install, _ in items]
        if len(names) > 4:
            names = [*names[:3], f"{len(names) - 3} more"]
        parts = [part for _, flagged in items for part in flagged]
        installed = ", ".join(dict.fromkeys(_describe(part) for part in parts))
        ships = ", ".join(_shipped(part.component, shipped) for part in _unique(parts))
        head = f"{first.how} {_join(names)} installs {installed} on {shipped.label}, which already ships {ships}"
        if shipped.ngc:
            message = (
                f"{head}: NVIDIA builds and tests the image's framework against its own CUDA, cuDNN, NCCL and "
                "TensorRT, and a replaced or second copy can be the one that gets loaded (version-mismatch "
                "errors, 'DNN library initialization failed'). Use the libraries the image ships, or pick the NGC "
                "release that has the versions you need"
            )
            return self.finding(ctx, first.line, message, column=first.column)
        problem = _fixed_problem(ctx, stage, shipped, first) if fix else None
        if problem is not None:
            message = (
                f"{head}: this is the documented fix for the image's known problem ({problem.title}); "
                "keep it, and pin the versions your TensorFlow was built with"
            )
            return self.finding(ctx, first.line, message, column=first.column, severity=Severity.INFO)
        message = (
            f"{head}: {_why(parts)}. Keep the image's versions, or choose a base tag that ships the versions you need"
        )
        return self.finding(ctx, first.line, message, column=first.column, severity=Severity.WARNING)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class _Install:
    """One package of one install command, with what it brings."""

    how: str
    text: str
    where: str
    line: int
    column: int
    parts: tuple[Part, ...]
    kind: str
    name: str
    group: int
    requirement: Requirement | None = None


def _installs(installs: StageInstalls) -> Iterator[_Install]:
    for command in installs.system:
        if command.action != "install" or command.family == "apk":
            continue
        for package in command.packages:
            if not package.word.known:
                continue
            word = package.word
            name = word.text if word.text.endswith((".deb", ".rpm")) else package.name  # ./x.deb: a local file
            parts = system_package_parts(name, package.version)
            if parts:
                how = f"{command.manager} {command.subcommand}"
                yield _Install(how, word.text, "", word.line, word.column, parts, SYSTEM, system_package_name(name),
                               id(command))  # fmt: skip
    for install in installs.pip:
        if not install.pip.is_install:
            continue
        how = "uv pip install" if install.pip.tool == "uv" else "pip install"
        for requirement in install.requirements:
            parts = pip_requirement_parts(requirement)
            if parts:
                yield _Install(how, requirement.raw, requirement.where, requirement.line, requirement.column, parts,
                               PIP, requirement.name, id(install), requirement)  # fmt: skip
    for command in installs.conda:
        if command.action not in ("install", "update"):
            continue
        for package in command.packages:
            if not package.word.known:
                continue
            parts = conda_package_parts(package.name, package.spec)
            if parts:
                word = package.word
                yield _Install(f"{command.manager} {command.action}", word.text, "", word.line, word.column, parts,
                               CONDA, package.name, id(command))  # fmt: skip


def _why(parts: list[Part]) -> str:
    components = {part.component for part in parts}
    if any(part.component == CUDNN and part.source == SYSTEM for part in parts):
        return (
            "it replaces the image's cuDNN package with another build (NVIDIA's cuDNN images hold it with apt-mark "
            "hold, so the install fails without --allow-change-held-packages), which may not be the one the "
            "framework was built for ('Loaded runtime CuDNN library: A but source was compiled with: B')"
        )
    if CUDNN in components:
        return (
            "two cuDNN builds in one image, and the one the loader finds first may not be the one the framework was "
            "built for ('Loaded runtime CuDNN library: A but source was compiled with: B', 'DNN library "
            "initialization failed')"
        )
    if CUDA in components:
        return (
            "two CUDA installations in one image: which libraries get loaded depends on the search path, and a "
            "mismatch fails only at run time ('Could not load dynamic library', 'CUDA driver version is "
            "insufficient')"
        )
    names = " and ".join(LABELS[name] for name in COMPONENTS if name in components)
    return f"two builds of {names} in one image, and the one loaded first may not be what the framework was built for"


def _unique(parts: list[Part]) -> list[Part]:
    seen: dict[str, Part] = {}
    for part in parts:
        seen.setdefault(part.component, part)
    return list(seen.values())


def _describe(part: Part) -> str:
    label, version = LABELS[part.component], part.version
    if part.component == CUDA:
        if part.source == UBUNTU:
            return "Ubuntu's own CUDA toolkit"
        if part.source == SYSTEM:
            if version is None:
                return "the newest CUDA in the repository"
            return f"CUDA {version}" if "." in version else f"the newest CUDA {version}.x in the repository"
        where = "PyPI" if part.source == PIP else "conda"
        return f"CUDA {version} libraries from {where}" if version else f"CUDA libraries from {where}"
    if version is None:
        return f"{label} (the newest release)"
    return f"{label} {version}" + (" (the newest release of that major)" if version.isdigit() else "")


def _shipped(component: str, shipped: Shipped) -> str:
    version = shipped.versions.get(component)
    return f"{LABELS[component]} {version}" if version else f"{LABELS[component]} (version unknown)"


def _fixed_problem(ctx: RuleContext, stage: Stage, shipped: Shipped, install: _Install) -> KnownProblem | None:
    """The broken-gpu problem of the base that this install is a documented fix for."""
    for problem in shipped.problems:
        if not ctx.stage_facts.installs_fix(stage, problem.id):
            continue
        if any(_matches(entry, install) for entry in problem.fixed_by):
            return problem
    return None


def _matches(entry: str, install: _Install) -> bool:
    """Whether one install is the KB fix ``entry`` (``pip:<requirement>`` or ``apt:<package>``)."""
    from tfimage_lint.packages.requirement import parse_requirement

    manager, _, wanted = entry.partition(":")
    if manager == "apt":
        return install.kind == SYSTEM and install.name == wanted
    requirement = install.requirement
    if manager != "pip" or requirement is None:
        return False
    target = parse_requirement(wanted)
    if requirement.name != target.name or not target.extras <= requirement.extras:
        return False
    if not target.specifier or not requirement.specifier:
        return True  # an unpinned install gets the newest release
    pinned = requirement.pinned_version
    if pinned is not None:
        return bool(target.allows(pinned))
    lower = [part.strip()[2:] for part in requirement.specifier.split(",") if part.strip().startswith(">=")]
    return any(target.allows(version) for version in lower)
