"""TF301 baked-device-selection."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
PY = "FROM python:3.11-slim\n"

OK = {
    "NVIDIA_VISIBLE_DEVICES=all": NGC + "ENV NVIDIA_VISIBLE_DEVICES=all\n",
    "legacy form, all": NGC + "ENV NVIDIA_VISIBLE_DEVICES all\n",
    "quoted all": NGC + 'ENV NVIDIA_VISIBLE_DEVICES="all" NVIDIA_DRIVER_CAPABILITIES="compute,utility"\n',
    "ARG does not persist": NGC + "ARG CUDA_VISIBLE_DEVICES=0\nARG NVIDIA_VISIBLE_DEVICES=0\n",
    "RUN prefix is one build command": NGC + "RUN CUDA_VISIBLE_DEVICES=0 python train.py\n",
    "RUN export lasts one RUN": NGC + "RUN export CUDA_VISIBLE_DEVICES=0 && \\\n    python -c 'print(1)'\n",
    "heredoc RUN export": NGC + "RUN <<EOF\nexport CUDA_VISIBLE_DEVICES=1\npython train.py\nEOF\n",
    "value from an ARG with no value: unknown": NGC + "ARG GPUS\nENV NVIDIA_VISIBLE_DEVICES=$GPUS\n",
    "other variable mentioning it": NGC + "ENV MY_CUDA_VISIBLE_DEVICES_NOTE=0\n",
    "value that is a default of all": NGC + "ENV NVIDIA_VISIBLE_DEVICES=${UNSET_SOMETHING:-all}\n",
    "ENV with no value does not crash": NGC + "ENV CUDA_VISIBLE_DEVICES\n",
    "empty ENV does not crash": NGC + "ENV\n",
}
BAD = {
    "CUDA_VISIBLE_DEVICES=0": (NGC + "ENV CUDA_VISIBLE_DEVICES=0\n", [2]),
    "legacy form": (PY + "ENV CUDA_VISIBLE_DEVICES 0,1\n", [2]),
    "continuation line of a multi-line ENV": (
        NGC + "ENV PYTHONUNBUFFERED=1 \\\n    TF_FORCE_GPU_ALLOW_GROWTH=true \\\n    CUDA_VISIBLE_DEVICES=1\n",
        [4],
    ),
    "empty CUDA_VISIBLE_DEVICES": (NGC + 'ENV CUDA_VISIBLE_DEVICES=""\n', [2]),
    "CUDA_VISIBLE_DEVICES from an ARG": (NGC + "ARG GPU=0\nENV CUDA_VISIBLE_DEVICES=$GPU\n", [3]),
    "CUDA_VISIBLE_DEVICES from an unknown ARG": (NGC + "ARG GPU\nENV CUDA_VISIBLE_DEVICES=$GPU\n", [3]),
    "NVIDIA_VISIBLE_DEVICES=void": (PY + "ENV NVIDIA_VISIBLE_DEVICES=void\n", [2]),
    "NVIDIA_VISIBLE_DEVICES empty": (PY + "ENV NVIDIA_VISIBLE_DEVICES=\n", [2]),
    "NVIDIA_VISIBLE_DEVICES=none": (PY + "ENV NVIDIA_VISIBLE_DEVICES=none\n", [2]),
    "NVIDIA_VISIBLE_DEVICES indices": (NGC + "ENV NVIDIA_VISIBLE_DEVICES=0,1\n", [2]),
    "both in one ENV, second key after a value naming the first": (
        NGC + "ENV NVIDIA_VISIBLE_DEVICES=1 X=CUDA_VISIBLE_DEVICES CUDA_VISIBLE_DEVICES=0\n",
        [2, 2],
    ),
    "ARG-resolved base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nENV CUDA_VISIBLE_DEVICES=0\n",
        [3],
    ),
    "stage built on an earlier stage": (
        NGC + "RUN true\nFROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3 AS base\nFROM base\nENV CUDA_VISIBLE_DEVICES=2\n",
        [5],
    ),
    "any stage": ("FROM python:3.11-slim AS build\nENV CUDA_VISIBLE_DEVICES=0\nFROM scratch\n", [2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF301"]), "TF301") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF301"])
    assert ids_and_lines(findings) == [("TF301", line) for line in lines]
    assert all(f.severity.value == "warning" for f in findings)


def test_column_points_at_the_key_on_its_line(lint):
    (finding,) = lint(NGC + "ENV A=1 \\\n    CUDA_VISIBLE_DEVICES=0\n", select=["TF301"])
    assert (finding.line, finding.column, finding.end_column) == (3, 5, 25)


def test_second_key_gets_its_own_column(lint):
    findings = lint(
        NGC + "ENV NVIDIA_VISIBLE_DEVICES=1 X=CUDA_VISIBLE_DEVICES CUDA_VISIBLE_DEVICES=0\n", select=["TF301"]
    )
    assert [f.column for f in findings] == [5, 53]


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("ENV CUDA_VISIBLE_DEVICES=1\n", ["CUDA_VISIBLE_DEVICES=1", "renumbered from 0", "--gpus"]),
        ('ENV CUDA_VISIBLE_DEVICES=""\n', ["hides every GPU"]),
        ("ENV CUDA_VISIBLE_DEVICES=-1\n", ["hides every GPU"]),
        ("ENV NVIDIA_VISIBLE_DEVICES=void\n", ["disables GPU injection", "keep NVIDIA_VISIBLE_DEVICES=all"]),
        ("ENV NVIDIA_VISIBLE_DEVICES=\n", ["disables GPU injection"]),
        ("ENV NVIDIA_VISIBLE_DEVICES=none\n", ["mounts the NVIDIA driver but no GPU"]),
        ("ENV NVIDIA_VISIBLE_DEVICES=2\n", ["pinned to GPUs of one machine"]),
    ],
)
def test_messages(lint, text, phrases):
    (finding,) = lint(PY + text, select=["TF301"])
    for phrase in phrases:
        assert phrase in finding.message
    assert finding.message.startswith("ENV ")
