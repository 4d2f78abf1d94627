"""TF208 python-version-unsupported."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tfimage_lint.analysis.pip_requirements import GPU_STUB, judged_requirement, requirement_label, tf_candidates
from tfimage_lint.analysis.python_version import PipPython, python_of_pip, supports_python, version_key
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import PipInstall
    from tfimage_lint.packages import Requirement

#: TensorFlow distributions whose wheels follow TensorFlow's tested Python range.
WHEEL_DISTRIBUTIONS = frozenset({"tensorflow", "tensorflow-cpu", "tensorflow-gpu"})


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
