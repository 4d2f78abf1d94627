"""Helpers of ``tools/build_kb.py``: turn ``../shared/kb`` YAML into ``tfimage_lint/kb/data.json``."""
