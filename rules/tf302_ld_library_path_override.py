"""TF302 ld-library-path-override."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.analysis.environment import EnvSetting, env_settings, shown, stage_env
from tfimage_lint.facts import StageFacts
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.families import Family
from tfimage_lint.rule import Rule, RuleContext

VARIABLE = "LD_LIBRARY_PATH"
#: What ``nvidia/cuda`` images (and the Docker Hub GPU images built on them) set.
NVIDIA_CUDA_PATHS = ("/usr/local/nvidia/lib", "/usr/local/nvidia/lib64")
_NGC = frozenset({Family.NGC_TENSORFLOW, Family.NGC_FRAMEWORK})


def _cuda_based(facts: StageFacts) -> bool:
    """The stage's root is ``nvidia/cuda`` or a Docker Hub TensorFlow GPU image (built on ``nvidia/cuda``)."""
    if facts.family is Family.NVIDIA_CUDA:
        return True
    tag = facts.image.tag if facts.image is not None else None
    return facts.family is Family.DOCKERHUB_TENSORFLOW and tag is not None and "gpu" in tag.lower()


class LdLibraryPathOverride(Rule):
    """Extend `LD_LIBRARY_PATH` on GPU images instead of replacing it.

    ## What it does
    On a stage whose base is a GPU image (`nvcr.io/nvidia/*`, `nvidia/cuda`, or a Docker Hub
    `tensorflow/tensorflow:*-gpu*` image, or a stage built on one), reports an `ENV` that sets
    `LD_LIBRARY_PATH` without keeping the previous value: a value that does not expand
    `$LD_LIBRARY_PATH`, `${LD_LIBRARY_PATH}` or a form such as `${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}`.
    A value in single quotes is not expanded by BuildKit, so `'/opt/lib:$LD_LIBRARY_PATH'` replaces
    it too. It is reported even when the Dockerfile never set the variable before: the base image
    did. On an `nvidia/cuda` based image, a value that lists the base's own
    `/usr/local/nvidia/lib` and `/usr/local/nvidia/lib64` is not reported. Stages on other bases
    (`python`, `ubuntu`, unknown images) are not checked: what their base sets is not known.

    ## Why is this bad?
    GPU images put the directories of the CUDA and driver libraries on `LD_LIBRARY_PATH`
    (`nvidia/cuda` sets `/usr/local/nvidia/lib:/usr/local/nvidia/lib64`; the Docker Hub GPU
    images add CUPTI; NGC images set their own list). Replacing the value drops them: the
    dynamic loader may then not find `libcuda.so.1`, or loads another copy of the CUDA/cuDNN
    libraries, and TensorFlow fails to load or registers no GPU. `RUN export LD_LIBRARY_PATH=...`
    lasts one command and is not reported.

    ## Example
    ```dockerfile
    FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04
    ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64
    ```

    ## Use instead
    Append the previous value; `${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}` adds nothing when the
    variable is unset, where a bare `:$LD_LIBRARY_PATH` would leave an empty entry that the
    loader reads as the current directory.

    ```dockerfile
    FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04
    ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}
    ```
    """

    id = "TF302"
    name = "ld-library-path-override"
    severity = Severity.WARNING
    families = frozenset(
        family.value
        for family in (Family.NGC_TENSORFLOW, Family.NGC_FRAMEWORK, Family.NVIDIA_CUDA, Family.DOCKERHUB_TENSORFLOW)
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        dockerfile = ctx.dockerfile
        for facts in ctx.stage_facts.stages:
            cuda_based = _cuda_based(facts)
            if not cuda_based and facts.family not in _NGC:
                continue
            stage = facts.stage
            parent = stage.base.stage_index
            earlier = stage_env(dockerfile, dockerfile.stages[parent]).get(VARIABLE) if parent is not None else None
            for setting in env_settings(dockerfile, stage):
                if setting.key != VARIABLE:
                    continue
                if not _drops(setting, cuda_based and earlier is None):
                    earlier = setting
                    continue
                yield self.finding(
                    ctx,
                    setting.line,
                    _message(setting, facts, cuda_based, earlier),
                    column=setting.column,
                    end_column=setting.end_column,
                )
                earlier = setting


def _drops(setting: EnvSetting, lists_base_paths_is_enough: bool) -> bool:
    """The setting replaces the previous value instead of extending it."""
    if VARIABLE in setting.references:
        return False
    if lists_base_paths_is_enough and setting.value is not None:
        parts = setting.value.split(":")
        if all(path in parts or path + "/" in parts for path in NVIDIA_CUDA_PATHS):
            return False
    return True


def _message(setting: EnvSetting, facts: StageFacts, cuda_based: bool, earlier: EnvSetting | None) -> str:
    if cuda_based:
        base = "/usr/local/nvidia/lib:/usr/local/nvidia/lib64 that nvidia/cuda images set"
        if facts.family is Family.DOCKERHUB_TENSORFLOW:
            base += " (and the CUDA/CUPTI paths the TensorFlow GPU image adds)"
    else:
        base = "the CUDA and driver library paths the NGC image sets"
    dropped = base
    if earlier is not None:
        dropped += f", and the value set on line {earlier.line}"
    quoted = ""
    if "$" + VARIABLE in setting.raw or "${" + VARIABLE in setting.raw:
        quoted = " (in single quotes `$LD_LIBRARY_PATH` is not expanded: it stays a literal string)"
    keep = "${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"
    fix = f"ENV LD_LIBRARY_PATH=/your/lib{keep}"
    if setting.value and setting.raw == setting.value and len(setting.raw) <= 60:
        fix = f"ENV LD_LIBRARY_PATH={setting.raw}{keep}"
    return (
        f"ENV {shown(setting)} replaces the library search path instead of extending it{quoted}: it drops "
        f"{dropped}, so the loader may not find libcuda.so.1 or may load other CUDA/cuDNN copies and "
        f"TensorFlow registers no GPU; keep the previous value: {fix}"
    )
