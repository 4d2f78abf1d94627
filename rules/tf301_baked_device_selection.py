"""TF301 baked-device-selection.

Also holds :func:`env_settings` / :func:`expand`, the reading of ``ENV`` instructions that the
TF30x rules share (what each ``KEY=value`` sets, the value after expansion, where the key is).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import Dockerfile, Stage
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.syntax.nodes import Instruction
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex


@dataclass(frozen=True, slots=True)
class EnvSetting:
    """One ``KEY=value`` of an ``ENV`` instruction.

    ``raw`` is the value as written, ``value`` the value after expansion with the ARG/ENV values
    known before the instruction (None when it depends on a variable with no known value, e.g.
    one only the base image sets), ``references`` the names of the variables ``raw`` expands.
    ``line``/``column`` (1-based) point at the key, on its physical line; ``end_column`` just after it.
    """

    instruction: Instruction
    position: int
    key: str
    raw: str
    value: str | None
    references: tuple[str, ...]
    line: int
    column: int
    end_column: int


def expand(raw: str, env: Mapping[str, str], escape: str = "\\") -> tuple[str | None, tuple[str, ...]]:
    """``raw`` expanded the way BuildKit expands ENV values: (value or None when unknown, referenced names)."""
    try:
        result = ShellLex(escape).process(raw, env)
    except ShellError:
        return None, ()
    names = tuple(dict.fromkeys(reference.name for reference in result.references))
    return (None if result.unmatched else result.result), names


def word_offsets(ins: Instruction, words: tuple[str, ...]) -> list[int | None]:
    """Offsets in ``ins.original`` of successive ``words`` of the instruction's arguments (None if not found)."""
    text = ins.original
    cursor = text.rfind(ins.rest) if ins.rest else len(text)
    cursor = max(cursor, 0)
    offsets: list[int | None] = []
    for word in words:
        index = text.find(word, cursor) if word else -1
        if index < 0:
            offsets.append(None)
            continue
        offsets.append(index)
        cursor = index + len(word)
    return offsets


