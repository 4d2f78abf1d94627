"""Recognise conda, mamba and micromamba install/create/update/remove commands."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfimage_lint.packages.requirement import canonical_name
from tfimage_lint.shell.command import Command, Word

_MANAGERS = frozenset({"conda", "mamba", "micromamba"})
_ACTIONS = {"install": "install", "create": "install", "update": "update", "upgrade": "update",
            "remove": "remove", "uninstall": "remove"}  # fmt: skip
_OPTIONS_WITH_VALUE = frozenset({"-n", "--name", "-p", "--prefix", "-c", "--channel", "--file", "-f",
    "--override-channels-x", "--repodata-fn", "--subdir", "--platform", "-r", "--root-prefix",
    "--strict-channel-priority-x", "--solver"})  # fmt: skip
_SPEC_RE = re.compile(r"^(?:(?P<channel>[^:\s]+)::)?(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<spec>[=<>!~].*)?$")


@dataclass(frozen=True, slots=True)
class CondaPackage:
    """A package spec: ``cudnn=8.9``, ``conda-forge::tensorflow>=2.15``."""

    name: str
    spec: str
    word: Word


@dataclass(frozen=True, slots=True)
class CondaCommand:
    """One conda-family command: manager, normalised action, package specs, files, options."""

    command: Command
    manager: str
    action: str
    packages: tuple[CondaPackage, ...]
    files: tuple[Word, ...]
    options: tuple[str, ...]


def parse_conda(command: Command) -> CondaCommand | None:
    """The conda command ``command`` runs, or None."""
    if not command.words or not command.words[0].known or command.name not in _MANAGERS:
        return None
    args = list(command.args)
    if args and args[0].text == "env":  # conda env create/update -f environment.yml
        args = args[1:]
    if not args or args[0].text not in _ACTIONS:
        return None
    action = _ACTIONS[args[0].text]
    options: list[str] = []
    packages: list[CondaPackage] = []
    files: list[Word] = []
    index = 1
    while index < len(args):
        word = args[index]
        text = word.text
        if text.startswith("-") and len(text) > 1:
            name, has_value, value = text.partition("=")
            if name in _OPTIONS_WITH_VALUE and not has_value and index + 1 < len(args):
                index += 1
                value, value_word = args[index].text, args[index]
            else:
                value_word = Word(value, word.raw, word.line, word.column, word.known)
            options.append(f"{name}={value}" if name in _OPTIONS_WITH_VALUE else name)
            if name in ("--file", "-f"):
                files.append(value_word)
        else:
            match = _SPEC_RE.match(text.strip("'\""))
            if match:
                packages.append(CondaPackage(canonical_name(match["name"]), (match["spec"] or "").strip(), word))
        index += 1
    return CondaCommand(command, command.name, action, tuple(packages), tuple(files), tuple(options))
