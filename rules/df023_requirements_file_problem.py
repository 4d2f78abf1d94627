"""DF023 requirements-file-problem."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

from tfimage_lint.analysis.installs import PipInstall
from tfimage_lint.analysis.pip_files import MAX_INCLUDE_DEPTH, FollowedFile
from tfimage_lint.analysis.pip_requirements import (
    CYCLE,
    UNREADABLE,
    file_problem_kind,
    locate_followed,
    outermost_file,
)
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext


class RequirementsFileProblem(Rule):
    """A requirements or constraints file must not include itself, and must be a file the linter can read.

    ## What it does
    Follows the requirements (`-r`) and constraints (`-c`, `PIP_CONSTRAINT`) files of every
    `pip install` / `pip uninstall` (and `uv pip ...`) through the build context, with their
    nested `-r`/`-c` lines, and reports a file that:

    - **includes itself**, directly (`-r requirements.txt` inside `requirements.txt`) or through
      other files (`a.txt` includes `b.txt`, which includes `a.txt`): an **error** for pip, which
      stops with an error saying the file "recursively references itself" in the including file
      (pip 24.3 and later, pypa/pip#12877; older pips crash with a `RecursionError`,
      pypa/pip#12653). A file included from two places without a cycle (a diamond: `a.txt`
      includes `b.txt` and `c.txt`, both include `d.txt`) is fine and not reported (pip 24.3.0
      alone rejected it, fixed in 24.3.1, pypa/pip#13046). For `uv pip`, a **warning**: recent uv
      skips a file it has already read (astral-sh/uv#15657, astral-sh/uv#19777), older uv crashed
      with a stack overflow (astral-sh/uv#15650);
    - is nested more than 10 includes deep: a **warning**, the linter does not follow it (pip
      has no such limit) and its requirements were not checked;
    - exists in the build context but was not read by the linter: not a regular file (a FIFO,
      a device, a folder), larger than 1 MiB, a symbolic link that leads out of the build
      context, or a file that cannot be opened. A **warning** that says why: none of its
      requirements were checked by the other rules.

    The finding is at the pip command, on the word that names the file (or, for a nested file,
    the command-line file that leads to it), and names the including file and line. A file that
    is not in the build context at all is not reported here (on a TensorFlow base, TF204 reports
    installs whose content is unknown, these unread files included).

    ## Why is this bad?
    An include cycle makes `pip install` fail: the image does not build. Usually a
    `requirements.txt` and a `requirements-dev.txt` were made to include each other. A file the
    linter does not read hides its requirements from every other check (TensorFlow reinstalls,
    unpinned packages, CUDA stacks), and a FIFO or a folder where pip expects a file is a
    mistake in the build context.

    ## Example
    In a build context where `requirements.txt` includes `requirements-dev.txt`, which
    includes `requirements.txt` again:

    ```dockerfile
    FROM python:3.11-slim
    COPY requirements.txt requirements-dev.txt /app/
    RUN pip install --no-cache-dir -r /app/requirements-dev.txt
    ```

    ## Use instead
    Let only one file include the other: `requirements-dev.txt` includes `requirements.txt`,
    and `requirements.txt` includes nothing (here in the `fixed/` folder of the context).

    ```dockerfile
    FROM python:3.11-slim
    COPY fixed/requirements.txt fixed/requirements-dev.txt /app/
    RUN pip install --no-cache-dir -r /app/requirements-dev.txt
    ```
    """

    id = "DF023"
    name = "requirements-file-problem"
    severity = Severity.WARNING
    example_files = MappingProxyType(
        {
            "requirements.txt": "numpy==1.26.4\n-r requirements-dev.txt\n",
            "requirements-dev.txt": "-r requirements.txt\npytest==8.2.0\n",
            "fixed/requirements.txt": "numpy==1.26.4\n",
            "fixed/requirements-dev.txt": "-r requirements.txt\npytest==8.2.0\n",
        }
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            for install in ctx.stage_facts.installs(stage).pip:
                for followed in install.files:
                    kind = file_problem_kind(followed)
                    if kind is not None:
                        yield self._finding(ctx, install, followed, kind)

    def _finding(self, ctx: RuleContext, install: PipInstall, followed: FollowedFile, kind: str) -> Finding:
        line, column = locate_followed(install, outermost_file(install, followed))
        tool = f"{'uv pip' if install.pip.tool == 'uv' else 'pip'} {install.pip.action}"
        what = "constraints file" if followed.constraint else "requirements file"
        via = f" (included from {followed.via})" if followed.via else ""
        subject = f"`{tool}` reads the {what} `{followed.written}`{via}"
        severity = None
        if kind == CYCLE:
            fix = f" Remove the include at {followed.via} that closes the cycle" if followed.via else ""
            if install.pip.tool == "uv":
                message = (
                    f"{subject}: {followed.problem}. uv itself skips a file it has already read (older uv releases "
                    f"crash with a stack overflow).{fix}"
                )
            else:
                severity = Severity.ERROR
                message = f"{subject}: {followed.problem}.{fix}"
        elif kind == UNREADABLE:
            message = (
                f"{subject}, which the linter did not read from the build context ({followed.problem}): "
                "its requirements were not checked"
            )
        else:
            message = (
                f"{subject}: {followed.problem}, so its requirements (and those of the files it includes) were not "
                f"checked. pip has no such limit; flatten includes nested more than {MAX_INCLUDE_DEPTH} deep"
            )
        return self.finding(ctx, line, message, column=column, severity=severity)
