"""Built-in rules, one module each; installed as ``tfimage_lint.rules``."""
