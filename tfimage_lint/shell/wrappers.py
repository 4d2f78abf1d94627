"""Commands that run another command (``sudo``, ``env``, ``xargs``, ``conda run``...): find the inner one."""

from __future__ import annotations

import re

from tfimage_lint.shell.command import Word

_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")

#: wrapper -> (options that take a value, positional words before the command)
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (frozenset({"-u", "-g", "-h", "-p", "-U", "-C", "-D", "-r", "-t", "-T", "--user", "--group",
                        "--host", "--prompt", "--chdir", "--role", "--type", "--close-from"}), 0),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), 0),
    "xargs": (frozenset({"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a", "--max-args", "--max-procs",
                         "--delimiter", "--arg-file", "--replace", "--max-lines", "--eof"}), 0),
    "nohup": (frozenset(), 0),
    "exec": (frozenset({"-a"}), 0),
    "time": (frozenset({"-f", "-o", "--format", "--output"}), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "-n", "-p", "--class", "--classdata"}), 0),
    "timeout": (frozenset({"-s", "-k", "--signal", "--kill-after"}), 1),
    "stdbuf": (frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}), 0),
    "fakeroot": (frozenset(), 0),
    "eatmydata": (frozenset(), 0),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
    "tini": (frozenset({"-s", "-p", "-e"}), 0),
}  # fmt: skip
#: ``<tool> run`` wrappers and their options that take a value.
_RUNNERS: dict[str, frozenset[str]] = {
    "conda": frozenset({"-n", "--name", "-p", "--prefix", "--cwd"}),
    "mamba": frozenset({"-n", "--name", "-p", "--prefix", "--cwd"}),
    "micromamba": frozenset({"-n", "--name", "-p", "--prefix", "-r", "--root-prefix", "-a", "--attach", "--cwd"}),
    "poetry": frozenset({"-C", "--directory", "-P", "--project"}),
    "pipenv": frozenset(),
    "uv": frozenset({"--with", "--python", "-p", "--project", "--directory", "--env-file", "--extra", "--group",
                     "--package", "--index", "--index-url", "--extra-index-url", "--with-requirements"}),
}  # fmt: skip


def basename(word: Word) -> str:
    """A command word's name without its directory."""
    return word.text.rsplit("/", 1)[-1]


def unwrap(words: tuple[Word, ...]) -> tuple[tuple[Word, ...], tuple[str, ...]]:
    """The inner command's words and the words of the wrappers removed in front of it."""
    removed: list[str] = []
    while words:
        name = basename(words[0])
        if name == "command" and len(words) > 1 and words[1].text in ("-v", "-V"):
            break
        if name in _WRAPPERS or name == "command":
            with_value, positionals = _WRAPPERS.get(name, (frozenset({"-p"}), 0))
            rest = _skip_options(words[1:], with_value, allow_assignments=name in ("sudo", "env"))
            rest = rest[positionals:] if len(rest) > positionals else ()
        elif name in _RUNNERS and len(words) > 1 and words[1].text == "run":
            rest = _skip_options(words[2:], _RUNNERS[name], allow_assignments=False)
        else:
            break
        removed.extend(word.text for word in words[: len(words) - len(rest)])
        words = rest
    return words, tuple(removed)


def _skip_options(words: tuple[Word, ...], with_value: frozenset[str], *, allow_assignments: bool) -> tuple[Word, ...]:
    """Drop leading options (and ``NAME=value`` words where allowed); stop at ``--``."""
    index = 0
    while index < len(words):
        text = words[index].text
        if text == "--":
            return words[index + 1 :]
        if text.startswith("-") and len(text) > 1:
            index += 2 if text in with_value else 1
        elif allow_assignments and _ASSIGNMENT_RE.match(text):
            index += 1
        else:
            break
    return words[index:]
