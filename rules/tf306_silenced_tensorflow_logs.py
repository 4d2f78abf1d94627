"""TF306 silenced-tensorflow-logs."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.analysis.environment import EnvSetting, env_settings, shown
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext

VARIABLE = "TF_CPP_MIN_LOG_LEVEL"


class SilencedTensorflowLogs(Rule):
    """Do not bake a TensorFlow log level that hides why the GPU is missing.

    ## What it does
    Reports an `ENV` that sets `TF_CPP_MIN_LOG_LEVEL` to `3` (or higher) or to `2`, in any
    stage, at the line where the variable is written. Values `0` and `1`, values that are not
    a number and values that depend on a build argument with no value are not reported.
    `ARG TF_CPP_MIN_LOG_LEVEL` and `RUN TF_CPP_MIN_LOG_LEVEL=3 python ...` last only for the
    build and are not reported.

    TensorFlow's C++ logging drops messages below the level: `0` shows everything, `1` hides
    INFO, `2` hides INFO and WARNING, `3` hides INFO, WARNING and ERROR. The level is reported
    at `2` too because the messages that explain a missing GPU are warnings: `Could not load
    dynamic library 'libcudart.so.11.0'` and `Cannot dlopen some GPU libraries ... Skipping
    registering GPU devices...` are logged with `W`. Level `3` also hides errors such as
    `Loaded runtime CuDNN library: X but source was compiled with: Y`.

    ## Why is this bad?
    Those lines are the only explanation TensorFlow gives when it falls back to the CPU: a
    cuDNN or CUDA library that is missing or of the wrong version. With the level baked into
    the image, the GPU silently goes unused and the cause is hidden from whoever runs it.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    ENV TF_CPP_MIN_LOG_LEVEL=3
    ```

    ## Use instead
    Keep the default in the image and quieten the logs when running, if you must
    (`docker run -e TF_CPP_MIN_LOG_LEVEL=2 ...`).

    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    ENV TF_CPP_MIN_LOG_LEVEL=1
    ```
    """

    id = "TF306"
    name = "silenced-tensorflow-logs"
    severity = Severity.INFO
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            for setting in env_settings(ctx.dockerfile, stage):
                if setting.key != VARIABLE:
                    continue
                message = _message(setting)
                if message:
                    yield self.finding(ctx, setting.line, message, column=setting.column, end_column=setting.end_column)


def _message(setting: EnvSetting) -> str | None:
    value = (setting.value or "").strip()
    if not value.isdigit():
        return None
    level = int(value)
    if level >= 3:
        hidden = (
            "hides TensorFlow's warnings and errors, among them the `Could not load dynamic library` / "
            "`Cannot dlopen some GPU libraries` warnings and the cuDNN version-mismatch errors"
        )
    elif level == 2:
        hidden = (
            "hides TensorFlow's warnings, and the `Could not load dynamic library` / `Cannot dlopen some GPU "
            "libraries ... Skipping registering GPU devices` messages that explain a missing GPU are warnings"
        )
    else:
        return None
    return (
        f"ENV {shown(setting)} {hidden}: when TensorFlow falls back to the CPU nothing says why; "
        "leave it out of the image (or at 1) and set it at run time if needed"
    )
