"""TF207 tensorflow-dependency-conflict."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tfimage_lint.analysis.pip_requirements import requirement_label
from tfimage_lint.analysis.python_version import version_key
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind, Stage
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import PipInstall
    from tfimage_lint.facts import Facts
    from tfimage_lint.packages import Requirement

#: The knowledge base's milestones that set the thresholds (topic -> first TF release of the change).
NUMPY_2_TOPIC = "numpy-2"
KERAS_3_TOPIC = "keras-3-default"
#: ``TF_USE_LEGACY_KERAS`` values TensorFlow reads as true.
_TRUE = ("1", "true", "True")


@dataclass(frozen=True)
class _Conflict:
    """One kind of conflict: the package, the bad major range, and when TensorFlow is affected."""

    package: str
    bad_from: int | None  # the bad versions are >= this major
    bad_below: int | None  # the bad versions are < this major
    tf_before: tuple[int, int] | None  # TensorFlow < this is affected
    tf_from: tuple[int, int] | None  # TensorFlow >= this is affected


class TensorflowDependencyConflict(Rule):
    """Do not install a NumPy or Keras that the image's TensorFlow cannot work with.

    ## What it does
    Reports a requirement, on the command line or in a followed requirements file, that is
    known to break the TensorFlow installed alongside it:

    - `numpy>=2` with TensorFlow before 2.18 (2.18 is the first release compiled with NumPy 2);
    - `keras>=3` with TensorFlow before 2.16 (those releases are made for Keras 2);
    - `keras<3` with TensorFlow 2.16 or later (Keras 3 is `tf.keras` there) unless the image keeps
      Keras 2 the documented way: `tf-keras` installed and `ENV TF_USE_LEGACY_KERAS=1`.

    Only when both versions are known: TensorFlow from the base image (knowledge base) or an
    exact pin; the other package from an exact pin or a specifier whose every allowed version
    is in the bad range (`numpy>=2`, `numpy==2.1.0`, `keras~=2.15`). An unpinned `numpy` is
    not known. A TensorFlow installed later (without `--no-deps`) makes pip re-resolve the
    package, so such a requirement is not reported.

    ## Why is this bad?
    pip either refuses to resolve the build or, when the package is installed after
    TensorFlow, replaces the version TensorFlow needs. `import tensorflow` then fails
    (`A module that was compiled using NumPy 1.x cannot be run in NumPy 2`) or `tf.keras`
    breaks at import.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir tensorflow==2.15.0 \\
        && pip install --no-cache-dir "numpy>=2"
    ```

    ## Use instead
    Keep NumPy 1.x for TensorFlow before 2.18 (or move to TensorFlow 2.18 or later).

    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir tensorflow==2.15.0 "numpy<2"
    ```
    """

    id = "TF207"
    name = "tensorflow-dependency-conflict"
    severity = Severity.ERROR
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        thresholds = _thresholds()
        if thresholds is None:
            return
        numpy_2, keras_3 = thresholds
        conflicts = (
            _Conflict("numpy", 2, None, numpy_2, None),
            _Conflict("keras", 3, None, keras_3, None),
            _Conflict("keras", None, 3, None, keras_3),
        )
        children: dict[int, list[Stage]] = {}
        for stage in ctx.dockerfile.stages:
            if stage.base.kind is BaseKind.STAGE and stage.base.stage_index is not None:
                children.setdefault(stage.base.stage_index, []).append(stage)
        for facts in ctx.stage_facts.stages:
            stage = facts.stage
            tensorflow = _tensorflow(ctx.stage_facts, stage)
            if tensorflow is None:
                continue
            version, key, origin = tensorflow
            for install in ctx.stage_facts.installs(stage).pip:
                if not install.pip.is_install:
                    continue
                for requirement in install.requirements:
                    if requirement.name not in ("numpy", "keras") or not _known(requirement):
                        continue
                    if _reresolved(ctx.stage_facts, stage, install):
                        continue
                    for conflict in conflicts:
                        if conflict.package != requirement.name or not _applies(conflict, key, requirement):
                            continue
                        if conflict.bad_below is not None and _keeps_keras_2(ctx.stage_facts, stage, children):
                            continue
                        message = _message(conflict, requirement, version, origin, numpy_2, keras_3)
                        yield self.finding(ctx, requirement.line, message, column=requirement.column)


def _thresholds() -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(first TF compiled with NumPy 2, first TF with Keras 3) from the KB's milestones."""
    from tfimage_lint.kb import load_kb

    found: dict[str, tuple[int, int]] = {}
    for row in load_kb().data.get("tf_milestones", []):
        if row.get("topic") in (NUMPY_2_TOPIC, KERAS_3_TOPIC) and row.get("evidence") in ("verified", "inferred"):
            key = version_key(row.get("tf"))
            if key is not None:
                found[row["topic"]] = key
    if NUMPY_2_TOPIC not in found or KERAS_3_TOPIC not in found:
        return None
    return found[NUMPY_2_TOPIC], found[KERAS_3_TOPIC]


