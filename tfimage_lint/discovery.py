"""Find Dockerfile-like files under the paths given on the command line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".idea", ".vscode", "site-packages"}
)  # fmt: skip
_NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".md", ".rst", ".orig", ".rej", ".bak", ".swp", "~")
_STEMS = ("dockerfile", "containerfile")


def is_dockerfile_name(name: str) -> bool:
    """``Dockerfile``, ``Dockerfile.*``, ``Dockerfile-*``, ``Dockerfile_*``, ``*.Dockerfile``, ``Containerfile[.*]``."""
    lowered = name.lower()
    if lowered.endswith(_NOT_DOCKERFILE_SUFFIXES) or "__req__" in lowered:
        return False
    if lowered in _STEMS or lowered.endswith(".dockerfile"):
        return True
    if lowered.startswith(("dockerfile.", "dockerfile-", "dockerfile_")):
        return True
    return lowered.startswith("containerfile.")


def find_dockerfiles(directory: Path) -> Iterator[Path]:
    """Dockerfile-like files under ``directory``, sorted, skipping VCS and tool folders."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRECTORIES and not d.startswith("."))
        for name in sorted(files):
            if is_dockerfile_name(name):
                yield Path(root) / name
