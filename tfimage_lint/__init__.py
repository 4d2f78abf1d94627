"""tfimage-lint: a Dockerfile linter and policy checker for TensorFlow GPU images."""

__version__ = "0.1.0"
