"""A pip requirements file: its requirements, nested ``-r``/``-c`` files and options, with lines.

Follows pip's file format: ``\\`` line continuations, ``#`` comments (at the start or after
whitespace), ``-r``/``--requirement``, ``-c``/``--constraint``, ``-e``/``--editable``, per-line
``--hash`` options, ``${VAR}`` environment variables, and global options that are ignored here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tfimage_lint.packages.requirement import Requirement, parse_requirement

_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_ENV_RE = re.compile(r"\$\{([A-Z0-9_]+)\}")
_INCLUDE_RE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?<=^-r)|(?<=^-c))(.+)$")
_EDITABLE_RE = re.compile(r"^(-e|--editable)(?:\s*=\s*|\s+)(.+)$")
_PER_LINE_OPTION_RE = re.compile(r"\s+--(?:hash|config-settings|global-option|install-option)(?:=|\s+)\S+")


@dataclass(frozen=True, slots=True)
class Include:
    """A ``-r`` (``constraint`` False) or ``-c`` line: the path written and its line."""

    path: str
    line: int
    constraint: bool


@dataclass
class RequirementsFile:
    """What one file says; ``requirements`` carry ``file_line`` (``file`` is set by the caller)."""

    requirements: list[Requirement] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    options: list[tuple[str, int]] = field(default_factory=list)


def parse_requirements_text(text: str, env: Mapping[str, str] | None = None) -> RequirementsFile:
    """Parse the text of a requirements (or constraints) file."""
    env = env or {}
    result = RequirementsFile()
    for line_number, line in _logical_lines(text):
        line = _COMMENT_RE.sub("", line).strip()
        if not line:
            continue
        known = True

        def substitute(match: re.Match[str]) -> str:
            nonlocal known
            if match.group(1) in env:
                return env[match.group(1)]
            known = False
            return match.group(0)

        line = _ENV_RE.sub(substitute, line)
        include = _INCLUDE_RE.match(line)
        if include:
            result.includes.append(
                Include(include.group(2).strip(), line_number, include.group(1) in ("-c", "--constraint"))
            )
            continue
        editable = _EDITABLE_RE.match(line)
        if editable:
            requirement = parse_requirement(editable.group(2), editable=True, known=known)
        elif line.startswith("-"):
            result.options.append((line, line_number))
            continue
        else:
            requirement = parse_requirement(_PER_LINE_OPTION_RE.sub("", line), known=known)
        result.requirements.append(requirement.located(file_line=line_number))
    return result


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first physical line, joined text) with backslash continuations joined."""
    lines: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if line.endswith("\\") and not line.lstrip().startswith("#"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        lines.append((start, "".join(pending)))
        pending = []
    if pending:
        lines.append((start, "".join(pending)))
    return lines
