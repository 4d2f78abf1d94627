"""TF302 ld-library-path-override."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

CUDA = "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"

OK = {
    "appends $LD_LIBRARY_PATH": CUDA + "ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH\n",
    "prepends ${LD_LIBRARY_PATH}": NGC + 'ENV LD_LIBRARY_PATH="${LD_LIBRARY_PATH}:/usr/local/lib"\n',
    "conditional form": CUDA + "ENV LD_LIBRARY_PATH=/opt/lib${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}\n",
    "legacy form keeping it": CUDA + "ENV LD_LIBRARY_PATH /usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH\n",
    "lists nvidia/cuda's own paths": CUDA
    + "ENV LD_LIBRARY_PATH=/usr/local/nvidia/lib:/usr/local/nvidia/lib64:/opt/x\n",
    "python base: what it sets is not known": "FROM python:3.11-slim\nENV LD_LIBRARY_PATH=/opt/lib\n",
    "ubuntu base": "FROM ubuntu:22.04\nENV LD_LIBRARY_PATH=/opt/lib\n",
    "Docker Hub CPU tag": "FROM tensorflow/tensorflow:2.15.0\nENV LD_LIBRARY_PATH=/opt/lib\n",
    "unresolved base": "ARG BASE\nFROM $BASE\nENV LD_LIBRARY_PATH=/opt/lib\n",
    "RUN export lasts one RUN": CUDA + "RUN export LD_LIBRARY_PATH=/opt/lib && \\\n    ldconfig\n",
    "RUN prefix": CUDA + "RUN LD_LIBRARY_PATH=/usr/local/cuda/lib64/stubs make\n",
    "heredoc RUN export": CUDA + "RUN <<EOF\nexport LD_LIBRARY_PATH=/opt/lib\nmake\nEOF\n",
    "ARG is not the environment": CUDA + "ARG LD_LIBRARY_PATH=/opt/lib\n",
    "other variable": CUDA + "ENV LIBRARY_PATH=/usr/local/cuda/lib64/stubs\n",
    "ENV with no value does not crash": CUDA + "ENV LD_LIBRARY_PATH\n",
}
BAD = {
    "replaced on nvidia/cuda": (CUDA + "ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64\n", [2]),
    "legacy form": (CUDA + "ENV LD_LIBRARY_PATH /usr/local/cuda/lib64\n", [2]),
    "NGC TensorFlow": (NGC + "ENV LD_LIBRARY_PATH=/opt/hugectr/lib\n", [2]),
    "NGC framework": ("FROM nvcr.io/nvidia/tritonserver:24.01-py3\nENV LD_LIBRARY_PATH=$JAVA_HOME/lib\n", [2]),
    "Docker Hub GPU tag": ("FROM tensorflow/tensorflow:2.15.0-gpu\nENV LD_LIBRARY_PATH=/opt/lib\n", [2]),
    "continuation line of a multi-line ENV": (
        CUDA + "ENV CUDA_HOME=/usr/local/cuda \\\n    PATH=/usr/local/cuda/bin:$PATH \\\n"
        "    LD_LIBRARY_PATH=/usr/local/cuda/lib64\n",
        [4],
    ),
    "single quotes keep $LD_LIBRARY_PATH literal": (
        CUDA + "ENV LD_LIBRARY_PATH='/usr/local/lib:$LD_LIBRARY_PATH'\n",
        [2],
    ),
    "empty value": (CUDA + "ENV LD_LIBRARY_PATH=\n", [2]),
    "set earlier, dropped later": (
        NGC + "ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/opt/a\nRUN true\nENV LD_LIBRARY_PATH=/opt/b\n",
        [4],
    ),
    "nvidia paths are not enough once the Dockerfile set it": (
        CUDA
        + "ENV LD_LIBRARY_PATH=/opt/a:$LD_LIBRARY_PATH\n"
        + "ENV LD_LIBRARY_PATH=/usr/local/nvidia/lib:/usr/local/nvidia/lib64\n",
        [3],
    ),
    "value from other variables only": (
        CUDA + "ENV JAVA_HOME=/usr/java\nENV LD_LIBRARY_PATH=$JAVA_HOME/lib/server\n",
        [3],
    ),
    "ARG-resolved base": (
        "ARG CUDA=12.3.2\nFROM nvidia/cuda:${CUDA}-cudnn9-runtime-ubuntu22.04\nENV LD_LIBRARY_PATH=/opt/lib\n",
        [3],
    ),
    "ARG-resolved NGC base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nENV LD_LIBRARY_PATH=/x\n",
        [3],
    ),
    "stage built on an earlier stage": (
        NGC.replace("\n", " AS base\n") + "FROM base\nENV LD_LIBRARY_PATH=/opt/lib\n",
        [3],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF302"]), "TF302") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF302"])
    assert ids_and_lines(findings, "TF302") == [("TF302", line) for line in lines]
    assert all(f.severity.value == "warning" for f in findings if f.rule_id == "TF302")


def test_column_on_continuation_line(lint):
    (finding,) = lint(CUDA + "ENV A=1 \\\n    LD_LIBRARY_PATH=/opt/lib\n", select=["TF302"])
    assert (finding.line, finding.column) == (3, 5)


def test_message_on_nvidia_cuda(lint):
    (finding,) = lint(CUDA + "ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64\n", select=["TF302"])
    assert finding.message.startswith("ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64 replaces the library search path")
    assert "/usr/local/nvidia/lib:/usr/local/nvidia/lib64 that nvidia/cuda images set" in finding.message
    assert "ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}" in finding.message


def test_message_on_ngc_names_the_earlier_line(lint):
    text = NGC + "ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/opt/a\nENV LD_LIBRARY_PATH=/opt/b\n"
    (finding,) = lint(text, select=["TF302"])
    assert "the CUDA and driver library paths the NGC image sets, and the value set on line 2" in finding.message


def test_message_on_docker_hub_gpu(lint):
    (finding,) = lint("FROM tensorflow/tensorflow:2.15.0-gpu\nENV LD_LIBRARY_PATH=/opt/lib\n", select=["TF302"])
    assert "CUPTI" in finding.message


def test_message_on_single_quotes(lint):
    (finding,) = lint(CUDA + "ENV LD_LIBRARY_PATH='/usr/local/lib:$LD_LIBRARY_PATH'\n", select=["TF302"])
    assert "single quotes" in finding.message
    assert "ENV LD_LIBRARY_PATH=/your/lib${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}" in finding.message
