"""TF104 end-of-life-base: TF 1.x, TF below the policy minimum, old NGC releases, Python past EOL."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import ids_and_lines

DIGEST = "sha256:" + "e" * 64
TODAY = "2026-11-30"


def eol_findings(lint, text, **options):
    """TF104 findings with today's date pinned (``options`` are the rule's options)."""
    rule_options = {"TF104": {"today": TODAY, **options}}
    return [f for f in lint(text, select=["TF104"], rule_options=rule_options) if f.rule_id == "TF104"]


OK = {
    "supported CPU image": ("FROM tensorflow/tensorflow:2.19.0\n", {}),
    "supported GPU image, Python not yet past its end of life": ("FROM tensorflow/tensorflow:2.18.0-gpu\n", {}),
    "Python EOL month-only date is over only when the month is": (
        "FROM tensorflow/tensorflow:2.18.0-gpu\n",
        {"today": "2027-10-31"},
    ),
    "NGC release 729 days old, TF allowed by the policy": (
        "FROM nvcr.io/nvidia/tensorflow:24.12-tf2-py3\n",
        {"min_tensorflow": "2.16"},
    ),
    "newest NGC release under a lower TF minimum": (
        "FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\n",
        {"min_tensorflow": "2.17"},
    ),
    "policy minimum below the base's TF": ("FROM tensorflow/tensorflow:2.13.0\n", {"min_tensorflow": "2.12"}),
    "unverified TF version is not used": ("FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n", {"today": "2025-06-01"}),
    "KB does not know the NGC release": ("FROM nvcr.io/nvidia/tensorflow:21.08-tf2-py3\n", {}),
    "unpublished tag (TF103's finding)": ("FROM tensorflow/tensorflow:2.16.0-gpu\n", {}),
    "moving tag": ("FROM tensorflow/tensorflow:latest-gpu\n", {}),
    "digest only": (f"FROM tensorflow/tensorflow@{DIGEST}\n", {}),
    "scratch": ("FROM scratch\n", {}),
    "stage reference to a supported base": ("FROM tensorflow/tensorflow:2.19.0 AS base\nFROM base\n", {}),
    "unresolvable base": ("ARG BASE\nFROM $BASE\n", {}),
    "unresolvable tag": ("ARG TF\nFROM tensorflow/tensorflow:${TF}-gpu\n", {}),
    "OS family the KB has no stack for": ("FROM ubuntu:16.04\n", {}),
    "supported official python image": ("FROM python:3.12-slim\n", {}),
    "python image without a version tag": ("FROM python:slim\n", {}),
}
BAD = {
    "official python image past end of life": ("FROM ubuntu:16.04 AS os\nFROM python:3.6-slim\n", {}, [2]),
    "official python image via ARG": ("ARG PY=3.7.17\nFROM python:${PY}-bullseye\n", {}, [2]),
    "TF below the last four minors": ("FROM tensorflow/tensorflow:2.13.0\n", {}, [1]),
    "TF 1.x on Docker Hub": ("FROM tensorflow/tensorflow:1.15.5-gpu-py3\n", {}, [1]),
    "NGC -tf1- tag": ("FROM nvcr.io/nvidia/tensorflow:22.12-tf1-py3\n", {}, [1]),
    "NGC legacy YY.MM-py3 tag is TF1": ("FROM nvcr.io/nvidia/tensorflow:19.10-py3\n", {}, [1]),
    "NGC -tf1- tag form even when the month is not in the KB": (
        "FROM nvcr.io/nvidia/tensorflow:21.08-tf1-py3\n",
        {},
        [1],
    ),
    "NGC release older than 730 days": ("FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\n", {}, [1]),
    "NGC release older than the policy's maximum age": (
        "FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\n",
        {"min_tensorflow": "2.17", "max_ngc_age_days": 365},
        [1],
    ),
    "Python past end of life": ("FROM tensorflow/tensorflow:2.18.0-gpu\n", {"today": "2027-11-01"}, [1]),
    "policy minimum above the base's TF": ("FROM tensorflow/tensorflow:2.19.0\n", {"min_tensorflow": "2.20"}, [1]),
    "ARG-resolved": ("ARG TF=2.13.0\nFROM tensorflow/tensorflow:${TF}-gpu\n", {}, [2]),
    "digest-pinned: the tag says what the digest is": (f"FROM tensorflow/tensorflow:2.13.0-gpu@{DIGEST}\n", {}, [1]),
    "only the TF stage of a multi-stage file, once": (
        "FROM python:3.11-slim AS build\nRUN true\nFROM tensorflow/tensorflow:2.13.0-gpu AS run\nFROM run AS final\n",
        {},
        [3],
    ),
}


@pytest.mark.parametrize(("text", "options"), OK.values(), ids=OK.keys())
def test_no_finding(lint, text, options):
    assert eol_findings(lint, text, **options) == []


@pytest.mark.parametrize(("text", "options", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, options, lines):
    findings = eol_findings(lint, text, **options)
    assert [f.line for f in findings] == lines
    assert {f.severity.value for f in findings} == {"warning"}


def test_default_selection_reports_through_the_engine(lint):
    text = "FROM tensorflow/tensorflow:2.13.0\n"
    assert ids_and_lines(lint(text), "TF104") == [("TF104", 1)]


def test_today_defaults_to_the_real_date(lint):
    text = "FROM nvcr.io/nvidia/tensorflow:24.12-tf2-py3\n"
    today = dt.date.today().isoformat()
    with_today = lint(text, select=["TF104"], rule_options={"TF104": {"today": today}})
    assert lint(text, select=["TF104"]) == with_today


def test_build_arg_resolves_the_tag(lint):
    text = "ARG TF\nFROM tensorflow/tensorflow:${TF}-gpu\n"
    findings = lint(text, select=["TF104"], build_args={"TF": "2.13.0"}, rule_options={"TF104": {"today": TODAY}})
    assert ids_and_lines(findings) == [("TF104", 2)]


def test_message_for_tf_below_the_default_minimum(lint):
    (finding,) = eol_findings(lint, "ARG TF=2.13.0\nFROM tensorflow/tensorflow:${TF}-gpu\n")
    assert finding.message == (
        "tensorflow/tensorflow:2.13.0-gpu (FROM tensorflow/tensorflow:${TF}-gpu resolves to "
        "tensorflow/tensorflow:2.13.0-gpu) ships an end-of-life stack: TensorFlow 2.13.0 is older than the policy "
        "minimum 2.18 (the oldest of the last 4 minor releases the knowledge base knows, 2.18 to 2.21), "
        "out of that window since TensorFlow 2.17 (2024-07-11)"
    )


def test_message_for_ngc_tf1_and_age(lint):
    (finding,) = eol_findings(lint, "FROM nvcr.io/nvidia/tensorflow:22.12-tf1-py3\n")
    assert finding.message == (
        "nvcr.io/nvidia/tensorflow:22.12-tf1-py3 ships an end-of-life stack: TensorFlow 1.15.5 is 1.x, end of life "
        "since 2023-03 (NVIDIA's TF1 monthly releases ended with 23.03); NGC release 22.12 (2022-12) is 1460 days "
        "old, past the policy maximum of 730 days since 2024-11-30"
    )


def test_message_for_docker_hub_tf1_and_python(lint):
    # The KB cannot confirm that 1.15.5-gpu-py3 exists, but a Docker Hub tag names its TF version.
    (finding,) = eol_findings(lint, "FROM tensorflow/tensorflow:1.15.5-gpu-py3\n")
    assert finding.message == (
        "tensorflow/tensorflow:1.15.5-gpu-py3 ships an end-of-life stack: TensorFlow 1.15.5 is 1.x, superseded by "
        "TensorFlow 2.0 since 2019-09-30 per an unverified source; Python 3.6 is past end of life since 2021-12-23"
    )


def test_message_for_a_policy_minimum(lint):
    (finding,) = eol_findings(lint, "FROM tensorflow/tensorflow:2.19.0\n", min_tensorflow="2.20")
    assert finding.message == (
        "tensorflow/tensorflow:2.19.0 ships an end-of-life stack: TensorFlow 2.19.0 is older than the policy "
        "minimum 2.20 (released 2025-08 per an unverified source)"
    )


def test_message_for_python_past_end_of_life(lint):
    (finding,) = eol_findings(lint, "FROM tensorflow/tensorflow:2.18.0-gpu\n", today="2027-11-01")
    assert finding.message == (
        "tensorflow/tensorflow:2.18.0-gpu ships an end-of-life stack: Python 3.11 is past end of life since 2027-10"
    )


def test_message_for_the_ngc_age_boundary(lint):
    text = "FROM nvcr.io/nvidia/tensorflow:24.12-tf2-py3\n"
    assert eol_findings(lint, text, today="2026-12-01") == []
    (finding,) = eol_findings(lint, text, today="2026-12-02")
    assert finding.message == (
        "nvcr.io/nvidia/tensorflow:24.12-tf2-py3 ships an end-of-life stack: NGC release 24.12 (2024-12) is 731 "
        "days old, past the policy maximum of 730 days since 2026-12-01"
    )


def test_message_for_an_official_python_image(lint):
    (finding,) = eol_findings(lint, "FROM python:3.7-slim\n")
    assert (
        finding.message == "python:3.7-slim ships an end-of-life stack: Python 3.7 is past end of life since 2023-06-27"
    )
