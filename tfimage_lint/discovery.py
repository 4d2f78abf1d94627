"""Find Dockerfile-like files under the paths given on the command line."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".idea", ".vscode", ".cache", "site-packages"}
)  # fmt: skip
#: Files with these endings are documentation, ignore files or editor leftovers, not Dockerfiles.
NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".md", ".rst", ".txt", ".orig", ".rej", ".bak", ".swp", "~")
_STEMS = ("dockerfile", "containerfile")


def is_dockerfile_name(name: str) -> bool:
    """``Dockerfile``, ``Dockerfile.*``/``-*``/``_*``, ``*.Dockerfile``, ``Containerfile[.-_]*``, any case."""
    lowered = name.lower()
    if lowered.endswith(NOT_DOCKERFILE_SUFFIXES):
        return False
    if lowered in _STEMS or lowered.endswith((".dockerfile", ".containerfile")):
        return True
    return lowered.startswith(tuple(f"{stem}{sep}" for stem in _STEMS for sep in "._-"))


def find_dockerfiles(directory: Path, on_error: Callable[[OSError], None] | None = None) -> Iterator[Path]:
    """Dockerfile-like regular files under ``directory``, sorted, skipping VCS, tool and venv folders.

    Symbolic links to folders are not followed; ``on_error`` receives folders that cannot be read.
    """
    for root, dirs, files in os.walk(directory, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRECTORIES)
        for name in sorted(files):
            path = Path(root) / name
            if is_dockerfile_name(name) and path.is_file():
                yield path