def _tensorflow(facts: Facts, stage: Stage) -> tuple[str, tuple[int, int], str] | None:
    """The stage's TensorFlow when its version is known: (version, (major, minor), where it came from)."""
    from tfimage_lint.kb import versions

    value = facts.stack(stage).tensorflow
    if not value.value or not value.exact or value.present is False:
        return None
    parsed = versions.parse(versions.base(value.value))
    if parsed is None:
        return None
    if value.origin == "base image":
        image = facts.of(stage).image
        origin = f"the base image {image.familiar_name}:{image.tag}" if image is not None and image.tag else "the base"
    else:
        origin = f"{value.origin} at line {value.line}"
    return value.value, (parsed[0], parsed[1]), origin


def _known(requirement: Requirement) -> bool:
    return requirement.valid and requirement.known and not requirement.marker and not requirement.editable


def _bounds(requirement: Requirement) -> tuple[object | None, tuple[object, bool] | None] | None:
    """(lowest allowed version or None, (highest, inclusive) or None) of the specifier; None if unreadable."""
    from packaging.version import InvalidVersion, Version

    specifiers = requirement.specifier_set()
    if specifiers is None:
        return None
    lower: Version | None = None
    upper: tuple[Version, bool] | None = None

    def lower_to(version: Version) -> None:
        nonlocal lower
        lower = version if lower is None or version > lower else lower

    def upper_to(version: Version, inclusive: bool) -> None:
        nonlocal upper
        if upper is None or version < upper[0] or (version == upper[0] and not inclusive):
            upper = (version, inclusive)

    try:
        for specifier in specifiers:
            operator, text = specifier.operator, specifier.version
            if operator in ("==", "===") and text.endswith(".*"):
                prefix = Version(text[:-2])
                lower_to(prefix)
                upper_to(_bump(prefix.release), False)
            elif operator in ("==", "==="):
                exact = Version(text)
                lower_to(exact)
                upper_to(exact, True)
            elif operator in (">=", ">"):
                lower_to(Version(text))
            elif operator == "<=":
                upper_to(Version(text), True)
            elif operator == "<":
                upper_to(Version(text), False)
            elif operator == "~=":
                version = Version(text)
                lower_to(version)
                upper_to(_bump(version.release[:-1]), False)
    except InvalidVersion:
        return None
    if lower is not None and upper is not None and (lower > upper[0] or (lower == upper[0] and not upper[1])):
        return None  # allows nothing
    return lower, upper


def _bump(release: tuple[int, ...]) -> object:
    """The first version after every ``release.*``: ``(2, 15)`` -> ``2.16``."""
    from packaging.version import Version

    parts = list(release) or [0]
    parts[-1] += 1
    return Version(".".join(str(part) for part in parts))


