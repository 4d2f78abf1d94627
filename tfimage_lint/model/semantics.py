"""Instruction-level errors BuildKit raises after parsing (``instructions/parse.go``).

These are failures a build would hit at once: unknown instructions and flags, wrong argument
counts, a non-JSON SHELL, an invalid stage name. They become DF000 findings.
"""

from __future__ import annotations

import re

from tfimage_lint.syntax.gotext import go_quote, trim_space
from tfimage_lint.syntax.line_parsers import KNOWN_KEYWORDS
from tfimage_lint.syntax.nodes import Instruction

ALLOWED_FLAGS: dict[str, frozenset[str]] = {
    "add": frozenset({"chown", "chmod", "link", "keep-git-dir", "checksum", "exclude", "unpack", "from"}),
    "copy": frozenset({"from", "chown", "chmod", "link", "parents", "exclude"}),
    "run": frozenset({"mount", "network", "security", "device"}),
    "from": frozenset({"platform"}),
    "healthcheck": frozenset({"interval", "timeout", "start-period", "start-interval", "retries"}),
}
_STAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9-_.]*$")
_ONE_ARG = ("user", "workdir", "stopsignal", "maintainer")
_AT_LEAST_ONE = ("expose", "volume", "arg", "env", "label", "shell")


def _flag_name(flag: str) -> str:
    return flag[2:].split("=", 1)[0]


def _flag_errors(ins: Instruction) -> list[str]:
    allowed = ALLOWED_FLAGS.get(ins.keyword, frozenset())
    errors = []
    for flag in ins.flags:
        name = _flag_name(flag)
        if name not in allowed:
            errors.append(f"unknown flag: --{name} is not valid on {ins.keyword.upper()}")
    return errors


def _unknown_instruction(ins: Instruction) -> str:
    message = f"unknown instruction: {ins.keyword_text or '(empty)'}"
    import difflib

    close = difflib.get_close_matches(ins.keyword, sorted(KNOWN_KEYWORDS), n=1, cutoff=0.6)
    if close:
        message += f" (did you mean {close[0].upper()}?)"
    return message


def _from_errors(ins: Instruction) -> list[str]:
    args = ins.args
    if len(args) not in (1, 3) or (len(args) == 3 and args[1].lower() != "as"):
        return ["FROM requires either one or three arguments: FROM <image> [AS <name>]"]
    if len(args) == 3 and not _STAGE_NAME_RE.match(args[2].lower()):
        return [f"invalid name for build stage: {args[2]!r}, name can't start with a number or contain symbols"]
    return []


def _argument_count_errors(ins: Instruction) -> list[str]:
    keyword = ins.keyword
    upper = keyword.upper()
    if keyword in _ONE_ARG and not ins.args:
        return [f"{upper} requires exactly one argument"]
    if keyword in _AT_LEAST_ONE and not ins.args:
        return [f"{upper} requires at least one argument"]
    if keyword in ("copy", "add") and len(ins.args) < 2:
        count = "one was" if ins.args else "none were"
        return [
            f"{upper} requires at least two arguments, but only {count} provided. Destination could not be determined."
        ]
    if keyword == "volume" and any(trim_space(arg) == "" for arg in ins.args):
        return ["VOLUME specified can not be an empty string"]
    if keyword == "shell" and ins.args and not ins.is_json:
        return ["SHELL requires the arguments to be in JSON form"]
    if keyword in ("env", "label"):
        names = ins.args[0::3]
        if any(name == "" for name in names):
            return [f"{upper} names can not be blank"]
    if keyword == "arg" and any(word.split("=", 1)[0] == "" for word in ins.args):
        return ["ARG names can not be blank"]
    return []


def _healthcheck_errors(ins: Instruction) -> list[str]:
    if not ins.args:
        return ["HEALTHCHECK requires at least one argument"]
    kind = ins.args[0].upper()
    if kind == "NONE":
        return ["HEALTHCHECK NONE takes no arguments"] if len(ins.args) > 1 else []
    if kind != "CMD":
        return [f"Unknown type {go_quote(ins.args[0])} in HEALTHCHECK (try CMD)"]
    if len(ins.args) < 2:
        return ["Missing command after HEALTHCHECK CMD"]
    return []


def _onbuild_errors(ins: Instruction) -> list[str]:
    sub = ins.sub
    if sub is None:
        return ["ONBUILD requires at least one argument"]
    if sub.keyword == "onbuild":
        return ["Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"]
    if sub.keyword in ("from", "maintainer"):
        return [f"{sub.keyword.upper()} isn't allowed as an ONBUILD trigger"]
    return instruction_errors(sub)


def instruction_errors(ins: Instruction) -> list[str]:
    """BuildKit's errors for one instruction, or an empty list."""
    if ins.keyword not in KNOWN_KEYWORDS:
        return [_unknown_instruction(ins)]
    errors = _flag_errors(ins)
    if ins.keyword == "from":
        errors += _from_errors(ins)
    elif ins.keyword == "healthcheck":
        errors += _healthcheck_errors(ins)
    elif ins.keyword == "onbuild":
        errors += _onbuild_errors(ins)
    else:
        errors += _argument_count_errors(ins)
    return errors
