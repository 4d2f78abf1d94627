"""TF303 missing-nvidia-capabilities."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
ENV_OK = "ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility\n"

OK = {
    "both variables set": PY + ENV_OK + 'RUN pip install "tensorflow[and-cuda]==2.15.1"\n',
    "set after the install": PY + 'RUN pip install "tensorflow[and-cuda]==2.15.1"\n' + ENV_OK,
    "NVIDIA_VISIBLE_DEVICES alone": PY + "ENV NVIDIA_VISIBLE_DEVICES=all\nRUN pip install tensorflow[and-cuda]\n",
    "capabilities with compute alone": PY + "ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility\n"
    "RUN pip install tensorflow[and-cuda]\n",
    "capabilities all": PY + "ENV NVIDIA_DRIVER_CAPABILITIES all\nRUN pip install tensorflow[and-cuda]\n",
    "CPU TensorFlow": PY + "RUN pip install tensorflow==2.15.1\n",
    "cuDNN without TensorFlow": PY + "RUN pip install nvidia-cudnn-cu12==9.3.0.75\n",
    "uninstall is not a setup": PY + "RUN pip install tensorflow && pip uninstall -y nvidia-cudnn-cu12\n",
    "nvidia/cuda base sets them": "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\n"
    "RUN pip install tensorflow[and-cuda]==2.15.1\n",
    "NGC base sets them": "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nRUN pip install nvidia-cudnn-cu12\n",
    "Docker Hub GPU tag is built on nvidia/cuda": "FROM tensorflow/tensorflow:2.15.0-gpu\n"
    "RUN pip install tensorflow[and-cuda]==2.15.0\n",
    "unknown base may set them": "ARG BASE\nFROM $BASE\nRUN pip install tensorflow[and-cuda]\n",
    "private image": "FROM registry.example.com/ml/base:1.0\nRUN pip install tensorflow[and-cuda]\n",
    "set in a stage built on it": PY.replace("\n", " AS base\n")
    + "RUN pip install tensorflow[and-cuda]\nFROM base\n"
    + ENV_OK,
    "inherited from the stage it is built on": PY.replace("\n", " AS base\n")
    + ENV_OK
    + "FROM base\nRUN pip install tensorflow[and-cuda]\n",
    "the stage built on a reported stage is not reported again": PY.replace("\n", " AS base\n")
    + "ENV NVIDIA_VISIBLE_DEVICES=all\nRUN pip install tensorflow[and-cuda]\nFROM base\nRUN pip install keras\n",
}
BAD = {
    "tensorflow[and-cuda] on python": (PY + 'RUN pip install "tensorflow[and-cuda]==2.15.1"\n', [2]),
    "continuation line of a multi-line RUN": (
        PY + "RUN apt-get update && \\\n    pip install --no-cache-dir \\\n        tensorflow[and-cuda]==2.15.1\n",
        [4],
    ),
    "heredoc RUN": (PY + "RUN <<EOF\nset -e\npip install tensorflow[and-cuda]\nEOF\n", [4]),
    "tensorflow plus nvidia-cudnn-cu12": (PY + "RUN pip install tensorflow==2.15.1 nvidia-cudnn-cu12==8.9.7.29\n", [2]),
    "tensorflow-gpu": (PY + "RUN pip install tensorflow-gpu==2.11.0\n", [2]),
    "ubuntu plus apt cuDNN": (
        "FROM ubuntu:22.04\nRUN apt-get install -y libcudnn8 python3-pip\nRUN pip install tensorflow==2.15.0\n",
        [2],
    ),
    "conda cudatoolkit": (
        "FROM ubuntu:22.04\nRUN conda install -y cudatoolkit=11.8 cudnn=8.6 && pip install tensorflow==2.12.0\n",
        [2],
    ),
    "Docker Hub CPU tag": ("FROM tensorflow/tensorflow:2.15.0\nRUN pip install nvidia-cudnn-cu12==8.9.7.29\n", [2]),
    "reported once per stage, at the first install": (
        PY + "RUN pip install tensorflow[and-cuda]\nRUN pip install nvidia-cudnn-cu12\n",
        [2],
    ),
    "NVIDIA_VISIBLE_DEVICES in another branch does not count": (
        PY.replace("\n", " AS a\n")
        + "RUN pip install tensorflow[and-cuda]\n"
        + PY
        + "ENV NVIDIA_VISIBLE_DEVICES=all\n",
        [2],
    ),
    "ARG-resolved base": ("ARG PY=3.11-slim\nFROM python:${PY}\nRUN pip install tensorflow[and-cuda]\n", [3]),
    "stage built on an earlier stage": (
        PY.replace("\n", " AS base\n") + "RUN pip install tensorflow\nFROM base\nRUN pip install nvidia-cudnn-cu12\n",
        [4],
    ),
    "TensorFlow added on a stage whose parent set up CUDA": (
        PY.replace("\n", " AS cuda\n") + "RUN pip install nvidia-cudnn-cu12\nFROM cuda\nRUN pip install tensorflow\n",
        [4],
    ),
    "an ENV with no value sets nothing (and does not crash)": (
        PY + "ENV NVIDIA_DRIVER_CAPABILITIES\nRUN pip install tensorflow[and-cuda]\n",
        [3],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF303"]), "TF303") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF303"])
    assert ids_and_lines(findings, "TF303") == [("TF303", line) for line in lines]
    assert all(f.severity.value == "info" for f in findings if f.rule_id == "TF303")


def test_followed_requirements_file_with_nested_r(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy<2\n-r gpu.txt\n")
    (tmp_path / "gpu.txt").write_text("# GPU\ntensorflow[and-cuda]==2.15.1\n")
    text = PY + "WORKDIR /app\nCOPY . /app\nRUN pip install \\\n    -r requirements.txt\n"
    findings = lint(text, select=["TF303"], context=tmp_path)
    assert ids_and_lines(findings) == [("TF303", 4)]
    assert "gpu.txt:2" in findings[0].message


def test_message(lint):
    (finding,) = lint(PY + 'RUN pip install "tensorflow[and-cuda]==2.15.1"\n', select=["TF303"])
    assert finding.message.startswith(
        "pip install tensorflow[and-cuda] sets up TensorFlow with CUDA on python:3.11-slim"
    )
    assert "sets neither NVIDIA_VISIBLE_DEVICES nor NVIDIA_DRIVER_CAPABILITIES" in finding.message
    assert "ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility" in finding.message
    assert finding.column == 17


CAPABILITIES_WITHOUT_COMPUTE = {
    "python plus and-cuda": (
        PY + "ENV NVIDIA_DRIVER_CAPABILITIES=utility\nRUN pip install tensorflow[and-cuda]\n",
        [2],
    ),
    "NGC": ("FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nENV NVIDIA_DRIVER_CAPABILITIES=video,utility\n", [2]),
    "continuation line": (
        "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n"
        "ENV NVIDIA_VISIBLE_DEVICES=all \\\n    NVIDIA_DRIVER_CAPABILITIES=graphics\n",
        [4],
    ),
}


@pytest.mark.parametrize(
    ("text", "lines"), CAPABILITIES_WITHOUT_COMPUTE.values(), ids=CAPABILITIES_WITHOUT_COMPUTE.keys()
)
def test_capabilities_without_compute(lint, text, lines):
    findings = lint(text, select=["TF303"])
    assert ids_and_lines(findings) == [("TF303", line) for line in lines]
    assert all(f.severity.value == "warning" for f in findings)
    assert all("has no `compute`" in f.message for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\nENV NVIDIA_DRIVER_CAPABILITIES=utility\n",
        PY + "ENV NVIDIA_DRIVER_CAPABILITIES=utility\n",
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nENV NVIDIA_DRIVER_CAPABILITIES=\n",
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nARG CAPS\nENV NVIDIA_DRIVER_CAPABILITIES=$CAPS\n",
    ],
    ids=["no TensorFlow on nvidia/cuda", "no TensorFlow on python", "empty value", "unknown value"],
)
def test_capabilities_not_judged(lint, text):
    assert ids_and_lines(lint(text, select=["TF303"])) == []
