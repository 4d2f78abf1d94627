"""A standalone probe: what Python, TensorFlow, the CUDA libraries and the NVIDIA driver look like from here.

Run it as ``python3 probe.py`` inside any container with Python 3.8 or newer (standard library only); it prints ONE
JSON object on stdout. It is also importable: :func:`collect` returns the same dict. Every section is guarded, so a
failure in one (TensorFlow missing, no driver) is reported in that section and never stops the others. The
TensorFlow section runs in a thread with a deadline (``TFIMAGE_PROBE_TIMEOUT`` seconds, default 120), and whatever
TensorFlow writes to stdout/stderr meanwhile is captured (its tail is in ``tensorflow.log_tail``), so stdout holds
only the JSON object.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import glob
import json
import os
import platform
import sys
import tempfile
import threading
import time
import traceback
from typing import Any

PROBE_VERSION = 1
DEFAULT_TIMEOUT_S = 120.0
MATMUL_SIZE = 256
LOG_TAIL_LINES = 40

# Libraries tried with ctypes.CDLL, by what they are.
LIBRARY_CANDIDATES = {
    "cudart": ["libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0"],
    "cudnn": ["libcudnn.so.9", "libcudnn.so.8", "libcudnn.so"],
    "cublas": ["libcublas.so", "libcublas.so.13", "libcublas.so.12", "libcublas.so.11"],
    "nccl": ["libnccl.so.2"],
    "cuda": ["libcuda.so.1"],
    "nvml": ["libnvidia-ml.so.1"],
}
FIND_LIBRARY_NAMES = ["cudart", "cudnn", "cublas", "nccl", "cuda", "nvidia-ml"]
ENV_PREFIXES = ("NVIDIA_", "CUDA_", "TF_", "NCCL_", "CUDNN_")
ENV_NAMES = ("LD_LIBRARY_PATH", "LD_PRELOAD", "PATH", "XLA_FLAGS")
LOADED_MARKERS = ("cuda", "cudnn", "cublas", "nccl", "nvidia", "cufft", "cusolver", "cusparse", "curand", "nvrtc")


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _guard(result: dict[str, Any], name: str, function: Any, *args: Any) -> None:
    started = time.monotonic()
    try:
        result[name] = function(*args)
    except BaseException as exc:
        result[name] = {"error": _error(exc)}
    result.setdefault("timings_s", {})[name] = round(time.monotonic() - started, 3)


# ----------------------------------------------------------------------------------------------------------------
# python, environment, devices


def python_section() -> dict[str, Any]:
    """The interpreter running the probe."""
    return {
        "version": platform.python_version(),
        "executable": sys.executable,
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def env_section() -> dict[str, str]:
    """The NVIDIA_*, CUDA_*, TF_* (and loader) environment."""
    return {key: value for key, value in sorted(os.environ.items()) if key.startswith(ENV_PREFIXES) or key in ENV_NAMES}


def devices_section() -> dict[str, Any]:
    """The /dev/nvidia* nodes and the kernel module's version line, as seen from here."""
    version = None
    try:
        with open("/proc/driver/nvidia/version", encoding="utf-8", errors="replace") as handle:
            version = handle.readline().strip() or None
    except OSError:
        pass
    return {"dev_nvidia": sorted(glob.glob("/dev/nvidia*")), "proc_driver_version": version}


# ----------------------------------------------------------------------------------------------------------------
# the driver: NVML, else libcuda, else unknown


def _cuda_version_text(value: int | None) -> str | None:
    if not value:
        return None
    return f"{value // 1000}.{(value % 1000) // 10}"


