"""TF304 gpu-check-at-build-time."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command
from tfimage_lint.shell.command import Word
from tfimage_lint.syntax.nodes import Heredoc, Instruction

#: TensorFlow calls that ask for GPU devices (not ``tf.test.is_built_with_cuda``: a fact of the build).
GPU_QUERY_RE = re.compile(
    r"\blist_(?:physical|logical)_devices\(\s*(?:device_type\s*=\s*)?[rbu]?['\"](?i:gpu)['\"]"
    r"|\bis_gpu_available\b|\bgpu_device_name\b|\blist_local_devices\b"
)
_PYTHON_RE = re.compile(r"^(?:python|pypy|ipython)(?:\d+(?:\.\d+)*)?$")
_HEREDOC_MARK = r"<<-?\s*(?P<q>['\"]?){name}(?P=q)"
_AT_RUN_TIME = "run the check when the container starts (entrypoint, health check or a test run with `--gpus all`)"


class GpuCheckAtBuildTime(Rule):
    """Do not check for GPUs while the image is built.

    ## What it does
    Reports a `RUN` command that calls `nvidia-smi`, or Python code that asks TensorFlow for
    GPU devices: `tf.config.list_physical_devices('GPU')` (and `list_logical_devices`,
    `experimental.` forms), `tf.test.is_gpu_available()`, `tf.test.gpu_device_name()`,
    `device_lib.list_local_devices()`. Python code is read from `python -c '...'` and from
    heredoc bodies fed to Python (`RUN python3 <<EOF`, a `#!/usr/bin/env python3` heredoc).
    The shell is parsed, so only a command named `nvidia-smi` counts (also `nvidia-smi || true`,
    `sudo nvidia-smi`, `sh -c 'nvidia-smi'`), not `echo "run nvidia-smi"` or
    `command -v nvidia-smi`. `ONBUILD RUN` checks are reported too: they run in the child's
    build. The finding points at the command, or at the TensorFlow call inside multi-line code.

    `tf.test.is_built_with_cuda()`, `tf.sysconfig.get_build_info()` and `nvcc --version` are
    facts of the installed build, not device checks, and are not reported. Scripts run from a
    file (`python check_gpu.py`) are not read.

    ## Why is this bad?
    `docker build` runs without GPUs (and without the NVIDIA driver): `nvidia-smi` fails the
    build, `|| true` turns it into a check that checks nothing, and TensorFlow answers that
    there is no GPU. A test that "passes" at build time says nothing about the machines the
    image will run on; one that fails blocks a correct image. TensorFlow's own Dockerfiles
    dropped their in-build GPU tests for this reason.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    RUN python -c "import tensorflow as tf; assert tf.config.list_physical_devices('GPU')"
    ```

    ```dockerfile
    FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04
    RUN nvidia-smi
    ```

    ## Use instead
    Check what the build can know, and test the GPU when the container runs
    (`docker run --gpus all IMAGE python -c "..."`).

    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    RUN python -c "import tensorflow as tf; assert tf.test.is_built_with_cuda()"
    ```
    """

    id = "TF304"
    name = "gpu-check-at-build-time"
    severity = Severity.WARNING
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            installs = ctx.stage_facts.installs(stage)
            commands = (*installs.commands, *installs.onbuild_commands)
            for command in commands:
                yield from self._command(ctx, command, commands)
            for ins in stage.instructions:
                run = ins.sub if ins.keyword == "onbuild" and ins.sub is not None else ins
                if run.keyword != "run":
                    continue
                for heredoc in run.heredocs:
                    if _python_heredoc(run, heredoc, commands):
                        found = _find(heredoc.content)
                        if found:
                            offset, call = found
                            line, column = _text_position(heredoc.content, offset, heredoc.start_line, 1)
                            yield self.finding(ctx, line, _python_message(call, run is not ins), column=column)

    def _command(self, ctx: RuleContext, command: Command, commands: tuple[Command, ...]) -> Iterator[Finding]:
        if command.name == "nvidia-smi":
            where = "in an ONBUILD RUN (it runs in the child image's build)" if command.onbuild else "in a RUN"
            yield self.finding(
                ctx,
                command.line,
                f"nvidia-smi is called at build time {where}: `docker build` has no GPU and no NVIDIA driver, "
                f"so it fails the build, or proves nothing behind `|| true`; {_AT_RUN_TIME}",
                column=command.column,
            )
            return
        if not _PYTHON_RE.match(command.name):
            return
        code = _inline_code(command)
        if code is None:
            return
        found = _find(code.text)
        if found is None:
            return
        offset, call = found
        line, column = _word_position(command.instruction, code, offset, call)
        yield self.finding(ctx, line, _python_message(call, command.onbuild), column=column)


def _python_message(call: str, onbuild: bool) -> str:
    where = "in an ONBUILD RUN (it runs in the child image's build)" if onbuild else "at build time"
    return (
        f"`{call}` asks TensorFlow for GPUs {where}: `docker build` has no GPU, so the answer is "
        f"'no GPU' (an assert fails the build, a print bakes nothing useful); {_AT_RUN_TIME}"
    )


def _find(code: str) -> tuple[int, str] | None:
    match = GPU_QUERY_RE.search(code)
    if match is None:
        return None
    text = match.group(0)
    call = text if "(" in text else text + "()"
    if call.startswith("list_") and not call.endswith(")"):
        call += ")"
    return match.start(), call


def _inline_code(command: Command) -> Word | None:
    """The word after ``-c`` of a Python command (options before it only)."""
    args = command.args
    for index, word in enumerate(args):
        if word.text == "-c":
            return args[index + 1] if index + 1 < len(args) else None
        if not word.text.startswith("-") or word.text == "-":
            return None
    return None


def _python_heredoc(run: Instruction, heredoc: Heredoc, commands: tuple[Command, ...]) -> bool:
    """The heredoc is the standard input of a Python command, or a Python script (shebang)."""
    match = re.search(_HEREDOC_MARK.format(name=re.escape(heredoc.name)), run.original)
    own = [command for command in commands if command.instruction is run]
    if match is not None:
        line, column = run.locate(match.start())
        before = [c for c in own if c.line == line and c.column < column and c.words]
        if before:
            return bool(_PYTHON_RE.match(max(before, key=lambda c: c.column).name))
    first = heredoc.content.lstrip("\n").split("\n", 1)[0]
    return first.startswith("#!") and "python" in first


def _text_position(text: str, offset: int, line: int, column: int) -> tuple[int, int]:
    """(line, column) of ``offset`` in ``text`` that starts at ``line``/``column``."""
    newlines = text.count("\n", 0, offset)
    if newlines == 0:
        return line, column + offset
    return line + newlines, offset - text.rfind("\n", 0, offset)


def _word_position(ins: Instruction, word: Word, offset: int, call: str) -> tuple[int, int]:
    """Where the call at ``offset`` of ``word``'s text is written in the Dockerfile."""
    if word.line in ins.instruction_lines:
        for segment in ins.segments:
            if segment.line == word.line:
                start = segment.offset + max(0, word.column - 1 - segment.column)
                name = call.split("(", 1)[0]
                index = ins.original.find(name, start)
                if index >= 0:
                    return ins.locate(index)
                break
        return word.line, word.column
    quote = 1 if word.raw[:1] in ("'", '"') else 0
    return _text_position(word.text, offset, word.line, word.column + quote)
