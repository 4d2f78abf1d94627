"""Which configuration governs each linted file: ``--isolated``, ``--policy``, ``--config`` or discovery.

Discovery looks for a configuration file from the linted file's folder upward (the current
directory for standard input); each file found is loaded and validated once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from tfimage_lint.config.effective import DEFAULT_CONFIG, EffectiveConfig

if TYPE_CHECKING:
    from tfimage_lint.registry import RuleRegistry


class ConfigChooser:
    """Chooses and caches the effective configuration of each file; loading errors propagate."""

    def __init__(
        self,
        registry: RuleRegistry,
        *,
        config_file: str | None = None,
        policy: str | None = None,
        isolated: bool = False,
    ) -> None:
        self.registry = registry
        self.config_file = config_file
        self.policy = policy
        self.isolated = isolated
        self._loaded: dict[str, EffectiveConfig] = {}
        self._found: dict[str, str | None] = {}

    def for_path(self, path: str | None) -> EffectiveConfig:
        """The configuration of a linted file (None: standard input)."""
        if self.isolated:
            return DEFAULT_CONFIG
        if self.policy is not None:
            return self._load(f"preset:{self.policy}")
        if self.config_file is not None:
            return self._load(self.config_file)
        folder = os.path.dirname(os.path.abspath(path)) if path is not None else os.getcwd()
        found = self._discover(folder)
        return self._load(found) if found is not None else DEFAULT_CONFIG

    def _discover(self, folder: str) -> str | None:
        if folder not in self._found:
            from tfimage_lint.config.discovery import find_config

            result = find_config(Path(folder))
            self._found[folder] = str(result) if result is not None else None
        return self._found[folder]

    def _load(self, key: str) -> EffectiveConfig:
        if key not in self._loaded:
            from tfimage_lint.config.loading import load_config, preset_config

            if key.startswith("preset:"):
                self._loaded[key] = preset_config(key[len("preset:") :], self.registry)
            else:
                self._loaded[key] = load_config(key, self.registry)
        return self._loaded[key]
