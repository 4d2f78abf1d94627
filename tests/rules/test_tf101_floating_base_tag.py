"""TF101 floating-base-tag: no tag or a moving tag, per family severity, ARG-resolved."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

DIGEST = "sha256:" + "c" * 64
OK = {
    "pinned Docker Hub tag": "FROM tensorflow/tensorflow:2.17.0-gpu\n",
    "pinned NGC tag": "FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\n",
    "nvidia/cuda devel flavour is not a moving tag": "FROM nvidia/cuda:12.2.0-devel-ubuntu22.04\n",
    "moving tag pinned by digest": f"FROM tensorflow/tensorflow:latest-gpu@{DIGEST}\n",
    "no tag but a digest": f"FROM python@{DIGEST}\n",
    "scratch": "FROM scratch\n",
    "stage reference": "FROM python:3.11-slim AS base\nFROM base\n",
    "unresolvable base": "ARG BASE\nFROM $BASE\n",
    "ARG resolved to a pinned tag": "ARG TAG=2.15.0-gpu\nFROM tensorflow/tensorflow:${TAG}\n",
}
BAD = {
    "latest-gpu": ("FROM tensorflow/tensorflow:latest-gpu\n", [1], "error"),
    "no tag on Docker Hub TF": ("FROM tensorflow/tensorflow\n", [1], "error"),
    "nightly": ("FROM tensorflow/tensorflow:nightly-gpu\n", [1], "error"),
    "devel": ("FROM tensorflow/tensorflow:devel-gpu\n", [1], "error"),
    "NGC without tag": ("FROM nvcr.io/nvidia/tensorflow\n", [1], "error"),
    "NGC framework latest": ("FROM nvcr.io/nvidia/pytorch:latest\n", [1], "error"),
    "nvidia/cuda latest": ("FROM nvidia/cuda:latest\n", [1], "error"),
    "other family is a warning": ("FROM ubuntu:latest\n", [1], "warning"),
    "python without tag is a warning": ("FROM python\n", [1], "warning"),
    "ARG-resolved latest-gpu": ("ARG TAG=latest-gpu\nFROM tensorflow/tensorflow:${TAG}\n", [2], "error"),
    "only the TF stage of a multi-stage file": (
        "FROM python:3.11-slim AS build\nRUN true\nFROM tensorflow/tensorflow:latest-gpu AS run\n",
        [3],
        "error",
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "TF101") == []


@pytest.mark.parametrize(("text", "lines", "severity"), BAD.values(), ids=BAD.keys())
def test_finding_lines_and_severity(lint, text, lines, severity):
    findings = [f for f in lint(text) if f.rule_id == "TF101"]
    assert [f.line for f in findings] == lines
    assert {f.severity.value for f in findings} == {severity}


def test_message_names_the_resolved_image_and_a_pinned_suggestion(lint):
    (finding,) = lint("ARG TAG=latest-gpu\nFROM tensorflow/tensorflow:${TAG}\n", select=["TF101"])
    assert finding.message == (
        "tensorflow/tensorflow:latest-gpu uses the moving tag 'latest-gpu' "
        "(FROM tensorflow/tensorflow:${TAG} resolves to tensorflow/tensorflow:latest-gpu); pin a release tag "
        "or a digest (newest known without a known GPU problem: tensorflow/tensorflow:2.17.0-gpu)"
    )


def test_message_for_a_missing_tag(lint):
    (finding,) = lint("FROM python\n", select=["TF101"])
    assert finding.message == "python has no tag, so it pulls `latest`; pin a release tag or a digest"


def test_ngc_suggestion(lint):
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow\n", select=["TF101"])
    assert finding.message.endswith(
        "(newest known without a known GPU problem: nvcr.io/nvidia/tensorflow:25.02-tf2-py3)"
    )


def test_written_moving_tag_behind_an_unknown_repository_is_reported(lint):
    text = "ARG PROJECT\nFROM gcr.io/$PROJECT/cc-base:latest\n"
    (finding,) = lint(text, select=["TF101"])
    assert (finding.line, finding.severity.value) == (2, "warning")
    assert finding.message == (
        "FROM gcr.io/$PROJECT/cc-base:latest uses the moving tag 'latest' whatever PROJECT turns out to be; "
        "pin a release tag or a digest"
    )


@pytest.mark.parametrize(
    "text",
    [
        "ARG PROJECT\nFROM gcr.io/$PROJECT/cc-base:1.2\n",
        "ARG TAG\nFROM python:$TAG\n",
        "ARG PROJECT\nFROM gcr.io/$PROJECT/cc-base:latest@sha256:" + "a" * 64 + "\n",
    ],
)
def test_unknown_base_with_a_pinned_or_unknown_tag_is_not_reported(lint, text):
    assert lint(text, select=["TF101"]) == []
