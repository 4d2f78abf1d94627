"""DF014 relative-copy-without-workdir, through the real engine."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.engine import FileReport, Linter, LintOptions
from tfimage_lint.registry import load_registry


def lint_report(text: str, rule_id: str) -> FileReport:
    """The whole report (findings and internal errors) of one rule on ``text``."""
    registry = load_registry(include_plugins=False)
    return Linter(registry, registry.select([rule_id]), LintOptions()).lint_bytes(text.encode(), "Dockerfile")


TF = "FROM tensorflow/tensorflow:2.15.0-gpu\n"
OK = {
    "absolute destination": TF + "COPY train.py /app/\n",
    "quoted absolute": TF + 'COPY train.py "/app/"\n',
    "JSON absolute": TF + 'COPY ["train.py", "/app/"]\n',
    "WORKDIR first": TF + "WORKDIR /app\nCOPY train.py .\n",
    "relative WORKDIR also counts": TF + "WORKDIR app\nCOPY train.py .\n",
    "WORKDIR in the parent stage": TF.replace("\n", " AS base\n") + "WORKDIR /app\nFROM base\nCOPY train.py .\n",
    "WORKDIR in the grandparent stage": TF.replace("\n", " AS a\n") + "WORKDIR /app\nFROM a AS b\nFROM b\nCOPY x .\n",
    "ARG-resolved stage base": "ARG B=base\n" + TF.replace("\n", " AS base\n") + "WORKDIR /app\nFROM ${B}\nCOPY x .\n",
    "ARG-resolved absolute destination": TF + "ARG DEST=/app/\nCOPY train.py $DEST\n",
    "unknown variable destination": TF + "COPY train.py $APP_HOME\n",
    "fallback of an unset variable": TF + "COPY train.py ${DEST:-/app/}\n",
    "Windows drive destination": TF + "COPY app.py C:\\\\app\\\\\nCOPY b.py c:/app/\n",
    "ONBUILD COPY runs in the child build": TF + "ONBUILD COPY . .\n",
    "COPY with one argument": TF + "COPY train.py\n",
}
BAD = {
    "dot": (TF + "COPY train.py .\n", [2]),
    "dot-slash": (TF + "COPY train.py ./src/\n", [2]),
    "bare relative": (TF + "COPY train.py app/\n", [2]),
    "quoted relative": (TF + 'COPY train.py "app/"\n', [2]),
    "JSON relative": (TF + 'COPY ["train.py", "app/"]\n', [2]),
    "tilde is not expanded": (TF + "COPY train.py ~/app/\n", [2]),
    "lower-case keyword": (TF + "copy train.py .\n", [2]),
    "COPY --from": (TF.replace("\n", " AS build\n") + "RUN true\n" + TF + "COPY --from=build /w/model .\n", [4]),
    "ADD too": (TF + "ADD https://example.com/m.bin models/\n", [2]),
    "heredoc COPY": (TF + "COPY <<EOF config.ini\n[a]\nEOF\n", [2]),
    "before the WORKDIR only": (TF + "COPY a .\nWORKDIR /app\nCOPY b .\n", [2]),
    "WORKDIR in an unrelated stage": (TF.replace("\n", " AS a\n") + "WORKDIR /app\n" + TF + "COPY x .\n", [4]),
    "ARG-resolved relative destination": (TF + "ARG DEST=app\nCOPY train.py $DEST/\n", [3]),
    "literal start, unknown rest": (TF + "COPY train.py app/$SUB/\n", [2]),
    "multi-line: the first line": (TF + "RUN true\nCOPY --chown=1000:1000 \\\n    train.py \\\n    .\n", [3]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nCOPY . .\n", [3]),
    "ARG-resolved stage base without WORKDIR": (
        "ARG B=base\n" + TF.replace("\n", " AS base\n") + "FROM $B\nCOPY x .\n",
        [4],
    ),
    "scratch": ("FROM scratch\nCOPY model.bin models/\n", [2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF014"]), "DF014") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["DF014"]), "DF014") == [("DF014", line) for line in lines]


def test_message_and_severity(lint):
    (finding,) = lint(TF + "COPY train.py .\n", select=["DF014"])
    assert finding.message == (
        "COPY to the relative destination '.' with no WORKDIR set: it is resolved against "
        "the base image's working directory; set WORKDIR first or use an absolute path"
    )
    assert finding.severity.value == "warning"


def test_message_on_scratch_and_add(lint):
    (finding,) = lint("FROM scratch\nADD https://x.org/a a\n", select=["DF014"])
    assert finding.message.startswith("ADD to the relative destination 'a' with no WORKDIR set")
    assert "resolved against / (scratch)" in finding.message


def test_build_arg_value_is_used(lint):
    text = TF + "ARG DEST\nCOPY a $DEST\n"
    assert ids_and_lines(lint(text, select=["DF014"], build_args={"DEST": "app/"})) == [("DF014", 3)]
    assert ids_and_lines(lint(text, select=["DF014"], build_args={"DEST": "/app/"})) == []


@pytest.mark.parametrize("text", [TF + "COPY\n", TF + "COPY a ${\n", TF + "COPY [\n", TF + "COPY a ''\n", "COPY a .\n"])
def test_no_crash_on_odd_input(text):
    assert lint_report(text, "DF014").internal_errors == ()
