"""TF502 untrusted-registry: images pulled from a registry outside trusted-registries (hadolint DL3026's idea)."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.model.build import build_model
from tfimage_lint.rule import RuleContext
from tfimage_lint.rules.tf502_untrusted_registry import UntrustedRegistry, normalise_registry, trusted
from tfimage_lint.syntax.parser import parse_dockerfile

NGC = "nvcr.io/nvidia/tensorflow:24.01-tf2-py3"
OPTIONS = {"trusted_registries": ["nvcr.io", "docker.io", "registry.corp:5000"]}

OK = {
    "NGC": f"FROM {NGC}\n",
    "Docker Hub implied": "FROM python:3.11-slim\nFROM tensorflow/tensorflow:2.17.0-gpu\n",
    "Docker Hub spelled out": "FROM docker.io/library/python:3.11\n",
    "Docker Hub aliases": "FROM index.docker.io/library/python:3.11\nFROM registry-1.docker.io/library/ubuntu:22.04\n",
    "registry with its port": "FROM registry.corp:5000/ml/base:1.0\n",
    "ARG-resolved base": "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n",
    "stage built from an earlier stage": f"FROM {NGC} AS base\nFROM base\nRUN echo hi\n",
    "scratch": f"FROM {NGC} AS build\nFROM scratch\nCOPY --from=build /out /\n",
    "COPY --from a stage by name and index": f"FROM {NGC} AS build\nFROM {NGC}\nCOPY --from=build /a /a\n"
    "COPY --from=0 /b /b\n",
    "COPY --from a trusted image": f"FROM {NGC}\nCOPY --from=python:3.11-slim /usr/local/bin/python3 /x\n",
    "invalid reference (a parse error, not a policy matter)": "FROM Python:3.11\n",
}
BAD = {
    "quay.io": ("FROM quay.io/org/image:1.0\n", [1]),
    "the port is part of the registry": ("FROM registry.corp/ml/base:1.0\n", [1]),
    "ARG-resolved base": ("ARG REGISTRY=ghcr.io\nFROM ${REGISTRY}/org/image:1.0\n", [2]),
    "stage built from an earlier stage is judged once": (
        "FROM gcr.io/org/base:1 AS base\nRUN echo hi\nFROM base AS app\nRUN echo there\n",
        [1],
    ),
    "each stage naming an image": (f"FROM ghcr.io/a/b:1 AS build\nFROM {NGC}\nFROM quay.io/c/d:2\n", [1, 3]),
    "image on the continuation line of FROM": ("FROM \\\n    quay.io/org/image:1.0\n", [2]),
    "COPY --from an image": (f"FROM {NGC}\nCOPY --from=gcr.io/distroless/base:nonroot /etc/passwd /etc/\n", [2]),
    "ADD --from an image": (f"FROM {NGC}\nADD --from=quay.io/o/i:1 /a /a\n", [2]),
    "RUN --mount from= an image": (
        f"FROM {NGC}\nRUN --mount=type=bind,from=ghcr.io/o/wheels:1,target=/wheels \\\n    pip install /wheels/*\n",
        [2],
    ),
}


def _lint(lint, text, options=OPTIONS, **kwargs):
    findings = lint(text, select=["TF502"], rule_options={"TF502": options}, **kwargs)
    return [finding for finding in findings if finding.rule_id == "TF502"]  # DF000 (parse errors) always runs


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(_lint(lint, text)) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = _lint(lint, text)
    assert ids_and_lines(findings) == [("TF502", line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


@pytest.mark.parametrize("options", [None, {}, {"trusted_registries": []}], ids=["none", "empty", "[]"])
@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_no_setting_no_finding(lint, text, lines, options):
    rule_options = None if options is None else {"TF502": options}
    assert ids_and_lines(lint(text, select=["TF502"], rule_options=rule_options), "TF502") == []


def test_implied_docker_hub_message(lint):
    (finding,) = _lint(lint, "FROM python:3.11-slim\n", {"trusted_registries": ["nvcr.io", "registry.corp"]})
    assert finding.message == (
        "base docker.io/library/python:3.11-slim (FROM python:3.11-slim) comes from docker.io (implied: a name "
        "without a registry is pulled from Docker Hub), which is not in trusted-registries (nvcr.io, registry.corp)"
    )
    assert (finding.line, finding.column, finding.severity.value) == (1, 6, "error")


def test_explicit_registry_message(lint):
    (finding,) = _lint(lint, "ARG R=quay.io\nFROM ${R}/org/image:1.0 AS x\n")
    assert finding.message == (
        "base quay.io/org/image:1.0 (FROM ${R}/org/image:1.0) comes from quay.io, which is not in "
        "trusted-registries (nvcr.io, docker.io, registry.corp:5000)"
    )


def test_copy_from_message_and_column(lint):
    (finding,) = _lint(lint, f"FROM {NGC}\nCOPY --chown=1:1 --from=quay.io/o/i:1 /a /a\n")
    assert finding.message.startswith("COPY --from=quay.io/o/i:1 pulls the image quay.io/o/i:1 from quay.io,")
    assert (finding.line, finding.column, finding.end_column) == (2, 25, 38)


def test_run_mount_message(lint):
    (finding,) = _lint(lint, f"FROM {NGC}\nRUN --mount=type=bind,from=ghcr.io/o/w:1,target=/w true\n")
    assert finding.message.startswith("RUN --mount from=ghcr.io/o/w:1 pulls the image ghcr.io/o/w:1 from ghcr.io,")
    assert (finding.line, finding.column) == (2, 28)


@pytest.mark.parametrize("alias", ["docker.io", "index.docker.io", "registry-1.docker.io", "Docker.IO/"])
@pytest.mark.parametrize(
    "image", ["python:3.11", "docker.io/library/python:3.11", "index.docker.io/library/python:3.11"]
)
def test_docker_hub_spellings_are_one_registry(lint, alias, image):
    assert _lint(lint, f"FROM {image}\n", {"trusted_registries": [alias]}) == []


def test_docker_hub_not_trusted_whatever_the_spelling(lint):
    text = "FROM python:3.11\nFROM docker.io/library/python:3.11\nFROM index.docker.io/tensorflow/tensorflow:2.17.0\n"
    findings = _lint(lint, text, {"trusted_registries": ["nvcr.io"]})
    assert ids_and_lines(findings) == [("TF502", 1), ("TF502", 2), ("TF502", 3)]
    assert "(implied:" in findings[0].message
    assert "(implied:" not in findings[1].message
    assert "(implied:" not in findings[2].message


def test_hosts_compare_case_insensitively_and_exactly(lint):
    options = {"trusted_registries": ["registry.corp:5000", "https://Quay.io/"]}
    ok = "FROM Registry.Corp:5000/x:1\nFROM quay.io/x/y:1\n"
    assert _lint(lint, ok, options) == []
    bad = "FROM registry.corp/x:1\nFROM a.quay.io/x:1\nFROM registry.corp:443/x:1\n"
    assert ids_and_lines(_lint(lint, bad, options)) == [("TF502", 1), ("TF502", 2), ("TF502", 3)]


@pytest.mark.parametrize(
    ("build_args", "lines"),
    [({}, []), ({"REGISTRY": "quay.io"}, [2]), ({"REGISTRY": "registry.corp:5000"}, [])],
)
def test_build_arg_changes_the_result(lint, build_args, lines):
    findings = _lint(
        lint, "ARG REGISTRY=nvcr.io\nFROM ${REGISTRY}/nvidia/tensorflow:24.01-tf2-py3\n", build_args=build_args
    )
    assert ids_and_lines(findings) == [("TF502", line) for line in lines]


def test_unresolved_images_are_info(lint):
    text = f"ARG BASE\nFROM ${{BASE}}\nFROM {NGC}\nARG TOOLS\nCOPY --from=${{TOOLS}} /a /a\n"
    findings = _lint(lint, text)
    assert [(f.line, f.severity.value) for f in findings] == [(2, "info"), (5, "info")]
    assert findings[0].message == (
        "the image ${BASE} cannot be checked against trusted-registries: it depends on BASE with no value; "
        "pass --build-arg BASE=... (or set build-args in the configuration) to check it"
    )
    assert "depends on TOOLS with no value" in findings[1].message
    assert _lint(lint, text, build_args={"BASE": NGC, "TOOLS": "python:3"}) == []
    assert ids_and_lines(_lint(lint, text, build_args={"BASE": NGC, "TOOLS": "quay.io/a/b"})) == [("TF502", 5)]


def test_lenient_option_values(lint):
    assert ids_and_lines(_lint(lint, "FROM quay.io/a/b:1\n", {"trusted_registries": "nvcr.io"})) == [("TF502", 1)]
    assert _lint(lint, "FROM quay.io/a/b:1\n", {"trusted_registries": None}) == []


def test_names_its_hadolint_counterpart():
    assert UntrustedRegistry.see_also == ("hadolint DL3026",)


@pytest.mark.parametrize(
    "data",
    [b"", b"FROM\n", b"COPY --from= /a /b\n", b"FROM scratch\nCOPY --from=$ /a /b\n", b"\x00\xff\n",
     b"FROM a\nRUN --mount=from= true\n", b"FROM Quay.io/A/B\n"],
)  # fmt: skip
def test_odd_input_does_not_crash(data):
    dockerfile = build_model(parse_dockerfile(data), "Dockerfile")
    for finding in UntrustedRegistry().check(RuleContext(dockerfile, OPTIONS)):
        assert finding.rule_id == "TF502"


@pytest.mark.parametrize(
    ("host", "normalised"),
    [("docker.io", "docker.io"), ("INDEX.docker.io", "docker.io"), ("https://nvcr.io/", "nvcr.io"),
     ("registry.corp:5000", "registry.corp:5000")],
)  # fmt: skip
def test_normalise_registry(host, normalised):
    assert normalise_registry(host) == normalised


def test_trusted():
    assert trusted("registry-1.docker.io", ["docker.io"])
    assert not trusted("registry.corp:5000", ["registry.corp"])
