"""The build context: files a Dockerfile's COPY/ADD may read, and nothing outside it.

:class:`DirectoryContext` reads a folder (``--context DIR``, by default the Dockerfile's).
Paths are context-relative; ``..`` escapes, absolute paths and symlinks that lead outside
the folder read as missing, as do files over :data:`MAX_FILE_BYTES` and anything that is not
a regular file (a FIFO, a device, a folder), which is never opened.
:meth:`DirectoryContext.unreadable_reason` says which of these kept a file from being read.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import stat
from typing import Protocol

MAX_FILE_BYTES = 1 << 20
#: Open for reading without waiting on a FIFO swapped in after the check, nor taking a terminal.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class BuildContext(Protocol):
    """What the analysis needs of a build context."""

    def read_text(self, path: str) -> str | None:
        """The text of a context-relative file, or None when it is not there (or not readable)."""

    def is_dir(self, path: str) -> bool:
        """Whether a context-relative path is a folder."""

    def glob(self, pattern: str) -> list[str]:
        """Context-relative files matching a COPY source pattern (one folder level)."""

    def label(self, path: str) -> str:
        """How to name a context-relative file in messages."""


def normalise(path: str) -> str | None:
    """A context-relative path in normal form (``.`` for the root), or None when it leaves the context.

    A leading ``/`` means the context root, as in COPY sources.
    """
    parts: list[str] = []
    for part in path.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) or "."


def _can_name_a_file(path: str) -> bool:
    """False for a path no file can have (a NUL, a lone surrogate): ``os`` calls would raise ValueError on it."""
    if "\x00" in path:
        return False
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        return False
    return True


class DirectoryContext:
    """A build context on disk."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)

    def _inside(self, path: str) -> str | None:
        relative = normalise(path)
        if relative is None or not _can_name_a_file(relative):
            return None
        full = os.path.realpath(os.path.join(self.root, relative))
        if full != self.root and not full.startswith(self.root + os.sep):
            return None
        return full

    def read_text(self, path: str) -> str | None:
        """Read a file of the context (None when missing, outside, not a regular file or too large).

        The type and size are checked before opening and again on the opened file, and at most
        ``MAX_FILE_BYTES + 1`` bytes are read, so a FIFO, a device or a growing file cannot hang
        the linter or fill its memory.
        """
        full = self._inside(path)
        if full is None:
            return None
        try:
            if not _small_regular_file(os.stat(full)):
                return None
            descriptor = os.open(full, _READ_FLAGS)
            with open(descriptor, "rb") as handle:
                if not _small_regular_file(os.fstat(descriptor)):
                    return None
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
        return None if len(data) > MAX_FILE_BYTES else data.decode("utf-8", errors="replace")

    def unreadable_reason(self, path: str) -> str | None:
        """Why :meth:`read_text` gives None for an existing path (None when it is simply not there)."""
        relative = normalise(path)
        if relative is None:
            return "it is outside the build context"
        if not _can_name_a_file(relative):
            return None
        if self._inside(relative) is None:
            return "it is a symbolic link that leads out of the build context, which is never followed"
        full = os.path.join(self.root, relative)
        try:
            info = os.stat(full)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return f"it cannot be read: {exc.strerror or exc}"
        if not stat.S_ISREG(info.st_mode):
            return "it is a folder" if stat.S_ISDIR(info.st_mode) else "it is not a regular file"
        if info.st_size > MAX_FILE_BYTES:
            return f"it is larger than {MAX_FILE_BYTES >> 20} MiB, the most the linter reads"
        try:
            os.close(os.open(full, _READ_FLAGS))
        except OSError as exc:
            return f"it cannot be read: {exc.strerror or exc}"
        return None

    def is_dir(self, path: str) -> bool:
        """Whether the path is a folder inside the context."""
        full = self._inside(path)
        return full is not None and os.path.isdir(full)

    def glob(self, pattern: str) -> list[str]:
        """Files of one folder matching the pattern's last part."""
        relative = normalise(pattern)
        if relative is None:
            return []
        folder, _, name = relative.rpartition("/")
        full = self._inside(folder or ".")
        if full is None or not name:
            return []
        try:
            entries = sorted(os.listdir(full))
        except OSError:
            return []
        matches = [entry for entry in entries if fnmatch.fnmatchcase(entry, name)]
        return [posixpath.join(folder, entry) if folder else entry for entry in matches]

    def label(self, path: str) -> str:
        """The normalised context-relative path."""
        return normalise(path) or path


def _small_regular_file(info: os.stat_result) -> bool:
    """A regular file of at most :data:`MAX_FILE_BYTES`."""
    return stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES
