"""TF402 gpu-arch-unsupported: the fleet's compute capabilities against what the base's TF build runs on."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.engine import Linter, LintOptions
from tfimage_lint.fleet import Fleet
from tfimage_lint.registry import load_registry

DIGEST = "sha256:" + "b" * 64
MAXWELL = Fleet(compute_capabilities=("5.2",))
# The KB's TF 2.21.0 wheel architectures: sm_60 sm_70 sm_80 sm_89 compute_90.
TF221 = "FROM tensorflow/tensorflow:2.21.0-gpu\n"
NGC2301 = "FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n"  # minimum compute capability 6.0 (verified)


def lint(text: str, fleet: Fleet = MAXWELL, build_args: dict[str, str] | None = None, select=None):
    """Every default rule (or ``select``) through the engine, with fleet facts."""
    registry = load_registry(include_plugins=False)
    linter = Linter(registry, registry.select(select), LintOptions(build_args=build_args or {}, fleet=fleet))
    return list(linter.lint_bytes(text.encode("utf-8"), "Dockerfile").findings)


def caps(*values: str) -> Fleet:
    return Fleet(compute_capabilities=values)


BAD = {
    "NGC release below its minimum compute capability": (NGC2301, MAXWELL, {}, [1]),
    "TF wheel without SASS or PTX for 5.2": (TF221, MAXWELL, {}, [1]),
    "Kepler 3.7": (TF221, caps("3.7"), {}, [1]),
    "one unsupported capability among several": (TF221, caps("8.0", "5.2", "9.0"), {}, [1]),
    "ARG default resolves the tag": ("ARG TF=2.21.0\nFROM tensorflow/tensorflow:${TF}-gpu\n", MAXWELL, {}, [2]),
    "--build-arg resolves the tag": ("ARG TF\nFROM tensorflow/tensorflow:${TF}-gpu\n", MAXWELL, {"TF": "2.21.0"}, [2]),
    "only the TF stage of a multi-stage file": (
        "FROM golang:1.22 AS tools\nRUN go build -o /bin/app .\n" + NGC2301 + "COPY --from=tools /bin/app /bin/app\n",
        MAXWELL,
        {},
        [3],
    ),
    "stages built FROM a stage are covered by its FROM": (
        "FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3 AS base\nFROM base AS train\nFROM train\n",
        MAXWELL,
        {},
        [1],
    ),
    "tag and digest": (f"FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3@{DIGEST}\n", MAXWELL, {}, [1]),
    "jupyter variant": ("FROM tensorflow/tensorflow:2.21.0-gpu-jupyter\n", MAXWELL, {}, [1]),
}

OK = {
    "exact SASS (8.0)": (TF221, caps("8.0")),
    "SASS of an older minor of the same major (sm_80 on 8.6)": (TF221, caps("8.6")),
    "PTX JIT (compute_90 on 9.0)": (TF221, caps("9.0")),
    "PTX JIT for newer majors (compute_90 on 12.0)": (TF221, caps("12.0")),
    "SASS 6.1 from sm_60": (TF221, caps("6.1", "7.5")),
    "NGC release at or above its minimum": (NGC2301, caps("6.0", "8.0", "9.0")),
    "build architectures unknown (TF 2.16.1)": ("FROM tensorflow/tensorflow:2.16.1-gpu\n", MAXWELL),
    "NGC release with nothing known": ("FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\n", MAXWELL),
    "nvidia/cuda ships no TensorFlow": ("FROM nvidia/cuda:12.2.0-runtime-ubuntu22.04\n", MAXWELL),
    "Docker Hub CPU image": ("FROM tensorflow/tensorflow:2.21.0\n", MAXWELL),
    "moving tag": ("FROM tensorflow/tensorflow:latest-gpu\n", MAXWELL),
    "no compute capabilities given": (TF221 + NGC2301, Fleet()),
    "only a driver given": (TF221 + NGC2301, Fleet("470.57.02")),
    "unresolvable base": ("ARG BASE\nFROM ${BASE}\n", MAXWELL),
    "unresolvable tag": ("ARG TF\nFROM tensorflow/tensorflow:${TF}-gpu\n", MAXWELL),
    "digest only: the KB cannot tell the release": (f"FROM tensorflow/tensorflow@{DIGEST}\n", MAXWELL),
    "other families": ("FROM ubuntu:22.04\nFROM python:3.12\nFROM nvcr.io/nvidia/pytorch:24.01-py3\n", MAXWELL),
    "scratch": ("FROM scratch\n", MAXWELL),
}


@pytest.mark.parametrize(("text", "fleet", "build_args", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_ids_and_lines(text, fleet, build_args, lines):
    assert ids_and_lines(lint(text, fleet, build_args), "TF402") == [("TF402", line) for line in lines]


@pytest.mark.parametrize(("text", "fleet"), OK.values(), ids=OK.keys())
def test_no_finding(text, fleet):
    assert ids_and_lines(lint(text, fleet), "TF402") == []


def test_severity_is_warning():
    findings = [f for f in lint(TF221 + NGC2301) if f.rule_id == "TF402"]
    assert [f.severity.value for f in findings] == ["warning", "warning"]


def test_message_minimum_compute_capability():
    (finding,) = lint(NGC2301, select=["TF402"])
    assert finding.message == (
        "nvcr.io/nvidia/tensorflow:23.01-tf2-py3 has no GPU code for the fleet's compute capability 5.2: "
        "it supports compute capability 6.0 and newer; TensorFlow will not use those GPUs"
    )


def test_message_build_architectures_arg_resolved():
    (finding,) = lint(
        "ARG TF=2.21.0\nFROM tensorflow/tensorflow:${TF}-gpu\n", caps("3.7", "8.6", "5.2", "9.0"), select=["TF402"]
    )
    assert finding.message == (
        "tensorflow/tensorflow:2.21.0-gpu has no GPU code for the fleet's compute capabilities 3.7, 5.2 "
        "(FROM tensorflow/tensorflow:${TF}-gpu resolves to tensorflow/tensorflow:2.21.0-gpu): "
        "its TensorFlow 2.21.0 build (sm_60 sm_70 sm_80 sm_89 compute_90, evidence: inferred) "
        "has neither SASS nor PTX for 3.7, 5.2; TensorFlow will not use those GPUs"
    )


@pytest.mark.parametrize(
    ("capability", "arch", "runs"),
    [
        ((8, 6), ("sm", (8, 0), ""), True),
        ((8, 0), ("sm", (8, 6), ""), False),
        ((9, 0), ("sm", (8, 9), ""), False),
        ((10, 0), ("compute", (9, 0), ""), True),
        ((8, 9), ("compute", (9, 0), ""), False),
        ((9, 0), ("sm", (9, 0), "a"), True),
        ((10, 0), ("compute", (9, 0), "a"), False),
    ],
)
def test_cuda_compatibility_rules(capability, arch, runs):
    rule = next(rule for rule in load_registry(include_plugins=False).rules if rule.id == "TF402")
    assert sys.modules[rule.__module__]._runs(capability, arch) is runs


def test_sm_120_is_capability_12_0():
    rule = next(rule for rule in load_registry(include_plugins=False).rules if rule.id == "TF402")
    assert sys.modules[rule.__module__]._archs("sm_120 compute_100a") == [
        ("sm", (12, 0), ""),
        ("compute", (10, 0), "a"),
    ]


def test_cli_compute_capability_only(cli, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("ARG TF=2.21.0\nFROM tensorflow/tensorflow:${TF}-gpu\n", encoding="utf-8")
    args = ["--format", "json", "--select", "TF401,TF402", "--compute-capability", "5.2", str(path)]
    assert cli([*args, "--fail-on", "error"]).exit_code == 0  # a warning, not an error
    result = cli(args)
    assert result.exit_code == 1  # the default --fail-on is warning
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["rule_id"], f["line"], f["severity"]) for f in findings] == [("TF402", 2, "warning")]
