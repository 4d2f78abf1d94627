"""Which Python a pip command installs into, and whether a TensorFlow build configuration supports it.

Also :func:`version_key`, the ``major.minor`` key the TensorFlow rules compare Python, CUDA and
TensorFlow versions by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tfimage_lint.model.families import Family

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import PipInstall, StageInstalls
    from tfimage_lint.facts import Facts
    from tfimage_lint.kb.knowledge import GpuBuildConfig
    from tfimage_lint.model.dockerfile import Stage
    from tfimage_lint.shell import Command

#: Evidence a distribution's default python3 needs before a rule relies on it.
_TRUSTED = ("verified", "inferred")
#: Directories whose ``pip``/``python`` belong to the base image's (or the distribution's) Python.
_SYSTEM_BIN = ("/usr/local/bin", "/usr/bin", "/bin")
#: Words that show another interpreter in play (conda, pyenv, deadsnakes, a source build of Python).
_OTHER_PYTHON_RE = re.compile(
    r"(?:^|[^a-z])(?:ana|mini)?conda(?:[^a-z]|$)|mamba|miniforge|pyenv|deadsnakes|python\.org/ftp/python|python-3\.\d",
    re.IGNORECASE,
)
_OTHER_COMMANDS = frozenset({"conda", "mamba", "micromamba", "pyenv", "asdf", "pixi"})
_PY_LINK_RE = re.compile(r"^(?:python|pip)\d?(?:\.\d+)?$")
_CROSS_OPTIONS = frozenset({"--python", "--python-version", "--platform", "--implementation", "--abi", "-p"})
_VERSION_RE = re.compile(r"^(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class PipPython:
    """The Python minor (``3.10``) a pip command installs into, and how that is known."""

    version: str
    origin: str


def version_key(text: str | None) -> tuple[int, int] | None:
    """``3.10.4`` -> ``(3, 10)``; ``8`` -> ``(8, 0)``; None when not a version."""
    match = _VERSION_RE.match((text or "").strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def supports_python(config: GpuBuildConfig, python: str) -> bool | None:
    """Whether a tested configuration covers ``python`` (None when either is not a version)."""
    wanted = version_key(python)
    if wanted is None or not config.python_ranges:
        return None
    ranges = [(version_key(low), version_key(high)) for low, high in config.python_ranges]
    return any(low is not None and high is not None and low <= wanted <= high for low, high in ranges)


def python_of_pip(facts: Facts, stage: Stage, install: PipInstall) -> PipPython | None:
    """The Python a pip command installs into, or None when it cannot be known.

    In order: the interpreter the command names (``python3.10 -m pip``, ``pip3.11``); the base
    image's Python (``python:3.12`` tag, the KB's NGC/Docker Hub facts); on ``ubuntu``/``debian``
    and ``nvidia/cuda`` bases, the distribution's ``python3`` when the stage apt-installs it and
    runs ``pip3``/``python3 -m pip`` (:mod:`tfimage_lint.kb.distro_python`). Conda, pyenv, uv
    venvs, deadsnakes, re-linked ``python3`` or a pip outside the system directories make it unknown.
    """
    pip = install.pip
    command = pip.command
    if not command.words or not command.words[0].known:
        return None
    first = command.words[0].text
    if pip.python:
        return PipPython(pip.python, f"the interpreter `{first}` the command runs")
    if _CROSS_OPTIONS & pip.options or (pip.tool == "uv" and "--system" not in pip.options):
        return None
    system_bin = ("/usr/local/bin",) if facts.of(stage).family is Family.PYTHON else _SYSTEM_BIN
    if "/" in first and first.rsplit("/", 1)[0] not in system_bin:
        return None  # a venv, conda, or (on python images) the distribution's other Python
    name = command.name
    if re.match(r"^(?:pip|python)2", name) or _other_interpreter(facts, stage, command):
        return None
    stack = facts.stack(stage)
    image = facts.of(stage).image
    if stack.python.value:
        version = version_key(stack.python.value)
        known = facts.image_facts(stage)
        if stack.python.origin == "base image" and (known is None or known.python.evidence not in _TRUSTED):
            return None  # the KB's value is unverified
        if version is None:
            return None
        where = f"{image.familiar_name}:{image.tag}" if image is not None and image.tag else "the base image"
        how = "the tag of" if stack.python.origin == "base image tag" else "the knowledge base's facts on"
        return PipPython(f"{version[0]}.{version[1]}", f"{how} {where}")
    return _distro_python(facts, stage, command, name)


def _distro_python(facts: Facts, stage: Stage, command: Command, name: str) -> PipPython | None:
    """The apt-installed default ``python3`` of an Ubuntu/Debian (or ``nvidia/cuda``) base."""
    from tfimage_lint.kb.cuda import parse_cuda_tag
    from tfimage_lint.kb.distro_python import default_python3, for_image

    stage_facts = facts.of(stage)
    image = stage_facts.image
    if image is None or name not in ("pip3", "python3"):
        return None
    if name == "python3" and len(command.words) > 1 and command.words[1].text not in ("-m", "-mpip"):
        return None
    apt_line = _apt_python_line(facts, stage, command)
    if apt_line is None:
        return None
    row = None
    if stage_facts.family is Family.OS:
        row = for_image(image.familiar_name, image.tag)
    elif stage_facts.family is Family.NVIDIA_CUDA:
        parsed = parse_cuda_tag(image.tag) if image.tag else None
        if parsed is not None and parsed.os and parsed.os.startswith("ubuntu"):
            row = default_python3("ubuntu", parsed.os.removeprefix("ubuntu"))
    if row is None or row.evidence not in _TRUSTED:
        return None
    return PipPython(row.python, f"{row.label}'s python3, apt-installed at line {apt_line}; source: {row.source}")


def _apt_python_line(facts: Facts, stage: Stage, command: Command) -> int | None:
    """Line of an apt install of ``python3``/``python3-*`` before ``command`` in the stage chain."""
    for system in facts.installs(stage).all_system():
        if system.family != "apt" or system.action != "install":
            continue
        if (system.command.line, system.command.column) >= (command.line, command.column):
            continue
        for package in system.packages:
            if package.name in ("python3", "python-is-python3") or package.name.startswith("python3-"):
                return system.command.line
    return None


def _stage_brings_python(found: bool, installs: StageInstalls) -> bool:
    return found or any(_brings_python(command) for command in installs.commands)


def _brings_python(other: Command) -> bool:
    """Whether ``other`` installs or selects a Python other than the image's own."""
    texts = [word.text for word in other.words]
    name = other.name
    if name in _OTHER_COMMANDS or any(_OTHER_PYTHON_RE.search(text) for text in texts):
        return True
    if name == "uv" and _uv_picks_python(texts):
        return True
    if name == "virtualenv" and any(t in ("-p", "--python") or t.startswith("--python=") for t in texts):
        return True
    if name == "update-alternatives" and any("python" in text for text in texts[1:]):
        return True
    return name == "ln" and any(_PY_LINK_RE.match(text.rsplit("/", 1)[-1]) for text in texts[1:])


