"""Preflight (host driver vs the image's CUDA) and the smoke command's JSON and JUnit outputs.

The comparison and driver-detection tests need no Docker; the output tests run ``tfimage-lint smoke`` against the
real engine (skipping, or failing under ``CI=true``, like ``test_docker_e2e.py`` when there is none).
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.smoke.test_docker_e2e import BASE_IMAGE, _dockerfile, _smoke, client, pybase  # noqa: F401
from tfimage_lint.smoke.runner import driver_compatibility, host_driver, preflight_lines

# --------------------------------------------------------------------------------------------------------------
# the comparison (same logic as TF401)


def test_driver_new_enough() -> None:
    result = driver_compatibility("12.4", "12.2.0")
    assert result["status"] == "ok"
    assert driver_compatibility("12.4", "12.4")["status"] == "ok"
    assert driver_compatibility("13.0", "12.8")["status"] == "ok"


def test_major_mismatch_is_too_old() -> None:
    result = driver_compatibility("11.8", "12.3.2")
    assert result["status"] == "too-old"
    assert "11.8" in result["message"] and "12.3.2" in result["message"]
    assert "upgrade" in result["fix"]


def test_same_major_older_minor_is_minor_compat() -> None:
    result = driver_compatibility("12.2", "12.4.1")
    assert result["status"] == "minor-compat"
    assert "minor-version compatibility" in result["message"]


@pytest.mark.parametrize(("driver", "image"), [(None, "12.4"), ("12.4", None), (None, None), ("garbage", "12.4")])
def test_unknown_sides(driver: str | None, image: str | None) -> None:
    assert driver_compatibility(driver, image)["status"] == "unknown"


def test_preflight_lines_say_minor_version_compatibility() -> None:
    preflight = {
        "daemon": {"address": "unix:///x.sock", "server_version": "26.1", "runtimes": ["runc"]},
        "host_driver": {"source": "nvml", "driver_version": "535.104", "cuda_driver_version": "12.2"},
        "image_cuda": "12.4.1",
        "driver_satisfies_image": driver_compatibility("12.2", "12.4.1"),
    }
    text = "\n".join(preflight_lines(preflight))
    assert "preflight: Docker daemon at unix:///x.sock: reachable" in text
    assert "preflight: host driver: 535.104 (nvml), supports CUDA 12.2" in text
    assert "preflight: image CUDA: 12.4.1" in text
    assert "driver satisfies the image: minor-version compatibility" in text


# --------------------------------------------------------------------------------------------------------------
# finding the host driver


def _no_smi(_name: str) -> str | None:
    return None


def test_host_driver_from_the_probe_reader() -> None:
    def reader() -> dict[str, Any]:
        return {"source": "nvml", "driver_version": "550.54.15", "cuda_driver_version": "12.4", "attempts": []}

    found = host_driver(read_driver=reader, which=_no_smi)
    assert found["source"] == "nvml"
    assert found["driver_version"] == "550.54.15" and found["cuda_driver_version"] == "12.4"


def test_host_driver_falls_back_to_nvidia_smi() -> None:
    calls: list[list[str]] = []

    def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        assert kwargs.get("timeout")
        return subprocess.CompletedProcess(args, 0, stdout="535.104.05\n535.104.05\n", stderr="")

    found = host_driver(
        read_driver=lambda: {"source": "unknown", "attempts": ["libnvidia-ml.so.1: missing"]},
        which=lambda name: "/usr/bin/nvidia-smi",
        run=run,
    )
    assert found["source"] == "nvidia-smi"
    assert found["driver_version"] == "535.104.05"
    assert found["cuda_driver_version"] is None
    assert calls == [["/usr/bin/nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"]]
    assert driver_compatibility(found["cuda_driver_version"], "12.4")["status"] == "unknown"


def test_host_driver_unknown() -> None:
    def run(args: list[str], **kwargs: Any) -> Any:
        raise subprocess.TimeoutExpired(args, kwargs["timeout"])

    found = host_driver(read_driver=lambda: {"source": "unknown", "attempts": []}, which=_no_smi)
    assert found["source"] == "unknown" and found["driver_version"] is None
    assert "nvidia-smi: not on PATH" in found["attempts"]
    hung = host_driver(read_driver=lambda: {"source": "unknown"}, which=lambda name: "/bin/nvidia-smi", run=run)
    assert hung["source"] == "unknown"
    assert any("TimeoutExpired" in attempt for attempt in hung["attempts"])
    assert "host driver: unknown" in "\n".join(preflight_lines({"host_driver": hung}))


def test_host_driver_runs_the_real_probe_reader_here() -> None:
    found = host_driver()  # whatever this machine has; must not raise
    assert found["source"] in ("nvml", "libcuda", "nvidia-smi", "unknown")


# --------------------------------------------------------------------------------------------------------------
# outputs, against the real engine


def test_junit_output_parses(pybase: str, tmp_path: Path) -> None:  # noqa: F811
    path = _dockerfile(tmp_path, f"FROM {pybase}\nLABEL purpose=junit\n")
    out = tmp_path / "smoke.xml"
    result = _smoke([path, "--format", "junit", "--output", str(out), "--timeout", "120"])
    assert result.exit_code == 1, result.output
    assert "preflight: host driver:" in result.output  # the text summary still goes to the terminal
    root = ET.fromstring(out.read_bytes())
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "tfimage-lint smoke"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert {"preflight: daemon", "build", "probe run", "verdict"} <= set(cases)
    assert suite.get("tests") == str(len(cases))
    assert cases["build"].find("failure") is None and cases["preflight: daemon"].find("failure") is None
    failure = cases["verdict"].find("failure")
    assert failure is not None
    assert "not importable" in (failure.text or "").lower() + (failure.get("message") or "").lower()
    assert int(suite.get("failures") or 0) >= 1
    probe = json.loads(cases["verdict"].findtext("system-out") or "null")
    assert isinstance(probe, dict) and "python" in probe


def test_junit_output_for_a_failed_build(pybase: str, tmp_path: Path) -> None:  # noqa: F811
    path = _dockerfile(tmp_path, f"FROM {pybase}\nRUN exit 4\n")
    out = tmp_path / "smoke.xml"
    result = _smoke([path, "--format", "junit", "--output", str(out)])
    assert result.exit_code == 2, result.output
    root = ET.fromstring(out.read_bytes())
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "build"
    error = case.find("error")
    assert error is not None and "the build failed" in (error.get("message") or "")


def test_json_output_has_preflight(pybase: str, tmp_path: Path) -> None:  # noqa: F811
    path = _dockerfile(tmp_path, f"FROM {pybase}\n")
    result = _smoke([path, "--format", "json", "--timeout", "120"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output[result.output.index("{") :])
    preflight = report["preflight"]
    assert preflight["daemon"]["reachable"] is True
    assert preflight["host_driver"]["source"] in ("nvml", "libcuda", "nvidia-smi", "unknown")
    assert "image_cuda" in preflight
    assert preflight["driver_satisfies_image"]["status"] in ("ok", "minor-compat", "too-old", "unknown")


def test_zz_outputs_left_nothing(client: Any) -> None:  # noqa: F811
    from tfimage_lint.smoke.runner import leftovers

    assert list(leftovers(client)) == []