def _nvml(library: Any) -> dict[str, Any]:
    info: dict[str, Any] = {"source": "nvml", "errors": []}

    def check(name: str, rc: int) -> bool:
        if rc == 0:
            return True
        text = ""
        try:
            library.nvmlErrorString.restype = ctypes.c_char_p
            text = (library.nvmlErrorString(rc) or b"").decode(errors="replace")
        except Exception:
            pass
        info["errors"].append(f"{name} returned {rc}" + (f" ({text})" if text else ""))
        return False

    init = getattr(library, "nvmlInit_v2", None) or library.nvmlInit
    if not check("nvmlInit_v2", init()):
        info["initialised"] = False
        return info
    info["initialised"] = True
    try:
        buffer = ctypes.create_string_buffer(96)
        if check("nvmlSystemGetDriverVersion", library.nvmlSystemGetDriverVersion(buffer, 96)):
            info["driver_version"] = buffer.value.decode(errors="replace")
        buffer = ctypes.create_string_buffer(96)
        try:
            if check("nvmlSystemGetNVMLVersion", library.nvmlSystemGetNVMLVersion(buffer, 96)):
                info["nvml_version"] = buffer.value.decode(errors="replace")
        except AttributeError:
            pass
        cuda = ctypes.c_int(0)
        getter = getattr(library, "nvmlSystemGetCudaDriverVersion_v2", None) or library.nvmlSystemGetCudaDriverVersion
        if check("nvmlSystemGetCudaDriverVersion_v2", getter(ctypes.byref(cuda))):
            info["cuda_driver_version_int"] = cuda.value
            info["cuda_driver_version"] = _cuda_version_text(cuda.value)
        count = ctypes.c_uint(0)
        counter = getattr(library, "nvmlDeviceGetCount_v2", None) or library.nvmlDeviceGetCount
        gpus: list[dict[str, Any]] = []
        if check("nvmlDeviceGetCount_v2", counter(ctypes.byref(count))):
            info["device_count"] = count.value
            by_index = getattr(library, "nvmlDeviceGetHandleByIndex_v2", None) or library.nvmlDeviceGetHandleByIndex
            for index in range(count.value):
                gpu: dict[str, Any] = {"index": index}
                handle = ctypes.c_void_p()
                if not check(f"nvmlDeviceGetHandleByIndex({index})", by_index(index, ctypes.byref(handle))):
                    gpus.append(gpu)
                    continue
                name = ctypes.create_string_buffer(128)
                if check("nvmlDeviceGetName", library.nvmlDeviceGetName(handle, name, 128)):
                    gpu["name"] = name.value.decode(errors="replace")
                uuid = ctypes.create_string_buffer(96)
                if check("nvmlDeviceGetUUID", library.nvmlDeviceGetUUID(handle, uuid, 96)):
                    gpu["uuid"] = uuid.value.decode(errors="replace")
                major, minor = ctypes.c_int(0), ctypes.c_int(0)
                rc = library.nvmlDeviceGetCudaComputeCapability(handle, ctypes.byref(major), ctypes.byref(minor))
                if check("nvmlDeviceGetCudaComputeCapability", rc):
                    gpu["compute_capability"] = [major.value, minor.value]
                    gpu["compute_capability_text"] = f"{major.value}.{minor.value}"

                class _Memory(ctypes.Structure):
                    _fields_ = [
                        ("total", ctypes.c_ulonglong),
                        ("free", ctypes.c_ulonglong),
                        ("used", ctypes.c_ulonglong),
                    ]

                memory = _Memory()
                if check("nvmlDeviceGetMemoryInfo", library.nvmlDeviceGetMemoryInfo(handle, ctypes.byref(memory))):
                    gpu["memory_total_mib"] = memory.total // (1024 * 1024)
                gpus.append(gpu)
        info["gpus"] = gpus
    finally:
        with contextlib.suppress(Exception):
            library.nvmlShutdown()
    return info


def _libcuda(library: Any) -> dict[str, Any]:
    info: dict[str, Any] = {"source": "libcuda", "errors": []}
    version = ctypes.c_int(0)
    rc = library.cuDriverGetVersion(ctypes.byref(version))
    info["cuDriverGetVersion_rc"] = rc
    if rc == 0:
        info["cuda_driver_version_int"] = version.value
        info["cuda_driver_version"] = _cuda_version_text(version.value)
    rc = library.cuInit(0)
    info["cuInit_rc"] = rc
    if rc == 0:
        count = ctypes.c_int(0)
        if library.cuDeviceGetCount(ctypes.byref(count)) == 0:
            info["device_count"] = count.value
    else:
        info["errors"].append(f"cuInit returned {rc}")
    return info


def driver_section() -> dict[str, Any]:
    """The driver as seen from here: NVML through ctypes, else libcuda's cuDriverGetVersion, else unknown."""
    attempts: list[str] = []
    for name, reader in (("libnvidia-ml.so.1", _nvml), ("libcuda.so.1", _libcuda)):
        try:
            library = ctypes.CDLL(name)
        except OSError as exc:
            attempts.append(f"{name}: {exc}")
            continue
        try:
            info = reader(library)
        except Exception as exc:
            attempts.append(f"{name}: {_error(exc)}")
            continue
        if info.get("driver_version") or info.get("cuda_driver_version"):
            info["attempts"] = attempts
            return info
        attempts.append(f"{name}: " + "; ".join(info.get("errors") or ["no version"]))
    return {"source": "unknown", "attempts": attempts}


