"""TF201 tensorflow-reinstalled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tfimage_lint.analysis.installs import PipInstall, StageInstalls
from tfimage_lint.facts import StageFacts
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.kb import versions
from tfimage_lint.model.families import TENSORFLOW_FAMILIES, Family
from tfimage_lint.packages import CondaCommand, Requirement
from tfimage_lint.packages.tensorflow import is_tensorflow
from tfimage_lint.rule import Rule, RuleContext

#: Evidence strong enough to call an install a no-op.
_TRUSTED = ("verified", "inferred")
_NGC_MONTH_RE = re.compile(r"^(\d{2})\.(\d{2})(?:$|[-.])")
#: Packages whose dependencies can make pip pick another TensorFlow in the same resolution (see TF204).
_PULLS_TENSORFLOW = frozenset({"tensorflow-text", "tensorflow-io", "tensorflow-decision-forests",
    "tensorflow-recommenders", "tensorflow-serving-api", "tensorflow-transform", "tensorflow-data-validation",
    "tensorflow-model-analysis", "tfx", "tf-keras"})  # fmt: skip
#: Conda names of TensorFlow besides the pip distributions.
_CONDA_TENSORFLOW = frozenset({"tensorflow-base"})


#: (line where the base's TensorFlow was replaced, line where it was uninstalled), both None at first.
_State = tuple[int | None, int | None]


class TensorflowReinstalled(Rule):
    """Do not install TensorFlow again on an image that already ships it.

    ## What it does
    Reports a TensorFlow distribution (`tensorflow`, `tensorflow[and-cuda]`, `tensorflow-gpu`,
    `tensorflow-cpu`, `tensorflow-intel`, `intel-tensorflow`, `tensorflow-macos`, `tf-nightly*`...)
    installed by `pip`/`uv pip` (on the command line, or in a requirements file or a
    `pip install .` project that the linter could read) or by `conda`, in a stage whose base ships
    TensorFlow: an NGC `nvcr.io/nvidia/tensorflow` image, a Docker Hub `tensorflow/tensorflow`
    image, or a stage built `FROM` one of them. `pip uninstall`, `pip download` and `pip wheel`
    install nothing and are not reported. Once an install has replaced the base's TensorFlow,
    later TensorFlow installs in that stage (or in stages built on it) are not reported again.

    Severities:

    - error: pip replaces the base's TensorFlow: another distribution name, `--upgrade`,
      `--force-reinstall`, a version the base's does not satisfy, a URL or wheel file, or a
      version the linter cannot compare (the base's version unknown, or a variable with no value);
      a conda install (a second TensorFlow next to the base's).
    - warning: pip keeps the base's build because it already satisfies the requirement (an
      unpinned `tensorflow`, or a range the base's known version is in): the line is useless today,
      and becomes a replacement with `--upgrade`, a changed pin, or a dependency that wants
      another version; also an exact pin that matches a base version the knowledge base has only
      unverified.
    - info: an exact `==` pin equal to the base's version (known exactly), without `--upgrade`
      or `--force-reinstall`: a no-op. By PEP 440 NVIDIA's `2.17.0+nv25.02` satisfies
      `==2.17.0`.

    The base's distribution is `tensorflow` on NGC images. On Docker Hub images (per the knowledge
    base) GPU images ship `tensorflow` and CPU images `tensorflow-cpu` from about 2.4 on (taken as
    2.5 and later, and `latest*`); before 2.1 GPU images ship `tensorflow-gpu` and CPU images
    `tensorflow`; between them it cannot be told, and a matching install is then a warning.
    Installing another distribution puts a second copy over the same `tensorflow` package: an
    error. The `devel` and `custom-op` tags are build environments whose TensorFlow is unknown:
    not reported.

    An install followed by a `pip uninstall` of TensorFlow in the same stage (a pattern used to
    get TensorFlow's dependencies without TensorFlow) is still reported at the install's
    severity: pip removes the base's build when it installs the wheel, and the uninstall then
    removes the wheel too, so nothing is left of TensorFlow (unless a later step installs it). The
    message says so.

    ## Why is this bad?
    NGC images ship NVIDIA's own TensorFlow build (`X.Y.Z+nvYY.MM`) made for the container's
    CUDA, cuDNN, NCCL and TensorRT; Docker Hub images ship the TensorFlow their CUDA libraries
    were chosen for. Any requirement the bundled build does not satisfy makes pip swap in a PyPI
    wheel built against other CUDA/cuDNN versions: the GPU is silently lost, `model.fit` crashes,
    or Horovod/TF-TRT fail to import, and the image is much larger.

    ## Example
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3
    RUN pip install --no-cache-dir tensorflow==2.18.0
    ```

    ## Use instead
    Use the TensorFlow the image ships (or pick the image release that ships the version you
    need), and keep pip from replacing it with `--no-deps` or a constraints file that pins it.

    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3
    RUN pip install --no-cache-dir pandas
    ```
    """

    id = "TF201"
    name = "tensorflow-reinstalled"
    severity = Severity.ERROR
    families = frozenset({Family.NGC_TENSORFLOW.value, Family.DOCKERHUB_TENSORFLOW.value})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.stage_facts.stages:
            if facts.family not in TENSORFLOW_FAMILIES or _no_tensorflow_tag(facts):
                continue
            base = _base_of(ctx, facts)
            installs = ctx.stage_facts.installs(facts.stage)
            yield from self._check_stage(ctx, installs, base)

    def _check_stage(self, ctx: RuleContext, installs: StageInstalls, base: _Base) -> Iterator[Finding]:
        """Findings of the stage's own operations, after those of the stages it is built on.

        The state at the end of each earlier stage is kept (:meth:`StageInstalls.fold`), so a chain of
        stages (``FROM s1 AS s2``, ``FROM s2 AS s3``, ...) is walked once, not once per stage.
        """
        state: _State = (None, None)
        if installs.parent is not None:
            state = installs.parent.fold(("tf201", base), state, lambda st, stage: self._walk(ctx, stage, base, st)[1])
        yield from self._walk(ctx, installs, base, state)[0]

    def _walk(self, ctx: RuleContext, stage: StageInstalls, base: _Base, state: _State) -> tuple[list[Finding], _State]:
        """One stage's findings, and the state after it (see ``_State``)."""
        replaced, removed = state
        found: list[Finding] = []
        for operation in _operations(stage):
            if replaced is not None:
                break
            if isinstance(operation, CondaCommand):
                findings = self._conda(ctx, operation, base)
            elif operation.pip.is_uninstall:
                if removed is None and any(is_tensorflow(r.name) for r in operation.requirements):
                    removed = operation.command.line
                continue
            elif operation.pip.is_install:
                findings = self._pip(ctx, operation, base, removed, stage)
            else:
                continue
            for finding in findings:
                if finding.severity is Severity.ERROR:
                    replaced = finding.line
                found.append(finding)
        return found, (replaced, removed)

    def _pip(
        self, ctx: RuleContext, install: PipInstall, base: _Base, removed: int | None, stage: StageInstalls
    ) -> list[Finding]:
        pip = install.pip
        findings = []
        names = {requirement.name for requirement in install.requirements}
        companions = sorted(names & _PULLS_TENSORFLOW) if not pip.no_deps else []
        for requirement in install.requirements:
            if not is_tensorflow(requirement.name):
                continue
            if removed is not None:
                severity, reason = _replaces(base, f"the `pip uninstall` on line {removed} removed it first")
            else:
                severity, reason = _judge(requirement, pip.upgrade, pip.force_reinstall, base, companions)
            tool = "uv pip install" if pip.tool == "uv" else "pip install"
            source = f" (from {requirement.where})" if requirement.where else ""
            what = f"`{tool} {requirement.raw}`{source}"
            message = f"{what} {reason}"
            later = _later_uninstall(stage, install)
            if later is not None:
                message += (
                    f". The `pip uninstall` on line {later} then removes this wheel too, and the base's build does "
                    "not come back: nothing is left of TensorFlow unless a later step installs it again"
                    if severity is Severity.ERROR
                    else f". The `pip uninstall` on line {later} then removes the base's own build"
                )
            findings.append(
                self.finding(ctx, requirement.line, message, column=requirement.column,
                             end_column=_end_column(install, requirement), severity=severity)
            )  # fmt: skip
        return findings

    def _conda(self, ctx: RuleContext, command: CondaCommand, base: _Base) -> list[Finding]:
        if command.action not in ("install", "update"):
            return []
        findings = []
        for package in command.packages:
            if not (is_tensorflow(package.name) or package.name in _CONDA_TENSORFLOW):
                continue
            message = (
                f"`{command.manager} {command.action} {package.word.text}` puts conda's TensorFlow next to "
                f"{base.label()}; whichever Python comes first on PATH decides which one runs, and conda's is built "
                "against other CUDA/cuDNN libraries. Use the base's TensorFlow, or a base without TensorFlow"
            )
            findings.append(self.finding(ctx, package.word.line, message, column=package.word.column))
        return findings


@dataclass(frozen=True)
class _Base:
    """The TensorFlow the stage's root base ships, as far as the knowledge base knows it."""

    image: str
    family: Family
    value: str | None
    evidence: str
    #: The pip distribution name of the base's TensorFlow (None when it cannot be told).
    distribution: str | None
    #: NGC release ``YY.MM`` from the tag.
    month: str | None
    #: A GPU image (NGC images always are).
    gpu: bool = True

    @property
    def candidates(self) -> tuple[str, ...]:
        """The distribution names the base's TensorFlow may have."""
        if self.distribution is not None:
            return (self.distribution,)
        if self.image.split(":", 1)[-1].lower().startswith("nightly"):
            return ("tf-nightly", "tf-nightly-gpu", "tf-nightly-cpu")
        return ("tensorflow", "tensorflow-gpu", "tensorflow-cpu")

    @property
    def trusted(self) -> bool:
        """The version is backed by evidence strong enough to call an install a no-op."""
        return self.value is not None and self.evidence in _TRUSTED

    @property
    def exact(self) -> bool:
        """The version is known to the patch level (``2.17.0``, not ``2.17``)."""
        parsed = versions.parse(self.value) if self.value else None
        return parsed is not None and parsed[2] is not None

    def version_text(self) -> str:
        """``2.17.0+nv25.02`` / ``2.14.x+nv24.01`` / ``2.15.0``, or ``""`` when unknown."""
        if self.value is None:
            return ""
        public = versions.base(self.value)
        if versions.parse(public) is not None and not self.exact:
            public += ".x"
        if self.family is Family.NGC_TENSORFLOW and self.month:
            return f"{public}+nv{self.month}"
        return public

    def label(self) -> str:
        """What the base ships, for messages."""
        version = self.version_text()
        if self.value is None:
            note = "its TensorFlow version is unknown"
        else:
            note = "" if self.evidence == "verified" else f"version {self.evidence}"
        if self.family is Family.NGC_TENSORFLOW:
            if not version and self.month:
                version = f"+nv{self.month}"
            inside = "; ".join(part for part in (f"`{version}`" if version else "", note) if part)
            return f"NVIDIA's TensorFlow build ({inside}) in {self.image}"
        inside = "; ".join(part for part in (f"`{version}`" if version else "", note) if part)
        return f"the TensorFlow of {self.image} ({inside})"

    def satisfied_by(self, requirement: Requirement) -> bool | None:
        """Whether the base's version satisfies ``requirement`` (None when it cannot be told)."""
        if not requirement.valid or not requirement.known or requirement.url or requirement.path:
            return None
        if not requirement.specifier:
            return True
        if self.value is None or versions.parse(versions.base(self.value)) is None:
            return None
        if self.exact:
            return requirement.allows(self.value)
        minor = versions.minor(versions.base(self.value))
        pinned = requirement.pinned_version
        if pinned is not None:  # a minor-only base matches a pin of that minor or not at all
            return False if versions.minor(versions.base(pinned)) != minor else None
        results = {requirement.allows(f"{minor}.{patch}") for patch in (*range(10), 99)}
        return results.pop() if len(results) == 1 else None


def _base_of(ctx: RuleContext, facts: StageFacts) -> _Base:
    image = facts.image
    known = ctx.stage_facts.image_facts(facts.stage)
    fact = known.tensorflow if known is not None else None
    value = fact.value if fact is not None else None
    evidence = fact.evidence if fact is not None else "unknown"
    tag = image.tag if image is not None and image.tag else ""
    month = None
    if facts.family is Family.NGC_TENSORFLOW:
        found = _NGC_MONTH_RE.match(tag)
        month = f"{found.group(1)}.{found.group(2)}" if found else None
        distribution: str | None = "tensorflow"
    else:
        distribution = _dockerhub_distribution(value, tag.lower())
    name = (image.familiar_name + (f":{image.tag}" if image.tag else "")) if image is not None else "the base image"
    return _Base(name, facts.family, value, evidence, distribution, month, "gpu" in tag.lower())


def _dockerhub_distribution(value: str | None, tag: str) -> str | None:
    """The pip distribution a Docker Hub image ships, None when it cannot be told.

    Per the knowledge base (tensorflow/tensorflow PR #46774, 2021-01, TF ~2.4): since then GPU
    images install ``tensorflow`` and CPU images ``tensorflow-cpu``. Before 2.1 ``tensorflow`` had
    no GPU support, so GPU images shipped ``tensorflow-gpu`` and CPU ones ``tensorflow``. Between
    2.1 and 2.4, and for unknown versions, it cannot be told. ``latest``/``nightly`` tags point at
    current releases (not the frozen ``-py3`` ones).
    """
    gpu = "gpu" in tag
    if tag.startswith("latest") and not tag.endswith("-py3"):
        return "tensorflow" if gpu else "tensorflow-cpu"
    parsed = versions.parse(versions.base(value)) if value else None
    if parsed is None:
        return None
    if parsed[:2] >= (2, 5):
        return "tensorflow" if gpu else "tensorflow-cpu"
    if parsed[:2] < (2, 1):
        return "tensorflow-gpu" if gpu else "tensorflow"
    return None


def _no_tensorflow_tag(facts: StageFacts) -> bool:
    """Docker Hub build-environment tags (``devel``, ``custom-op``): whether TensorFlow is installed is unknown."""
    tag = (facts.image.tag or "").lower() if facts.image is not None else ""
    return facts.family is Family.DOCKERHUB_TENSORFLOW and ("devel" in tag or tag.startswith("custom-op"))


def _operations(stage: StageInstalls) -> list[PipInstall | CondaCommand]:
    """The stage's pip and conda operations in build order."""
    operations: list[PipInstall | CondaCommand] = [*stage.pip, *stage.conda]
    return sorted(operations, key=lambda op: (op.command.line, op.command.column))


def _end_column(install: PipInstall, requirement: Requirement) -> int | None:
    """End of the requirement's word on the command line (None for one read from a file)."""
    if requirement.file:
        return None
    for word in install.command.words:
        if word.line == requirement.line and word.column == requirement.column:
            return word.column + len(word.raw)
    return None


def _later_uninstall(stage: StageInstalls, install: PipInstall) -> int | None:
    """Line of a later ``pip uninstall`` of TensorFlow in the same stage."""
    start = (install.command.line, install.command.column)
    for other in stage.pip:
        later = other.pip.is_uninstall and (other.command.line, other.command.column) > start
        if later and any(is_tensorflow(requirement.name) for requirement in other.requirements):
            return other.command.line
    return None


def _judge(
    requirement: Requirement, upgrade: bool, force: bool, base: _Base, companions: list[str]
) -> tuple[Severity, str]:
    """Severity and message (after the install's description) for one TensorFlow requirement."""
    name = requirement.name
    if name not in base.candidates:
        installed = f"the `{base.distribution}` package" if base.distribution else "its package"
        if name == "tensorflow" and base.distribution == "tensorflow-gpu":
            installed += "; before 2.1 `tensorflow` has no GPU support"
        return _replaces(base, f"`{name}` is another distribution, installed over the files of {installed}")
    if upgrade or force:
        return _replaces(base, "--upgrade makes pip fetch a fresh wheel" if upgrade else "--force-reinstall")
    if requirement.url or requirement.path:
        return _replaces(base, "a wheel file or URL")
    if not requirement.known or not requirement.valid:
        return _replaces(base, "the requested version is unknown here: a variable with no value", certain=False)
    satisfied = base.satisfied_by(requirement)
    extra = ""
    if "and-cuda" in requirement.extras:
        extra = " (its `and-cuda` extra still adds CUDA/cuDNN wheels next to the base's: see TF202)"
    if satisfied and companions:
        return _replaces(base, f"{', '.join(companions)} in the same install can make pip pick another TensorFlow",
                         certain=False)  # fmt: skip
    if satisfied and base.distribution is None:
        return Severity.WARNING, (
            f"is a no-op only if {base.image} ships the `{name}` distribution (the distribution of Docker Hub images "
            f"changed over time: {', '.join(base.candidates)}); otherwise pip installs a second TensorFlow over the "
            f"files of {base.label()}. Remove it{extra}"
        )
    pinned = requirement.pinned_version
    if satisfied and pinned is not None:
        if base.exact and base.trusted:
            return Severity.INFO, (
                f"is a no-op: {base.label()} already satisfies `=={pinned}` (PEP 440) and there is no --upgrade or "
                f"--force-reinstall. Remove it: it becomes a replacement as soon as the pin changes{extra}"
            )
        return Severity.WARNING, (
            f"is a no-op only if the knowledge base is right about {base.label()}; otherwise pip replaces it with a "
            f"PyPI wheel. Remove it{extra}"
        )
    if satisfied and (not requirement.specifier or base.trusted):
        spec = f"`{requirement.specifier}`" if requirement.specifier else f"an unpinned `{name}`"
        return Severity.WARNING, (
            f"does nothing today: pip keeps {base.label()} because it already satisfies {spec}; with --upgrade, "
            f"another pin, or a dependency that needs another version, pip swaps in a PyPI wheel. Remove it{extra}"
        )
    if satisfied is False:
        reason = f"`{requirement.specifier}` excludes the base's version"
        return _replaces(base, reason if base.trusted else reason + ", if the knowledge base is right")
    return _replaces(
        base, f"the base's version is not known well enough to tell whether `{requirement.specifier}` keeps it",
        certain=False,
    )  # fmt: skip


def _replaces(base: _Base, reason: str, *, certain: bool = True) -> tuple[Severity, str]:
    """An error: what a replacement does on the base's family, why, and the fix."""
    verb = "replaces" if certain else "can replace"
    if base.family is Family.NGC_TENSORFLOW:
        what = f"{verb} {base.label()} with a PyPI wheel built against other CUDA/cuDNN versions"
    elif base.gpu:
        what = f"{verb} {base.label()}, the build the image's CUDA/cuDNN were chosen for, with another wheel"
    else:
        what = f"{verb} {base.label()} with another wheel"
    return Severity.ERROR, (
        f"{what} ({reason}). Use the base's TensorFlow (or a base release that ships the version you need) and keep "
        "pip from replacing it with --no-deps or a constraint that pins it"
    )
