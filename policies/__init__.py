"""Shipped policy presets; installed as ``tfimage_lint.policies``."""
