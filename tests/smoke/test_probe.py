"""The standalone probe script: one JSON object, every section guarded, TensorFlow's output captured."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tfimage_lint.smoke import probe as probe_module

PROBE = Path(probe_module.__file__)
SECTIONS = ("python", "env", "devices", "driver", "tensorflow", "mapped_libraries", "libraries", "duration_s")


def _host_has_driver() -> bool:
    import ctypes

    try:
        ctypes.CDLL("libnvidia-ml.so.1")
    except OSError:
        return Path("/dev/nvidiactl").exists()
    return True


def run_probe(
    tmp_path: Path, fake_tensorflow: str | None = None, **env: str
) -> tuple[dict, subprocess.CompletedProcess]:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment.update(env)
    if fake_tensorflow is not None:
        package = tmp_path / "fake" / "tensorflow"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(fake_tensorflow, encoding="utf-8")
        environment["PYTHONPATH"] = str(tmp_path / "fake")
    # run a copy from an unrelated folder: the script must not need the package around it
    script = tmp_path / "probe.py"
    script.write_bytes(PROBE.read_bytes())
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, done.stdout  # ONE JSON object, nothing else on stdout
    data = json.loads(lines[0])
    assert isinstance(data, dict)
    return data, done


def test_probe_prints_one_json_object_with_every_section(tmp_path):
    data, _ = run_probe(tmp_path)
    for section in SECTIONS:
        assert section in data, section
    assert data["python"]["version"].count(".") == 2
    assert data["python"]["executable"]
    assert isinstance(data["libraries"]["cdll"], dict)
    assert "libcudnn.so.9" in data["libraries"]["cdll"] and "libcudnn.so.8" in data["libraries"]["cdll"]
    assert "libnccl.so.2" in data["libraries"]["cdll"]
    assert set(data["libraries"]["find_library"]) >= {"cudart", "cudnn", "cublas", "nccl"}


def test_tensorflow_not_importable_is_reported_and_the_rest_still_present(tmp_path):
    data, _ = run_probe(tmp_path)
    tensorflow = data["tensorflow"]
    assert tensorflow["importable"] is False
    assert "tensorflow" in tensorflow["error"]
    assert "error" not in data["driver"] and "error" not in data["libraries"] and "error" not in data["python"]


def test_driver_section_says_unknown_without_a_gpu(tmp_path):
    if _host_has_driver():
        pytest.skip("this machine has an NVIDIA driver")
    data, _ = run_probe(tmp_path)
    assert data["driver"]["source"] == "unknown"
    assert any("libnvidia-ml.so.1" in attempt for attempt in data["driver"]["attempts"])
    assert data["devices"]["dev_nvidia"] == []


def test_environment_is_reported(tmp_path):
    data, _ = run_probe(
        tmp_path, NVIDIA_VISIBLE_DEVICES="void", CUDA_VERSION="12.3.2", TF_CPP_MIN_LOG_LEVEL="0", UNRELATED_X="1"
    )
    assert data["env"]["NVIDIA_VISIBLE_DEVICES"] == "void"
    assert data["env"]["CUDA_VERSION"] == "12.3.2"
    assert data["env"]["TF_CPP_MIN_LOG_LEVEL"] == "0"
    assert "UNRELATED_X" not in data["env"]


def test_output_of_a_failing_tensorflow_import_is_captured_not_printed(tmp_path):
    fake = (
        "import os, sys\n"
        "print('banner on stdout')\n"
        "sys.stderr.write('Could not load dynamic library libcudnn.so.9\\n')\n"
        "os.write(1, b'native write to fd 1\\n')\n"
        "raise ImportError('libcudnn.so.9: cannot open shared object file')\n"
    )
    data, done = run_probe(tmp_path, fake_tensorflow=fake)
    tensorflow = data["tensorflow"]
    assert tensorflow["importable"] is False
    assert "libcudnn.so.9" in tensorflow["error"]
    tail = "\n".join(tensorflow["log_tail"])
    assert "banner on stdout" in tail and "native write to fd 1" in tail and "libcudnn.so.9" in tail
    assert done.stdout.startswith("{") and "Could not load" not in done.stderr


def test_a_hanging_tensorflow_is_cut_off_by_the_deadline(tmp_path):
    started = time.monotonic()
    data, _ = run_probe(tmp_path, fake_tensorflow="import time\ntime.sleep(60)\n", TFIMAGE_PROBE_TIMEOUT="1")
    assert time.monotonic() - started < 30
    assert data["tensorflow"]["timed_out"] is True
    assert "within 1 s" in data["tensorflow"]["error"]
    assert "libraries" in data and "driver" in data


def test_fake_tensorflow_without_gpus_is_exercised(tmp_path):
    fake = (
        "__version__ = '9.9.9'\n"
        "class _T:\n"
        "    @staticmethod\n"
        "    def is_built_with_cuda(): return True\n"
        "    @staticmethod\n"
        "    def is_built_with_gpu_support(): return True\n"
        "test = _T()\n"
        "class _S:\n"
        "    @staticmethod\n"
        "    def get_build_info(): return {'cuda_version': '12.5.1', 'cudnn_version': '9'}\n"
        "sysconfig = _S()\n"
        "class _C:\n"
        "    @staticmethod\n"
        "    def list_physical_devices(kind=None): return []\n"
        "    @staticmethod\n"
        "    def list_logical_devices(kind=None): raise RuntimeError('no logical devices here')\n"
        "config = _C()\n"
    )
    data, _ = run_probe(tmp_path, fake_tensorflow=fake)
    tensorflow = data["tensorflow"]
    assert tensorflow["importable"] is True
    assert tensorflow["version"] == "9.9.9"
    assert tensorflow["is_built_with_cuda"] is True
    assert tensorflow["build_info"] == {"cuda_version": "12.5.1", "cudnn_version": "9"}
    assert tensorflow["gpus"] == []
    assert tensorflow["matmul"][0]["ok"] is False  # the fake has no tf.device: reported, not raised
    assert "error" in tensorflow["logical_devices"]


def test_probe_is_python38_syntax_and_stdlib_only():
    source = PROBE.read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 8))
    allowed = set(sys.stdlib_module_names) | {"tensorflow", "__future__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[0]]
        else:
            continue
        assert set(names) <= allowed, names


def test_collect_is_importable_and_never_raises():
    data = probe_module.collect(timeout=30)
    for section in SECTIONS:
        assert section in data
    assert json.loads(json.dumps(data, default=str))
