"""``python -m tfimage_lint``."""

from tfimage_lint.cli import main

if __name__ == "__main__":
    main(prog_name="tfimage-lint")
