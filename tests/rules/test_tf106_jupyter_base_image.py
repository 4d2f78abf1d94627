"""TF106 jupyter-base-image."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

OK = {
    "gpu tag": "FROM tensorflow/tensorflow:2.17.0-gpu\n",
    "other family with jupyter in the tag": "FROM jupyter/tensorflow-notebook:latest-jupyter\n",
    "NGC": "FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\n",
    "unresolved": "ARG TAG\nFROM tensorflow/tensorflow:$TAG\n",
    "stage built on a jupyter stage is reported once, at its FROM": (
        "FROM tensorflow/tensorflow:2.17.0-gpu AS base\nFROM base\n"
    ),
}
BAD = {
    "gpu-jupyter": ("FROM tensorflow/tensorflow:2.17.0-gpu-jupyter\n", [1]),
    "latest-jupyter via ARG": ("ARG TAG=latest-jupyter\nFROM docker.io/tensorflow/tensorflow:${TAG}\n", [2]),
    "second stage only": ("FROM python:3.11 AS build\nRUN true\nFROM tensorflow/tensorflow:2.15.0-jupyter\n", [3]),
    "digest-pinned jupyter": ("FROM tensorflow/tensorflow:2.17.0-jupyter@sha256:" + "b" * 64 + "\n", [1]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "TF106") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text)
    assert ids_and_lines(findings, "TF106") == [("TF106", line) for line in lines]
    assert all(f.severity.value == "info" for f in findings if f.rule_id == "TF106")


def test_message(lint):
    (finding,) = lint("FROM tensorflow/tensorflow:2.17.0-gpu-jupyter\n", select=["TF106"])
    assert finding.message.startswith("tensorflow/tensorflow:2.17.0-gpu-jupyter is a Jupyter image")
