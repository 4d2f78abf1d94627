"""DF012 maintainer-deprecated."""

from __future__ import annotations

import json
from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext

_MAX_VALUE = 80


class MaintainerDeprecated(Rule):
    """`MAINTAINER` is deprecated: use a `LABEL`.

    ## What it does
    Reports every `MAINTAINER` instruction (in any letter case, in any stage, and before the
    first `FROM`) and suggests the OCI label `org.opencontainers.image.authors` with the same
    value. `ONBUILD MAINTAINER` is left to DF000: BuildKit rejects it outright.

    ## Why is this bad?
    `MAINTAINER` has been deprecated since Docker 1.13: it only fills a legacy `Author` field
    of the image config that registries, scanners and `docker inspect --format` label
    queries ignore. A label is visible everywhere and can carry several authors.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    MAINTAINER ML Platform Team <ml-platform@example.com>
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    LABEL org.opencontainers.image.authors="ML Platform Team <ml-platform@example.com>"
    ```
    """

    id = "DF012"
    name = "maintainer-deprecated"
    severity = Severity.ERROR
    families = frozenset()
    see_also = ("hadolint DL4000",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "maintainer":
                continue
            value = ins.rest.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            if value and len(value) <= _MAX_VALUE:
                label = f"LABEL org.opencontainers.image.authors={json.dumps(value, ensure_ascii=False)}"
            else:
                label = 'LABEL org.opencontainers.image.authors="..."'
            message = f"MAINTAINER is deprecated and only sets a legacy image field: use {label}"
            yield self.finding(ctx, ins, message)
