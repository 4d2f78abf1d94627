"""Recognise pip (and ``uv pip``) commands and read their options and requirements."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfimage_lint.packages.requirement import Requirement, parse_requirement
from tfimage_lint.shell.command import Command, Word

_PIP_RE = re.compile(r"^pip(?:\d+(?:\.\d+)?)?$")
_PYTHON_RE = re.compile(r"^(?:python|pypy)(?P<version>\d+(?:\.\d+)?)?$")
_PYTHON_OPTIONS_WITH_VALUE = frozenset({"-W", "-X", "-Q"})
_PIP_RUNNER_OPTIONS_WITH_VALUE = frozenset({"--cache-dir", "--log", "--proxy", "--retries", "--timeout",
    "--exists-action", "--trusted-host", "--cert", "--client-cert", "--python", "--log-file",
    "--keyring-provider", "--use-feature", "--use-deprecated", "--root-user-action"})  # fmt: skip
_OPTIONS_WITH_VALUE = frozenset({"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
    "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
    "--platform", "--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy",
    "--progress-bar", "--no-binary", "--only-binary", "--global-option", "--install-option",
    "--config-settings", "-C", "--report", "--index", "--default-index", "--extra", "--group", "-p",
    "--override", "--excludes", "--exclude-newer", "--resolution", "--index-strategy", "-d", "--dest",
    "-w", "--wheel-dir", "--build-constraint", "-b", "--build", "--torch-backend",
    *_PIP_RUNNER_OPTIONS_WITH_VALUE})  # fmt: skip
_SHORT_WITH_VALUE = frozenset("rceiftCpdwb")
_SHORT_FLAGS = {"U": "--upgrade", "I": "--ignore-installed", "y": "--yes", "q": "--quiet", "v": "--verbose"}
_TRUE_VALUES = ("1", "true", "yes", "on")


@dataclass(frozen=True, slots=True)
class PipCommand:
    """A pip invocation: what it does, what it names, and the options that matter to rules.

    ``requirements`` are those named on the command line (requirement files are followed by
    the stage analysis); ``options`` holds every long option seen (short flags spelled out).
    ``python`` is the interpreter version the pip belongs to when the command names one
    (``pip3.11``, ``python3.10 -m pip``).
    """

    command: Command
    tool: str
    action: str
    requirements: tuple[Requirement, ...]
    requirement_files: tuple[Word, ...]
    constraint_files: tuple[Word, ...]
    options: frozenset[str]
    index_urls: tuple[Word, ...]
    python: str | None

    @property
    def is_install(self) -> bool:
        """``install`` (not ``download``/``wheel``, which put nothing into the environment)."""
        return self.action == "install"

    @property
    def is_uninstall(self) -> bool:
        """``uninstall``."""
        return self.action == "uninstall"

    @property
    def upgrade(self) -> bool:
        """``-U``/``--upgrade`` (or ``uv pip install --upgrade``)."""
        return "--upgrade" in self.options or "--upgrade-package" in self.options

    @property
    def force_reinstall(self) -> bool:
        """``--force-reinstall`` or ``--ignore-installed`` (both put a fresh copy in place)."""
        return (
            "--force-reinstall" in self.options or "--ignore-installed" in self.options or "--reinstall" in self.options
        )

    @property
    def no_deps(self) -> bool:
        """``--no-deps``."""
        return "--no-deps" in self.options

    @property
    def no_cache_dir(self) -> bool:
        """``--no-cache-dir`` on the command, or ``PIP_NO_CACHE_DIR`` set on it (``uv``: ``--no-cache``)."""
        if "--no-cache-dir" in self.options or "--no-cache" in self.options:
            return True
        return any(name == "PIP_NO_CACHE_DIR" and (value or "").lower() in (*_TRUE_VALUES, "0", "false", "off", "no")
                   for name, value in self.command.assignments)  # fmt: skip


def parse_pip(command: Command) -> PipCommand | None:
    """The pip command ``command`` runs, or None when it is not pip."""
    words = command.words
    start = _subcommand_index(words)
    if start is None:
        return None
    tool = "uv" if words and words[0].text.rsplit("/", 1)[-1] == "uv" else "pip"
    python = _python_version(words)
    action = words[start].text if start < len(words) else ""
    return _read_arguments(command, tool, action, words[start + 1 :], python)


def _subcommand_index(words: tuple[Word, ...]) -> int | None:
    """Index of the pip subcommand word (``install``...), or None when not a pip command."""
    if not words or not words[0].known:
        return None
    name = words[0].text.rsplit("/", 1)[-1]
    if _PIP_RE.match(name):
        return _skip_runner_options(words, 1)
    if name == "uv" and len(words) > 1 and words[1].text == "pip":
        return _skip_runner_options(words, 2)
    if _PYTHON_RE.match(name):
        index = 1
        while index < len(words):
            text = words[index].text
            if text in ("-m", "-mpip") or (text.startswith("-m") and text[2:] in ("pip", "pip3")):
                module = text[2:] if len(text) > 2 else (words[index + 1].text if index + 1 < len(words) else "")
                if module not in ("pip", "pip3"):
                    return None
                return _skip_runner_options(words, index + (1 if len(text) > 2 else 2))
            if not text.startswith("-"):
                return None
            index += 2 if text in _PYTHON_OPTIONS_WITH_VALUE else 1
    return None


def _skip_runner_options(words: tuple[Word, ...], index: int) -> int:
    """Skip pip's general options written before the subcommand (``pip -q install``)."""
    while index < len(words) and words[index].text.startswith("-"):
        index += 2 if words[index].text in _PIP_RUNNER_OPTIONS_WITH_VALUE else 1
    return index


