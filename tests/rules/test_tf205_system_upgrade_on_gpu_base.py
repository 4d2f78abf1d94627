"""TF205 system-upgrade-on-gpu-base: a whole-system apt/yum/dnf upgrade on a GPU image."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

CUDA = "FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\n"
UBI = "FROM nvidia/cuda:12.2.2-runtime-ubi8\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
HUB = "FROM tensorflow/tensorflow:2.15.0-gpu\n"

OK = {
    "apt-get update alone": CUDA + "RUN apt-get update && apt-get install -y curl\n",
    "--only-upgrade names packages": CUDA + "RUN apt-get install -y --only-upgrade openssl\n",
    "upgrade with package names": CUDA + "RUN apt-get upgrade -y cuda-cudart-12-2\n",
    "yum update with package names": UBI + "RUN yum update -y openssl\n",
    "yum check-update": UBI + "RUN yum check-update || true\n",
    "dnf makecache": UBI + "RUN dnf makecache\n",
    "Docker Hub CPU tag": "FROM tensorflow/tensorflow:2.15.0\nRUN apt-get upgrade -y\n",
    "python base": "FROM python:3.11-slim\nRUN apt-get update && apt-get upgrade -y\n",
    "ubuntu base": "FROM ubuntu:22.04\nRUN apt-get dist-upgrade -y\n",
    "unresolvable base": "ARG BASE\nFROM $BASE\nRUN apt-get upgrade -y\n",
    "digest-only Docker Hub image (GPU or not unknown)": (
        "FROM tensorflow/tensorflow@sha256:" + "a" * 64 + "\nRUN apt-get upgrade -y\n"
    ),
    "CUDA packages held first": CUDA + "RUN apt-mark hold 'cuda-*' 'libcudnn*' && apt-get upgrade -y\n",
    "CUDA packages held in the stage it is built on": (
        CUDA.rstrip("\n") + " AS base\nRUN apt-mark hold cuda-compat-12-2 cuda-cudart-12-2\nFROM base\n"
        "RUN apt-get upgrade -y\n"
    ),
    "dnf versionlock first": UBI + "RUN dnf versionlock add 'cuda-*' && dnf upgrade -y\n",
    "dnf --exclude": UBI + "RUN dnf upgrade -y --exclude='cuda*,libcudnn*'\n",
    "yum -x": UBI + "RUN yum update -y -x 'cuda-*'\n",
    "unknown subcommand": CUDA + "RUN apt-get $CMD -y\n",
    "unknown package words": CUDA + "RUN apt-get upgrade -y $PKGS\n",
    "a comment": CUDA + "# RUN apt-get upgrade -y\n",
    "ONBUILD is not this image's build": CUDA + "ONBUILD RUN apt-get upgrade -y\n",
    "apk": CUDA + "RUN apk upgrade\n",
}
BAD = {
    "apt-get upgrade": (CUDA + "RUN apt-get update && apt-get upgrade -y\n", [2]),
    "apt-get dist-upgrade": (CUDA + "RUN apt-get -y dist-upgrade\n", [2]),
    "apt-get full-upgrade": (CUDA + "RUN apt-get full-upgrade -y\n", [2]),
    "apt upgrade": (CUDA + "RUN apt upgrade -y\n", [2]),
    "aptitude safe-upgrade": (CUDA + "RUN aptitude safe-upgrade -y\n", [2]),
    "yum update": (UBI + "RUN yum update -y\n", [2]),
    "yum upgrade": (UBI + "RUN yum upgrade -y\n", [2]),
    "dnf upgrade": (UBI + "RUN dnf upgrade -y\n", [2]),
    "dnf update": (UBI + "RUN dnf update -y\n", [2]),
    "microdnf update": (UBI + "RUN microdnf update -y\n", [2]),
    "NGC": (NGC + "RUN apt-get upgrade -y\n", [2]),
    "NGC framework image": ("FROM nvcr.io/nvidia/pytorch:24.01-py3\nRUN apt-get upgrade -y\n", [2]),
    "Docker Hub GPU tag": (HUB + "RUN apt-get upgrade -y\n", [2]),
    "continuation line of a multi-line RUN": (
        CUDA + "RUN apt-get update && \\\n    apt-get upgrade -y && \\\n    rm -rf /var/lib/apt/lists/*\n",
        [3],
    ),
    "heredoc RUN": (CUDA + "RUN <<EOF\nset -e\napt-get update\napt-get -y upgrade\nEOF\n", [5]),
    "sudo": (CUDA + "RUN sudo apt-get upgrade -y\n", [2]),
    "ARG-resolved base": ("ARG TAG=2.15.0-gpu\nFROM tensorflow/tensorflow:${TAG}\nRUN apt-get upgrade -y\n", [3]),
    "stage built from an earlier stage": (HUB.rstrip("\n") + " AS gpu\nFROM gpu AS app\nRUN apt-get upgrade -y\n", [3]),
    "a hold of cuDNN alone does not count": (CUDA + "RUN apt-mark hold libcudnn8 && apt-get upgrade -y\n", [2]),
    "a hold after the upgrade does not count": (CUDA + "RUN apt-get upgrade -y && apt-mark hold 'cuda-*'\n", [2]),
    "a hold of other packages does not count": (CUDA + "RUN apt-mark hold nano && apt-get upgrade -y\n", [2]),
    "dnf --exclude of other packages": (UBI + "RUN dnf upgrade -y --exclude=kernel*\n", [2]),
    "two upgrades": (CUDA + "RUN apt-get upgrade -y\nRUN apt-get dist-upgrade -y\n", [2, 3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF205"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF205"])
    assert ids_and_lines(findings) == [("TF205", line) for line in lines]
    assert {f.severity.value for f in findings} == {"warning"}


def test_column_points_at_the_subcommand(lint):
    (finding,) = lint(CUDA + "RUN apt-get update && \\\n    apt-get -y upgrade\n", select=["TF205"])
    assert (finding.line, finding.column) == (3, 16)


def test_build_arg_resolves_a_gpu_tag(lint):
    text = "ARG TAG\nFROM tensorflow/tensorflow:${TAG}\nRUN apt-get upgrade -y\n"
    assert ids_and_lines(lint(text, select=["TF205"], build_args={"TAG": "2.15.0-gpu"})) == [("TF205", 3)]
    assert ids_and_lines(lint(text, select=["TF205"], build_args={"TAG": "2.15.0"})) == []


def test_apt_message(lint):
    (finding,) = lint(CUDA + "RUN apt-get upgrade -y\n", select=["TF205"])
    assert finding.message.startswith(
        "apt-get upgrade upgrades every package of nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04, a GPU image"
    )
    assert "cuDNN" in finding.message
    assert "apt-get install --only-upgrade <package>" in finding.message
    assert "apt-mark hold 'cuda-*'" in finding.message


def test_ngc_message(lint):
    (finding,) = lint(NGC + "RUN apt-get upgrade -y\n", select=["TF205"])
    assert "NVIDIA's tested stack" in finding.message


def test_rpm_message(lint):
    (finding,) = lint(UBI + "RUN dnf upgrade -y\n", select=["TF205"])
    assert finding.message.startswith("dnf upgrade upgrades every package of nvidia/cuda:12.2.2-runtime-ubi8")
    assert "--exclude='cuda*" in finding.message
