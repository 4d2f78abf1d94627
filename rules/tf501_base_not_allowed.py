"""TF501 base-not-allowed, and helpers the other base-image policy rules (TF502, TF505) share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import Any

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseImage, BaseKind, Stage
from tfimage_lint.model.imageref import DEFAULT_REGISTRY, ImageRef
from tfimage_lint.rule import Option, Rule, RuleContext
from tfimage_lint.syntax.nodes import Instruction

_GLOB_CHARS = frozenset("*?[")
_DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


def option_list(value: Any) -> list[str]:
    """An option that should be a list of strings, read leniently (None: empty; one string: a list of one)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(item) for item in value if item is not None and str(item)]
    return []


@dataclass(frozen=True)
class Location:
    """Where a finding points: line, column and (exclusive) end column, when the word was found."""

    line: int
    column: int
    end_column: int | None = None


def word_location(ins: Instruction, written: str, prefix: str = "") -> Location:
    """Where ``written`` is: after the builder flags, or right after ``prefix`` (a flag) if given."""
    text = ins.original
    start = 0 if prefix else max(text.rfind(ins.rest) if ins.rest else 0, 0)
    index = text.find(prefix + written, start) if written else -1
    if index < 0:
        return Location(ins.start_line, 1)
    line, column = ins.locate(index + len(prefix))
    end_line, end = ins.locate(index + len(prefix) + len(written) - 1)
    return Location(line, column, end + 1 if end_line == line else None)


def base_location(stage: Stage) -> Location:
    """Where the image word of a stage's ``FROM`` is."""
    return word_location(stage.from_instruction, stage.base.written)


def describe_base(base: BaseImage) -> str:
    """``docker.io/library/python:3.11 (FROM python:${TAG})``: the normalised reference, and what is written."""
    image = base.image
    if image is None:
        return base.written
    return image.canonical if base.written == image.canonical else f"{image.canonical} (FROM {base.written})"


def unresolved_message(written: str, variables: Sequence[str], what: str) -> str:
    """The info message for a base that depends on variables without a value."""
    names = ", ".join(variables) if variables else "a variable"
    example = f"--build-arg {variables[0]}=..." if variables else "--build-arg"
    return (
        f"the image {written} cannot be checked against {what}: it depends on {names} with no value; "
        f"pass {example} (or set build-args in the configuration) to check it"
    )


def normalise_pattern(pattern: str) -> str:
    """Normalise a reference pattern like Docker normalises references.

    ``python:3.11*`` -> ``docker.io/library/python:3.11*``, ``tensorflow/tensorflow:*`` ->
    ``docker.io/tensorflow/tensorflow:*``, ``index.docker.io/x/y`` -> ``docker.io/x/y``. A
    pattern whose first component holds a wildcard (``*``, ``*/nvidia/*``) is used as written.
    """
    pattern = pattern.strip()
    first, slash, rest = pattern.partition("/")
    if not slash:
        first = _repository(pattern)  # ``python:3.11*``: the first component is the repository
    if not first or _GLOB_CHARS & set(first):
        return pattern
    if slash and ("." in first or ":" in first or first == "localhost" or first.lower() != first):
        registry = DEFAULT_REGISTRY if first.lower() in _DOCKER_HUB_ALIASES else first.lower()
        path = rest
    else:
        registry, path = DEFAULT_REGISTRY, pattern
    if registry == DEFAULT_REGISTRY:
        repository = _repository(path)
        if repository and "/" not in repository and not _GLOB_CHARS & set(repository):
            path = f"library/{path}"
    return f"{registry}/{path}"


def _repository(path: str) -> str:
    """``python:3.11*`` -> ``python``: the text before a tag or digest."""
    for mark in (":", "@"):
        path = path.split(mark, 1)[0]
    return path


def reference_forms(image: ImageRef) -> tuple[str, ...]:
    """The forms a pattern is matched against: name, ``name:tag``, ``name@digest``, ``name:tag@digest``."""
    name = f"{image.registry.lower()}/{image.repository}"  # host names are case-insensitive
    forms = [name]
    if image.effective_tag is not None:
        forms.append(f"{name}:{image.effective_tag}")
    if image.digest is not None:
        forms.append(f"{name}@{image.digest}")
    if image.effective_tag is not None and image.digest is not None:
        forms.append(f"{name}:{image.effective_tag}@{image.digest}")
    return tuple(forms)


