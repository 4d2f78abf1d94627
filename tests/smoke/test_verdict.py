"""The verdict and diagnosis logic, table-driven on recorded probe outputs and small synthetic probe dicts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tfimage_lint.smoke.verdict import Diagnosis, Verdict, diagnose, judge, render_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gpu"


# ---------------------------------------------------------------------------------------------------------------
# recorded observations (tests/fixtures/gpu, copied from ../shared/gpu) mapped onto the probe's shape


def h200_probe() -> dict[str, Any]:
    """The H200 machine: NVML sees the GPU, TensorFlow is not installed (recorded 2026-11-30)."""
    text = (FIXTURES / "h200_driver_observation.txt").read_text(encoding="utf-8")
    recorded = json.loads(text[: text.index("+---")])
    nvml = recorded["nvml"]
    gpus = [
        {**gpu, "compute_capability_text": ".".join(str(part) for part in gpu["compute_capability"])}
        for gpu in nvml["gpus"]
    ]
    return {
        "python": {"version": "3.12.3", "executable": "/usr/bin/python3"},
        "env": recorded["env"],
        "devices": {
            "dev_nvidia": ["/dev/nvidia0", "/dev/nvidiactl"],
            "proc_driver_version": recorded["proc_driver_version"],
        },
        "driver": {"source": "nvml", **{k: v for k, v in nvml.items() if k != "gpus"}, "gpus": gpus, "device_count": 1},
        "tensorflow": {"importable": False, "error": "ModuleNotFoundError: No module named 'tensorflow'"},
        "libraries": {"cdll": {"libcuda.so.1": {"loaded": True}}, "loaded": ["libcuda.so.1", "libnvidia-ml.so.1"]},
    }


def tf221_cpu_probe() -> dict[str, Any]:
    """TensorFlow 2.21.0 (a CUDA build) on a machine without a GPU (recorded 2026-11-30)."""
    recorded = json.loads((FIXTURES / "tf221_cpu_probe_observation.json").read_text(encoding="utf-8"))
    return {
        "python": {"version": "3.11.7", "executable": "/usr/bin/python3"},
        "env": {},
        "devices": {"dev_nvidia": [], "proc_driver_version": None},
        "driver": {"source": "unknown", "attempts": []},
        "tensorflow": {
            "importable": True,
            "import_s": recorded["import_s"],
            "version": recorded["tf_version"],
            "is_built_with_cuda": recorded["is_built_with_cuda"],
            "build_info": recorded["build_info"],
            "gpus": recorded["gpus"],
            "matmul": [{"requested": "/CPU:0", "device": "CPU", "ok": True, "seconds": 0.01}],
        },
        "libraries": {"cdll": {}, "loaded": [], "pip_wheel_libraries": ["nvidia/cudnn/lib/libcudnn.so.9"]},
    }


# ---------------------------------------------------------------------------------------------------------------
# synthetic probes


def gpu_probe(**changes: Any) -> dict[str, Any]:
    """A healthy one-GPU probe; ``changes`` are dotted paths to override (value None deletes)."""
    probe: dict[str, Any] = {
        "python": {"version": "3.11.7", "executable": "/usr/bin/python3"},
        "env": {"NVIDIA_VISIBLE_DEVICES": "all", "CUDA_VERSION": "12.5.1"},
        "devices": {"dev_nvidia": ["/dev/nvidia0", "/dev/nvidiactl"], "proc_driver_version": "NVRM 580.159.04"},
        "driver": {
            "source": "nvml",
            "driver_version": "580.159.04",
            "cuda_driver_version": "13.0",
            "device_count": 1,
            "gpus": [
                {"index": 0, "name": "NVIDIA H200", "compute_capability": [9, 0], "compute_capability_text": "9.0"}
            ],
        },
        "tensorflow": {
            "importable": True,
            "version": "2.21.0",
            "is_built_with_cuda": True,
            "build_info": {"cuda_version": "12.5.1", "cudnn_version": "9"},
            "gpus": [{"name": "/physical_device:GPU:0", "device_name": "NVIDIA H200", "compute_capability": [9, 0]}],
            "matmul": [
                {"requested": "/CPU:0", "device": "CPU", "ok": True, "seconds": 0.01},
                {
                    "requested": "/GPU:0",
                    "device": "/job:localhost/replica:0/task:0/device:GPU:0",
                    "ok": True,
                    "on_gpu": True,
                    "matches_cpu": True,
                    "seconds": 0.2,
                },
            ],
            "log_tail": [],
        },
        "libraries": {
            "cdll": {"libcudnn.so.9": {"loaded": True}, "libcudnn.so.8": {"loaded": False}},
            "loaded": ["libcudnn.so.9"],
        },
    }
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = probe
        for part in parents:
            target = target[part]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return probe


def no_gpus_seen(probe: dict[str, Any]) -> dict[str, Any]:
    probe = copy.deepcopy(probe)
    probe["tensorflow"]["gpus"] = []
    probe["tensorflow"]["matmul"] = probe["tensorflow"]["matmul"][:1]
    return probe


DEFAULTS = {"expect_gpus": None, "cpu_ok": False, "requested_gpus": True}

# name: (probe, judge keyword overrides, passed, diagnosis codes that must appear, reason phrase)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], bool, set[str], str]] = {
    "recorded h200, no tensorflow": (h200_probe(), {}, False, {"tensorflow-not-importable"}, "not importable"),
    "recorded tf 2.21 cpu machine, gpus requested": (
        tf221_cpu_probe(),
        {},
        False,
        set(),
        "sees 0 GPU(s), expected at least 1",
    ),
    "recorded tf 2.21 cpu machine, --cpu-ok": (
        tf221_cpu_probe(),
        {"cpu_ok": True, "requested_gpus": None},
        True,
        set(),
        "",
    ),
    "healthy gpu": (gpu_probe(), {}, True, set(), ""),
    "healthy gpu, expect any": (gpu_probe(), {"expect_gpus": "any"}, True, set(), ""),
    "healthy gpu, expect 2": (gpu_probe(), {"expect_gpus": 2}, False, set(), "expected at least 2"),
    "healthy gpu, requested 2 by count": (gpu_probe(), {"requested_gpus": 2}, False, set(), "expected at least 2"),
    "healthy gpu, requested all": (gpu_probe(), {"requested_gpus": "all"}, True, set(), ""),
    "cpu wheel replaced the gpu build": (
        no_gpus_seen(gpu_probe(tensorflow__is_built_with_cuda=False, tensorflow__build_info={})),
        {},
        False,
        {"tensorflow-cpu-build"},
        "not a CUDA build",
    ),
    "cpu build accepted with --cpu-ok": (
        no_gpus_seen(gpu_probe(tensorflow__is_built_with_cuda=False)),
        {"cpu_ok": True},
        True,
        set(),
        "",
    ),
    "driver too old (major)": (
        no_gpus_seen(gpu_probe(driver__cuda_driver_version="11.4", driver__driver_version="470.82.01")),
        {},
        False,
        {"driver-too-old"},
        "sees 0 GPU(s)",
    ),
    "driver older minor": (
        no_gpus_seen(gpu_probe(driver__cuda_driver_version="12.2")),
        {},
        False,
        {"driver-older-minor"},
        "sees 0 GPU(s)",
    ),
    "driver too old for the image's cuda given by the caller": (
        no_gpus_seen(gpu_probe()),
        {"image_cuda": "13.1"},
        False,
        {"driver-older-minor"},
        "",
    ),
    "driver too old from the error text": (
        no_gpus_seen(
            gpu_probe(
                driver={"source": "unknown"},
                tensorflow__log_tail=[
                    "failed call to cuInit: CUDA driver version is insufficient for CUDA runtime version"
                ],
            )
        ),
        {},
        False,
        {"driver-too-old"},
        "",
    ),
    "cudnn wrong major (2.18/2.19 docker hub images)": (
        no_gpus_seen(
            gpu_probe(
                libraries={
                    "cdll": {"libcudnn.so.9": {"loaded": False}, "libcudnn.so.8": {"loaded": True}},
                    "loaded": ["libcudnn.so.8"],
                },
                tensorflow__log_tail=["Cannot dlopen some GPU libraries. Please make sure the missing libraries ..."],
                tensorflow__version="2.18.0",
            )
        ),
        {},
        False,
        {"cudnn-wrong-major"},
        "",
    ),
    "cudnn missing": (
        no_gpus_seen(
            gpu_probe(libraries={"cdll": {"libcudnn.so.9": {"loaded": False}, "libcudnn.so.8": {"loaded": False}}})
        ),
        {},
        False,
        {"cudnn-missing"},
        "",
    ),
    "gpus requested but NVIDIA_VISIBLE_DEVICES=void": (
        no_gpus_seen(gpu_probe(env={"NVIDIA_VISIBLE_DEVICES": "void"}, driver={"source": "unknown"})),
        {},
        False,
        {"no-gpu-visible"},
        "sees 0 GPU(s)",
    ),
    "gpus requested but no device nodes": (
        no_gpus_seen(gpu_probe(env={}, devices={"dev_nvidia": []}, driver={"source": "unknown"})),
        {},
        False,
        {"no-gpu-visible"},
        "",
    ),
    "matmul fell back to the cpu": (
        gpu_probe(
            tensorflow__matmul=[
                {"requested": "/GPU:0", "device": "/device:CPU:0", "ok": False, "on_gpu": False, "matches_cpu": True}
            ]
        ),
        {},
        False,
        set(),
        "matmul on /GPU:0 failed: ran on /device:CPU:0",
    ),
    "matmul wrong result": (
        gpu_probe(
            tensorflow__matmul=[
                {"requested": "/GPU:0", "device": "GPU:0", "ok": False, "on_gpu": True, "matches_cpu": False}
            ]
        ),
        {},
        False,
        set(),
        "result differs from the CPU's",
    ),
    "matmul raised": (
        gpu_probe(
            tensorflow__matmul=[{"requested": "/GPU:0", "ok": False, "error": "InternalError: CUDA_ERROR_NO_DEVICE"}]
        ),
        {},
        False,
        {"no-cuda-device"},
        "InternalError",
    ),
    "tensorflow hung": (
        gpu_probe(tensorflow={"timed_out": True, "error": "TensorFlow did not finish within 120 s"}),
        {},
        False,
        {"tensorflow-hung"},
        "deadline",
    ),
    "import failed on libcudnn": (
        gpu_probe(tensorflow={"importable": False, "error": "ImportError: libcudnn.so.9: cannot open shared object"}),
        {},
        False,
        {"tensorflow-not-importable"},
        "not importable",
    ),
    "empty probe": ({}, {}, False, set(), "not importable"),
    "odd values": (
        {"tensorflow": {"importable": True, "gpus": "x", "matmul": [1, None], "build_info": 3}, "driver": [], "env": 5},
        {},
        False,
        set(),
        "",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_judge(name):
    probe, overrides, passed, codes, phrase = CASES[name]
    verdict = judge(probe, **{**DEFAULTS, **overrides})
    assert verdict.passed is passed, (verdict.summary, verdict.reasons)
    assert codes <= set(verdict.codes), verdict.codes
    if phrase:
        assert any(phrase in reason for reason in verdict.reasons), verdict.reasons
    if passed:
        assert verdict.reasons == [] and verdict.diagnosis == []
    else:
        assert verdict.summary.startswith(verdict.reasons[0])
    text = render_text(verdict, probe)
    assert text.startswith("PASS: " if passed else "FAIL: ")
    assert json.loads(json.dumps(verdict.to_json()))["passed"] is passed


def test_no_gpu_visible_only_when_gpus_were_requested():
    probe = no_gpus_seen(gpu_probe(env={"NVIDIA_VISIBLE_DEVICES": "void"}, driver={"source": "unknown"}))
    assert "no-gpu-visible" not in [item.code for item in diagnose(probe, requested_gpus=None)]


def test_cudnn_from_pip_wheels_is_not_missing():
    probe = no_gpus_seen(
        gpu_probe(
            libraries={
                "cdll": {"libcudnn.so.9": {"loaded": False}},
                "pip_wheel_libraries": ["nvidia/cudnn/lib/libcudnn.so.9"],
            }
        )
    )
    assert not [code for code in judge(probe, **DEFAULTS).codes if code.startswith("cudnn")]


def test_driver_new_enough_is_not_diagnosed():
    verdict = judge(no_gpus_seen(gpu_probe()), **DEFAULTS)
    assert not verdict.passed
    assert not [code for code in verdict.codes if code.startswith("driver")]


def test_render_text_of_the_recorded_h200():
    probe = h200_probe()
    text = render_text(judge(probe, **DEFAULTS), probe)
    assert "FAIL: TensorFlow is not importable" in text
    assert "driver (nvml): 580.159.04, supports CUDA 13.0" in text
    assert "NVIDIA H200 (compute capability 9.0, 143771 MiB)" in text
    assert "fix: install TensorFlow" in text


def test_render_text_of_a_pass_lists_gpus_and_matmul():
    probe = gpu_probe()
    verdict = judge(probe, **DEFAULTS)
    text = render_text(verdict, probe)
    assert "sees 1 GPU(s) (NVIDIA H200)" in verdict.summary
    assert "compute capability 9.0" in text
    assert "matmul /GPU:0: ok" in text


def test_verdict_accepts_a_plain_diagnosis_sentence():
    verdict = Verdict(passed=False, summary="the probe did not run", reasons=["x"], diagnosis="no python3")
    assert verdict.diagnosis == [Diagnosis("other", "no python3")]
    assert str(verdict.diagnosis[0]) == "no python3"
    assert Verdict(passed=True, summary="ok", diagnosis="").diagnosis == []
