"""TF505 family-not-allowed: a base whose family is not in allowed-families (policy rule)."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.facts import compute_facts
from tfimage_lint.model.build import build_model
from tfimage_lint.model.families import Family
from tfimage_lint.rule import RuleContext
from tfimage_lint.rules.tf505_family_not_allowed import FamilyNotAllowed, family_allowed
from tfimage_lint.syntax.parser import parse_dockerfile

NGC = "nvcr.io/nvidia/tensorflow:24.01-tf2-py3"
OPTIONS = {"allowed_families": ["ngc-tensorflow", "ngc-framework"]}

OK = {
    "NGC TensorFlow": f"FROM {NGC}\n",
    "NGC framework": "FROM nvcr.io/nvidia/pytorch:24.01-py3\n",
    "ARG-resolved base": "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n",
    "stage built from an earlier stage": f"FROM {NGC} AS base\nFROM base\nRUN echo hi\n",
    "scratch": f"FROM {NGC} AS build\nFROM scratch\nCOPY --from=build /out /\n",
    "COPY --from an image is not a base": f"FROM {NGC}\nCOPY --from=python:3.11-slim /usr/local/bin/python3 /x\n",
    "invalid reference (a parse error, not a policy matter)": "FROM Python:3.11\n",
}
BAD = {
    "Docker Hub TensorFlow": ("FROM tensorflow/tensorflow:2.17.0-gpu\n", [1]),
    "python": ("FROM python:3.11-slim\n", [1]),
    "os": ("FROM ubuntu:22.04\n", [1]),
    "nvidia/cuda": ("FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\n", [1]),
    "unknown family": ("FROM registry.corp/ml/base:1.0\n", [1]),
    "ARG-resolved base": ("ARG TAG=2.17.0-gpu\nFROM tensorflow/tensorflow:${TAG}\n", [2]),
    "stage built from an earlier stage is judged once": (
        "FROM ubuntu:22.04 AS base\nRUN echo hi\nFROM base AS app\nRUN echo there\n",
        [1],
    ),
    "each stage naming an image": (f"FROM python:3.11-slim AS build\nFROM {NGC}\nFROM debian:12\n", [1, 3]),
    "image on the continuation line of FROM": ("FROM \\\n    ubuntu:22.04\n", [2]),
}


def _lint(lint, text, options=OPTIONS, **kwargs):
    findings = lint(text, select=["TF505"], rule_options={"TF505": options}, **kwargs)
    return [finding for finding in findings if finding.rule_id == "TF505"]  # DF000 (parse errors) always runs


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(_lint(lint, text)) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = _lint(lint, text)
    assert ids_and_lines(findings) == [("TF505", line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


@pytest.mark.parametrize("options", [None, {}, {"allowed_families": []}], ids=["none", "empty", "[]"])
@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_no_setting_no_finding(lint, text, lines, options):
    rule_options = None if options is None else {"TF505": options}
    assert ids_and_lines(lint(text, select=["TF505"], rule_options=rule_options), "TF505") == []


def test_message(lint):
    (finding,) = _lint(lint, "ARG TAG=2.17.0-gpu\nFROM tensorflow/tensorflow:${TAG} AS app\n")
    assert finding.message == (
        "base docker.io/tensorflow/tensorflow:2.17.0-gpu (FROM tensorflow/tensorflow:${TAG}) is in the family "
        "dockerhub-tensorflow, not in allowed-families (ngc-tensorflow, ngc-framework)"
    )
    assert (finding.line, finding.column) == (2, 6)


def test_unknown_family_message(lint):
    (finding,) = _lint(lint, "FROM registry.corp/ml/base:1.0\n", {"allowed_families": ["ngc-tensorflow", "python"]})
    assert finding.message == (
        "base registry.corp/ml/base:1.0 is of no known family (unknown), which is not in allowed-families "
        "(ngc-tensorflow, python); if it is a mirror of an allowed image, map its name under families: in the "
        "configuration"
    )


def test_exact_values_and_case(lint):
    options = {"allowed_families": ["NGC-TensorFlow", "python"]}
    assert _lint(lint, f"FROM {NGC}\nFROM python:3.11-slim\n", options) == []
    assert ids_and_lines(_lint(lint, "FROM nvcr.io/nvidia/pytorch:24.01-py3\n", options)) == [("TF505", 1)]


@pytest.mark.parametrize(
    ("build_args", "lines"),
    [({}, []), ({"BASE": "tensorflow/tensorflow:2.17.0"}, [2]), ({"BASE": "nvcr.io/nvidia/pytorch:24.01-py3"}, [])],
)
def test_build_arg_changes_the_result(lint, build_args, lines):
    findings = _lint(lint, f"ARG BASE={NGC}\nFROM ${{BASE}}\n", build_args=build_args)
    assert ids_and_lines(findings) == [("TF505", line) for line in lines]


def test_unresolved_base_is_info(lint):
    (finding,) = _lint(lint, "ARG BASE\nFROM ${BASE} AS app\nFROM app\n")
    assert (finding.line, finding.severity.value) == (2, "info")
    assert finding.message == (
        "the image ${BASE} cannot be checked against allowed-families: it depends on BASE with no value; "
        "pass --build-arg BASE=... (or set build-args in the configuration) to check it"
    )


def test_allowing_unknown_accepts_unresolved_and_unknown_bases(lint):
    options = {"allowed_families": ["ngc-tensorflow", "unknown"]}
    assert _lint(lint, "ARG BASE\nFROM ${BASE}\nFROM registry.corp/x:1\n", options) == []
    assert ids_and_lines(_lint(lint, "FROM ubuntu:22.04\n", options)) == [("TF505", 1)]


def test_a_mapped_private_mirror_gets_its_family():
    text = b"FROM registry.corp/mirror/nvidia/tensorflow:24.01-tf2-py3\n"
    dockerfile = build_model(parse_dockerfile(text), "Dockerfile")
    rule = FamilyNotAllowed()
    assert [f.line for f in rule.check(RuleContext(dockerfile, OPTIONS))] == [1]
    mapped = compute_facts(dockerfile, [("registry.corp/mirror/nvidia/tensorflow", Family.NGC_TENSORFLOW)])
    assert list(rule.check(RuleContext(dockerfile, OPTIONS, mapped))) == []


def test_lenient_option_values(lint):
    assert _lint(lint, f"FROM {NGC}\n", {"allowed_families": "ngc-tensorflow"}) == []
    assert _lint(lint, "FROM ubuntu:22.04\n", {"allowed_families": None}) == []


@pytest.mark.parametrize(
    "data",
    [b"", b"FROM\n", b"ARG X=1\n", b"FROM $\n", b"\x00\xff\n", b"FROM a AS a\nFROM a\n", b"FROM ${X:?unset}\n"],
)
def test_odd_input_does_not_crash(data):
    dockerfile = build_model(parse_dockerfile(data), "Dockerfile")
    for finding in FamilyNotAllowed().check(RuleContext(dockerfile, OPTIONS)):
        assert finding.rule_id == "TF505"


def test_family_allowed():
    assert family_allowed(Family.NGC_FRAMEWORK, ["ngc-tensorflow", "ngc-framework"])
    assert family_allowed(Family.UNKNOWN, [" Unknown "])
    assert not family_allowed(Family.OS, ["python", "ngc-tensorflow"])
    assert not family_allowed(Family.NGC_TENSORFLOW, ["ngc-*"])  # values, not patterns
