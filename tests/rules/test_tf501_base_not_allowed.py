"""TF501 base-not-allowed: bases outside allowed-bases or inside denied-bases (policy rule, silent without options)."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.model.build import build_model
from tfimage_lint.model.imageref import parse_image_ref
from tfimage_lint.rule import RuleContext
from tfimage_lint.rules.tf501_base_not_allowed import BaseNotAllowed, matching_pattern, normalise_pattern
from tfimage_lint.syntax.parser import parse_dockerfile

DIGEST = "sha256:" + "a" * 64
NGC = "nvcr.io/nvidia/tensorflow:24.01-tf2-py3"
OPTIONS = {
    "allowed_bases": ["nvcr.io/nvidia/tensorflow:*", "docker.io/library/python:3.11*"],
    "denied_bases": ["docker.io/tensorflow/tensorflow:latest*", "python:3.11-alpine*"],
}

OK = {
    "NGC allowed": f"FROM {NGC}\n",
    "python 3.11 allowed": "FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy\n",
    "Docker Hub spelled out": "FROM docker.io/library/python:3.11\n",
    "Docker Hub alias": "FROM index.docker.io/library/python:3.11-slim\n",
    "tag pinned by digest": f"FROM python:3.11-slim@{DIGEST}\n",
    "ARG-resolved base": "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n",
    "stage built from an earlier stage": f"FROM {NGC} AS base\nFROM base\nRUN echo hi\n",
    "scratch": f"FROM {NGC} AS build\nFROM scratch\nCOPY --from=build /out /\n",
    "platform flag": f"FROM --platform=$BUILDPLATFORM {NGC}\n",
    "invalid reference (a parse error, not a policy matter)": "FROM Python:3.11\n",
    "a comment": f"FROM {NGC}\n# FROM tensorflow/tensorflow:latest\n",
}
BAD = {
    "not allowed": ("FROM tensorflow/tensorflow:2.17.0-gpu\n", [1]),
    "denied (and not allowed): one finding": ("FROM tensorflow/tensorflow:latest-gpu\n", [1]),
    "denied wins over allowed": ("FROM python:3.11-alpine3.19\n", [1]),
    "no tag means latest": ("FROM python\n", [1]),
    "digest-only reference does not match a tag pattern": (f"FROM python@{DIGEST}\n", [1]),
    "ARG-resolved base": ("ARG TAG=3.12-slim\nFROM python:${TAG}\n", [2]),
    "stage built from an earlier stage is judged once": (
        "FROM ubuntu:22.04 AS base\nRUN echo hi\nFROM base AS app\nRUN echo there\n",
        [1],
    ),
    "each stage naming an image": (f"FROM ubuntu:22.04 AS build\nFROM {NGC}\nFROM debian:12\n", [1, 3]),
    "image on the continuation line of FROM": ("FROM \\\n    ubuntu:22.04\n", [2]),
    "other registry": ("FROM quay.io/org/tensorflow:2.15\n", [1]),
}


def _lint(lint, text, options=OPTIONS, **kwargs):
    findings = lint(text, select=["TF501"], rule_options={"TF501": options}, **kwargs)
    return [finding for finding in findings if finding.rule_id == "TF501"]  # DF000 (parse errors) always runs


def _check(data: bytes, options):
    """Run the rule itself (an exception would propagate, where the engine records it)."""
    dockerfile = build_model(parse_dockerfile(data), "Dockerfile")
    return list(BaseNotAllowed().check(RuleContext(dockerfile, options)))


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(_lint(lint, text)) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = _lint(lint, text)
    assert ids_and_lines(findings) == [("TF501", line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


@pytest.mark.parametrize("options", [None, {}, {"allowed_bases": [], "denied_bases": []}], ids=["none", "empty", "[]"])
@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_no_setting_no_finding(lint, text, lines, options):
    rule_options = None if options is None else {"TF501": options}
    assert ids_and_lines(lint(text, select=["TF501"], rule_options=rule_options), "TF501") == []


def test_not_allowed_message_names_the_patterns(lint):
    (finding,) = _lint(lint, "FROM tensorflow/tensorflow:2.17.0-gpu\n")
    assert finding.message == (
        "base docker.io/tensorflow/tensorflow:2.17.0-gpu (FROM tensorflow/tensorflow:2.17.0-gpu) matches no "
        "allowed-bases pattern ('nvcr.io/nvidia/tensorflow:*', 'docker.io/library/python:3.11*')"
    )
    assert (finding.line, finding.column) == (1, 6)


def test_denied_message_names_the_pattern(lint):
    (finding,) = _lint(lint, "FROM python:3.11-alpine\n")
    assert "matches the denied-bases pattern 'python:3.11-alpine*'" in finding.message
    assert finding.message.startswith("base docker.io/library/python:3.11-alpine (FROM python:3.11-alpine)")


def test_arg_resolved_message_shows_what_is_written(lint):
    (finding,) = _lint(lint, "ARG TAG=3.12\nFROM python:${TAG}\n")
    assert finding.message.startswith("base docker.io/library/python:3.12 (FROM python:${TAG}) matches no")


def test_column_after_the_platform_flag(lint):
    (finding,) = _lint(lint, "FROM --platform=linux/amd64 ubuntu:22.04 AS x\n")
    assert (finding.line, finding.column, finding.end_column) == (1, 29, 41)


@pytest.mark.parametrize(
    ("build_args", "lines"),
    [({}, []), ({"TAG": "3.12-slim"}, [2]), ({"TAG": "3.11-alpine"}, [2]), ({"TAG": "3.11"}, [])],
)
def test_build_arg_changes_the_result(lint, build_args, lines):
    findings = _lint(lint, "ARG TAG=3.11-slim\nFROM python:${TAG}\n", build_args=build_args)
    assert ids_and_lines(findings) == [("TF501", line) for line in lines]


def test_unresolved_base_is_info(lint):
    (finding,) = _lint(lint, "ARG BASE\nFROM ${BASE}\n")
    assert (finding.line, finding.severity.value) == (2, "info")
    assert finding.message == (
        "the image ${BASE} cannot be checked against allowed-bases and denied-bases: it depends on BASE with no "
        "value; pass --build-arg BASE=... (or set build-args in the configuration) to check it"
    )
    assert _lint(lint, "ARG BASE\nFROM ${BASE}\n", build_args={"BASE": NGC}) == []
    assert ids_and_lines(_lint(lint, "ARG BASE\nFROM ${BASE}\n", build_args={"BASE": "ubuntu"})) == [("TF501", 2)]


def test_only_denied_bases(lint):
    options = {"denied_bases": ["docker.io/tensorflow/tensorflow:latest*"]}
    assert _lint(lint, "FROM ubuntu:22.04\n", options) == []
    assert ids_and_lines(_lint(lint, "FROM tensorflow/tensorflow\n", options)) == [("TF501", 1)]
    (finding,) = _lint(lint, "ARG B\nFROM $B\n", options)
    assert "against denied-bases:" in finding.message


def test_repository_pattern_covers_every_tag_and_digest(lint):
    options = {"allowed_bases": ["nvcr.io/nvidia/tensorflow"]}
    text = f"FROM {NGC}\nFROM nvcr.io/nvidia/tensorflow@{DIGEST}\nFROM nvcr.io/nvidia/tensorflow\n"
    assert _lint(lint, text, options) == []
    assert ids_and_lines(_lint(lint, "FROM nvcr.io/nvidia/pytorch:24.01-py3\n", options)) == [("TF501", 1)]


def test_lenient_option_values(lint):
    assert ids_and_lines(_lint(lint, "FROM ubuntu:22.04\n", {"allowed_bases": "python:*"})) == [("TF501", 1)]
    assert _lint(lint, "FROM ubuntu:22.04\n", {"allowed_bases": None, "denied_bases": 3}) == []


@pytest.mark.parametrize(
    "data",
    [b"", b"# only a comment\n", b"ARG X=1\n", b"FROM\n", b"RUN echo before from\n", b"FROM ubuntu:22.04 AS\n",
     b"\x00\xff\n", b"FROM $\n", b"FROM ${X:?unset}\n", b"FROM Python:3.11\n", b"FROM a\nFROM a AS a\n"],
)  # fmt: skip
def test_odd_input_does_not_crash(data):
    for finding in _check(data, OPTIONS):
        assert finding.rule_id == "TF501"


@pytest.mark.parametrize(
    ("pattern", "normalised"),
    [
        ("python:3.11*", "docker.io/library/python:3.11*"),
        ("python", "docker.io/library/python"),
        ("python@sha256:*", "docker.io/library/python@sha256:*"),
        ("tensorflow/tensorflow:*", "docker.io/tensorflow/tensorflow:*"),
        ("docker.io/python:3.11", "docker.io/library/python:3.11"),
        ("index.docker.io/library/python:*", "docker.io/library/python:*"),
        ("registry-1.docker.io/tensorflow/tensorflow", "docker.io/tensorflow/tensorflow"),
        ("docker.io/*", "docker.io/*"),
        ("nvcr.io/nvidia/tensorflow:*", "nvcr.io/nvidia/tensorflow:*"),
        ("registry.corp:5000/x/*", "registry.corp:5000/x/*"),
        ("localhost/app", "localhost/app"),
        ("*", "*"),
        ("*/nvidia/tensorflow:*", "*/nvidia/tensorflow:*"),
        ("pyth*", "pyth*"),
        ("  python:3.11  ", "docker.io/library/python:3.11"),
        ("", ""),
    ],
)
def test_normalise_pattern(pattern, normalised):
    assert normalise_pattern(pattern) == normalised


@pytest.mark.parametrize(
    ("reference", "pattern", "matches"),
    [
        ("python:3.11", "docker.io/library/python:3.11", True),
        ("python:3.11", "docker.io/library/python:3.1", False),
        (f"python:3.11@{DIGEST}", "docker.io/library/python:3.11", True),
        (f"python:3.11@{DIGEST}", f"docker.io/library/python@{DIGEST}", True),
        ("python", "docker.io/library/python:latest", True),
        ("python:3.11", "*", True),
        ("python:3.11", "*/library/python:*", True),
        ("nvcr.io/nvidia/tensorflow:24.01-tf2-py3", "nvcr.io/nvidia/*", True),
        ("nvcr.io/nvidia/tensorflow:24.01-tf2-py3", "NVCR.IO/nvidia/*", True),
        ("Registry.Corp/ml/base:1", "registry.corp/ml/*", True),
        ("nvcr.io/nvidia/tensorflow:24.01-tf2-py3", "nvcr.io/NVIDIA/*", False),
    ],
)
def test_matching_pattern(reference, pattern, matches):
    assert (matching_pattern(parse_image_ref(reference), [pattern]) == pattern) is matches
