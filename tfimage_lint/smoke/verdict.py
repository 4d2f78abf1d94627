"""The smoke test's verdict on a probe's output, and a diagnosis (with fixes) from what was observed.

Pass when TensorFlow imports, is a CUDA build, sees at least the expected number of GPUs, and the matmul ran on a GPU
with the right result; ``cpu_ok`` accepts a CPU-only image. Every fact is read defensively: a missing or odd field
counts as unknown, never as an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Known error texts (TensorFlow's and CUDA's own words) and what they mean.
DRIVER_TOO_OLD_TEXTS = (
    "cuda driver version is insufficient for cuda runtime version",
    "cuda_error_system_driver_mismatch",
    "cuda_error_compat_not_supported_on_device",
    "driver version is insufficient",
)
CUDNN_TEXTS = ("libcudnn", "cudnn library", "loaded runtime cudnn library")
DLOPEN_TEXT = "cannot dlopen some gpu libraries"
NO_DEVICE_TEXTS = ("cuda_error_no_device", "no cuda-capable device is detected")
VOID_VISIBLE_DEVICES = ("void", "none", "")


@dataclass
class Diagnosis:
    """One probable cause of a failure: a short code, what was observed, and how to fix it."""

    code: str
    problem: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.problem} (fix: {self.fix})" if self.fix else self.problem

    def to_json(self) -> dict[str, str]:
        """A JSON-ready dict."""
        return {"code": self.code, "problem": self.problem, "fix": self.fix}


@dataclass
class Verdict:
    """The outcome: passed or not, one summary line, the reasons (failed checks) and the diagnosis."""

    passed: bool
    summary: str
    reasons: list[str] = field(default_factory=list)
    diagnosis: list[Diagnosis] = field(default_factory=list)

    def __post_init__(self) -> None:
        if isinstance(self.diagnosis, str):  # callers that only know a sentence
            self.diagnosis = [Diagnosis("other", self.diagnosis)] if self.diagnosis else []
        elif self.diagnosis is None:
            self.diagnosis = []

    @property
    def codes(self) -> list[str]:
        """The diagnosis codes, in order."""
        return [item.code for item in self.diagnosis]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "passed": self.passed,
            "summary": self.summary,
            "reasons": list(self.reasons),
            "diagnosis": [item.to_json() for item in self.diagnosis],
        }


# ----------------------------------------------------------------------------------------------------------------
# reading the probe


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _version_tuple(text: Any) -> tuple[int, ...] | None:
    if not isinstance(text, str):
        return None
    match = re.match(r"\s*(\d+)(?:\.(\d+))?", text)
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2) or 0))


def _major(text: Any) -> int | None:
    version = _version_tuple(str(text)) if text is not None else None
    return version[0] if version else None


def _log_text(tensorflow: dict[str, Any]) -> str:
    parts = [str(tensorflow.get("error") or "")]
    parts.extend(str(line) for line in _list(tensorflow.get("log_tail")))
    parts.extend(str(_dict(run).get("error") or "") for run in _list(tensorflow.get("matmul")))
    return "\n".join(parts).lower()


def _cudnn_libraries(probe: dict[str, Any]) -> dict[int, bool]:
    """For each cuDNN major seen anywhere (loader, mapped into the process, pip wheels): whether it loads/exists."""
    found: dict[int, bool] = {}
    libraries = _dict(probe.get("libraries"))
    for name, entry in _dict(libraries.get("cdll")).items():
        match = re.match(r"libcudnn\.so\.(\d+)", str(name))
        if match:
            found[int(match.group(1))] = found.get(int(match.group(1)), False) or bool(_dict(entry).get("loaded"))
    extra = [str(path) for path in _list(probe.get("mapped_libraries"))]
    extra += [str(path) for path in _list(libraries.get("pip_wheel_libraries"))]
    for path in extra:
        match = re.search(r"libcudnn\.so\.(\d+)", path)
        if match:
            found[int(match.group(1))] = True
    return found


def _driver_gpu_count(driver: dict[str, Any]) -> int:
    gpus = _list(driver.get("gpus"))
    count = driver.get("device_count")
    return max(len(gpus), count if isinstance(count, int) else 0)


def _expected(expect_gpus: int | str | None, requested_gpus: Any, cpu_ok: bool) -> int:
    if isinstance(expect_gpus, int) and not isinstance(expect_gpus, bool):
        return max(expect_gpus, 0)
    if isinstance(expect_gpus, str) and expect_gpus.strip().isdigit():
        return int(expect_gpus.strip())
    if isinstance(expect_gpus, str) and expect_gpus.strip().lower() == "any":
        return 1
    if cpu_ok:
        return 0
    if isinstance(requested_gpus, int) and not isinstance(requested_gpus, bool) and requested_gpus > 0:
        return requested_gpus
    return 1


# ----------------------------------------------------------------------------------------------------------------
# diagnosis


def diagnose(probe: dict[str, Any], *, requested_gpus: Any = None, image_cuda: str | None = None) -> list[Diagnosis]:
    """Probable causes from the observed facts and known error texts (empty when nothing is wrong that we know of)."""
    found: list[Diagnosis] = []
    tensorflow = _dict(probe.get("tensorflow"))
    build = _dict(tensorflow.get("build_info"))
    driver = _dict(probe.get("driver"))
    env = _dict(probe.get("env"))
    devices = _dict(probe.get("devices"))
    text = _log_text(tensorflow)

    if tensorflow.get("timed_out"):
        found.append(
            Diagnosis(
                "tensorflow-hung",
                "TensorFlow did not finish importing/initialising within the probe's deadline",
                "look at tensorflow.log_tail; raise TFIMAGE_PROBE_TIMEOUT if the machine is just slow",
            )
        )
    elif tensorflow.get("importable") is False:
        error = str(tensorflow.get("error") or "unknown error")
        fix = "install TensorFlow in the image's Python (or run the probe with the Python that has it)"
        if "libcudnn" in error.lower() or "libcuda" in error.lower() or "undefined symbol" in error.lower():
            fix = "the import failed on a native library: install the CUDA/cuDNN libraries this TensorFlow needs"
        found.append(Diagnosis("tensorflow-not-importable", f"TensorFlow is not importable: {error}", fix))

    if tensorflow.get("importable") and tensorflow.get("is_built_with_cuda") is False:
        found.append(
            Diagnosis(
                "tensorflow-cpu-build",
                f"TensorFlow {tensorflow.get('version') or ''} is built without CUDA: a CPU wheel "
                "(tensorflow-cpu, or a pip install that replaced the GPU build) is what imports".replace("  ", " "),
                "install the GPU build (tensorflow[and-cuda] on PyPI, or keep the base image's TensorFlow: do not "
                "pip install tensorflow/tensorflow-cpu over it)",
            )
        )

    # GPUs requested but none visible in the container
    visible = env.get("NVIDIA_VISIBLE_DEVICES")
    dev_nodes = _list(devices.get("dev_nvidia"))
    driver_unknown = driver.get("source") == "unknown" or not driver
    if requested_gpus and (
        (isinstance(visible, str) and visible.strip().lower() in VOID_VISIBLE_DEVICES)
        or ("dev_nvidia" in devices and not dev_nodes and driver_unknown)
    ):
        why = []
        if isinstance(visible, str) and visible.strip().lower() in VOID_VISIBLE_DEVICES:
            why.append(f"NVIDIA_VISIBLE_DEVICES={visible!r}")
        if "dev_nvidia" in devices and not dev_nodes:
            why.append("no /dev/nvidia* device nodes")
        if driver_unknown:
            why.append("no NVIDIA driver library (NVML/libcuda) inside")
        found.append(
            Diagnosis(
                "no-gpu-visible",
                "GPUs were requested but none is visible here (" + ", ".join(why) + ")",
                "run with GPUs (docker run --gpus all, a DeviceRequest) through the NVIDIA Container Toolkit, and do "
                "not set NVIDIA_VISIBLE_DEVICES to void/none in the image",
            )
        )

    # driver too old for the image's CUDA
    needed_text = image_cuda or build.get("cuda_version") or env.get("CUDA_VERSION")
    needed = _version_tuple(needed_text)
    have = _version_tuple(driver.get("cuda_driver_version"))
    if needed and have and have < needed:
        if have[0] < needed[0]:
            found.append(
                Diagnosis(
                    "driver-too-old",
                    f"the driver supports CUDA {driver.get('cuda_driver_version')} (driver "
                    f"{driver.get('driver_version') or 'unknown'}) but the image needs CUDA {needed_text}",
                    "upgrade the host's NVIDIA driver, or use an image built for an older CUDA",
                )
            )
        else:
            found.append(
                Diagnosis(
                    "driver-older-minor",
                    f"the driver supports CUDA {driver.get('cuda_driver_version')} but the image is built for CUDA "
                    f"{needed_text}: minor-version compatibility may work, PTX JIT compilation will not",
                    "upgrade the host's NVIDIA driver (or add the cuda-compat package) if kernels fail to load",
                )
            )
    elif any(marker in text for marker in DRIVER_TOO_OLD_TEXTS):
        found.append(
            Diagnosis(
                "driver-too-old",
                "TensorFlow reports that the driver is too old for its CUDA runtime",
                "upgrade the host's NVIDIA driver, or use an image built for an older CUDA",
            )
        )

    # cuDNN missing or of the wrong major
    wanted = _major(build.get("cudnn_version"))
    cudnn = _cudnn_libraries(probe)
    if tensorflow.get("importable") and tensorflow.get("is_built_with_cuda") and wanted is not None and cudnn:
        if not cudnn.get(wanted):
            others = sorted(major for major, ok in cudnn.items() if ok and major != wanted)
            if others:
                found.append(
                    Diagnosis(
                        "cudnn-wrong-major",
                        f"TensorFlow is built for cuDNN {wanted} but only cuDNN "
                        + ", ".join(str(major) for major in others)
                        + " loads (libcudnn.so."
                        + str(others[0])
                        + "; the tensorflow/tensorflow 2.18/2.19 GPU images have this problem)",
                        f"install cuDNN {wanted} (e.g. pip install 'tensorflow[and-cuda]==<version>' or "
                        f"nvidia-cudnn-cu12 {wanted}.x), or use an image whose cuDNN matches",
                    )
                )
            else:
                found.append(
                    Diagnosis(
                        "cudnn-missing",
                        f"TensorFlow is built for cuDNN {wanted} but no libcudnn.so.{wanted} is found",
                        f"install cuDNN {wanted} (pip install 'tensorflow[and-cuda]', or a -cudnn CUDA base image)",
                    )
                )
    elif any(marker in text for marker in CUDNN_TEXTS) and (DLOPEN_TEXT in text or "could not load" in text):
        found.append(
            Diagnosis(
                "cudnn-missing",
                "TensorFlow could not load cuDNN (" + DLOPEN_TEXT + ")",
                "install the cuDNN major this TensorFlow is built for",
            )
        )

    if DLOPEN_TEXT in text and not any(item.code.startswith("cudnn") for item in found):
        found.append(
            Diagnosis(
                "gpu-libraries-missing",
                "TensorFlow says: Cannot dlopen some GPU libraries (see tensorflow.log_tail for which)",
                "install the CUDA libraries this TensorFlow is built for (pip install 'tensorflow[and-cuda]')",
            )
        )
    if any(marker in text for marker in NO_DEVICE_TEXTS) and not any(i.code == "no-gpu-visible" for i in found):
        found.append(
            Diagnosis(
                "no-cuda-device",
                "CUDA found no device (CUDA_ERROR_NO_DEVICE)",
                "run the container with GPUs (--gpus all) and check NVIDIA_VISIBLE_DEVICES",
            )
        )
    return found


# ----------------------------------------------------------------------------------------------------------------
# the verdict


def judge(
    probe: dict[str, Any],
    *,
    expect_gpus: int | str | None,
    cpu_ok: bool,
    requested_gpus: Any,
    image_cuda: str | None = None,
) -> Verdict:
    """Judge one probe output.

    ``expect_gpus``: a number, ``"any"`` (at least one) or None (the number requested when known, else at least one;
    none with ``cpu_ok``). ``requested_gpus``: whether (or how many: an int, ``"all"``) GPUs were requested.
    """
    probe = _dict(probe)
    tensorflow = _dict(probe.get("tensorflow"))
    need = _expected(expect_gpus, requested_gpus, cpu_ok)
    reasons: list[str] = []
    gpus = _list(tensorflow.get("gpus"))
    runs = [_dict(run) for run in _list(tensorflow.get("matmul"))]
    gpu_runs = [run for run in runs if str(run.get("requested", "")).upper().startswith("/GPU")]
    cpu_runs = [run for run in runs if str(run.get("requested", "")).upper().startswith("/CPU")]

    if tensorflow.get("importable") is not True:
        if tensorflow.get("timed_out"):
            reasons.append("TensorFlow did not finish within the probe's deadline")
        else:
            reasons.append(f"TensorFlow is not importable: {tensorflow.get('error') or 'unknown error'}")
    else:
        if tensorflow.get("is_built_with_cuda") is not True and not cpu_ok:
            reasons.append(f"TensorFlow {tensorflow.get('version') or ''} is not a CUDA build".replace("  ", " "))
        if len(gpus) < need:
            reasons.append(f"TensorFlow sees {len(gpus)} GPU(s), expected at least {need}")
        good = [run for run in gpu_runs if run.get("ok") is True]
        for run in gpu_runs:
            if run.get("ok") is not True:
                detail = run.get("error") or (
                    f"ran on {run.get('device')}" if run.get("on_gpu") is False else "result differs from the CPU's"
                )
                reasons.append(f"matmul on {run.get('requested')} failed: {detail}")
        if need and len(gpus) >= need and len(good) < need:
            reasons.append(f"the matmul ran correctly on {len(good)} GPU(s), expected at least {need}")
        if not gpus and cpu_ok and not any(run.get("ok") is True for run in cpu_runs):
            reasons.append("the matmul did not run on the CPU either")

    passed = not reasons
    diagnosis = [] if passed else diagnose(probe, requested_gpus=requested_gpus, image_cuda=image_cuda)
    if passed:
        version = tensorflow.get("version") or "?"
        if gpus:
            names = ", ".join(sorted({str(gpu.get("device_name") or gpu.get("name")) for gpu in gpus}))
            summary = f"TensorFlow {version} sees {len(gpus)} GPU(s) ({names}) and computed a matmul on them correctly"
        else:
            summary = f"TensorFlow {version} works on the CPU (no GPU; accepted with --cpu-ok)"
    else:
        summary = reasons[0] if len(reasons) == 1 else f"{reasons[0]} (and {len(reasons) - 1} more)"
    return Verdict(passed=passed, summary=summary, reasons=reasons, diagnosis=diagnosis)


def render_text(verdict: Verdict, probe: dict[str, Any]) -> str:
    """A human report: the verdict, the diagnosis with fixes, then the key observed facts."""
    lines = [f"{'PASS' if verdict.passed else 'FAIL'}: {verdict.summary}"]
    for reason in verdict.reasons:
        if reason != verdict.summary:
            lines.append(f"  - {reason}")
    for item in verdict.diagnosis:
        lines.append(f"diagnosis: {item.problem}")
        if item.fix:
            lines.append(f"  fix: {item.fix}")
    probe = _dict(probe)
    python = _dict(probe.get("python"))
    lines.append(f"python: {python.get('version', 'unknown')} ({python.get('executable', '?')})")
    tensorflow = _dict(probe.get("tensorflow"))
    if tensorflow.get("importable"):
        build = _dict(tensorflow.get("build_info"))
        lines.append(
            f"tensorflow: {tensorflow.get('version')} (CUDA build: {tensorflow.get('is_built_with_cuda')}, "
            f"cuda {build.get('cuda_version', 'unknown')}, cudnn {build.get('cudnn_version', 'unknown')})"
        )
        for gpu in _list(tensorflow.get("gpus")):
            gpu = _dict(gpu)
            capability = ".".join(str(part) for part in _list(gpu.get("compute_capability"))) or "unknown"
            lines.append(f"  gpu: {gpu.get('name')} {gpu.get('device_name') or ''} (compute capability {capability})")
        for run in _list(tensorflow.get("matmul")):
            run = _dict(run)
            state = "ok" if run.get("ok") else f"FAILED {run.get('error') or ''}".strip()
            lines.append(f"  matmul {run.get('requested')}: {state} on {run.get('device')} in {run.get('seconds')} s")
    else:
        lines.append(f"tensorflow: not importable ({tensorflow.get('error') or 'unknown'})")
    driver = _dict(probe.get("driver"))
    if driver.get("source") in ("nvml", "libcuda"):
        lines.append(
            f"driver ({driver.get('source')}): {driver.get('driver_version') or 'unknown'}, "
            f"supports CUDA {driver.get('cuda_driver_version') or 'unknown'}"
        )
        for gpu in _list(driver.get("gpus")):
            gpu = _dict(gpu)
            lines.append(
                f"  gpu {gpu.get('index')}: {gpu.get('name')} (compute capability "
                f"{gpu.get('compute_capability_text') or 'unknown'}, {gpu.get('memory_total_mib', '?')} MiB)"
            )
    else:
        lines.append("driver: unknown (no NVML or libcuda inside)")
    loaded = _list(_dict(probe.get("libraries")).get("loaded"))
    lines.append("libraries that load: " + (", ".join(str(name) for name in loaded) or "none"))
    return "\n".join(lines) + "\n"
