"""Find the configuration file that governs a folder: the nearest one upward, up to the repository root.

In each folder, from the linted file's folder upward: ``.tfimage-lint.yaml``,
``.tfimage-lint.yml``, ``.tfimage-lint.toml``, then a ``pyproject.toml`` that has a
``[tool.tfimage-lint]`` table. The search stops after the repository root (a folder holding
``.git``, a folder or a file) or at the filesystem root. Results are cached per folder.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

#: The file names looked for in each folder, in order (``pyproject.toml`` comes last).
CONFIG_NAMES: tuple[str, ...] = (".tfimage-lint.yaml", ".tfimage-lint.yml", ".tfimage-lint.toml")

_NAME = r"""(?:tfimage-lint|"tfimage-lint"|'tfimage-lint')"""
_HEADER_RE = re.compile(rf"^\s*\[\s*tool\s*\.\s*{_NAME}\s*[\].]", re.MULTILINE)
_cache: dict[str, Path | None] = {}


def find_config(start_dir: Path) -> Path | None:
    """The configuration file for files in ``start_dir`` (absolute), or None when there is none."""
    folder = os.path.abspath(start_dir)
    visited: list[str] = []
    found: Path | None = None
    while True:
        if folder in _cache:
            found = _cache[folder]
            break
        visited.append(folder)
        found = _config_in(folder)
        parent = os.path.dirname(folder)
        if found is not None or os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            break
        folder = parent
    for item in visited:
        _cache[item] = found
    return found


def clear_cache() -> None:
    """Forget what earlier searches found (tests, long-running processes)."""
    _cache.clear()


def _config_in(folder: str) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return Path(candidate)
    pyproject = os.path.join(folder, "pyproject.toml")
    if os.path.isfile(pyproject) and has_tool_table(Path(pyproject)):
        return Path(pyproject)
    return None


def has_tool_table(pyproject: Path) -> bool:
    """Whether a ``pyproject.toml`` configures tfimage-lint (a ``[tool.tfimage-lint]`` table).

    A file with such a header counts even when it is not valid TOML (loading it reports the error);
    other spellings (``tool.tfimage-lint.x = ...`` keys) are found by parsing the file.
    """
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "tfimage-lint" not in text:
        return False
    if _HEADER_RE.search(text):
        return True
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("tfimage-lint"), dict)
