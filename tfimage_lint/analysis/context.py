"""The build context: files a Dockerfile's COPY/ADD may read, and nothing outside it.

:class:`DirectoryContext` reads a folder (``--context DIR``, by default the Dockerfile's).
Paths are context-relative; ``..`` escapes, absolute paths and symlinks that lead outside
the folder read as missing, as do files over :data:`MAX_FILE_BYTES`.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from typing import Protocol

MAX_FILE_BYTES = 1 << 20


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


class DirectoryContext:
    """A build context on disk."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)

    def _inside(self, path: str) -> str | None:
        relative = normalise(path)
        if relative is None:
            return None
        full = os.path.realpath(os.path.join(self.root, relative))
        if full != self.root and not full.startswith(self.root + os.sep):
            return None
        return full

    def read_text(self, path: str) -> str | None:
        """Read a file of the context (None when missing, outside or too large)."""
        full = self._inside(path)
        if full is None or not os.path.isfile(full):
            return None
        try:
            if os.path.getsize(full) > MAX_FILE_BYTES:
                return None
            with open(full, "rb") as handle:
                return handle.read().decode("utf-8", errors="replace")
        except OSError:
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
