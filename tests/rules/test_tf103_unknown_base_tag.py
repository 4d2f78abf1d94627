"""TF103 unknown-base-tag: tags the knowledge base says were never published, ARG-resolved."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.kb import load_kb

DIGEST = "sha256:" + "d" * 64
AS_OF = load_kb().as_of
OK = {
    "published Docker Hub tag": "FROM tensorflow/tensorflow:2.16.1-gpu\n",
    "published NGC tag": "FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\n",
    "KB cannot tell (no record of 2.9.1 images)": "FROM tensorflow/tensorflow:2.9.1-gpu\n",
    "KB cannot tell (unknown variant)": "FROM tensorflow/tensorflow:2.17.0-foo\n",
    "KB cannot tell (NGC month not in the KB)": "FROM nvcr.io/nvidia/tensorflow:21.08-tf2-py3\n",
    "moving tag": "FROM tensorflow/tensorflow:latest-gpu\n",
    "nightly": "FROM tensorflow/tensorflow:nightly-gpu\n",
    "no tag": "FROM tensorflow/tensorflow\n",
    "digest only": f"FROM tensorflow/tensorflow@{DIGEST}\n",
    "the digest decides what an unpublished tag pulls": f"FROM tensorflow/tensorflow:2.16.0-gpu@{DIGEST}\n",
    "scratch": "FROM scratch\n",
    "stage reference": "FROM tensorflow/tensorflow:2.16.1-gpu AS base\nFROM base\n",
    "unresolvable base": "ARG BASE\nFROM $BASE\n",
    "unresolvable tag": "ARG TAG\nFROM tensorflow/tensorflow:${TAG}\n",
    "ARG resolved to a published tag": "ARG TAG=2.15.0-gpu\nFROM tensorflow/tensorflow:${TAG}\n",
    "families without a tag list": "FROM nvidia/cuda:99.9.9-base-ubuntu22.04\nFROM python:2.16.0\n",
}
BAD = {
    "2.16.0 was never released": ("FROM tensorflow/tensorflow:2.16.0-gpu\n", [1]),
    "2.6.2 has no images": ("FROM tensorflow/tensorflow:2.6.2\n", [1]),
    "with docker.io": ("FROM docker.io/tensorflow/tensorflow:2.16.0\n", [1]),
    "NGC month without a TF release": ("FROM nvcr.io/nvidia/tensorflow:20.04-tf2-py3\n", [1]),
    "NGC release after 25.02": ("FROM nvcr.io/nvidia/tensorflow:25.03-tf2-py3\n", [1]),
    "NGC TF1 after 23.03": ("FROM nvcr.io/nvidia/tensorflow:23.06-tf1-py3\n", [1]),
    "ARG-resolved": ("ARG TAG=2.16.0-gpu\nFROM tensorflow/tensorflow:${TAG}\n", [2]),
    "ARG-resolved NGC release": ("ARG NGC=26.01\nFROM nvcr.io/nvidia/tensorflow:${NGC}-tf2-py3 AS train\n", [2]),
    "only the TF stage of a multi-stage file, once": (
        "FROM python:3.11-slim AS build\nRUN true\nFROM tensorflow/tensorflow:2.16.0-gpu AS run\nFROM run\n",
        [3],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "TF103") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = [f for f in lint(text) if f.rule_id == "TF103"]
    assert [f.line for f in findings] == lines
    assert {f.severity.value for f in findings} == {"warning"}


def test_build_arg_resolves_the_tag(lint):
    text = "ARG TAG\nFROM tensorflow/tensorflow:${TAG}\n"
    assert ids_and_lines(lint(text, build_args={"TAG": "2.16.0-gpu"}), "TF103") == [("TF103", 2)]


def test_message_names_the_closest_tags_and_the_kb_date(lint):
    (finding,) = lint("FROM tensorflow/tensorflow:2.16.0-gpu\n", select=["TF103"])
    assert finding.message == (
        f"tensorflow/tensorflow:2.16.0-gpu is not a published tag according to the knowledge base (as of {AS_OF}): "
        "never released; closest real tags: 2.16.1-gpu, 2.15.0.post1-gpu, 2.17.0-gpu"
    )


def test_message_of_an_arg_resolved_tag(lint):
    (finding,) = lint("ARG TAG=2.6.2\nFROM tensorflow/tensorflow:${TAG}\n", select=["TF103"])
    assert finding.message == (
        "tensorflow/tensorflow:2.6.2 (FROM tensorflow/tensorflow:${TAG} resolves to tensorflow/tensorflow:2.6.2) "
        f"is not a published tag according to the knowledge base (as of {AS_OF}): maintainer: use 2.6.1 images; "
        "closest real tags: 2.6.1, 2.7.0, 2.8.3"
    )


def test_message_says_when_the_evidence_is_not_verified(lint):
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow:25.03-tf2-py3\n", select=["TF103"])
    assert finding.message == (
        "nvcr.io/nvidia/tensorflow:25.03-tf2-py3 is not a published tag according to the knowledge base "
        f"(as of {AS_OF}, inferred): no NGC TensorFlow release after 25.02; "
        "closest real tags: 25.02-tf2-py3, 25.01-tf2-py3, 24.12-tf2-py3"
    )
