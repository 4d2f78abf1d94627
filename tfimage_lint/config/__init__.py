"""Configuration files and policies.

Discovery, validation (pydantic, imported only when a file is read), presets with ``extends``,
and the effective configuration the engine runs with.
"""

from tfimage_lint.config.effective import DEFAULT_CONFIG, POLICY_KEYS, EffectiveConfig, RuleOverride

__all__ = ["DEFAULT_CONFIG", "POLICY_KEYS", "EffectiveConfig", "RuleOverride"]
