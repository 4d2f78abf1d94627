"""Whether a stage installs a known fix, written in the knowledge base as ``manager:requirement``.

``pip:tensorflow[and-cuda]`` matches a pip install of that distribution with that extra;
``pip:nvidia-cudnn-cu12>=9`` one whose version is at least 9 (an unpinned install gets the
newest, which qualifies); ``apt:cudnn9-cuda-12`` an apt/dnf install of that package.
"""

from __future__ import annotations

from collections.abc import Iterable

from tfimage_lint.analysis.installs import StageInstalls
from tfimage_lint.packages.requirement import Requirement, parse_requirement


def installs_any(installs: StageInstalls, fixes: Iterable[str]) -> bool:
    """True when the stage (or a stage it is built on) installs any of ``fixes``."""
    return any(_installs(installs, fix) for fix in fixes)


def _installs(installs: StageInstalls, fix: str) -> bool:
    manager, _, wanted = fix.partition(":")
    if manager == "pip":
        target = parse_requirement(wanted)
        return any(
            _satisfies(requirement, target)
            for install in installs.all_pip()
            if install.pip.is_install
            for requirement in install.requirements
        )
    if manager == "apt":
        return any(
            package.name == wanted
            for command in installs.all_system()
            if command.action == "install"
            for package in command.packages
        )
    return False


def _satisfies(requirement: Requirement, target: Requirement) -> bool:
    if requirement.name != target.name or not target.extras <= requirement.extras:
        return False
    if not target.specifier:
        return True
    pinned = requirement.pinned_version
    if pinned is None:
        lower = [part.strip()[2:] for part in requirement.specifier.split(",") if part.strip().startswith(">=")]
        if not requirement.specifier:
            return True  # the newest release is installed
        return any(target.allows(version) for version in lower)
    return bool(target.allows(pinned))
