"""DF008 last-user-root, through the real engine."""

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
    "no USER at all": PY + "RUN true\n",
    "non-root user": PY + "USER app\n",
    "root then non-root": PY + "USER root\nRUN apt-get update\nUSER app\n",
    "uid 1000 with root group": PY + "USER 1000:0\n",
    "ROOT is another name": PY + "USER ROOT\n",
    "unknown variable": PY + "USER $APP_USER\n",
    "global ARG not redeclared expands to nothing": "ARG U=root\n" + PY + "USER $U\n",
    "root only in a build stage": PY.replace("\n", " AS build\n") + "USER root\n" + PY + "COPY --from=build /a /a\n",
    "final stage overrides inherited root": PY.replace("\n", " AS base\n") + "USER root\nFROM base\nUSER app\n",
    "ONBUILD USER root": PY + "ONBUILD USER root\n",
    "empty USER": PY + "USER\n",
    "NGC base, non-root": "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nUSER 1000\n",
}
BAD = {
    "USER root": (PY + "USER root\n", [2]),
    "USER 0": (PY + "USER 0\n", [2]),
    "USER 0:0": (PY + "USER 0:0\n", [2]),
    "USER root:root": (PY + "USER root:root\n", [2]),
    "USER 0:root": (PY + "USER 0:root\n", [2]),
    "USER root:0": (PY + "USER root:0\n", [2]),
    "root user with another group": (PY + "USER 0:1000\n", [2]),
    "quoted": (PY + 'USER "root"\n', [2]),
    "lower-case keyword": (PY + "user root\n", [2]),
    "non-root then root: the last one": (PY + "USER app\nRUN x\nUSER root\nRUN y\n", [4]),
    "multi-line: the first line": (PY + "RUN true\nUSER \\\n    root\n", [3]),
    "stage ARG": (PY + "ARG U=root\nUSER $U\n", [3]),
    "global ARG redeclared": ("ARG U=0\n" + PY + "ARG U\nUSER ${U}\n", [4]),
    "ENV with fallback": (PY + "USER ${APP_USER:-root}\n", [2]),
    "inherited from the parent stage": (
        PY.replace("\n", " AS base\n") + "RUN useradd app\nUSER root\nFROM base\nRUN true\n",
        [3],
    ),
    "inherited over two stages": (PY.replace("\n", " AS a\n") + "USER 0\nFROM a AS b\nRUN x\nFROM b\nRUN y\n", [2]),
    "ARG-resolved base, stage built from an earlier stage": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG} AS base\nFROM base\nUSER root\n",
        [4],
    ),
    "only the final stage": (PY.replace("\n", " AS build\n") + "USER root\n" + PY + "USER root\n", [4]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF008"]), "DF008") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["DF008"])) == [("DF008", line) for line in lines]


def test_message_severity_and_column(lint):
    (finding,) = lint(PY + "USER root\n", select=["DF008"])
    assert finding.message.startswith("the final image runs as root: the last USER is 'root'")
    assert "unprivileged user" in finding.message
    assert finding.severity.value == "warning"
    assert finding.column == 6


def test_message_names_the_stage_it_is_inherited_from(lint):
    (finding,) = lint(PY.replace("\n", " AS base\n") + "USER root\nFROM base\n", select=["DF008"])
    assert "inherited by the final stage from stage base" in finding.message


def test_build_arg_value_is_used(lint):
    text = PY + "ARG U\nUSER $U\n"
    assert ids_and_lines(lint(text, select=["DF008"], build_args={"U": "root"})) == [("DF008", 3)]
    assert ids_and_lines(lint(text, select=["DF008"], build_args={"U": "app"})) == []


@pytest.mark.parametrize("text", [PY + "USER\n", PY + "USER ''\n", PY + "USER ${\n", PY + "USER a b\n", "USER root\n"])
def test_no_crash_on_odd_input(text):
    report = lint_report(text, "DF008")
    assert report.internal_errors == ()
    assert ids_and_lines(report.findings, "DF008") == []
