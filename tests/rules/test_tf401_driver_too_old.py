"""TF401 driver-too-old: the base's minimum driver against the fleet's, through the real engine."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.engine import Linter, LintOptions
from tfimage_lint.fleet import Fleet
from tfimage_lint.registry import load_registry

DIGEST = "sha256:" + "a" * 64
R470 = Fleet(driver="470.57.02")


def lint(text: str, fleet: Fleet = R470, build_args: dict[str, str] | None = None, select=None):
    """Every default rule (or ``select``) through the engine, with fleet facts."""
    registry = load_registry(include_plugins=False)
    linter = Linter(registry, registry.select(select), LintOptions(build_args=build_args or {}, fleet=fleet))
    return list(linter.lint_bytes(text.encode("utf-8"), "Dockerfile").findings)


BAD = {
    "NGC release below its stated minimum (525)": ("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", R470, {}, [1]),
    "nvidia/cuda from the CUDA table": ("FROM nvidia/cuda:12.2.0-base-ubuntu22.04\n", R470, {}, [1]),
    "Docker Hub GPU image (CUDA of its era)": ("FROM tensorflow/tensorflow:2.15.0-gpu\n", R470, {}, [1]),
    "nvcr.io/nvidia/cuda": ("FROM nvcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04\n", R470, {}, [1]),
    "CUDA 11 above the minor-compat floor is still reported": (
        "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04\n",
        R470,
        {},
        [1],
    ),
    "ARG default resolves the tag": (
        "ARG CUDA=12.2.2\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n",
        R470,
        {},
        [2],
    ),
    "--build-arg resolves the tag": (
        "ARG CUDA\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n",
        R470,
        {"CUDA": "12.2.2"},
        [2],
    ),
    "only the CUDA stage of a multi-stage file": (
        "FROM python:3.11-slim AS build\nRUN pip wheel -w /w .\nFROM nvidia/cuda:12.2.0-runtime-ubuntu22.04\n"
        "COPY --from=build /w /w\n",
        R470,
        {},
        [3],
    ),
    "stages built FROM a stage are covered by its FROM": (
        "FROM nvidia/cuda:12.2.0-base-ubuntu22.04 AS base\nRUN true\nFROM base AS app\nFROM app\n",
        R470,
        {},
        [1],
    ),
    "two GPU stages": (
        "FROM nvidia/cuda:12.2.0-devel-ubuntu22.04 AS build\nRUN make\n"
        "FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\nCOPY --from=build /out /out\n",
        R470,
        {},
        [1, 3],
    ),
    "tag and digest": (f"FROM nvidia/cuda:12.2.0-base-ubuntu22.04@{DIGEST}\n", R470, {}, [1]),
    "fleet driver given as a branch only": ("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", Fleet("470"), {}, [1]),
    "driver just below the toolkit minimum": (
        "FROM nvidia/cuda:12.2.2-base-ubuntu22.04\n",
        Fleet("535.86.10"),
        {},
        [1],
    ),
}

OK = {
    "driver at the toolkit minimum": ("FROM nvidia/cuda:12.2.2-base-ubuntu22.04\n", Fleet("535.104.05")),
    "driver newer than the minimum": ("FROM nvidia/cuda:12.2.2-base-ubuntu22.04\n", Fleet("550.54.15")),
    "NGC release whose minimum the fleet meets (470)": ("FROM nvcr.io/nvidia/tensorflow:21.10-tf2-py3\n", R470),
    "no fleet driver given": ("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", Fleet()),
    "only compute capabilities given": ("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", Fleet(None, ("8.0",))),
    "unresolvable base": ("ARG BASE\nFROM $BASE\n", R470),
    "unresolvable tag": ("ARG CUDA\nFROM nvidia/cuda:${CUDA}-base-ubuntu22.04\n", R470),
    "digest only: the KB cannot tell the release": (f"FROM nvcr.io/nvidia/tensorflow@{DIGEST}\n", R470),
    "NGC release with unknown CUDA and minimum": ("FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\n", R470),
    "other NGC framework (not in the KB)": ("FROM nvcr.io/nvidia/pytorch:24.01-py3\n", R470),
    "Docker Hub CPU image": ("FROM tensorflow/tensorflow:2.15.0\n", R470),
    "moving tag: CUDA unknown": ("FROM tensorflow/tensorflow:latest-gpu\n", R470),
    "nvidia/cuda tag outside the grammar": ("FROM nvidia/cuda:latest\n", R470),
    "OS and Python bases": ("FROM ubuntu:22.04\nFROM python:3.11-slim\n", R470),
    "scratch": ("FROM scratch\n", R470),
    "branch-only driver that cannot be compared (525 vs 525.85.12)": (
        "FROM nvidia/cuda:12.0.1-base-ubuntu22.04\n",
        Fleet("525"),
    ),
}


@pytest.mark.parametrize(("text", "fleet", "build_args", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_ids_and_lines(text, fleet, build_args, lines):
    assert ids_and_lines(lint(text, fleet, build_args), "TF401") == [("TF401", line) for line in lines]


@pytest.mark.parametrize(("text", "fleet"), OK.values(), ids=OK.keys())
def test_no_finding(text, fleet):
    assert ids_and_lines(lint(text, fleet), "TF401") == []


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", "error"),
        ("FROM nvidia/cuda:12.2.0-base-ubuntu22.04\n", "error"),
        ("FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\n", "warning"),
    ],
    ids=["verified minimum", "inferred minimum", "unverified minimum"],
)
def test_severity_follows_evidence(text, severity):
    (finding,) = lint(text, select=["TF401"])
    assert finding.severity.value == severity


def test_message_ngc_with_forward_compatibility():
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", select=["TF401"])
    assert finding.message == (
        "nvcr.io/nvidia/tensorflow:23.01-tf2-py3 needs NVIDIA driver >= 525 (CUDA 12.0.1); "
        "the fleet's driver 470.57.02 is older; "
        "it is also below the CUDA 12.x minor-version-compatibility floor 525.60.13; "
        "on data-centre GPUs it works through the forward-compatibility package NGC images include "
        "(supported branch R470>=470.57)"
    )


def test_message_forward_compatibility_below_the_branch_floor():
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", Fleet("470.42.01"), select=["TF401"])
    assert finding.message.endswith(
        "; CUDA forward compatibility on data-centre GPUs needs >= 470.57 on the R470 branch"
    )


def test_message_branch_not_forward_compatible():
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", Fleet("460.32.03"), select=["TF401"])
    assert finding.message.endswith(
        "; R460 is not one of its data-centre forward-compatible branches "
        "(R450>=450.51, R470>=470.57, R510>=510.47, R515>=515.65, R525>=525.85)"
    )


def test_message_arg_resolved_minor_version_compatibility():
    (finding,) = lint(
        "ARG CUDA=12.2.2\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n", Fleet("525.85.12"), select=["TF401"]
    )
    assert finding.message == (
        "nvidia/cuda:12.2.2-runtime-ubuntu22.04 needs NVIDIA driver >= 535.104.05 (CUDA 12.2.2, evidence: inferred); "
        "the fleet's driver 525.85.12 is older "
        "(FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 resolves to nvidia/cuda:12.2.2-runtime-ubuntu22.04); "
        "it meets the CUDA 12.x minor-version-compatibility floor 525.60.13, so most CUDA 12.x code may run, "
        "with limited features (no JIT of newer PTX)"
    )


def test_message_unverified_minimum_derived_from_cuda():
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\n", select=["TF401"])
    assert finding.message == (
        "nvcr.io/nvidia/tensorflow:25.02-tf2-py3 needs NVIDIA driver >= 570.26 (CUDA 12.8, evidence: unverified); "
        "the fleet's driver 470.57.02 is older; "
        "it is also below the CUDA 12.x minor-version-compatibility floor 525.60.13"
    )


def test_cli_driver_and_compute_capability(cli, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(
        "FROM python:3.11-slim AS build\nRUN true\nFROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", encoding="utf-8"
    )
    args = ["--format", "json", "--select", "TF401,TF402", str(path)]
    result = cli(["--driver", "470.57.02", "--compute-capability", "5.2,9.0", *args])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["rule_id"], f["line"], f["severity"]) for f in findings] == [
        ("TF401", 3, "error"),
        ("TF402", 3, "warning"),
    ]
    without_fleet = cli(args)
    assert without_fleet.exit_code == 0
    assert json.loads(without_fleet.stdout)["files"][0]["findings"] == []


def test_message_forward_compatible_branch_limited_to_some_gpus():
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow:18.09-py3\n", Fleet("384.130"), select=["TF401"])
    assert finding.message == (
        "nvcr.io/nvidia/tensorflow:18.09-py3 needs NVIDIA driver >= 410 (CUDA 10.0.130); "
        "the fleet's driver 384.130 is older; on data-centre GPUs it works through the forward-compatibility "
        "package NGC images include (supported branch R384, Tesla V100/P4/P40/P100 only)"
    )


def test_datacenter_fleet_with_forward_compatibility_is_a_warning():
    fleet = Fleet("470.57.02", datacenter=True)
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", fleet, select=["TF401"])
    assert finding.severity.value == "warning"
    assert "on data-centre GPUs it works through the forward-compatibility package" in finding.message


def test_fleet_without_datacenter_gpus_gets_no_forward_compatibility():
    fleet = Fleet("470.57.02", datacenter=False)
    (finding,) = lint("FROM nvcr.io/nvidia/tensorflow:23.01-tf2-py3\n", fleet, select=["TF401"])
    assert finding.severity.value == "error"
    assert finding.message.endswith("; CUDA forward compatibility would need data-centre GPUs, and the fleet has none")
