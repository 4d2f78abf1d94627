"""DF900 unused-suppression."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext


class UnusedSuppression(Rule):
    """Remove suppression comments that suppress nothing.

    ## What it does
    Reports an `# tfimage-lint: ignore=...` comment (or a `global ignore=`) naming an enabled
    rule that produced no finding where the comment applies, and a suppression of `DF000`,
    which cannot be suppressed.

    ## Why is this bad?
    A stale suppression hides the next real problem of that kind on the instruction, and it
    tells readers that a risk exists when it no longer does.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    # tfimage-lint: ignore=DF020
    RUN python -c "import tensorflow"
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    RUN python -c "import tensorflow"
    ```
    """

    id = "DF900"
    name = "unused-suppression"
    severity = Severity.INFO
    engine_generated = True

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())
