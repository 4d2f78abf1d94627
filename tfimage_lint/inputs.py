"""Turn command-line paths into Dockerfile contents: discovery, de-duplication, safe reading."""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tfimage_lint.discovery import find_dockerfiles
from tfimage_lint.syntax.parser import MAX_FILE_BYTES

STDIN = "-"
#: Open for reading without waiting on a FIFO or taking a terminal; binary on Windows.
READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class InputError(Exception):
    """A path that cannot be read, with a one-line reason."""


@dataclass
class Targets:
    """Files to lint, in order and without duplicates, plus the errors and warnings met finding them."""

    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def collect_targets(paths: Sequence[str]) -> Targets:
    """Expand directories, keep files as given, drop repeats of the same file (or of stdin)."""
    targets = Targets()
    seen: set[str] = set()

    def add(name: str, key: str) -> None:
        if key not in seen:
            seen.add(key)
            targets.files.append(name)

    for raw in paths:
        if raw == STDIN:
            add(raw, STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            walk_errors: list[OSError] = []
            found = list(find_dockerfiles(path, walk_errors.append))
            targets.errors.extend(f"{error.filename}: {error.strerror or error}" for error in walk_errors)
            if not found and not walk_errors:
                targets.warnings.append(f"no Dockerfile-like files under {raw}")
            for file in found:
                add(str(file), os.path.realpath(file))
        elif path.exists() or path.is_symlink():
            add(raw, os.path.realpath(raw))
        else:
            targets.errors.append(f"{raw}: no such file or directory")
    return targets


def _broken_link(target: str) -> str | None:
    """Where ``target`` points when it is a symbolic link to nothing (None otherwise)."""
    try:
        return os.readlink(target) if os.path.islink(target) else None
    except OSError:
        return None


def read_input(target: str) -> bytes:
    """The bytes of ``target`` (``-`` is standard input), at most ``MAX_FILE_BYTES + 1`` of them.

    Reading stops just past the size the parser accepts, so a huge file or device costs no memory.
    Only regular files are read: the check is made on the opened file (``O_NONBLOCK``, so opening
    a FIFO never waits for a writer), which a file swapped after discovery cannot get around.
    """
    if target == STDIN:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("-: standard input is closed")
        try:
            return stream.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise InputError(f"-: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.stat(target).st_mode):
            raise InputError(f"{target}: not a regular file")
        descriptor = os.open(target, READ_FLAGS)
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise InputError(f"{target}: not a regular file")
            return handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        link = _broken_link(target)
        if link is not None:
            raise InputError(f"{target}: broken symbolic link (to {link}, which does not exist)") from None
        raise InputError(f"{target}: no such file or directory") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{target}: symbolic link loop ({exc.strerror})") from None
        raise InputError(f"{target}: {exc.strerror or exc}") from None