# ----------------------------------------------------------------------------------------------------------------
# TensorFlow


def _tensorflow(result: dict[str, Any]) -> None:
    started = time.monotonic()
    try:
        import tensorflow as tf  # type: ignore[import-not-found]
    except BaseException as exc:
        result["importable"] = False
        result["error"] = _error(exc)
        result["import_s"] = round(time.monotonic() - started, 3)
        return
    result["importable"] = True
    result["import_s"] = round(time.monotonic() - started, 3)
    result["version"] = getattr(tf, "__version__", None)
    result["file"] = getattr(tf, "__file__", None)
    result["is_built_with_cuda"] = _call(lambda: bool(tf.test.is_built_with_cuda()))
    result["is_built_with_gpu_support"] = _call(lambda: bool(tf.test.is_built_with_gpu_support()))
    result["build_info"] = _call(lambda: {str(k): _plain(v) for k, v in dict(tf.sysconfig.get_build_info()).items()})
    try:
        physical = tf.config.list_physical_devices("GPU")
    except Exception as exc:
        result["gpus_error"] = _error(exc)
        physical = []
    gpus: list[dict[str, Any]] = []
    for device in physical:
        entry: dict[str, Any] = {"name": device.name, "device_type": device.device_type}
        try:
            details = tf.config.experimental.get_device_details(device)
            entry["device_name"] = details.get("device_name")
            capability = details.get("compute_capability")
            if capability is not None:
                entry["compute_capability"] = list(capability)
        except Exception as exc:
            entry["details_error"] = _error(exc)
        with contextlib.suppress(Exception):  # only to avoid grabbing the whole GPU
            tf.config.experimental.set_memory_growth(device, True)
        gpus.append(entry)
    result["gpus"] = gpus
    result["matmul"] = _matmuls(tf, physical)
    try:
        result["logical_devices"] = [
            {"name": device.name, "device_type": device.device_type} for device in tf.config.list_logical_devices()
        ]
    except Exception as exc:
        result["logical_devices"] = {"error": _error(exc)}


def _call(function: Any) -> Any:
    try:
        return function()
    except Exception as exc:
        return {"error": _error(exc)}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _matmuls(tf: Any, physical: list[Any]) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    with contextlib.suppress(Exception):
        tf.config.set_soft_device_placement(False)
    try:
        n = MATMUL_SIZE
        with tf.device("/CPU:0"):
            values = tf.reshape(tf.cast(tf.range(n * n) % 17, tf.float32) / 17.0, (n, n))
            other = tf.transpose(values) - 0.5
            started = time.monotonic()
            expected = tf.linalg.matmul(values, other).numpy()
            runs.append({"requested": "/CPU:0", "device": "CPU", "ok": True, "seconds": _since(started)})
    except Exception as exc:
        return [{"requested": "/CPU:0", "ok": False, "error": _error(exc)}]
    for index in range(len(physical)):
        requested = f"/GPU:{index}"
        entry: dict[str, Any] = {"requested": requested, "ok": False}
        try:
            with tf.device(requested):
                a = tf.identity(values)
                b = tf.identity(other)
                started = time.monotonic()
                product = tf.linalg.matmul(a, b)
                got = product.numpy()
                entry["seconds"] = _since(started)
                entry["device"] = product.device
            difference = float(abs(got - expected).max())
            scale = float(abs(expected).max()) or 1.0
            entry["max_abs_diff"] = difference
            entry["matches_cpu"] = difference <= 1e-3 * scale
            entry["on_gpu"] = "GPU" in str(entry["device"]).upper()
            entry["ok"] = bool(entry["matches_cpu"] and entry["on_gpu"])
        except Exception as exc:
            entry["error"] = _error(exc)
        runs.append(entry)
    return runs


def _since(started: float) -> float:
    return round(time.monotonic() - started, 4)


