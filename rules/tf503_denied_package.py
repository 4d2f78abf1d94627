"""TF503 denied-package."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.packages.requirement import canonical_name
from tfimage_lint.rule import Option, Rule, RuleContext
from tfimage_lint.rules.tf501_base_not_allowed import option_list

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import PipInstall
    from tfimage_lint.packages import SystemCommand
    from tfimage_lint.packages.conda import CondaCommand
    from tfimage_lint.packages.requirement import Requirement
    from tfimage_lint.shell.command import Word

#: The keys of ``deny-packages``: Python (pip, uv pip), conda (conda, mamba, micromamba), and the OS
#: package-manager families (``apt``: apt-get/apt/aptitude; ``rpm``: yum/dnf/microdnf/tdnf; ``apk``).
MANAGERS = ("pip", "conda", "apt", "rpm", "apk")
ManagerKey = Literal["pip", "conda", "apt", "rpm", "apk"]


def _pattern_key(manager: str, pattern: str) -> str:
    """Patterns compare like the names: PEP 503 for pip (and conda, as the parser names them), lower case for OS."""
    return canonical_name(pattern.strip()) if manager in ("pip", "conda") else pattern.strip().lower()


def denied_by(manager: str, name: str, patterns: Sequence[str]) -> str | None:
    """The first pattern (as written) that denies package ``name`` of ``manager``, else None."""
    if not name:
        return None
    key = canonical_name(name) if manager in ("pip", "conda") else name.lower()
    for pattern in patterns:
        normalised = _pattern_key(manager, pattern)
        if normalised and fnmatchcase(key, normalised):
            return pattern
    return None


def deny_lists(value: Any) -> dict[str, list[str]]:
    """``deny-packages`` read leniently: unknown keys and non-list values are dropped or wrapped."""
    if not isinstance(value, Mapping):
        return {}
    lists = {manager: option_list(value.get(manager)) for manager in MANAGERS}
    return {manager: patterns for manager, patterns in lists.items() if patterns}


def _word(install: PipInstall, requirement: Requirement) -> Word | None:
    """The command-line word of a requirement (None for one read from a file)."""
    if requirement.file:
        return None
    for word in install.command.words:
        if word.line == requirement.line and word.column == requirement.column:
            return word
    return None


def _conda_how(conda: CondaCommand) -> str:
    """``conda install``, ``mamba create``, ``conda env create``: the command as written, for messages."""
    words = [conda.manager]
    for word in conda.command.args[:2]:
        words.append(word.text)
        if word.text != "env":
            break
    return " ".join(words)


class DeniedPackage(Rule):
    """Do not install packages your policy denies.

    ## What it does
    With the policy setting `deny-packages` (package-name patterns per manager), reports each
    install of a denied package, in the stage whose RUN installs it:

    - `pip`: `pip install` / `uv pip install` requirements on the command line and those read from
      followed requirements files (nested `-r` too) and local projects' `pyproject.toml`; names
      are compared PEP 503-normalised (`TensorFlow_GPU` is `tensorflow-gpu`). A requirement from
      a file is reported at the pip command, and the message names the file and line.
    - `conda`: `conda`/`mamba`/`micromamba` `install` and `create` package specs (files given
      with `--file` are not read).
    - `apt` (apt-get, apt, aptitude), `rpm` (yum, dnf, microdnf, tdnf), `apk`: OS package
      installs, by package name without its version (`nvidia-driver-535=535.54.03-0ubuntu1` is
      `nvidia-driver-535`; a local `.deb` file by the name in its file name). The OS families have
      separate keys because package names differ between distributions: an `apt` pattern does
      not apply to `dnf` or `apk`.

    Patterns are `fnmatch` globs (`nvidia-driver-*`); OS package names compare case-insensitively.
    Only installs count: uninstalls, `pip download`, `conda remove` do not. Package words that
    depend on a variable with no value are skipped. Without the setting it reports nothing.

    ## Why is this bad?
    Organisations ban packages for good reasons: `tensorflow-gpu` is a deprecated name that
    installs an old TensorFlow, a driver package (`nvidia-driver-*`) breaks the NVIDIA Container
    Toolkit's driver mounting, a package may carry a license or security problem. A ban that is
    only written in a wiki does not stop the next Dockerfile.

    ## Example
    With `deny-packages: {pip: [tensorflow-gpu], apt: ["nvidia-driver-*"]}`:

    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir tensorflow-gpu==2.10.0
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir tensorflow[and-cuda]==2.17.0
    ```
    """

    id = "TF503"
    name = "denied-package"
    severity = Severity.ERROR
    families = frozenset()
    option_specs = MappingProxyType(
        {
            "deny_packages": Option(
                dict[ManagerKey, list[str]],
                {},
                "package-name patterns no install may name, per manager: pip, conda, apt, rpm, apk",
            )
        }
    )
    example_options = MappingProxyType({"deny_packages": {"pip": ["tensorflow-gpu"], "apt": ["nvidia-driver-*"]}})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        deny = deny_lists(ctx.options.get("deny_packages", {}))
        if not deny:
            return
        for stage in ctx.dockerfile.stages:
            installs = ctx.stage_facts.installs(stage)
            if "pip" in deny:
                yield from self._pip(ctx, installs.pip, deny["pip"])
            for command in installs.system:
                patterns = deny.get(command.family)
                if patterns:
                    yield from self._system(ctx, command, patterns)
            if "conda" in deny:
                for conda in installs.conda:
                    if conda.action != "install":
                        continue
                    for package in conda.packages:
                        hit = denied_by("conda", package.name, deny["conda"]) if package.word.known else None
                        if hit is not None:
                            message = (
                                f"{_conda_how(conda)} {package.word.text}: {package.name} is denied by the "
                                f"policy (deny-packages conda: {hit!r})"
                            )
                            yield self._at_word(ctx, package.word, message)

    def _pip(self, ctx: RuleContext, installs: Sequence[PipInstall], patterns: Sequence[str]) -> Iterator[Finding]:
        for install in installs:
            if not install.pip.is_install:
                continue
            tool = "uv pip" if install.pip.tool == "uv" else "pip"
            for requirement in install.requirements:
                if not requirement.known:
                    continue
                hit = denied_by("pip", requirement.name, patterns)
                if hit is None:
                    continue
                why = f"{requirement.name} is denied by the policy (deny-packages pip: {hit!r})"
                if requirement.where:
                    message = f"{tool} install reads {requirement.raw!r} from {requirement.where}: {why}"
                else:
                    message = f"{tool} install {requirement.raw}: {why}"
                word = _word(install, requirement)
                if word is not None:
                    yield self._at_word(ctx, word, message)
                else:
                    yield self.finding(ctx, requirement.line, message, column=requirement.column)

    def _system(self, ctx: RuleContext, command: SystemCommand, patterns: Sequence[str]) -> Iterator[Finding]:
        packages, how = command.packages, f"{command.manager} {command.subcommand}"
        if command.action == "module" and packages and packages[0].name == "install":
            packages, how = packages[1:], f"{how} install"  # dnf module install nvidia-driver:latest-dkms
        elif command.action != "install":
            return
        for package in packages:
            if not package.word.known:
                continue
            name = package.name.split(":", 1)[0] if command.action == "module" else package.name
            hit = denied_by(command.family, name, patterns)
            if hit is not None:
                message = (
                    f"{how} {package.word.text}: {name} is denied by the policy "
                    f"(deny-packages {command.family}: {hit!r})"
                )
                yield self._at_word(ctx, package.word, message)

    def _at_word(self, ctx: RuleContext, word: Word, message: str) -> Finding:
        return self.finding(ctx, word.line, message, column=word.column, end_column=word.column + len(word.raw))
