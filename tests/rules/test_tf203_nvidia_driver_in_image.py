"""TF203 nvidia-driver-in-image: driver packages or the driver installer inside the image, in any family."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.rules.tf203_nvidia_driver_in_image import driver_package

CUDA = "FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
UBUNTU = "FROM ubuntu:22.04\n"
DRIVER_RUN = "NVIDIA-Linux-x86_64-535.54.03.run"
CUDA_RUN = "cuda_12.2.0_535.54.03_linux.run"

OK = {
    "CUDA toolkit packages": CUDA + "RUN apt-get install -y cuda-toolkit-12-2 cuda-libraries-12-2 cuda-compat-12-2\n",
    "container toolkit (host software)": UBUNTU
    + "RUN apt-get install -y nvidia-container-toolkit libnvidia-container1\n",
    "nvidia-modprobe (loads the host's modules)": UBUNTU + "RUN apt-get install -y nvidia-modprobe\n",
    "Ubuntu's CUDA toolkit (TF202's)": CUDA + "RUN apt-get install -y nvidia-cuda-toolkit\n",
    "NVML headers": UBUNTU + "RUN apt-get install -y libnvidia-ml-dev\n",
    "driver repository package": UBUNTU + "RUN apt-get install -y nvidia-driver-local-repo-ubuntu2204-535.54.03\n",
    "cuda-keyring": CUDA + "RUN apt-get install -y cuda-keyring\n",
    "removing the driver": UBUNTU + "RUN apt-get purge -y 'nvidia-driver-*' && apt-get remove -y cuda-drivers\n",
    "CUDA runfile with --toolkit": UBUNTU + f"RUN sh {CUDA_RUN} --silent --toolkit --override\n",
    "CUDA runfile extracted": UBUNTU + f"RUN sh {CUDA_RUN} --extract=/tmp/cuda\n",
    "driver runfile extracted": UBUNTU + f"RUN sh {DRIVER_RUN} -x\n",
    "driver runfile downloaded, not run": UBUNTU
    + f"RUN wget https://example.com/{DRIVER_RUN} && chmod +x {DRIVER_RUN}\n",
    "runfile through an unset variable": UBUNTU + "RUN sh $RUNFILE --silent\n",
    "unknown package words": UBUNTU + "RUN apt-get install -y $PKGS\n",
    "a comment": UBUNTU + "# RUN apt-get install -y nvidia-driver-535\n",
    "sh -c string is split, not a script": UBUNTU + "RUN sh -c 'echo NVIDIA-Linux-x86_64-535.run'\n",
    "ONBUILD is not this image's build": UBUNTU + "ONBUILD RUN apt-get install -y nvidia-driver-535\n",
    "pip packages": UBUNTU + "RUN pip install nvidia-ml-py nvidia-cuda-runtime-cu12\n",
}
BAD = {
    "nvidia-driver-535": (CUDA + "RUN apt-get install -y nvidia-driver-535\n", [2]),
    "Debian nvidia-driver and libcuda1": (
        "FROM debian:12\nRUN apt-get install -y nvidia-driver && apt-get install -y libcuda1\n",
        [2, 2],
    ),
    "nvidia-utils": (UBUNTU + "RUN apt-get install -y nvidia-utils-535-server\n", [2]),
    "libnvidia-compute": (UBUNTU + "RUN apt-get install -y libnvidia-compute-535\n", [2]),
    "other per-branch driver libraries": (
        UBUNTU + "RUN apt-get install -y libnvidia-gl-535 libnvidia-decode-535\n",
        [2, 2],
    ),
    "cuda-drivers": (CUDA + "RUN apt-get install -y cuda-drivers-535\n", [2]),
    "nvidia-dkms": (UBUNTU + "RUN apt-get install -y nvidia-dkms-535\n", [2]),
    "cuda meta-package pulls the driver": (CUDA + "RUN apt-get install -y cuda\n", [2]),
    "cuda-X-Y meta-package": (CUDA + "RUN apt-get install -y cuda-12-2\n", [2]),
    "cuda-runtime-X-Y meta-package": (CUDA + "RUN apt-get install -y cuda-runtime-12-2\n", [2]),
    "any family": ("FROM python:3.11-slim\nRUN apt-get install -y nvidia-driver-535\n", [2]),
    "NGC": (NGC + "RUN apt-get install -y nvidia-utils-535\n", [2]),
    "yum and dnf": (
        "FROM rockylinux:9\nRUN yum install -y kmod-nvidia-latest-dkms\n"
        "RUN dnf module install -y nvidia-driver:latest-dkms\n",
        [2, 3],
    ),
    "continuation line of a multi-line RUN": (
        UBUNTU + "RUN apt-get update && \\\n    apt-get install -y --no-install-recommends \\\n"
        "        curl \\\n        nvidia-driver-535\n",
        [5],
    ),
    "heredoc RUN": (UBUNTU + "RUN <<EOF\nset -e\napt-get update\napt-get install -y cuda-drivers\nEOF\n", [5]),
    "sudo": (UBUNTU + "RUN sudo apt-get install -y nvidia-driver-535\n", [2]),
    "local .deb file": (UBUNTU + "RUN apt-get install -y ./nvidia-driver-535_535.54.03-0ubuntu1_amd64.deb\n", [2]),
    "ARG-resolved base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN apt-get install -y cuda\n",
        [3],
    ),
    "stage built from an earlier stage": (
        CUDA.rstrip("\n") + " AS base\nFROM base AS app\nRUN apt-get install -y nvidia-driver-535\n",
        [3],
    ),
    "driver runfile with sh": (UBUNTU + f"RUN sh {DRIVER_RUN} --silent --no-kernel-module\n", [2]),
    "driver runfile run directly": (UBUNTU + f"RUN chmod +x {DRIVER_RUN} && ./{DRIVER_RUN} -s\n", [2]),
    "CUDA runfile without --toolkit": (UBUNTU + f"RUN bash /tmp/{CUDA_RUN} --silent\n", [2]),
    "CUDA runfile with --driver": (UBUNTU + f"RUN sh {CUDA_RUN} --silent --driver --toolkit\n", [2]),
    "old CUDA runfile without .run": (UBUNTU + "RUN sh cuda_10.0.130_410.48_linux --silent\n", [2]),
    "runfile on a continuation line": (
        UBUNTU + f"RUN wget https://example.com/{CUDA_RUN} && \\\n    sh {CUDA_RUN} --silent\n",
        [3],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF203"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF203"])
    assert ids_and_lines(findings) == [("TF203", line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


def test_column_points_at_the_package_word(lint):
    (finding,) = lint(
        UBUNTU + "RUN apt-get update && \\\n    apt-get install -y curl nvidia-driver-535\n", select=["TF203"]
    )
    assert (finding.line, finding.column) == (3, 29)


def test_package_message(lint):
    (finding,) = lint(CUDA + "RUN apt-get install -y nvidia-driver-535\n", select=["TF203"])
    assert finding.message.startswith("apt-get install nvidia-driver-535 installs the NVIDIA driver inside the image")
    assert "mounts the host's driver" in finding.message
    assert "Driver/library version mismatch" in finding.message
    assert finding.message.endswith("Remove it and install the driver on the host")


def test_meta_package_message_suggests_the_toolkit(lint):
    (finding,) = lint(CUDA + "RUN apt-get install -y cuda-12-2\n", select=["TF203"])
    assert "a CUDA meta-package that depends on cuda-drivers" in finding.message
    assert finding.message.endswith("Install cuda-toolkit-X-Y (no driver) instead")


def test_runfile_message(lint):
    (finding,) = lint(UBUNTU + f"RUN sh {CUDA_RUN} --silent\n", select=["TF203"])
    assert finding.message.startswith(f"{CUDA_RUN} is the CUDA runfile installer without --toolkit")
    assert "--silent --toolkit" in finding.message
    assert finding.column == 8


def test_no_crash_on_odd_words(lint):
    text = UBUNTU + 'RUN apt-get install -y "" $(cat pkgs) && sh && bash -- && "$X" --silent && ./\n'
    assert ids_and_lines(lint(text, select=["TF203"])) == []


@pytest.mark.parametrize(
    ("name", "driver"),
    [
        ("nvidia-driver-535", True),
        ("nvidia-headless-535-server", True),
        ("nvidia-kernel-common-535", True),
        ("xserver-xorg-video-nvidia-535", True),
        ("nvidia-open", True),
        ("cuda", True),
        ("cuda-runtime-11-8", True),
        ("cuda-toolkit-12-2", False),
        ("cuda-libraries-12-2", False),
        ("nvidia-container-toolkit", False),
        ("nvidia-container-runtime", False),
        ("nvidia-docker2", False),
        ("nvidia-modprobe", False),
        ("libnvidia-container-tools", False),
        ("nvidia-driver-local-repo-ubuntu2204-535.54.03", False),
    ],
)
def test_driver_package(name, driver):
    assert (driver_package(name) is not None) is driver
