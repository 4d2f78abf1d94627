"""GPU smoke test: a standalone probe run inside an image (or the current environment) and the verdict on its output."""
