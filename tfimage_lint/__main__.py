"""``python -m tfimage_lint``."""

from tfimage_lint.cli import run

if __name__ == "__main__":
    run()
