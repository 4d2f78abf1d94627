"""DF012 maintainer-deprecated, through the real engine."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.engine import FileReport, Linter, LintOptions
from tfimage_lint.registry import load_registry


def lint_report(text: str, rule_id: str) -> FileReport:
    """The whole report (findings and internal errors) of one rule on ``text``."""
    registry = load_registry(include_plugins=False)
    return Linter(registry, registry.select([rule_id]), LintOptions()).lint_bytes(text.encode(), "Dockerfile")


PY = "FROM python:3.11-slim\n"
OK = {
    "OCI label": PY + 'LABEL org.opencontainers.image.authors="ml@example.com"\n',
    "maintainer label": PY + "LABEL maintainer=ml@example.com\n",
    "word in a RUN": PY + "RUN echo MAINTAINER me\n",
    "ONBUILD MAINTAINER is left to DF000": PY + "ONBUILD MAINTAINER me\n",
}
BAD = {
    "MAINTAINER": (PY + "MAINTAINER me <me@example.com>\n", [2]),
    "lower-case": (PY + "maintainer me\n", [2]),
    "mixed case": (PY + "Maintainer me\n", [2]),
    "before FROM": ("MAINTAINER me\n" + PY, [1]),
    "multi-line: the first line": (PY + "RUN true\nMAINTAINER ML team \\\n   <ml@example.com>\n", [3]),
    "every stage": (PY.replace("\n", " AS base\n") + "MAINTAINER a\nFROM base\nMAINTAINER b\n", [2, 4]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nMAINTAINER x\n", [3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF012"]), "DF012") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["DF012"]), "DF012") == [("DF012", line) for line in lines]


def test_message_suggests_the_label(lint):
    (finding,) = lint(PY + "maintainer ML team <ml@example.com>\n", select=["DF012"])
    assert finding.message == (
        "MAINTAINER is deprecated and only sets a legacy image field: "
        'use LABEL org.opencontainers.image.authors="ML team <ml@example.com>"'
    )
    assert finding.severity.value == "error"


def test_message_with_a_quoted_value(lint):
    (finding,) = lint(PY + 'MAINTAINER "ML team"\n', select=["DF012"])
    assert finding.message.endswith('use LABEL org.opencontainers.image.authors="ML team"')


@pytest.mark.parametrize("text", [PY + "MAINTAINER\n", PY + "MAINTAINER " + "x" * 200 + "\n", "MAINTAINER\n"])
def test_no_crash_on_odd_input(text):
    assert lint_report(text, "DF012").internal_errors == ()
