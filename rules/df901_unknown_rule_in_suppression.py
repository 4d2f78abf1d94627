"""DF901 unknown-rule-in-suppression."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext


class UnknownRuleInSuppression(Rule):
    """Suppression comments must name existing rules.

    ## What it does
    Reports a suppression comment naming a rule id or name that no installed rule has, and a
    `# tfimage-lint:` comment that is not of the form `ignore=ID[,ID...]` or `global ignore=...`.

    ## Why is this bad?
    A typo such as `DF02O` suppresses nothing, so the finding it was meant to silence (or a
    plugin rule that is not installed in CI) keeps failing, or the comment quietly rots.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    # tfimage-lint: ignore=DF02O
    RUN python -c "import tensorflow"
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.15.0-gpu
    RUN python -c "import tensorflow"
    ```
    """

    id = "DF901"
    name = "unknown-rule-in-suppression"
    severity = Severity.WARNING
    engine_generated = True

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())
