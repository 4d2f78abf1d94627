"""TF202 cuda-stack-replaced: CUDA, cuDNN, NCCL or TensorRT installed on a base that already ships them."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.rules.tf202_cuda_stack_replaced import (
    CONDA,
    CUDA,
    CUDNN,
    NCCL,
    SYSTEM,
    TENSORRT,
    UBUNTU,
    Part,
    conda_package_parts,
    system_package_parts,
)

NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
HUB = "FROM tensorflow/tensorflow:2.15.0-gpu\n"
BROKEN = "FROM tensorflow/tensorflow:2.19.0-gpu\n"
CUDA_BASE = "FROM nvidia/cuda:12.2.2-base-ubuntu22.04\n"
CUDA_RUNTIME = "FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\n"
CUDA_CUDNN8 = "FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\n"
CUDA10_DEVEL = "FROM nvidia/cuda:10.0-devel-ubuntu18.04\n"

OK = {
    "no base stack: python": "FROM python:3.11-slim\nRUN pip install nvidia-cudnn-cu12 tensorrt\n",
    "no base stack: ubuntu": "FROM ubuntu:22.04\nRUN apt-get install -y cuda-toolkit-12-2 libcudnn8 libnccl2\n",
    "Docker Hub CPU tag ships no CUDA": (
        "FROM tensorflow/tensorflow:2.15.0\nRUN apt-get install -y libcudnn8 && pip install tensorflow[and-cuda]\n"
    ),
    "cuDNN on a -base tag (it has none)": CUDA_BASE + "RUN apt-get install -y libcudnn8=8.9.7.29-1+cuda12.2\n",
    "cuDNN on a -runtime tag without cudnn": CUDA_RUNTIME + "RUN apt-get install -y cudnn9-cuda-12\n",
    "cuDNN wheel on a -runtime tag": CUDA_RUNTIME + "RUN pip install nvidia-cudnn-cu12==9.3.0.75\n",
    "apt CUDA of the image's own X.Y": CUDA_BASE + "RUN apt-get install -y cuda-libraries-12-2 cuda-nvcc-12-2\n",
    "apt CUDA of the image's X.Y on Docker Hub": HUB + "RUN apt-get install -y cuda-nvcc-12-3\n",
    "CUDA wheels of the same major on a -base tag": CUDA_BASE + "RUN pip install nvidia-cublas-cu12 nvidia-nccl-cu12\n",
    "and-cuda on a -base tag (the normal setup)": CUDA_BASE + 'RUN pip install "tensorflow[and-cuda]==2.15.0"\n',
    "NCCL on nvidia/cuda (not in the KB)": CUDA_RUNTIME + "RUN apt-get install -y libnccl2 libnccl-dev\n",
    "the very cuDNN build the image ships": HUB + "RUN apt-get install -y libcudnn8=8.9.6.50-1+cuda12.2\n",
    "cuda-keyring is not CUDA": NGC + "RUN apt-get install -y cuda-keyring\n",
    "cuda-drivers is TF203's": NGC + "RUN apt-get install -y cuda-drivers-535\n",
    "cross-compilation packages": CUDA10_DEVEL + "RUN apt-get install -y cuda-cross-aarch64\n",
    "uninstalls are not installs": NGC + "RUN pip uninstall -y tensorrt && apt-get remove -y libcudnn8\n",
    "pip download is not an install": NGC + "RUN pip download nvidia-cudnn-cu12\n",
    "and-cuda before 2.14 (the extra does not exist)": HUB + 'RUN pip install "tensorflow[and-cuda]==2.13.0"\n',
    "unrelated packages": NGC + "RUN apt-get install -y curl && pip install pandas nvidia-dali-cuda120\n",
    "unknown package words": NGC + "RUN apt-get install -y $PKGS && pip install $WHEELS && conda install $C\n",
    "unresolvable base": "ARG BASE\nFROM $BASE\nRUN apt-get install -y libcudnn8\n",
    "nvidia/cuda tag outside the grammar": "FROM nvidia/cuda:latest\nRUN apt-get install -y cuda-toolkit\n",
    "l4t-base ships no stack": "FROM nvcr.io/nvidia/l4t-base:r35.1.0\nRUN apt-get install -y cuda-toolkit-11-4\n",
    "ONBUILD is not this image's build": NGC + "ONBUILD RUN apt-get install -y libcudnn8\n",
}
BAD = {
    "NGC: apt cuDNN": (NGC + "RUN apt-get install -y libcudnn8\n", [2]),
    "NGC: pip wheels": (NGC + "RUN pip install nvidia-cudnn-cu12 nvidia-nccl-cu12\n", [2]),
    "NGC: conda": (NGC + "RUN conda install -y -c conda-forge cudatoolkit=11.8 cudnn=8.9\n", [2]),
    "NGC: even the CUDA packages of its own version": (NGC + "RUN apt-get install -y cuda-nvcc-12-3\n", [2]),
    "NGC framework image": ("FROM nvcr.io/nvidia/pytorch:24.01-py3\nRUN pip install tensorrt\n", [2]),
    "continuation line of a multi-line RUN": (
        NGC + "RUN apt-get update && \\\n    apt-get install -y --no-install-recommends \\\n        libnccl2 \\\n"
        "        curl\n",
        [4],
    ),
    "heredoc RUN": (NGC + "RUN <<EOF\nset -e\napt-get update\napt-get install -y tensorrt\nEOF\n", [5]),
    "sudo": (NGC + "RUN sudo apt-get install -y libnvinfer8\n", [2]),
    "ARG-resolved base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN pip install tensorrt\n",
        [3],
    ),
    "stage built from an earlier stage": (
        NGC.rstrip("\n") + " AS base\nRUN echo base\nFROM base AS app\nRUN apt-get install -y libcudnn8\n",
        [4],
    ),
    "each install command once": (
        NGC + "RUN apt-get install -y libcudnn8 libcudnn8-dev && pip install tensorrt\n",
        [2, 2],
    ),
    "cuDNN on a cudnn8 tag": (CUDA_CUDNN8 + "RUN apt-get install -y libcudnn8\n", [2]),
    "cuDNN 9 wheel on a cudnn8 tag": (CUDA_CUDNN8 + "RUN pip install nvidia-cudnn-cu12==9.3.0.75\n", [2]),
    "another CUDA X.Y": (CUDA_BASE + "RUN apt-get install -y cuda-libraries-11-8\n", [2]),
    "the repository's newest CUDA": (CUDA_RUNTIME + "RUN apt-get install -y cuda-toolkit\n", [2]),
    "CUDA wheels of another major": (CUDA_BASE + "RUN pip install nvidia-cublas-cu11\n", [2]),
    "CUDA wheels duplicating a -runtime tag": (CUDA_RUNTIME + "RUN pip install nvidia-cublas-cu12\n", [2]),
    "conda cudatoolkit of another major": (CUDA_BASE + "RUN conda install -y cudatoolkit=11.8\n", [2]),
    "Ubuntu's nvidia-cuda-toolkit": (CUDA_BASE + "RUN apt-get install -y nvidia-cuda-toolkit\n", [2]),
    "Docker Hub GPU: cuDNN wheel": (HUB + "RUN pip install nvidia-cudnn-cu12\n", [2]),
    "Docker Hub GPU: and-cuda": (HUB + 'RUN pip install "tensorflow[and-cuda]==2.15.0"\n', [2]),
    "Docker Hub GPU: TensorRT": (HUB + "RUN pip install tensorrt==10.0.1\n", [2]),
    "dnf": ("FROM nvidia/cuda:12.2.2-cudnn8-devel-ubi8\nRUN dnf install -y libcudnn8\n", [2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF202"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["TF202"])) == [("TF202", line) for line in lines]


def test_severity_error_on_ngc_warning_elsewhere(lint):
    (ngc,) = lint(NGC + "RUN apt-get install -y libcudnn8\n", select=["TF202"])
    (hub,) = lint(HUB + "RUN apt-get install -y libcudnn8\n", select=["TF202"])
    (cuda,) = lint(CUDA_BASE + "RUN apt-get install -y cuda-libraries-11-8\n", select=["TF202"])
    assert ngc.severity.value == "error"
    assert hub.severity.value == "warning"
    assert cuda.severity.value == "warning"


def test_column_points_at_the_package_word(lint):
    (finding,) = lint(NGC + "RUN apt-get update && \\\n    apt-get install -y curl libnccl2\n", select=["TF202"])
    assert (finding.line, finding.column) == (3, 29)


def test_ngc_message(lint):
    (finding,) = lint(NGC + "RUN apt-get install -y libcudnn8\n", select=["TF202"])
    assert finding.message.startswith(
        "apt-get install libcudnn8 installs cuDNN 8 (the newest release of that major) on "
        "nvcr.io/nvidia/tensorflow:24.01-tf2-py3, which already ships cuDNN"
    )
    assert "NVIDIA builds and tests the image's framework" in finding.message


def test_message_names_versions(lint):
    (finding,) = lint(CUDA_CUDNN8 + "RUN pip install nvidia-cudnn-cu12==9.3.0.75\n", select=["TF202"])
    assert "installs cuDNN 9.3.0.75 on nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04" in finding.message
    assert "which already ships cuDNN 8" in finding.message
    assert "Loaded runtime CuDNN library" in finding.message
    (cuda,) = lint(CUDA_BASE + "RUN apt-get install -y cuda-toolkit-11-8\n", select=["TF202"])
    assert "installs CUDA 11.8 on nvidia/cuda:12.2.2-base-ubuntu22.04, which already ships CUDA 12.2.2" in cuda.message
    assert "two CUDA installations" in cuda.message


def test_apt_cudnn_mentions_the_hold(lint):
    (finding,) = lint(CUDA_CUDNN8 + "RUN apt-get install -y libcudnn8\n", select=["TF202"])
    assert "--allow-change-held-packages" in finding.message


def test_several_packages_of_one_command_in_one_finding(lint):
    (finding,) = lint(NGC + "RUN apt-get install -y libcudnn8 libnccl2 tensorrt\n", select=["TF202"])
    assert finding.message.startswith("apt-get install libcudnn8, libnccl2 and tensorrt installs cuDNN 8")
    assert finding.column == 24


# -- a followed requirements file with a nested -r ----------------------------------------------


def test_followed_requirements_file(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==1.26.4\n-r gpu.txt\n")
    (tmp_path / "gpu.txt").write_text("# CUDA libraries\nnvidia-cudnn-cu12==9.1.0.70\n")
    text = (
        NGC + "COPY requirements.txt gpu.txt /app/\nRUN pip install --no-cache-dir \\\n    -r /app/requirements.txt\n"
    )
    (finding,) = lint(text, select=["TF202"], context=tmp_path)
    assert (finding.line, finding.severity.value) == (3, "error")
    assert "nvidia-cudnn-cu12==9.1.0.70 (gpu.txt:2)" in finding.message


def test_requirements_file_on_a_stage_built_from_a_gpu_stage(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("-r extra/cuda.txt\n")
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "cuda.txt").write_text("pandas\nnvidia-cublas-cu11\n")
    text = HUB.rstrip("\n") + " AS gpu\nFROM gpu\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\n"
    (finding,) = lint(text, select=["TF202"], context=tmp_path)
    assert (finding.line, finding.severity.value) == (5, "warning")
    assert "(extra/cuda.txt:2)" in finding.message
    assert "CUDA 11 libraries from PyPI" in finding.message


# -- the documented fix of a broken GPU image (TF105) --------------------------------------------


FIX = {
    "and-cuda of the same TensorFlow": BROKEN + 'RUN pip install "tensorflow[and-cuda]==2.19.0"\n',
    "cuDNN 9 wheel": BROKEN + 'RUN pip install "nvidia-cudnn-cu12>=9"\n',
    "apt cudnn9 on a continuation line": BROKEN + "RUN apt-get update && \\\n    apt-get install -y cudnn9-cuda-12\n",
    "in a stage built from it": BROKEN.rstrip("\n") + " AS base\nFROM base\nRUN apt-get install -y libcudnn9-cuda-12\n",
}


@pytest.mark.parametrize("text", FIX.values(), ids=FIX.keys())
def test_documented_fix_is_info(lint, text):
    findings = lint(text, select=["TF202", "TF105"])
    assert [(f.rule_id, f.severity.value) for f in findings] == [("TF202", "info")]
    assert "documented fix" in findings[0].message
    assert "TensorFlow >= 2.18 in a GPU image that ships cuDNN 8.9" in findings[0].message


def test_cudnn8_on_a_broken_image_is_no_fix(lint):
    text = BROKEN + "RUN pip install nvidia-cudnn-cu12==8.9.7.29\n"
    findings = lint(text, select=["TF202", "TF105"])
    assert sorted((f.rule_id, f.severity.value) for f in findings) == [("TF105", "error"), ("TF202", "warning")]


def test_fix_and_other_installs_are_reported_apart(lint):
    text = BROKEN + "RUN apt-get install -y cudnn9-cuda-12 cuda-toolkit-11-8\n"
    findings = lint(text, select=["TF202"])
    assert sorted((f.severity.value, f.column) for f in findings) == [("info", 24), ("warning", 39)]


# -- package classification ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version", "parts"),
    [
        ("cuda-cudart-12-2", None, (Part(CUDA, "12.2", SYSTEM),)),
        ("cuda-12-2", None, (Part(CUDA, "12.2", SYSTEM),)),
        ("cuda-toolkit-12", None, (Part(CUDA, "12", SYSTEM),)),
        ("cuda-command-line-tools", None, (Part(CUDA, None, SYSTEM),)),
        ("cuda-keyring", None, ()),
        ("cuda-drivers", None, ()),
        ("cuda-drivers-535", None, ()),
        ("cuda-repo-ubuntu2204-12-2-local", None, ()),
        ("libcudnn8", "8.9.6.50-1+cuda12.2", (Part(CUDNN, "8.9.6.50", SYSTEM),)),
        ("libcudnn9-dev-cuda-12", None, (Part(CUDNN, "9", SYSTEM),)),
        ("cudnn", None, (Part(CUDNN, None, SYSTEM),)),
        ("cudnn-local-repo-ubuntu2204-9.1.0", None, ()),
        ("libnccl2", "2.18.3-1+cuda12.2", (Part(NCCL, "2.18.3", SYSTEM),)),
        ("libnvinfer8", None, (Part(TENSORRT, "8", SYSTEM),)),
        ("python3-libnvinfer", None, (Part(TENSORRT, None, SYSTEM),)),
        ("tensorrt-dev", "8.6.1.6-1+cuda12.0", (Part(TENSORRT, "8.6.1.6", SYSTEM),)),
        ("nvidia-cuda-toolkit", None, (Part(CUDA, None, UBUNTU),)),
        ("./debs/libcudnn8_8.9.6.50-1+cuda12.2_amd64.deb", None, (Part(CUDNN, "8.9.6.50", SYSTEM),)),
        ("nvidia-container-toolkit", None, ()),
        ("curl", None, ()),
    ],
)
def test_system_package_parts(name, version, parts):
    assert system_package_parts(name, version) == parts


@pytest.mark.parametrize(
    ("name", "spec", "parts"),
    [
        ("cudatoolkit", "=11.8", (Part(CUDA, "11.8", CONDA),)),
        ("cuda-toolkit", "==12.2.0", (Part(CUDA, "12.2", CONDA),)),
        ("cudnn", "=8.9.2.26=cuda11_0", (Part(CUDNN, "8.9.2.26", CONDA),)),
        ("nccl", "", (Part(NCCL, None, CONDA),)),
        ("cuda-python", "", ()),
    ],
)
def test_conda_package_parts(name, spec, parts):
    assert conda_package_parts(name, spec) == parts


def test_pip_wheels(lint):
    text = NGC + "RUN pip install nvidia-cuda-runtime-cu12 nvidia-cudnn-cu11==8.6.0.163 cupy-cuda12x torch\n"
    (finding,) = lint(text, select=["TF202"])
    assert "CUDA 12 libraries from PyPI, cuDNN 8.6.0.163" in finding.message
    assert "cupy" not in finding.message and "torch" not in finding.message