def _python_version(words: tuple[Word, ...]) -> str | None:
    name = words[0].text.rsplit("/", 1)[-1]
    match = _PYTHON_RE.match(name) or re.match(r"^pip(?P<version>\d+\.\d+)$", name)
    version = match.group("version") if match else None
    return version if version and "." in version else None


def _read_arguments(command: Command, tool: str, action: str, args: tuple[Word, ...], python: str | None) -> PipCommand:
    options: set[str] = set()
    requirements: list[Requirement] = []
    files: dict[str, list[Word]] = {"-r": [], "-c": [], "-i": []}
    leading = command.words[: len(command.words) - len(args)]
    pip_word = max(
        (index for index, word in enumerate(leading) if _PIP_RE.match(word.text.rsplit("/", 1)[-1]) or word.text in
         ("-mpip", "-mpip3")), default=0,
    )  # fmt: skip
    for word in leading[pip_word + 1 :]:  # general options before the subcommand count too
        if word.text.startswith("--"):
            options.add(word.text.split("=", 1)[0])
        elif word.text.startswith("-") and len(word.text) > 1 and word.text[1:].isalpha() and word.known:
            options.update(_SHORT_FLAGS.get(letter, f"-{letter}") for letter in word.text[1:])
    index = 0
    while index < len(args):
        word = args[index]
        text = word.text
        if text == "--":
            index += 1
            continue
        if text.startswith("--"):
            name, has_value, value = text.partition("=")
            options.add(name)
            if name in _OPTIONS_WITH_VALUE and not has_value:
                index += 1
                value_word = args[index] if index < len(args) else None
            else:
                value_word = Word(value, word.raw, word.line, word.column, word.known) if has_value else None
            _take_value(name, value_word, files, requirements)
        elif text.startswith("-") and len(text) > 1:
            index = _short_options(args, index, options, files, requirements)
        elif word.text or not word.known:
            requirements.append(_requirement(word))
        index += 1
    return PipCommand(
        command, tool, action, tuple(requirements), tuple(files["-r"]), tuple(files["-c"]),
        frozenset(options), tuple(files["-i"]), python,
    )  # fmt: skip


def _short_options(
    args: tuple[Word, ...], index: int, options: set[str], files: dict[str, list[Word]], requirements: list[Requirement]
) -> int:
    """A cluster of short options (``-qU``, ``-rreq.txt``, ``-r req.txt``); returns the last index used."""
    word = args[index]
    cluster = word.text[1:]
    for position, letter in enumerate(cluster):
        if letter in _SHORT_WITH_VALUE:
            attached = cluster[position + 1 :]
            if attached:
                value_word: Word | None = Word(attached.lstrip("="), word.raw, word.line, word.column, word.known)
            else:
                index += 1
                value_word = args[index] if index < len(args) else None
            options.add(f"-{letter}")
            _take_value(f"-{letter}", value_word, files, requirements)
            return index
        options.add(_SHORT_FLAGS.get(letter, f"-{letter}"))
    return index


def _take_value(name: str, value: Word | None, files: dict[str, list[Word]], requirements: list[Requirement]) -> None:
    if value is None:
        return
    if name in ("-r", "--requirement"):
        files["-r"].append(value)
    elif name in ("-c", "--constraint"):
        files["-c"].append(value)
    elif name in ("-e", "--editable"):
        requirements.append(_requirement(value, editable=True))
    elif name in ("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--index", "--default-index"):
        files["-i"].append(value)


def _requirement(word: Word, *, editable: bool = False) -> Requirement:
    return parse_requirement(word.text, editable=editable, known=word.known, line=word.line, column=word.column)
