"""TF204 unconstrained-install-on-tf-base."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.analysis.installs import PipInstall, StageInstalls
from tfimage_lint.analysis.pip_requirements import locate_followed
from tfimage_lint.facts import StageFacts
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.kb import versions
from tfimage_lint.model.dockerfile import Stage
from tfimage_lint.model.families import TENSORFLOW_FAMILIES, Family
from tfimage_lint.packages import Requirement
from tfimage_lint.packages.tensorflow import is_tensorflow
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command

#: Packages that depend on ``tensorflow`` and so can make pip install another one.
PULLS_TENSORFLOW = frozenset({"tensorflow-text", "tensorflow-io", "tensorflow-addons", "tensorflow-decision-forests",
    "tensorflow-recommenders", "tensorflow-serving-api", "tensorflow-transform", "tensorflow-data-validation",
    "tensorflow-model-analysis", "tfx", "tf-keras"})  # fmt: skip
#: Of those, the ones that name TensorFlow only in an extra (``tensorflow-addons[tensorflow]``).
_EXTRA_ONLY = frozenset({"tensorflow-addons"})
#: Of those, the ones released in lockstep with TensorFlow (``X.Y`` needs TensorFlow ``X.Y``).
_LOCKSTEP = frozenset({"tensorflow-text", "tensorflow-serving-api", "tf-keras"})
_TRUE = ("1", "true", "yes", "on")
_KERAS2_PROBES = ("2.0.0", "2.2.4", "2.3.1", "2.4.3", "2.6.0", "2.8.0", "2.10.0", "2.12.0", "2.13.1", "2.14.0",
                  "2.15.0", "2.99.99")  # fmt: skip
_KERAS3_PROBES = ("3.0.0", "3.0.5", "3.3.3", "3.5.0", "3.8.0", "3.10.0", "3.99.0", "4.0.0")


class UnconstrainedInstallOnTfBase(Rule):
    """Do not let pip resolve dependencies freely on an image that ships TensorFlow.

    ## What it does
    On a base that ships TensorFlow (an NGC `nvcr.io/nvidia/tensorflow` image, a Docker Hub
    `tensorflow/tensorflow` image, or a stage built on one), reports a `pip install` (or
    `uv pip install`) without `--no-deps` (nor `PIP_NO_DEPS`) and without a constraint that pins
    TensorFlow (a `-c` file or `PIP_CONSTRAINT` naming `tensorflow` with a version the base's
    satisfies), when it installs:

    - a package that depends on TensorFlow: `tensorflow-text`, `tensorflow-io`,
      `tensorflow-addons`, `tensorflow-decision-forests`, `tensorflow-recommenders`,
      `tensorflow-serving-api`, `tensorflow-transform`, `tensorflow-data-validation`,
      `tensorflow-model-analysis`, `tfx`, `tf-keras` (on the command line, or in a requirements
      file or `pip install .` project it could read; a finding about a file names the file and
      line). `tensorflow-text`, `tensorflow-serving-api` and `tf-keras` are released with
      TensorFlow: a pin to the base's `X.Y` is fine when the base's version is known.
      `tensorflow-addons` declares TensorFlow only as an extra (PyPI metadata: `tensorflow`,
      `tensorflow-cpu` and `tensorflow-gpu` extras), so it is reported only when installed with
      one of those extras (`tensorflow-addons[tensorflow]`).
    - `keras` 3 (`keras>=3`, `keras==3.*`, or `-U keras`) when the base's TensorFlow is known to be
      older than 2.16: TensorFlow before 2.16 cannot use Keras 3. `--no-deps` and a TensorFlow
      constraint do not help here (Keras 3 does not depend on TensorFlow), only a pin below 3
      does.
    - a requirements file or local project the linter could not read from the build context:
      what it installs is unknown. Reported at **info**.

    An install that names TensorFlow itself (on the line or in a file it read) is left to TF201.
    Docker Hub `devel` and `custom-op` tags (build environments whose TensorFlow is unknown) are
    skipped.
    When a constraints file cannot be read, it may pin TensorFlow, so nothing is reported.

    ## Why is this bad?
    pip resolves the dependencies of what it installs against the packages in the image: when a
    package needs another TensorFlow than the one the image ships (an unpinned `tensorflow-text`
    wants the newest TensorFlow), pip uninstalls the image's build and installs a PyPI wheel
    built against other CUDA/cuDNN versions. Rebuilding the image later can change TensorFlow
    without any change to the Dockerfile, and the GPU is silently lost.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    RUN pip install --no-cache-dir tensorflow-text
    ```

    ## Use instead
    Pin the package to the image's TensorFlow release, install with `--no-deps`, or constrain
    TensorFlow to the version the image ships.

    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    RUN pip install --no-cache-dir tensorflow-text==2.15.0
    RUN pip freeze | grep -E '^(tensorflow|keras)==' > /tmp/keep.txt \\
        && pip install --no-cache-dir -c /tmp/keep.txt tensorflow-io
    ```
    """

    id = "TF204"
    name = "unconstrained-install-on-tf-base"
    severity = Severity.WARNING
    families = frozenset({Family.NGC_TENSORFLOW.value, Family.DOCKERHUB_TENSORFLOW.value})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            if facts.family not in TENSORFLOW_FAMILIES or _build_environment(facts):
                continue
            installs = ctx.stage_facts.installs(facts.stage)
            base = _base_version(ctx, facts)
            current = _version_after(installs.parent, base) if installs.parent is not None else base
            for install in installs.pip:
                if install.pip.is_install:
                    yield from self._check_install(ctx, facts, install, base, current)
                current = _after(install, current)

    def _check_install(
        self, ctx: RuleContext, facts: StageFacts, install: PipInstall, base: str | None, current: str | None
    ) -> Iterator[Finding]:
        pip = install.pip
        if any(is_tensorflow(requirement.name) for requirement in install.requirements):
            return  # TF201 reports the TensorFlow install itself
        for requirement in install.requirements:
            if requirement.name == "keras" and _keras3(requirement, pip.upgrade) and current is not None:
                parsed = versions.parse(versions.base(current))
                if parsed is not None and parsed[:2] < (2, 16) and not _keras_pinned_below_3(install):
                    yield self._finding(
                        ctx, install, requirement,
                        f"installs Keras 3, but the TensorFlow here ({_shown(current, base)}) is older than 2.16 and "
                        "needs Keras 2: `tf.keras` breaks. Pin `keras<3` (or use a base with TensorFlow 2.16 or later)",
                    )  # fmt: skip
        if pip.no_deps or _env_flag(facts.stage, install.command, "PIP_NO_DEPS"):
            return
        if any(followed.constraint and not followed.found for followed in install.files):
            return  # an unreadable constraints file may pin TensorFlow
        guard = _tensorflow_constraint(install)
        excluded = ""
        if guard is not None:
            allowed = guard.allows(current) if current is not None and versions.parse(current) else None
            if allowed is not False:
                return
            where = f" in {guard.where}" if guard.where else ""
            excluded = f" (the constraint `{guard.raw}`{where} excludes the TensorFlow here, {current})"
        for requirement in install.requirements:
            if requirement.name not in PULLS_TENSORFLOW or _lockstep_pin_matches(requirement, current):
                continue
            if requirement.name in _EXTRA_ONLY and not any(is_tensorflow(extra) for extra in requirement.extras):
                continue
            shown = _shown(current, base)
            if requirement.specifier:
                why = f"unless the release `{requirement.specifier}` picks accepts the TensorFlow here ({shown})"
            else:
                why = f"unpinned, it resolves to its newest release; unless that accepts the TensorFlow here ({shown})"
            yield self._finding(
                ctx, install, requirement,
                f"`{requirement.name}` depends on TensorFlow: {why}, pip replaces the image's TensorFlow with a "
                f"PyPI wheel built against other CUDA/cuDNN versions{excluded}. Install it with --no-deps, pin it to "
                "the image's TensorFlow release, or add a constraint that pins tensorflow "
                "(`pip freeze | grep ^tensorflow== > c.txt`, then `pip install -c c.txt ...`)",
            )  # fmt: skip
        for followed in install.missing_files:
            if followed.constraint:
                continue
            line, column = locate_followed(install, followed)
            kind = "local project" if followed.project else "requirements file"
            via = f" (included from {followed.via})" if followed.via else ""
            why = f" ({followed.problem})" if followed.problem else ""
            yield self.finding(
                ctx, line,
                f"`{_tool(install)}` reads the {kind} `{followed.written}`{via}, which could not be read from the "
                f"build context{why}, so what it installs is unknown: if it (or a dependency) needs another "
                f"TensorFlow, pip replaces the TensorFlow here ({_shown(current, base)}). Install with --no-deps or "
                "add a constraint that pins tensorflow",
                column=column, severity=Severity.INFO,
            )  # fmt: skip

    def _finding(self, ctx: RuleContext, install: PipInstall, requirement: Requirement, text: str) -> Finding:
        source = f" (from {requirement.where})" if requirement.where else ""
        message = f"`{_tool(install)} {requirement.raw}`{source}: {text}"
        return self.finding(ctx, requirement.line, message, column=requirement.column)


def _build_environment(facts: StageFacts) -> bool:
    """Docker Hub ``devel``/``custom-op`` tags: build environments whose TensorFlow is unknown."""
    tag = (facts.image.tag or "").lower() if facts.image is not None else ""
    return facts.family is Family.DOCKERHUB_TENSORFLOW and ("devel" in tag or tag.startswith("custom-op"))


def _tool(install: PipInstall) -> str:
    return "uv pip install" if install.pip.tool == "uv" else "pip install"


def _base_version(ctx: RuleContext, facts: StageFacts) -> str | None:
    known = ctx.stage_facts.image_facts(facts.stage)
    return known.tensorflow.value if known is not None else None


def _shown(current: str | None, base: str | None) -> str:
    if current is None:
        return "version unknown"
    return current if current == base else f"{current}, installed earlier"


def _version_after(installs: StageInstalls, base: str | None) -> str | None:
    """The TensorFlow version at the end of ``installs``' stage, starting from the base's."""

    def step(version: str | None, stage: StageInstalls) -> str | None:
        for install in stage.pip:
            version = _after(install, version)
        return version

    return installs.fold(("tf204-version", base), base, step)


def _after(install: PipInstall, current: str | None) -> str | None:
    """The TensorFlow version after ``install`` (None when unknown or removed)."""
    pip = install.pip
    for requirement in install.requirements:
        if not is_tensorflow(requirement.name):
            continue
        if pip.is_uninstall:
            return None
        if pip.is_install:
            current = requirement.pinned_version
    return current


def _keras3(requirement: Requirement, upgrade: bool) -> bool:
    """The requirement (or ``-U`` of an unpinned one) installs Keras 3."""
    if not requirement.valid or not requirement.known or requirement.url or requirement.path:
        return False
    pinned = requirement.pinned_version
    if pinned is not None:
        parsed = versions.parse(pinned)
        return parsed is not None and parsed[0] >= 3
    if not requirement.specifier:
        return upgrade
    if any(requirement.allows(version) for version in _KERAS2_PROBES):
        return upgrade and any(requirement.allows(version) for version in _KERAS3_PROBES)
    return any(requirement.allows(version) for version in _KERAS3_PROBES)


def _keras_pinned_below_3(install: PipInstall) -> bool:
    """A constraint keeps Keras below 3."""
    return any(
        constraint.name == "keras" and constraint.specifier and not _keras3(constraint, False)
        and not any(constraint.allows(version) for version in _KERAS3_PROBES)
        for constraint in install.constraints
    )  # fmt: skip


def _tensorflow_constraint(install: PipInstall) -> Requirement | None:
    """A constraint on TensorFlow with a version, if any."""
    for constraint in install.constraints:
        if is_tensorflow(constraint.name) and constraint.specifier:
            return constraint
    return None


def _lockstep_pin_matches(requirement: Requirement, current: str | None) -> bool:
    """A lockstep package pinned to the TensorFlow release here (``tensorflow-text==2.15.*`` on 2.15)."""
    if requirement.name not in _LOCKSTEP or not requirement.specifier or current is None:
        return False
    minor = versions.minor(versions.base(current))
    if minor is None:
        return False
    pinned = requirement.pinned_version
    if pinned is not None:
        return versions.minor(versions.base(pinned)) == minor
    probes = [requirement.allows(f"{minor}.{patch}") for patch in range(4)]
    others = [requirement.allows(version) for version in _neighbours(minor)]
    return any(probes) and not any(others)


def _neighbours(minor: str) -> list[str]:
    major, minor_number = (int(part) for part in minor.split("."))
    return [f"{major}.{minor_number + 1}.0", f"{major}.{minor_number - 1}.0", f"{major + 1}.0.0"]


def _env_flag(stage: Stage, command: Command, name: str) -> bool:
    """``NAME=1`` on the command or in ENV/ARG before its RUN."""
    for key, value in command.assignments:
        if key == name:
            return (value or "").lower() in _TRUE
    return stage.environment_before(command.instruction).get(name, "").lower() in _TRUE