def _first_python_bringer(installs: StageInstalls) -> tuple[int, int] | None:
    """(line, column) of the stage's earliest command that brings in another Python (once per stage)."""
    key = "first-python-bringer"
    if key not in installs.memo:
        positions = [(other.line, other.column) for other in installs.commands if _brings_python(other)]
        installs.memo[key] = min(positions, default=None)
    return installs.memo[key]  # type: ignore[return-value]


def _other_interpreter(facts: Facts, stage: Stage, command: Command) -> bool:
    """A command before ``command`` (or the PATH it runs with) brings in another Python."""
    installs = facts.installs(stage)
    if installs.parent is not None and installs.parent.fold("other-python", False, _stage_brings_python):
        return True
    first = _first_python_bringer(installs)
    if first is not None and first < (command.line, command.column):
        return True
    if stage.position_of(command.instruction) is None:
        return False
    return bool(_OTHER_PYTHON_RE.search(stage.environment_before(command.instruction).get("PATH", "")))


def _uv_picks_python(texts: list[str]) -> bool:
    """``uv python ...`` or ``uv venv --python X``: a uv-managed interpreter."""
    if len(texts) < 2:
        return False
    if texts[1] == "python":
        return True
    return texts[1] == "venv" and any(t in ("-p", "--python") or t.startswith("--python=") for t in texts)
