"""TF301 baked-device-selection."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.analysis.environment import EnvSetting, env_settings, shown
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext

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