def _applies(conflict: _Conflict, tensorflow: tuple[int, int], requirement: Requirement) -> bool:
    """TensorFlow is in the affected range and every version the requirement allows is bad."""
    from packaging.version import Version

    if conflict.tf_before is not None and not tensorflow < conflict.tf_before:
        return False
    if conflict.tf_from is not None and not tensorflow >= conflict.tf_from:
        return False
    bounds = _bounds(requirement)
    if bounds is None:
        return False
    lower, upper = bounds
    if conflict.bad_from is not None:
        return isinstance(lower, Version) and lower.release[0] >= conflict.bad_from
    if conflict.bad_below is not None and upper is not None:
        version, inclusive = upper
        if not isinstance(version, Version):
            return False
        if version.release[0] < conflict.bad_below:
            return True
        limit = Version(str(conflict.bad_below))
        return not inclusive and version == limit and not version.is_prerelease
    return False


def _reresolved(facts: Facts, stage: Stage, install: PipInstall) -> bool:
    """A later pip install of TensorFlow (with dependencies) re-resolves NumPy and Keras."""
    from tfimage_lint.packages.tensorflow import is_tensorflow

    command = install.command
    for other in facts.installs(stage).all_pip():
        if not other.pip.is_install or other.pip.no_deps:
            continue
        if (other.command.line, other.command.column) <= (command.line, command.column):
            continue
        if any(is_tensorflow(r.name) for r in other.requirements):
            return True
    return False


def _keeps_keras_2(facts: Facts, stage: Stage, children: dict[int, list[Stage]]) -> bool:
    """``tf-keras`` installed and ``TF_USE_LEGACY_KERAS`` true in the stage, or in every stage built on it."""
    tf_keras = any(
        install.pip.is_install and any(r.name == "tf-keras" for r in install.requirements)
        for install in facts.installs(stage).all_pip()
    )
    if tf_keras and _final_env(stage).get("TF_USE_LEGACY_KERAS") in _TRUE:
        return True
    below = children.get(stage.index, [])
    return bool(below) and all(_keeps_keras_2(facts, child, children) for child in below)


def _final_env(stage: Stage) -> dict[str, str]:
    """ARG/ENV values after the stage's last instruction (its last ENV applied)."""
    from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

    if not stage.instructions:
        return {}
    position = len(stage.instructions) - 1
    env = dict(stage.environment_at(position))
    last = stage.instructions[position]
    if last.keyword == "env":
        args = list(last.args)
        for index in range(0, len(args) - 1, 3):
            name, value = args[index], args[index + 1]
            try:
                result = ShellLex().process(value, env)
            except ShellError:
                continue
            unset = {ref.name for ref in result.references if ref.modifier not in (":-", "-")}
            if not (result.unmatched & unset):
                env[name] = result.result
    return env


def _message(
    conflict: _Conflict,
    requirement: Requirement,
    version: str,
    origin: str,
    numpy_2: tuple[int, int],
    keras_3: tuple[int, int],
) -> str:
    label = requirement_label(requirement)
    tensorflow = f"TensorFlow {version} ({origin})"
    numpy_from = f"{numpy_2[0]}.{numpy_2[1]}"
    keras_from = f"{keras_3[0]}.{keras_3[1]}"
    if conflict.package == "numpy":
        return (
            f"{label} installs NumPy 2 next to {tensorflow}: TensorFlow before {numpy_from} is built against "
            "NumPy 1.x, so pip fails to resolve the build or `import tensorflow` fails ('A module that was "
            f"compiled using NumPy 1.x cannot be run in NumPy 2'). Pin `numpy<2`, or use TensorFlow {numpy_from} "
            "or later."
        )
    if conflict.bad_from is not None:
        return (
            f"{label} installs Keras 3 next to {tensorflow}: TensorFlow before {keras_from} is made for Keras 2 "
            f"and `tf.keras` breaks with Keras 3. Pin the Keras of that TensorFlow (`keras<3`), or use "
            f"TensorFlow {keras_from} or later."
        )
    return (
        f"{label} installs Keras 2 next to {tensorflow}: from TensorFlow {keras_from} on, `tf.keras` is Keras 3. "
        "To keep Keras 2, install `tf-keras` (same minor as TensorFlow) and set `ENV TF_USE_LEGACY_KERAS=1`; "
        "otherwise let pip install the Keras 3 that TensorFlow requires."
    )
