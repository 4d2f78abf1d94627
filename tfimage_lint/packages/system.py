"""Recognise OS package managers: apt-get/apt/aptitude, yum/dnf/microdnf, apk."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfimage_lint.shell.command import Command, Word

_APT = frozenset({"apt-get", "apt", "aptitude"})
_RPM = frozenset({"yum", "dnf", "microdnf", "tdnf"})
_APK = frozenset({"apk"})
_OPTIONS_WITH_VALUE = {
    "apt": frozenset({"-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release",
                      "-a", "--host-architecture"}),
    "rpm": frozenset({"--enablerepo", "--disablerepo", "--setopt", "-x", "--exclude", "--releasever",
                      "--installroot", "--repo", "--repofrompath", "-c", "--config", "--nodocs-x"}),
    "apk": frozenset({"-X", "--repository", "-p", "--root", "--virtual", "-t", "--cache-dir", "--arch"}),
}  # fmt: skip
#: Actions normalised across managers.
_ACTIONS = {
    "install": "install", "reinstall": "install", "add": "install", "localinstall": "install",
    "remove": "remove", "purge": "remove", "erase": "remove", "del": "remove", "autoremove": "autoremove",
    "update": "update", "upgrade": "upgrade", "dist-upgrade": "upgrade", "full-upgrade": "upgrade",
    "safe-upgrade": "upgrade", "distro-sync": "upgrade", "clean": "clean", "makecache": "update",
}  # fmt: skip
_PIN_RE = re.compile(r"^(?P<name>[^=<>]+?)(?:(?P<op>=|<=|>=|<|>|-(?=\d))(?P<version>.+))?$")


@dataclass(frozen=True, slots=True)
class SystemPackage:
    """A package word: name, the version written (``libcudnn8=8.9.6.50-1+cuda12.2``), the word."""

    name: str
    version: str | None
    word: Word


@dataclass(frozen=True, slots=True)
class SystemCommand:
    """One OS package-manager command.

    ``manager`` is the program (``apt-get``, ``dnf``, ``apk``...), ``family`` one of ``apt``,
    ``rpm``, ``apk``; ``action`` the normalised subcommand (``install``, ``remove``, ``update``,
    ``upgrade``, ``clean``...) and ``subcommand`` as written; ``options`` every option word.
    """

    command: Command
    manager: str
    family: str
    action: str
    subcommand: str
    packages: tuple[SystemPackage, ...]
    options: tuple[str, ...]

    def has_option(self, *names: str) -> bool:
        """Whether any of ``names`` was given (``-y`` also matches inside ``-qy``)."""
        for option in self.options:
            if option in names or option.split("=", 1)[0] in names:
                return True
            short = option.startswith("-") and not option.startswith("--") and "=" not in option
            if short and any(len(name) == 2 and name[0] == "-" and name[1] in option[1:] for name in names):
                return True
        return False


def parse_system(command: Command) -> SystemCommand | None:
    """The OS package command ``command`` runs, or None."""
    if not command.words or not command.words[0].known:
        return None
    manager = command.name
    if manager in _APT:
        family = "apt"
    elif manager in _RPM:
        family = "rpm"
    elif manager in _APK:
        family = "apk"
    else:
        return None
    with_value = _OPTIONS_WITH_VALUE[family]
    options: list[str] = []
    positionals: list[Word] = []
    args = command.args
    index = 0
    while index < len(args):
        word = args[index]
        if word.text.startswith("-") and len(word.text) > 1:
            if word.text in with_value and index + 1 < len(args):
                options.append(f"{word.text}={args[index + 1].text}")
                index += 1
            else:
                options.append(word.text)
        else:
            positionals.append(word)
        index += 1
    if not positionals:
        return SystemCommand(command, manager, family, "", "", (), tuple(options))
    subcommand = positionals[0].text
    action = _ACTIONS.get(subcommand, subcommand)
    if family == "rpm" and subcommand == "update":
        action = "upgrade"  # yum/dnf update upgrades packages; makecache refreshes metadata
    packages = tuple(_package(word, family) for word in positionals[1:])
    return SystemCommand(command, manager, family, action, subcommand, packages, tuple(options))


def _package(word: Word, family: str) -> SystemPackage:
    text = word.text
    if text.startswith(("./", "../", "/")) or text.endswith((".deb", ".rpm")):  # a local package file
        name = text.rsplit("/", 1)[-1]
        stem = name.removesuffix(".deb").removesuffix(".rpm")
        if name.endswith(".deb"):
            parts = stem.split("_")
            return SystemPackage(parts[0], parts[1] if len(parts) > 1 else None, word)
        match = re.match(r"^(?P<name>.+?)-(?P<version>\d[^-]*-[^-]+?)(?:\.[^.]+)?$", stem)
        return SystemPackage(match["name"], match["version"], word) if match else SystemPackage(stem, None, word)
    if family == "apt":
        name, _, version = text.partition("=")
        return SystemPackage(name.split(":", 1)[0] if ":" in name and "/" not in name else name.split("/", 1)[0],
                             version or None, word)  # fmt: skip
    if family == "apk":
        match = _PIN_RE.match(text)
        if match and match["op"] and match["op"] != "-":
            return SystemPackage(match["name"], match["version"], word)
        return SystemPackage(text, None, word)
    return SystemPackage(text, None, word)
