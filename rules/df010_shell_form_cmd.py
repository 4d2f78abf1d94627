"""DF010 shell-form-cmd."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.syntax.nodes import Instruction

#: Characters that make a shell-form command need a shell (operators, expansions, globs, redirections).
_SHELL_SYNTAX = re.compile(r"[$`|&;<>(){}*?\[\]~!#\\\n'\"]")
_MAX_SUGGESTION = 100
DEFAULT_SHELL = "/bin/sh -c"


def _almost_json(command: str) -> list[str] | None:
    """The words of a JSON-like array written with single quotes or a trailing comma, or None."""
    text = re.sub(r",\s*\]\s*$", "]", command.replace("'", '"'))
    try:
        words = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: brackets nested ~1000 deep
        return None
    if isinstance(words, list) and words and all(isinstance(word, str) for word in words):
        return words
    return None


def _suggestion(keyword: str, command: str) -> str:
    """A JSON-form rewrite of a plain command (no shell syntax) or of almost-JSON, or ``""``."""
    if command.startswith("["):
        words = _almost_json(command)
    elif _SHELL_SYNTAX.search(command):
        return ""
    else:
        try:
            words = shlex.split(command)
        except ValueError:
            return ""
        if words and words[0] == "exec":
            words = words[1:]
    if not words:
        return ""
    text = f"{keyword} {json.dumps(words)}"
    return text if len(text) <= _MAX_SUGGESTION else ""


def _starts_with_exec(command: str) -> bool:
    """True for ``exec cmd ...``: the shell replaces itself with the command, which then gets the signals."""
    return command.split(None, 1)[0] == "exec" if command.split() else False


def _message(ins: Instruction, onbuild: bool, shell: str) -> str:
    keyword = ins.keyword.upper()
    command = ins.rest.strip()
    where = "ONBUILD " if onbuild else ""
    if command.startswith("["):
        message = (
            f"{where}{keyword} looks like a JSON array but is not valid JSON (use double quotes), "
            f"so it runs in shell form under {shell}"
        )
    else:
        message = f"{where}{keyword} in shell form runs under {shell}"
    if _starts_with_exec(command):
        message += ": CMD and `docker run` arguments are ignored"
    else:
        message += ": the shell is PID 1 and does not pass on SIGTERM, so `docker stop` waits, then kills the process"
        if keyword == "ENTRYPOINT":
            message += ", and CMD and `docker run` arguments are ignored"
    suggestion = _suggestion(keyword, command) if shell == DEFAULT_SHELL else ""
    if suggestion:
        message += f"; use the JSON form, e.g. {suggestion}"
    elif keyword == "CMD" and not command.startswith("["):
        message += '; use the JSON form ["executable", "arg", ...], or start the command with `exec`'
    else:
        message += '; use the JSON form ["executable", "arg", ...]'
    return message


class ShellFormCmd(Rule):
    """Write `CMD` and `ENTRYPOINT` in JSON (exec) form.

    ## What it does
    Reports a `CMD` or `ENTRYPOINT` written in shell form (`CMD python serve.py`) instead of
    the JSON exec form (`CMD ["python", "serve.py"]`). An empty `CMD []` is JSON form. Text
    that looks like a JSON array but is not valid JSON (single quotes, a trailing comma) is
    shell form to BuildKit, and the message says so. An `ONBUILD CMD`/`ONBUILD ENTRYPOINT` in
    shell form is reported at the `ONBUILD` line, since it becomes the command of every image
    built on this one. When the command has no shell syntax, the message suggests the JSON form.
    A shell-form `CMD` that starts with `exec` (`CMD exec gunicorn app:app --bind :$PORT`) is
    not reported: the shell replaces itself with the command, which then receives the
    signals; a shell-form `ENTRYPOINT exec ...` still is, since it ignores `CMD` and the
    arguments given to `docker run`.

    Differences from hadolint DL3025: hadolint also reports `HEALTHCHECK CMD` in shell form,
    where the shell does no harm (the check is a short-lived process, not PID 1); this rule
    does not. hadolint ignores `ONBUILD CMD`; this rule reports it. hadolint reports
    `CMD exec ...`; this rule does not.

    ## Why is this bad?
    In shell form the command runs as `/bin/sh -c "..."`: the shell becomes PID 1 and does
    not forward signals, so `docker stop` and Kubernetes wait for the grace period and then
    kill the training or serving process without a chance to save state or drain requests.
    A shell-form `ENTRYPOINT` also ignores `CMD` and the arguments given to `docker run`.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    CMD python serve.py --port 8500
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    CMD ["python", "serve.py", "--port", "8500"]
    ```
    """

    id = "DF010"
    name = "shell-form-cmd"
    severity = Severity.WARNING
    families = frozenset()
    see_also = ("hadolint DL3025",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            shell = DEFAULT_SHELL
            for ins in stage.instructions:
                if ins.keyword == "shell" and ins.is_json and ins.args:
                    shell = " ".join(ins.args)
                target, onbuild = (ins.sub, True) if ins.keyword == "onbuild" else (ins, False)
                if target is None or target.keyword not in ("cmd", "entrypoint"):
                    continue
                command = target.rest.strip()
                if target.is_json or not command:
                    continue
                if target.keyword == "cmd" and _starts_with_exec(command):
                    continue  # `exec` makes the command PID 1: it gets the signals
                yield self.finding(ctx, ins, _message(target, onbuild, shell))
