"""TF105 broken-gpu-base: GPU images whose TF cannot use the GPU, unless the fix is installed (hook)."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.kb import load_kb

DIGEST = "sha256:" + "f" * 64
PROBLEM = "dockerhub-gpu-cudnn8"
OK = {
    "GPU image whose cuDNN matches": "FROM tensorflow/tensorflow:2.17.0-gpu\n",
    "CPU image of an affected version": "FROM tensorflow/tensorflow:2.19.0\n",
    "CPU jupyter image of an affected version": "FROM tensorflow/tensorflow:2.18.0-jupyter\n",
    "moving tag (what it points to is unknown)": "FROM tensorflow/tensorflow:latest-gpu\n",
    "unpublished tag (TF103's finding)": "FROM tensorflow/tensorflow:2.18.1-gpu\n",
    "NGC image": "FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\n",
    "NGC problem of another kind": "FROM nvcr.io/nvidia/tensorflow:24.02-tf2-py3-igpu\n",
    "digest only": f"FROM tensorflow/tensorflow@{DIGEST}\n",
    "scratch": "FROM scratch\n",
    "unresolvable base": "ARG BASE\nFROM $BASE\n",
    "unresolvable tag": "ARG TAG\nFROM tensorflow/tensorflow:${TAG}\n",
    "ARG resolved to a working image": "ARG TAG=2.17.0-gpu\nFROM tensorflow/tensorflow:${TAG}\n",
    "other families": "FROM nvidia/cuda:12.3.0-base-ubuntu22.04\nFROM python:3.11-slim\n",
}
BAD = {
    "2.18.0-gpu": ("FROM tensorflow/tensorflow:2.18.0-gpu\n", [1]),
    "2.19.0-gpu": ("FROM tensorflow/tensorflow:2.19.0-gpu\n", [1]),
    "2.19.0-gpu-jupyter": ("FROM tensorflow/tensorflow:2.19.0-gpu-jupyter\n", [1]),
    "with docker.io": ("FROM docker.io/tensorflow/tensorflow:2.18.0-gpu\n", [1]),
    "digest-pinned: the tag says what the digest is": (f"FROM tensorflow/tensorflow:2.19.0-gpu@{DIGEST}\n", [1]),
    "ARG-resolved": ("ARG TAG=2.19.0-gpu\nFROM tensorflow/tensorflow:${TAG}\n", [2]),
    "only the TF stage of a multi-stage file, once": (
        "FROM python:3.11-slim AS build\nRUN true\nFROM tensorflow/tensorflow:2.18.0-gpu AS run\nFROM run AS final\n",
        [3],
    ),
    "two broken stages": (
        "FROM tensorflow/tensorflow:2.18.0-gpu AS a\nFROM tensorflow/tensorflow:2.19.0-gpu AS b\n",
        [1, 2],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "TF105") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = [f for f in lint(text) if f.rule_id == "TF105"]
    assert [f.line for f in findings] == lines
    assert {f.severity.value for f in findings} == {"error"}


def test_build_arg_resolves_the_tag(lint):
    text = "ARG TAG\nFROM tensorflow/tensorflow:${TAG}\n"
    assert ids_and_lines(lint(text, build_args={"TAG": "2.18.0-gpu"}), "TF105") == [("TF105", 2)]


def test_the_rule_follows_the_knowledge_base():
    problem = load_kb().known_problem(PROBLEM)
    assert problem is not None and problem.kind == "broken-gpu"


def test_message_explains_cudnn_and_the_fix(lint):
    (finding,) = lint("ARG TAG=2.19.0-gpu\nFROM tensorflow/tensorflow:${TAG}\n", select=["TF105"])
    assert finding.message == (
        "tensorflow/tensorflow:2.19.0-gpu (FROM tensorflow/tensorflow:${TAG} resolves to "
        "tensorflow/tensorflow:2.19.0-gpu): TensorFlow >= 2.18 in a GPU image that ships cuDNN 8.9: the GPU is "
        "silently not used (the image ships cuDNN 8.9.6.50; TensorFlow 2.19.0 is built and tested with cuDNN 9.3, "
        "so it registers no GPU and runs on the CPU). Fix: Install cuDNN 9 for the same TensorFlow version: pip "
        'install "tensorflow[and-cuda]==2.19.0" (or nvidia-cudnn-cu12>=9), or apt-get install cudnn9-cuda-12; '
        "or base on 2.17.0-gpu."
    )


# -- the fix hook (the shell analysis of a later issue registers the real detector) -------------


B219 = "FROM tensorflow/tensorflow:2.19.0-gpu\n"
FIX = 'RUN pip install "nvidia-cudnn-cu12>=9"\n'
HOOK = {
    "fix in the same stage": ("FROM tensorflow/tensorflow:2.19.0-gpu\n" + FIX, []),
    "no fix": ("FROM tensorflow/tensorflow:2.19.0-gpu\nRUN pip install numpy\n", [1]),
    "fix in the only stage built on it": (
        "FROM tensorflow/tensorflow:2.19.0-gpu AS base\nFROM base AS final\n" + FIX,
        [],
    ),
    "fix in one of two stages built on it": (
        "FROM tensorflow/tensorflow:2.19.0-gpu AS base\nFROM base AS fixed\n" + FIX + "FROM base AS plain\n",
        [1],
    ),
    "fix in another image's stage": (
        "FROM tensorflow/tensorflow:2.19.0-gpu AS run\nFROM python:3.11-slim AS other\n" + FIX,
        [1],
    ),
    "and-cuda extra of the same TensorFlow": (
        'FROM tensorflow/tensorflow:2.18.0-gpu\nRUN pip install --no-cache-dir "tensorflow[and-cuda]==2.18.0"\n',
        [],
    ),
    "apt cudnn9 inside a multi-line RUN": (
        "FROM tensorflow/tensorflow:2.19.0-gpu\nRUN apt-get update && \\\n    apt-get install -y cudnn9-cuda-12\n",
        [],
    ),
    "apt libcudnn9 behind sudo": (
        "FROM tensorflow/tensorflow:2.19.0-gpu\nRUN sudo apt-get install -y libcudnn9-cuda-12\n",
        [],
    ),
    "cudnn 8 wheel is not the fix": (
        "FROM tensorflow/tensorflow:2.19.0-gpu\nRUN pip install nvidia-cudnn-cu12==8.9.7.29\n",
        [1],
    ),
    "uninstalling is not installing": (
        "FROM tensorflow/tensorflow:2.19.0-gpu\nRUN pip uninstall -y nvidia-cudnn-cu12\n",
        [1],
    ),
    "a fix only mentioned in a comment": (
        "FROM tensorflow/tensorflow:2.19.0-gpu\n# RUN apt-get install -y cudnn9-cuda-12\n",
        [1],
    ),
    "a fix in an ONBUILD RUN does not fix this image": (
        "FROM tensorflow/tensorflow:2.19.0-gpu\nONBUILD RUN apt-get install -y cudnn9-cuda-12\n",
        [1],
    ),
}


@pytest.mark.parametrize(("text", "lines"), HOOK.values(), ids=HOOK.keys())
def test_installed_fix_silences_the_rule(lint, text, lines):
    assert [f.line for f in lint(text, select=["TF105"])] == lines
