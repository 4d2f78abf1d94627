"""TF306 silenced-tensorflow-logs."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

TF = "FROM tensorflow/tensorflow:2.15.0-gpu\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"

OK = {
    "level 0": TF + "ENV TF_CPP_MIN_LOG_LEVEL=0\n",
    "level 1": TF + "ENV TF_CPP_MIN_LOG_LEVEL=1\n",
    "legacy form level 1": TF + "ENV TF_CPP_MIN_LOG_LEVEL 1\n",
    "not a number": TF + "ENV TF_CPP_MIN_LOG_LEVEL=quiet\n",
    "empty": TF + "ENV TF_CPP_MIN_LOG_LEVEL=\n",
    "unknown build argument": TF + "ARG LEVEL\nENV TF_CPP_MIN_LOG_LEVEL=$LEVEL\n",
    "ARG lasts for the build": TF + "ARG TF_CPP_MIN_LOG_LEVEL=3\n",
    "RUN prefix": TF + "RUN TF_CPP_MIN_LOG_LEVEL=3 python -c 'import tensorflow'\n",
    "RUN export in a multi-line RUN": TF + "RUN export TF_CPP_MIN_LOG_LEVEL=3 && \\\n    python warmup.py\n",
    "heredoc RUN export": TF + "RUN <<EOF\nexport TF_CPP_MIN_LOG_LEVEL=3\npython warmup.py\nEOF\n",
    "other variable": TF + "ENV TF_CPP_MAX_VLOG_LEVEL=3\n",
    "no value does not crash": TF + "ENV TF_CPP_MIN_LOG_LEVEL\n",
}
BAD = {
    "level 3": (TF + "ENV TF_CPP_MIN_LOG_LEVEL=3\n", [2]),
    "legacy form": (TF + "ENV TF_CPP_MIN_LOG_LEVEL 3\n", [2]),
    "quoted": (TF + "ENV TF_CPP_MIN_LOG_LEVEL='3'\n", [2]),
    "level 2 hides the dlopen warnings too": (TF + 'ENV TF_CPP_MIN_LOG_LEVEL="2"\n', [2]),
    "from an ARG default": (TF + "ARG LEVEL=3\nENV TF_CPP_MIN_LOG_LEVEL=${LEVEL}\n", [3]),
    "continuation line of a multi-line ENV": (
        TF + "ENV PYTHONUNBUFFERED=1 \\\n    TF_FORCE_GPU_ALLOW_GROWTH=true \\\n    TF_CPP_MIN_LOG_LEVEL=3\n",
        [4],
    ),
    "python base": ("FROM python:3.11-slim\nRUN pip install tensorflow\nENV TF_CPP_MIN_LOG_LEVEL=3\n", [3]),
    "ARG-resolved base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nENV TF_CPP_MIN_LOG_LEVEL=3\n",
        [3],
    ),
    "stage built on an earlier stage": (
        NGC.replace("\n", " AS base\n") + "FROM base\nENV TF_CPP_MIN_LOG_LEVEL=3\n",
        [3],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF306"]), "TF306") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF306"])
    assert ids_and_lines(findings, "TF306") == [("TF306", line) for line in lines]
    assert all(f.severity.value == "info" for f in findings if f.rule_id == "TF306")


def test_column_on_continuation_line(lint):
    (finding,) = lint(TF + "ENV A=1 \\\n    TF_CPP_MIN_LOG_LEVEL=3\n", select=["TF306"])
    assert (finding.line, finding.column, finding.end_column) == (3, 5, 25)


def test_message_level_3(lint):
    (finding,) = lint(TF + "ENV TF_CPP_MIN_LOG_LEVEL=3\n", select=["TF306"])
    assert finding.message.startswith("ENV TF_CPP_MIN_LOG_LEVEL=3 hides TensorFlow's warnings and errors")
    assert "Could not load dynamic library" in finding.message
    assert "cuDNN version-mismatch errors" in finding.message


def test_message_level_2(lint):
    (finding,) = lint(TF + "ENV TF_CPP_MIN_LOG_LEVEL=2\n", select=["TF306"])
    assert finding.message.startswith("ENV TF_CPP_MIN_LOG_LEVEL=2 hides TensorFlow's warnings")
    assert "are warnings" in finding.message