def matching_pattern(image: ImageRef, patterns: Sequence[str]) -> str | None:
    """The first pattern (as written) that matches one of the reference's forms, else None."""
    forms = reference_forms(image)
    for pattern in patterns:
        normalised = normalise_pattern(pattern)
        if normalised and any(fnmatchcase(form, normalised) for form in forms):
            return pattern
    return None


def finding_at(
    rule: Rule, ctx: RuleContext, where: Location, message: str, severity: Severity | None = None
) -> Finding:
    """A finding of ``rule`` at a :class:`Location`."""
    return rule.finding(ctx, where.line, message, column=where.column, end_column=where.end_column, severity=severity)


class BaseNotAllowed(Rule):
    """Build only on the base images your policy allows.

    ## What it does
    With the policy settings `allowed-bases` and/or `denied-bases` (glob patterns), reports a
    `FROM` (after ARG substitution and `--build-arg`) whose image does not match any
    `allowed-bases` pattern, or matches a `denied-bases` pattern (denied wins over allowed). With
    neither setting it reports nothing.

    Patterns are matched (`fnmatch` style: `*` also matches `/`, `:` and `@`; case-sensitively,
    except the registry host) against the normalised reference, e.g.
    `docker.io/library/python:3.11-slim`. A reference is
    tried in four forms: the repository alone (`docker.io/library/python`), with its tag
    (`:latest` when none is written), with its digest, and with both. So a pattern without a tag
    (`nvcr.io/nvidia/tensorflow`) covers every tag and digest of a repository, an exact tag
    (`docker.io/library/python:3.11`) also covers that tag pinned by digest, and a digest-only
    reference matches only patterns without a tag or with its digest. Patterns are normalised
    like references: `python:3.11*` means `docker.io/library/python:3.11*`,
    `tensorflow/tensorflow:*` means `docker.io/tensorflow/tensorflow:*`, `index.docker.io/` is
    `docker.io/`; a pattern whose first component holds a wildcard (`*/nvidia/tensorflow:*`) is
    used as written.

    Only the stage whose `FROM` names the image is reported: a stage built `FROM` an earlier
    stage is judged there. `scratch` is never reported (nothing is pulled). A base that depends on
    an ARG with no value cannot be checked: it is reported as info, so the gap shows without
    failing the build; pass the value with `--build-arg` (or `build-args` in the configuration)
    to check it.

    ## Why is this bad?
    A platform team vets a short list of base images (patched, scanned, supported by its GPU
    fleet). An image outside that list, or one the team has banned (a `latest` tag, a deprecated
    framework image), brings a stack nobody has checked into production.

    ## Example
    With `allowed-bases: ["nvcr.io/nvidia/tensorflow:*"]` and
    `denied-bases: ["docker.io/tensorflow/tensorflow:latest*"]`:

    ```dockerfile
    FROM tensorflow/tensorflow:2.17.0-gpu
    ```

    ## Use instead
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    ```
    """

    id = "TF501"
    name = "base-not-allowed"
    severity = Severity.ERROR
    families = frozenset()
    option_specs = MappingProxyType(
        {
            "allowed_bases": Option(list[str], [], "glob patterns over the normalised reference a base must match"),
            "denied_bases": Option(list[str], [], "glob patterns over the normalised reference no base may match"),
        }
    )
    example_options = MappingProxyType(
        {
            "allowed_bases": ["nvcr.io/nvidia/tensorflow:*"],
            "denied_bases": ["docker.io/tensorflow/tensorflow:latest*"],
        }
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        allowed = option_list(ctx.options.get("allowed_bases", []))
        denied = option_list(ctx.options.get("denied_bases", []))
        if not allowed and not denied:
            return
        settings = " and ".join(name for name, value in (("allowed-bases", allowed), ("denied-bases", denied)) if value)
        for stage in ctx.dockerfile.stages:
            base = stage.base
            if base.kind is BaseKind.UNRESOLVED:
                message = unresolved_message(base.written, base.unresolved_variables, settings)
                yield finding_at(self, ctx, base_location(stage), message, Severity.INFO)
                continue
            if base.kind is not BaseKind.IMAGE or base.image is None:
                continue  # a stage (judged where its image is named), scratch, or an invalid reference
            hit = matching_pattern(base.image, denied)
            if hit is not None:
                message = f"base {describe_base(base)} matches the denied-bases pattern {hit!r}; use an allowed base"
                yield finding_at(self, ctx, base_location(stage), message)
            elif allowed and matching_pattern(base.image, allowed) is None:
                patterns = ", ".join(repr(pattern) for pattern in allowed)
                message = f"base {describe_base(base)} matches no allowed-bases pattern ({patterns})"
                yield finding_at(self, ctx, base_location(stage), message)
