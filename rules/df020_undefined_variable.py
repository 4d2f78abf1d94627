"""DF020 undefined-variable."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext


class UndefinedVariable(Rule):
    """Flag variables that BuildKit expands but nothing defines.

    ## What it does
    Looks at the instructions BuildKit expands itself (`FROM`, `ARG`, `ENV`, `LABEL`, `COPY`,
    `ADD`, `EXPOSE`, `VOLUME`, `USER`, `WORKDIR`, `STOPSIGNAL`, and `RUN --mount`) and reports
    a `$NAME` or `${NAME}` with no `ARG` or `ENV` in scope that is not a predefined build arg.
    References with a fallback (`${NAME:-default}`, `${NAME:+x}`, `${NAME:?msg}`) are not reported.
    In a stage built on a registry image, names such images usually set (`PATH`, `HOME`,
    `LD_LIBRARY_PATH`, `CUDA_*`, `NVIDIA_*`, `PYTHON_*`, ...) are assumed to be defined,
    because the base image's environment cannot be seen offline.

    ## Why is this bad?
    BuildKit silently expands an undefined variable to an empty string. A global `ARG` is only
    visible in `FROM` lines unless the stage declares it again, so `ENV TF_VERSION=$TF_VERSION`
    after `FROM` quietly becomes `TF_VERSION=`, and a pinned TensorFlow or CUDA version is lost.

    ## Example
    ```dockerfile
    ARG TF_VERSION=2.15.0
    FROM python:3.11-slim
    ENV TF_PACKAGE=tensorflow==$TF_VERSION
    ```

    ## Use instead
    ```dockerfile
    ARG TF_VERSION=2.15.0
    FROM python:3.11-slim
    ARG TF_VERSION
    ENV TF_PACKAGE=tensorflow==$TF_VERSION
    ```
    """

    id = "DF020"
    name = "undefined-variable"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: set[tuple[int, str]] = set()
        for use in ctx.dockerfile.variable_uses:
            if use.defined_by is not None or use.tolerates_unset:
                continue
            key = (use.instruction.start_line, use.name)
            if key in seen:
                continue
            seen.add(key)
            in_from = use.instruction.keyword == "from"
            where = "in FROM (only global ARGs are visible there)" if in_from else "before this instruction"
            message = (
                f"${use.name} is not defined: no ARG or ENV declares it {where}; BuildKit expands it to an empty string"
            )
            if use.hint:
                message += f" ({use.hint})"
            yield self.finding(
                ctx,
                use.line,
                message,
                column=use.column,
                end_line=use.line,
                end_column=use.column + len(use.name) + 1,
            )
