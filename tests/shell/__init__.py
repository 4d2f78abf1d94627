"""Tests of the shell and package analysis (no rules): commands, pip/apt/conda, followed files, the stack."""
