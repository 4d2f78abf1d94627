"""DF000 parse-error."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext


class ParseError(Rule):
    """Report text that BuildKit cannot parse or would reject before building.

    ## What it does
    Reports every parse failure with its line: invalid UTF-8 or binary content, lines of 64 KiB
    or more, duplicate or invalid parser directives, JSON arrays with non-string elements,
    `ENV` or `LABEL` without a value, unterminated heredocs, unknown instructions and flags,
    wrong argument counts, invalid stage names and variable substitutions BuildKit refuses.
    The rest of the file is still linted.

    ## Why is this bad?
    `docker build` stops at the first of these errors, so the image is never built. Findings
    from other rules on a file that does not parse describe an image that cannot exist.
    This rule is always on and cannot be suppressed.

    ## Example
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3
    ENV TF_CPP_MIN_LOG_LEVEL
    ```

    ## Use instead
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3
    ENV TF_CPP_MIN_LOG_LEVEL=2
    ```
    """

    id = "DF000"
    name = "parse-error"
    severity = Severity.ERROR
    suppressible = False

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        df = ctx.dockerfile
        for issue in (*df.syntax.errors, *df.semantic_errors):
            yield self.finding(ctx, issue.line, issue.message, column=issue.column, end_line=issue.end_line)