def env_settings(dockerfile: Dockerfile, stage: Stage) -> Iterator[EnvSetting]:
    """Every ``KEY=value`` set by an ``ENV`` instruction of ``stage``, in order."""
    escape = dockerfile.syntax.escape_token
    for position, ins in enumerate(stage.instructions):
        if ins.keyword != "env" or len(ins.args) < 3:
            continue
        env = stage.environment_at(position)
        args = ins.args[: len(ins.args) - len(ins.args) % 3]
        offsets = word_offsets(ins, tuple(word for index, word in enumerate(args) if index % 3 != 2))
        for index in range(0, len(args), 3):
            key_raw, raw = args[index], args[index + 1]
            offset = offsets[(index // 3) * 2]
            line, column = ins.locate(offset) if offset is not None else (ins.start_line, 1)
            key, _ = expand(key_raw, env, escape)
            value, references = expand(raw, env, escape)
            end_column = column + len(key_raw)
            yield EnvSetting(ins, position, key or key_raw, raw, value, references, line, column, end_column)


def stage_env(dockerfile: Dockerfile, stage: Stage) -> dict[str, EnvSetting]:
    """The ENV settings in effect at the end of ``stage``: its own and those of the stages it is built on."""
    chain: list[Stage] = []
    current: Stage | None = stage
    seen: set[int] = set()
    while current is not None and current.index not in seen:
        seen.add(current.index)
        chain.append(current)
        parent = current.base.stage_index
        current = dockerfile.stages[parent] if parent is not None and parent < current.index else None
    settings: dict[str, EnvSetting] = {}
    for member in reversed(chain):
        for setting in env_settings(dockerfile, member):
            settings[setting.key] = setting
    return settings


def shown(setting: EnvSetting, limit: int = 60) -> str:
    """``KEY=value`` as written, shortened for a message."""
    raw = setting.raw if len(setting.raw) <= limit else setting.raw[: limit - 3] + "..."
    return f"{setting.key}={raw}"


_RENUMBERED = (
    "`docker run --gpus device=N` and Kubernetes device plugins expose the GPUs they give a container "
    "renumbered from 0, so a baked index names the wrong GPU or none"
)
_AT_RUN_TIME = "choose GPUs when the container runs (`--gpus`, `-e CUDA_VISIBLE_DEVICES=...`, the device plugin)"


class BakedDeviceSelection(Rule):
    """Do not bake the choice of GPUs into the image.

    ## What it does
    Reports an `ENV` that sets `CUDA_VISIBLE_DEVICES` (any value) or sets
    `NVIDIA_VISIBLE_DEVICES` to anything but `all`, in any stage. The finding points at the
    line where the variable is written, also inside a multi-line `ENV`. An
    `NVIDIA_VISIBLE_DEVICES` value that depends on a build argument with no value cannot be
    known and is not reported.

    Not reported, because nothing is baked into the image:

    * `ARG CUDA_VISIBLE_DEVICES=0`: build arguments do not persist in the image's environment;
    * `RUN CUDA_VISIBLE_DEVICES=0 python train.py`: a variable of one build-time command.

    ## Why is this bad?
    The GPUs a container gets are chosen when it runs: `docker run --gpus device=1` and the
    Kubernetes device plugin expose the chosen GPUs renumbered from 0. A baked
    `CUDA_VISIBLE_DEVICES=1` then names a GPU that does not exist in the container (TensorFlow
    sees no GPU and runs on the CPU) or the wrong one on another host; an empty value or `-1`
    hides every GPU. `NVIDIA_VISIBLE_DEVICES` tells the NVIDIA container runtime which GPUs to
    mount: `void` or an empty value disables GPU injection altogether, `none` mounts the driver
    but no GPU, and a list of indices pins the image to GPUs of one machine whenever the run
    command does not set the variable itself (plain `--runtime=nvidia`).

    ## Example
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    ENV CUDA_VISIBLE_DEVICES=0
    ```

    ```dockerfile
    FROM python:3.11-slim
    ENV NVIDIA_VISIBLE_DEVICES=void
    ```

    ## Use instead
    Keep `NVIDIA_VISIBLE_DEVICES=all` (what NVIDIA's images set) and select GPUs at run time:
    `docker run --gpus '"device=1"' ...` or `docker run -e CUDA_VISIBLE_DEVICES=1 ...`.

    ```dockerfile
    FROM python:3.11-slim
    ENV NVIDIA_VISIBLE_DEVICES=all
    ```
    """

    id = "TF301"
    name = "baked-device-selection"
    severity = Severity.WARNING
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            for setting in env_settings(ctx.dockerfile, stage):
                message = None
                if setting.key == "CUDA_VISIBLE_DEVICES":
                    message = _cuda_message(setting)
                elif setting.key == "NVIDIA_VISIBLE_DEVICES":
                    message = _nvidia_message(setting)
                if message:
                    yield self.finding(ctx, setting.line, message, column=setting.column, end_column=setting.end_column)


def _cuda_message(setting: EnvSetting) -> str:
    value = setting.value.strip() if setting.value is not None else None
    head = f"ENV {shown(setting)} bakes a GPU selection into the image"
    if value == "":
        effect = "an empty CUDA_VISIBLE_DEVICES hides every GPU from CUDA: TensorFlow runs on the CPU"
    elif value == "-1":
        effect = "CUDA_VISIBLE_DEVICES=-1 hides every GPU from CUDA: TensorFlow runs on the CPU"
    else:
        effect = _RENUMBERED + " (TensorFlow then sees no GPU and runs on the CPU)"
    return f"{head}: {effect}; {_AT_RUN_TIME}"


def _nvidia_message(setting: EnvSetting) -> str | None:
    if setting.value is None:
        return None
    value = setting.value.strip()
    if value == "all":
        return None
    head = f"ENV {shown(setting)} bakes a GPU selection into the image"
    if value in ("", "void"):
        effect = (
            "an empty or `void` NVIDIA_VISIBLE_DEVICES disables GPU injection: the NVIDIA runtime mounts "
            "no GPU and no driver library unless the run command sets the variable again"
        )
    elif value == "none":
        effect = "`none` mounts the NVIDIA driver but no GPU: TensorFlow sees no GPU"
    else:
        effect = (
            "the NVIDIA runtime mounts only these GPUs whenever the run command does not set the variable "
            "(plain `--runtime=nvidia`), so the image is pinned to GPUs of one machine"
        )
    return f"{head}: {effect}; keep NVIDIA_VISIBLE_DEVICES=all and {_AT_RUN_TIME}"
