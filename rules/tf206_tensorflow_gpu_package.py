"""TF206 tensorflow-gpu-package."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from tfimage_lint.analysis.installs import PipInstall
from tfimage_lint.facts import StageFacts
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.families import Family
from tfimage_lint.packages import CondaCommand, Requirement, parse_requirement
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Word

PACKAGE = "tensorflow-gpu"
#: Families whose images have no CUDA libraries: TensorFlow needs ``[and-cuda]`` there.
_NO_CUDA = frozenset({Family.PYTHON, Family.OS, Family.UNKNOWN, Family.SCRATCH})
#: Versions at or after the stub: 2.12.0 raises on install, later ones were never published.
_STUB_PROBES = ("2.12.0", "2.12.1", "2.13.0", "2.15.0", "2.16.1", "2.20.0", "3.0.0")
_VARIABLE_RE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class TensorflowGpuPackage(Rule):
    """Do not install `tensorflow-gpu`: it was removed, and the current release fails to install.

    ## What it does
    Reports `tensorflow-gpu` installed by `pip`/`uv pip` (on the command line, through an ARG or
    ENV value such as `ARG TF_PACKAGE=tensorflow-gpu`, or in a requirements file or
    `pip install .` project the linter could read; a finding about a file names the file and
    line), on any base. `pip uninstall`, `pip download` and `pip wheel` are not reported.

    Severities:

    - error: unpinned, or a version specifier that allows 2.12 or later: pip picks 2.12.0, a
      stub that fails to install (or a version that was never published).
    - warning: from another index that replaces PyPI (`-i`/`--index-url`, e.g. NVIDIA's Jetson
      index), where what the name resolves to is unknown (`--extra-index-url` keeps PyPI, whose
      2.12.0 stub outranks older versions elsewhere: still an error);
      pinned to 2.11 or earlier (the real wheels, deprecated since TensorFlow 2.1 made
      `tensorflow` GPU-capable), a version the linter cannot see (a variable with no value), or a
      wheel file or URL named `tensorflow-gpu` (a custom build, whatever its version: packages
      that depend on `tensorflow` do not count it).
    - info: conda's `tensorflow-gpu` (a conda-forge/Anaconda metapackage, a separate ecosystem
      that was not removed).

    The fix is `tensorflow` (same version, 2.1 or later) on bases that ship CUDA (NVIDIA CUDA,
    NGC and Docker Hub TensorFlow images), or `tensorflow[and-cuda]` (2.14 or later) on bases
    without CUDA (`python`, OS and unknown images).

    ## Why is this bad?
    Since TensorFlow 2.1 the `tensorflow` package includes GPU support and `tensorflow-gpu` was an
    identical copy. In December 2022 the name was retired: 2.11 is its last real release, and
    2.12.0 is an sdist whose `setup.py` raises `The "tensorflow-gpu" package has been removed!
    Please install "tensorflow" instead.` An unpinned `pip install tensorflow-gpu` therefore breaks
    the build, and a pinned one freezes the image on an old, unsupported TensorFlow.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir tensorflow-gpu
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir "tensorflow[and-cuda]==2.17.0"
    ```
    """

    id = "TF206"
    name = "tensorflow-gpu-package"
    severity = Severity.ERROR
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            installs = ctx.stage_facts.installs(facts.stage)
            for install in installs.pip:
                if install.pip.is_install:
                    yield from self._pip(ctx, facts, install)
            for command in installs.conda:
                yield from self._conda(ctx, command)

    def _pip(self, ctx: RuleContext, facts: StageFacts, install: PipInstall) -> Iterator[Finding]:
        environment = _environment(facts, install)
        for requirement in install.requirements:
            word = _word(install, requirement)
            if requirement.name == PACKAGE:
                severity, text = _judge(requirement, facts.family)
                index = _custom_index(install)
                if severity is Severity.ERROR and index is not None and not requirement.file:
                    severity = Severity.WARNING
                    text = (
                        f"installs from another index ({index}), where what `tensorflow-gpu` resolves to is unknown: "
                        f"{_history()}. {_advice(None, facts.family)}"
                    )
            elif not requirement.known and word is not None and _hidden_gpu_package(word, environment):
                severity, text = (
                    Severity.WARNING,
                    (
                        "installs `tensorflow-gpu` (an ARG/ENV value) with a version that is unknown here: "
                        f"{_history()}; if it resolves to 2.12 or later the build fails. {_advice(None, facts.family)}"
                    ),
                )
            else:
                continue
            tool = "uv pip install" if install.pip.tool == "uv" else "pip install"
            source = f" (from {requirement.where})" if requirement.where else ""
            expanded = ""
            if word is not None and "$" in word.raw and word.known:
                expanded = f" (`{word.raw}` expands to `{word.text}`)"
            message = f"`{tool} {requirement.raw}`{source}{expanded}: {text}"
            end = word.column + len(word.raw) if word is not None else None
            yield self.finding(
                ctx, requirement.line, message, column=requirement.column, end_column=end, severity=severity
            )

    def _conda(self, ctx: RuleContext, command: CondaCommand) -> Iterator[Finding]:
        if command.action not in ("install", "update"):
            return
        for package in command.packages:
            if package.name != PACKAGE:
                continue
            yield self.finding(
                ctx,
                package.word.line,
                f"`{command.manager} {command.action} {package.word.text}`: conda's `tensorflow-gpu` belongs to a "
                "separate ecosystem, not the PyPI package that was retired in December 2022, so it may still "
                "install; check that the channel still publishes the version you need, or use the channel's "
                "`tensorflow` GPU build",
                column=package.word.column,
                severity=Severity.INFO,
            )


def _custom_index(install: PipInstall) -> str | None:
    """The index URL when ``-i``/``--index-url`` replaces PyPI (``--extra-index-url`` does not: PyPI's stub wins)."""
    options = install.pip.options
    if "--index-url" not in options and "-i" not in options:
        return None
    words = install.pip.command.words
    for position, word in enumerate(words[:-1]):
        if word.text in ("-i", "--index-url"):
            url = words[position + 1].text
            return None if "pypi.org" in url or "pythonhosted.org" in url else url
        if word.text.startswith("--index-url="):
            url = word.text.split("=", 1)[1]
            return None if "pypi.org" in url or "pythonhosted.org" in url else url
    return None


def _judge(requirement: Requirement, family: Family) -> tuple[Severity, str]:
    """Severity and explanation of one ``tensorflow-gpu`` requirement."""
    if not requirement.known or not requirement.valid:
        return Severity.WARNING, (
            f"`tensorflow-gpu` with a version that is unknown here: {_history()}; if it resolves to 2.12 or "
            f"later the build fails. {_advice(None, family)}"
        )
    pinned = requirement.pinned_version
    version = _version(pinned) if pinned else None
    if requirement.url or requirement.path:
        return Severity.WARNING, (
            "a wheel or archive named `tensorflow-gpu` (a custom build: its version is not PyPI's): it installs, but "
            "packages that depend on `tensorflow` do not count it and make pip install a second TensorFlow. "
            f"{_history()}. Build or name it `tensorflow`"
        )
    if version is not None:
        if version >= (2, 12):
            what = "2.12.0 is a stub that fails to install" if version[:3] == (2, 12, 0) else "never published"
            return Severity.ERROR, f"{what}, so the build fails: {_history()}. {_advice(None, family)}"
        return Severity.WARNING, f"a deprecated package: {_history()}. {_advice(pinned, family)}"
    if not requirement.specifier:
        return Severity.ERROR, (
            f"unpinned, pip picks 2.12.0, a stub that fails to install: {_history()}. {_advice(None, family)}"
        )
    if any(requirement.allows(probe) for probe in _STUB_PROBES):
        return Severity.ERROR, (
            f"`{requirement.specifier}` lets pip pick 2.12.0, a stub that fails to install (or a version that was "
            f"never published): {_history()}. {_advice(None, family)}"
        )
    return Severity.WARNING, f"limited to deprecated releases: {_history()}. {_advice(None, family)}"


def _history() -> str:
    return (
        "`tensorflow-gpu` was retired in December 2022 (2.11 is its last real release, 2.12.0 a stub whose setup.py "
        "raises) and `tensorflow` has included GPU support since 2.1"
    )


def _advice(pinned: str | None, family: Family) -> str:
    """What to install instead, for the base's family."""
    no_cuda = family in _NO_CUDA
    version = _version(pinned) if pinned else None
    if version is not None and version < (2, 1):
        return (
            f"Before 2.1 `tensorflow` had no GPU support, so {pinned} needs `tensorflow-gpu`: move to a supported "
            "TensorFlow (`tensorflow`" + (", `tensorflow[and-cuda]` on this base without CUDA)" if no_cuda else ")")
        )
    if version is not None:
        text = f"Use `tensorflow=={pinned}` (the same release, with GPU support)"
        if no_cuda:
            text += "; this base has no CUDA: install CUDA/cuDNN for it, or move to 2.14+ and `tensorflow[and-cuda]`"
        return text
    if no_cuda:
        return "Use `tensorflow[and-cuda]` (2.14 or later), which brings CUDA/cuDNN wheels, on this base without CUDA"
    if family in (Family.NGC_TENSORFLOW, Family.DOCKERHUB_TENSORFLOW):
        return "Use `tensorflow` (this base already ships TensorFlow: see TF201)"
    return "Use `tensorflow` (it uses the base's CUDA/cuDNN)"


def _version(text: str) -> tuple[int, ...] | None:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text).release
    except InvalidVersion:
        return None


def _word(install: PipInstall, requirement: Requirement) -> Word | None:
    """The command-line word of a requirement (None for one read from a file)."""
    if requirement.file:
        return None
    for word in install.command.words:
        if word.line == requirement.line and word.column == requirement.column:
            return word
    return None


def _environment(facts: StageFacts, install: PipInstall) -> Mapping[str, str]:
    """ARG/ENV values before the install's RUN."""
    return facts.stage.environment_before(install.command.instruction)


def _hidden_gpu_package(word: Word, environment: Mapping[str, str]) -> bool:
    """An unknown word whose first variable is an ARG/ENV naming ``tensorflow-gpu`` (``${TF_PACKAGE}${VER}``)."""
    match = _VARIABLE_RE.match(word.raw.strip("'\""))
    if match is None or match.group(1) not in environment:
        return False
    return parse_requirement(environment[match.group(1)]).name == PACKAGE
