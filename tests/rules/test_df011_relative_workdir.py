"""DF011 relative-workdir, through the real engine."""

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
    "absolute": PY + "WORKDIR /app\n",
    "quoted absolute": PY + 'WORKDIR "/app"\n',
    "ARG-resolved absolute": PY + "ARG D=/app\nWORKDIR $D\n",
    "ENV-resolved absolute": PY + "ENV APP_HOME=/srv/app\nWORKDIR ${APP_HOME}/src\n",
    "fallback of an unset variable": PY + "WORKDIR ${D:-/x}\n",
    "unknown variable (HOME from the base image)": PY + "WORKDIR $HOME/app\n",
    "Windows drive path": PY + "WORKDIR C:\\\\app\n",
    "Windows drive path with slash": PY + "WORKDIR c:/app\n",
    "Windows path, escape directive": "# escape=`\n" + PY + "WORKDIR D:\\Project\n",
    "backslash-rooted path": "# escape=`\n" + PY + "WORKDIR \\app\n",
    "ONBUILD WORKDIR is the child's": PY + "ONBUILD WORKDIR app\n",
    "WORKDIR with no argument": PY + "WORKDIR\n",
}
BAD = {
    "relative": (PY + "WORKDIR app\n", [2]),
    "dot-relative": (PY + "WORKDIR ./src\n", [2]),
    "quoted relative": (PY + 'WORKDIR "app"\n', [2]),
    "tilde is not expanded": (PY + "WORKDIR ~/app\n", [2]),
    "lower-case keyword": (PY + "workdir app\n", [2]),
    "relative after an absolute one": (PY + "WORKDIR /app\nWORKDIR src\n", [3]),
    "literal start, unknown rest": (PY + "WORKDIR app/$SUB\n", [2]),
    "ARG-resolved relative": (PY + "ARG D=app\nWORKDIR $D\n", [3]),
    "fallback that is relative": (PY + "WORKDIR ${D:-app}\n", [2]),
    "multi-line: the first line": (PY + "RUN true\nWORKDIR \\\n    app\n", [3]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nWORKDIR src\n", [3]),
    "stage built from an earlier stage": (
        PY.replace("\n", " AS base\n") + "WORKDIR /app\nFROM base\nWORKDIR src\n",
        [4],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF011"]), "DF011") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["DF011"]), "DF011") == [("DF011", line) for line in lines]


def test_message_on_an_unknown_previous_workdir(lint):
    (finding,) = lint(PY + "WORKDIR app\n", select=["DF011"])
    assert finding.message == (
        "WORKDIR 'app' is relative: it is resolved against the previous working directory, "
        "which may be the base image's and change with it; write an absolute path"
    )
    assert finding.severity.value == "error"
    assert finding.column == 9


def test_message_gives_the_resolved_path(lint):
    text = PY.replace("\n", " AS base\n") + "WORKDIR /app\nFROM base\nWORKDIR ./src/../lib\n"
    (finding,) = lint(text, select=["DF011"])
    assert "('/app' here, giving '/app/lib'); write '/app/lib'" in finding.message


def test_message_on_scratch_and_tilde(lint):
    (finding,) = lint("FROM scratch\nWORKDIR ~/x\n", select=["DF011"])
    assert "('/' here, giving '/~/x')" in finding.message
    assert finding.message.endswith("(`~` is not expanded in WORKDIR)")


def test_build_arg_value_is_used(lint):
    text = PY + "ARG D\nWORKDIR $D\n"
    assert ids_and_lines(lint(text, select=["DF011"], build_args={"D": "app"})) == [("DF011", 3)]
    assert ids_and_lines(lint(text, select=["DF011"], build_args={"D": "/app"})) == []
    assert ids_and_lines(lint(text, select=["DF011"])) == []


@pytest.mark.parametrize(
    "text", [PY + "WORKDIR\n", PY + "WORKDIR ${\n", PY + 'WORKDIR "\n', PY + "WORKDIR ''\n", "WORKDIR a\n"]
)
def test_no_crash_on_odd_input(text):
    assert lint_report(text, "DF011").internal_errors == ()
