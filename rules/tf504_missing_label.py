"""TF504 missing-label."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind, Dockerfile, Stage
from tfimage_lint.rule import Option, Rule, RuleContext
from tfimage_lint.syntax.nodes import Instruction
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

_SETTING = "require-labels"


@dataclass(frozen=True)
class Label:
    """A label the final image gets: key, value (None when it depends on a variable with no value), where."""

    key: str
    value: str | None
    instruction: Instruction
    line: int
    column: int


def expand(text: str, env: Mapping[str, str], escape: str) -> str | None:
    """``text`` expanded as BuildKit expands LABEL words; None when a variable in it has no value."""
    try:
        result = ShellLex(escape).process(text, env)
    except ShellError:
        return None
    for ref in result.references:
        named = ref.name[:1].isalpha() or ref.name[:1] == "_"
        if named and ref.name not in env and not ref.tolerates_unset:
            return None
    return result.result


def stage_chain(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """``stage`` and the stages it is built FROM, the root-most first."""
    chain: list[Stage] = []
    current: Stage | None = stage
    while current is not None and current not in chain:
        chain.append(current)
        base = current.base
        index = base.stage_index if base.kind is BaseKind.STAGE else None
        current = dockerfile.stages[index] if index is not None and 0 <= index < len(dockerfile.stages) else None
    return chain[::-1]


def final_labels(dockerfile: Dockerfile) -> dict[str, Label]:
    """The labels the last stage's image gets from LABEL instructions (its own and inherited), by key."""
    if not dockerfile.stages:
        return {}
    escape = dockerfile.syntax.escape_token
    labels: dict[str, Label] = {}
    for stage in stage_chain(dockerfile, dockerfile.stages[-1]):
        for position, ins in enumerate(stage.instructions):
            if ins.keyword != "label":
                continue
            env = stage.environment_at(position)
            text = ins.original
            cursor = max(text.rfind(ins.rest) if ins.rest else 0, 0)
            args = ins.args
            for index in range(0, len(args) - 2, 3):
                raw_key, raw_value = args[index], args[index + 1]
                found = text.find(raw_key, cursor)
                if found >= 0:
                    cursor = found + len(raw_key)
                line, column = ins.locate(found) if found >= 0 else (ins.start_line, 1)
                key = expand(raw_key, env, escape)
                if key is None:
                    continue  # a key that depends on a variable with no value: it names no known label
                labels[key] = Label(key, expand(raw_value, env, escape), ins, line, column)
    return labels


def _requirements(value: Any) -> dict[str, str | None]:
    """``require-labels`` read leniently: a mapping of key -> pattern (or None), or a list of keys."""
    if isinstance(value, Mapping):
        return {str(key): None if pattern is None else str(pattern) for key, pattern in value.items()}
    if isinstance(value, (list, tuple)):
        return {str(key): None for key in value}
    return {}


class MissingLabel(Rule):
    """Give the final image the labels your policy requires.

    ## What it does
    With the policy setting `require-labels` (label key -> a regular expression its value must
    fully match, or `null` for any non-empty value), reports each required label the final image
    lacks, at the last stage's `FROM`, and each required label whose value does not match, at
    the `LABEL` that sets it. Without the setting it reports nothing.

    The final image is the last stage of the file. Its labels come from `LABEL` instructions of
    that stage and of the stages it is built `FROM` (a later `LABEL` of the same key wins); keys
    and values are expanded with the stage's ARG and ENV values, as BuildKit does (pass
    `--build-arg` to give an ARG its value). A value that depends on a variable with no value is
    unknown: the label counts as present and its value is not judged. Labels of the external base
    image and labels added with `docker build --label` (as `docker/metadata-action` does) are not
    visible: a base image's `org.opencontainers.image.*` labels describe the base, not your
    image, so set the labels your policy requires in the Dockerfile. `ONBUILD LABEL` applies to
    images built from this one, not to it.

    ## Why is this bad?
    Platform tooling relies on labels: `org.opencontainers.image.source` links an image to its
    repository (GitHub Packages, scanners, provenance), `org.opencontainers.image.version` and
    owner labels route vulnerability reports. An image without them is an orphan nobody can trace
    back to the code and the team that built it.

    ## Example
    With `require-labels: {org.opencontainers.image.source: "https://github.com/.*"}`:

    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    LABEL org.opencontainers.image.title="trainer"
    ```

    ## Use instead
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    LABEL org.opencontainers.image.title="trainer" \\
          org.opencontainers.image.source="https://github.com/example/trainer"
    ```
    """

    id = "TF504"
    name = "missing-label"
    severity = Severity.WARNING
    families = frozenset()
    option_specs = MappingProxyType(
        {
            "require_labels": Option(
                dict[str, str | None],
                {},
                "labels the final image must have: key -> regular expression the value must fully match, or null",
            )
        }
    )
    example_options = MappingProxyType({"require_labels": {"org.opencontainers.image.source": "https://github.com/.*"}})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        required = _requirements(ctx.options.get("require_labels", {}))
        dockerfile = ctx.dockerfile
        if not required or not dockerfile.stages:
            return
        final = dockerfile.stages[-1]
        labels = final_labels(dockerfile)
        for key, pattern in required.items():
            label = labels.get(key)
            if label is None:
                wanted = f' (a value fully matching "{pattern}")' if pattern is not None else ""
                message = f"the final stage {final.label} has no label {key}{wanted}, which {_SETTING} requires"
                yield self.finding(ctx, final.from_instruction, message)
                continue
            if label.value is None:
                continue  # depends on a variable with no value: present, not judged
            if pattern is None:
                if label.value == "":
                    message = f"the label {key} is empty; {_SETTING} requires a value"
                    yield self.finding(ctx, label.line, message, column=label.column)
                continue
            try:
                matches = re.fullmatch(pattern, label.value) is not None
            except re.error:
                continue  # an invalid pattern is a configuration error, reported by the configuration loader
            if not matches:
                message = f'the label {key}="{label.value}" does not fully match "{pattern}", which {_SETTING} requires'
                yield self.finding(ctx, label.line, message, column=label.column)
