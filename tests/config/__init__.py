"""Tests of configuration files: sources, loading, discovery, presets and malformed files."""