def tensorflow_section(timeout: float) -> dict[str, Any]:
    """Import TensorFlow and exercise it, in a thread with a deadline; its own output is captured, not printed."""
    result: dict[str, Any] = {}
    capture = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the thread
    saved: list[int] = []
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd in (1, 2):
            saved.append(os.dup(fd))
            os.dup2(capture.fileno(), fd)
    except OSError:
        pass
    worker = threading.Thread(target=_tensorflow_worker, args=(result,), name="tfimage-lint-probe", daemon=True)
    try:
        worker.start()
        worker.join(timeout)
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        for index, copy in enumerate(saved):  # no zip(strict=): the probe runs on Python 3.8
            os.dup2(copy, index + 1)
            os.close(copy)
    if worker.is_alive():
        result["timed_out"] = True
        result.setdefault("error", f"TensorFlow did not finish within {timeout:g} s")
    result["log_tail"] = _tail(capture)
    capture.close()
    return result


def _tensorflow_worker(result: dict[str, Any]) -> None:
    try:
        _tensorflow(result)
    except BaseException as exc:
        result["error"] = _error(exc)
        result["traceback"] = traceback.format_exc()[-4000:]


def _tail(capture: Any) -> list[str]:
    try:
        capture.seek(0)
        text = capture.read().decode("utf-8", errors="replace")
    except Exception:
        return []
    return [line[:500] for line in text.splitlines() if line.strip()][-LOG_TAIL_LINES:]


# ----------------------------------------------------------------------------------------------------------------
# libraries


def libraries_section() -> dict[str, Any]:
    """Which CUDA libraries the loader finds (find_library, CDLL by name), what is already mapped, pip wheels' libs."""
    found = {}
    for name in FIND_LIBRARY_NAMES:
        try:
            found[name] = ctypes.util.find_library(name)
        except Exception as exc:
            found[name] = _error(exc)
    loads: dict[str, dict[str, Any]] = {}
    for kind, names in LIBRARY_CANDIDATES.items():
        for name in names:
            try:
                ctypes.CDLL(name)
            except OSError as exc:
                loads[name] = {"kind": kind, "loaded": False, "error": str(exc)[:300]}
            else:
                loads[name] = {"kind": kind, "loaded": True}
    return {
        "find_library": found,
        "cdll": loads,
        "loaded": sorted(name for name, entry in loads.items() if entry["loaded"]),
        "pip_wheel_libraries": _wheel_libraries(),
    }


def mapped_libraries() -> list[str]:
    """The CUDA-related shared objects mapped into this process (after TensorFlow ran, before the CDLL tries)."""
    paths = set()
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                parts = line.split(None, 5)
                if len(parts) == 6 and ".so" in parts[5]:
                    path = parts[5].strip()
                    base = os.path.basename(path).lower()
                    if any(marker in base for marker in LOADED_MARKERS):
                        paths.add(path)
    except OSError:
        return []
    return sorted(paths)


def _wheel_libraries() -> list[str]:
    names = set()
    for entry in sys.path:
        if entry and os.path.isdir(os.path.join(entry, "nvidia")):
            for path in glob.glob(os.path.join(entry, "nvidia", "*", "lib", "lib*.so*")):
                names.add(os.path.relpath(path, entry))
    return sorted(names)[:200]


# ----------------------------------------------------------------------------------------------------------------
# the whole probe


def collect(timeout: float | None = None) -> dict[str, Any]:
    """Run every section and return the probe's dict (never raises)."""
    if timeout is None:
        try:
            timeout = float(os.environ.get("TFIMAGE_PROBE_TIMEOUT", DEFAULT_TIMEOUT_S))
        except ValueError:
            timeout = DEFAULT_TIMEOUT_S
    started = time.monotonic()
    result: dict[str, Any] = {"probe_version": PROBE_VERSION}
    _guard(result, "python", python_section)
    _guard(result, "env", env_section)
    _guard(result, "devices", devices_section)
    _guard(result, "driver", driver_section)
    _guard(result, "tensorflow", tensorflow_section, timeout)
    _guard(result, "mapped_libraries", mapped_libraries)
    _guard(result, "libraries", libraries_section)
    result["duration_s"] = round(time.monotonic() - started, 3)
    return result


def main() -> int:
    """Print the probe's one JSON object; exit 0 (the verdict is someone else's job)."""
    try:
        data = collect()
    except BaseException as exc:
        data = {"probe_version": PROBE_VERSION, "error": _error(exc)}
    sys.stdout.write(json.dumps(data, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()
    timed_out = isinstance(data.get("tensorflow"), dict) and data["tensorflow"].get("timed_out")
    if timed_out:  # a hung TensorFlow thread must not keep the process alive
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
