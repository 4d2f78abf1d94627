"""TF208 python-version-unsupported.

Also holds what TF209 reuses: which Python a pip command installs into, and which TensorFlow
releases a requirement lets pip pick.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.families import Family
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import PipInstall
    from tfimage_lint.facts import Facts
    from tfimage_lint.kb.knowledge import GpuBuildConfig
    from tfimage_lint.model.dockerfile import Stage
    from tfimage_lint.packages import Requirement
    from tfimage_lint.shell import Command

#: TensorFlow distributions whose wheels follow TensorFlow's tested Python range.
WHEEL_DISTRIBUTIONS = frozenset({"tensorflow", "tensorflow-cpu", "tensorflow-gpu"})
#: ``tensorflow-gpu`` releases from this one on are a stub that fails to install (TF206's finding).
GPU_STUB = (2, 12)
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


def _other_interpreter(facts: Facts, stage: Stage, command: Command) -> bool:
    """A command before ``command`` (or the PATH it runs with) brings in another Python."""
    for installs in facts.installs(stage).chain():
        for other in installs.commands:
            if (other.line, other.column) >= (command.line, command.column):
                continue
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
            if name == "ln" and any(_PY_LINK_RE.match(text.rsplit("/", 1)[-1]) for text in texts[1:]):
                return True
    instruction = command.instruction
    for position, ins in enumerate(stage.instructions):
        if ins is instruction:
            path = stage.environment_at(position).get("PATH", "")
            return bool(_OTHER_PYTHON_RE.search(path))
    return False


def _uv_picks_python(texts: list[str]) -> bool:
    """``uv python ...`` or ``uv venv --python X``: a uv-managed interpreter."""
    if len(texts) < 2:
        return False
    if texts[1] == "python":
        return True
    return texts[1] == "venv" and any(t in ("-p", "--python") or t.startswith("--python=") for t in texts)


# ---------------------------------------------------------------- which TensorFlow pip picks


def kb_tf_releases() -> list[str]:
    """Every TensorFlow release the knowledge base lists, oldest first."""
    from tfimage_lint.kb import load_kb, versions

    rows = load_kb().data.get("tf_releases", [])
    found = [row["version"] for row in rows if versions.parse(row["version"]) is not None]
    return sorted(found, key=versions.key)


def dated_tf_releases() -> set[str]:
    """The releases with a known release date (2.16.0, never released, has none)."""
    from tfimage_lint.kb import load_kb

    rows = load_kb().data.get("tf_releases", [])
    return {row["version"] for row in rows if (row.get("released") or {}).get("value")}


def tf_candidates(requirement: Requirement, constraints: Sequence[Requirement]) -> tuple[list[str], bool] | None:
    """The versions pip may install for a TF requirement; None when unknown.

    ``([pin], True)`` for an exact pin (on the command line, in a file or in a constraint), else
    ``(the KB releases the specifier and constraints allow, False)``.
    """
    same = [c for c in constraints if c.name == requirement.name and c.valid and c.known and not c.marker]
    pins = {pin for pin in (requirement.pinned_version, *(c.pinned_version for c in same)) if pin}
    if len(pins) > 1:
        return None
    if pins:
        pin = pins.pop()
        if requirement.allows(pin) is False:
            return None
        return [pin], True
    allowed = [v for v in kb_tf_releases() if requirement.allows(v) and all(c.allows(v) for c in same)]
    return (allowed, False) if allowed else None


def judged_requirement(requirement: Requirement) -> bool:
    """A requirement whose version pip resolution can be reasoned about (no marker, URL, path, variable)."""
    return (
        requirement.valid
        and requirement.known
        and not requirement.marker
        and requirement.url is None
        and requirement.path is None
        and not requirement.editable
    )


def requirement_label(requirement: Requirement) -> str:
    """``tensorflow==2.15.0`` (``requirements.txt:3``) for messages."""
    text = f"`{requirement.raw.strip()}`"
    return f"{text} ({requirement.where})" if requirement.where else text


def minors_for_python(python: str) -> list[str]:
    """TensorFlow minors whose tested configuration covers ``python``."""
    from tfimage_lint.kb import load_kb

    kb = load_kb()
    found = []
    for minor in kb.tf_minor_versions():
        config = kb.tested_gpu_config(minor)
        if config is not None and supports_python(config, python):
            found.append(minor)
    return found


def span(minors: list[str]) -> str:
    """``2.16-2.21`` for a run of consecutive KB minors, ``2.16`` for one, a list otherwise."""
    from tfimage_lint.kb import load_kb

    if len(minors) < 2:
        return minors[0] if minors else ""
    known = load_kb().tf_minor_versions()
    positions = [known.index(m) for m in minors if m in known]
    if len(positions) == len(minors) and positions == list(range(positions[0], positions[0] + len(minors))):
        return f"{minors[0]}-{minors[-1]}"
    return ", ".join(minors)


class PythonVersionUnsupported(Rule):
    """Do not pin a TensorFlow that has no wheel for the image's Python.

    ## What it does
    Reports a `tensorflow` (or `tensorflow-cpu`, `tensorflow-gpu` up to 2.11) requirement, on the
    command line or in a followed requirements file, whose TensorFlow release ships no wheel for
    the Python that pip installs into, per TensorFlow's tested configurations (for example 2.15:
    Python 3.9-3.11; 2.16-2.19: 3.9-3.12; 2.21: 3.10-3.13). An exact pin is judged by its release;
    a range or an unpinned requirement only when no release it allows supports that Python (for
    example a Python newer than every TensorFlow release in the knowledge base).

    The Python is taken from the pip command when it names one (`python3.10 -m pip`,
    `pip3.11`), else from the base image: the `python:3.12` tag, the knowledge base's Python of
    NGC and Docker Hub images, and on `ubuntu`, `debian` and `nvidia/cuda` bases the
    distribution's `python3` when the stage apt-installs it and runs `pip3` (a sourced table).
    Conda, pyenv, uv-managed Pythons, deadsnakes or a re-linked `python3` make it unknown, and
    an unknown Python gives no finding.

    ## Why is this bad?
    pip finds no matching wheel and the build stops with
    `ERROR: No matching distribution found for tensorflow==2.15.0`; with a range, pip may
    silently pick another TensorFlow than intended.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir tensorflow==2.15.0
    ```

    ## Use instead
    Pin a TensorFlow release built for the image's Python, or pick a base with a supported Python.

    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir tensorflow==2.15.0
    ```
    """

    id = "TF208"
    name = "python-version-unsupported"
    severity = Severity.ERROR
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            stage = facts.stage
            for install in ctx.stage_facts.installs(stage).pip:
                if not install.pip.is_install:
                    continue
                requirements = [r for r in install.requirements if r.name in WHEEL_DISTRIBUTIONS]
                requirements = [r for r in requirements if judged_requirement(r)]
                if not requirements:
                    continue
                python = python_of_pip(ctx.stage_facts, stage, install)
                if python is None:
                    continue
                for requirement in requirements:
                    message = _problem(requirement, install, python)
                    if message:
                        yield self.finding(ctx, requirement.line, message, column=requirement.column)


def _problem(requirement: Requirement, install: PipInstall, python: PipPython) -> str | None:
    from tfimage_lint.kb import load_kb

    kb = load_kb()
    candidates = tf_candidates(requirement, install.constraints)
    if candidates is None:
        return None
    found, exact = candidates
    if requirement.name == "tensorflow-gpu":
        stub = [v for v in found if (version_key(v) or (0, 0)) >= GPU_STUB]
        if not exact or stub:
            return None  # the removed tensorflow-gpu name: TF206's finding
    configs = [(v, kb.tested_gpu_config(v)) for v in found]
    configs = [(v, c) for v, c in configs if c is not None]
    if not configs or any(supports_python(c, python.version) is not False for _, c in configs):
        return None
    label = requirement_label(requirement)
    usable = minors_for_python(python.version)
    advice = (
        f"TensorFlow releases for Python {python.version}: {span(usable)}"
        if usable
        else f"No TensorFlow release in the knowledge base (as of {kb.as_of}) supports Python {python.version}; "
        "use an older Python"
    )
    if exact:
        version, config = configs[0]
        return (
            f"{label}: TensorFlow {version} has no wheel for Python {python.version} ({python.origin}); "
            f"its tested configuration supports Python {config.python}, so pip fails with 'No matching "
            f"distribution found'. {advice}."
        )
    first, last = configs[0][0], configs[-1][0]
    releases = first if first == last else f"{first}-{last}"
    allowed = (
        f"no TensorFlow release in the knowledge base ({releases})"
        if not requirement.specifier and not install.constraints
        else f"none of the releases it allows ({releases} in the knowledge base)"
    )
    return (
        f"{label}: {allowed} has a wheel for Python {python.version} ({python.origin}), so pip fails "
        f"with 'No matching distribution found'. {advice}."
    )
