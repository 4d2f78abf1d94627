"""TF108 ngc-entrypoint-replaced."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

NGC = "FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\n"
OK = {
    "no entrypoint": NGC + 'CMD ["python", "serve.py"]\n',
    "keeps NVIDIA's script (JSON)": NGC + 'ENTRYPOINT ["/opt/nvidia/nvidia_entrypoint.sh", "python"]\n',
    "keeps NVIDIA's script (shell)": NGC + "ENTRYPOINT /opt/nvidia/nvidia_entrypoint.sh python serve.py\n",
    "Docker Hub base": 'FROM tensorflow/tensorflow:2.17.0-gpu\nENTRYPOINT ["python"]\n',
    "unresolved base": 'ARG BASE\nFROM $BASE\nENTRYPOINT ["python"]\n',
}
BAD = {
    "JSON entrypoint": (NGC + 'ENTRYPOINT ["python", "serve.py"]\n', [2]),
    "cleared entrypoint": (NGC + "ENTRYPOINT []\n", [2]),
    "NGC framework image": ("FROM nvcr.io/nvidia/pytorch:24.01-py3\nENTRYPOINT python x.py\n", [2]),
    "stage built on an NGC stage": (NGC.replace("\n", " AS base\n") + 'FROM base\nENTRYPOINT ["x"]\n', [3]),
    "digest-pinned NGC base": (
        "FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3@sha256:" + "d" * 64 + '\nENTRYPOINT ["x"]\n',
        [2],
    ),
    "ARG-resolved NGC base": ('ARG M=23.10\nFROM nvcr.io/nvidia/tensorflow:${M}-tf2-py3\nENTRYPOINT ["x"]\n', [3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "TF108") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text), "TF108") == [("TF108", line) for line in lines]


def test_message_for_a_cleared_entrypoint(lint):
    (finding,) = lint(NGC + "ENTRYPOINT []\n", select=["TF108"])
    assert finding.message.startswith("ENTRYPOINT clears the entrypoint: NVIDIA's entrypoint prints")
    assert finding.severity.value == "info"
