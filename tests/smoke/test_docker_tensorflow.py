"""End to end with a real TensorFlow: the CPU wheel brought in through the build context.

The engine's containers have no network, so the wheels are downloaded on the host (``pip download``,
cached in ``$TFL_WHEEL_CACHE``, default ``/tmp/tfl-wheels``) and unpacked into the image's
site-packages by the Dockerfile (the local base image has Python but no pip). Like the other
end-to-end tests this skips without an engine, and fails under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.smoke.test_docker_e2e import IN_CI, _smoke, _unavailable, client, pybase  # noqa: F401

pytestmark = pytest.mark.slow

WHEEL_CACHE = Path(os.environ.get("TFL_WHEEL_CACHE", "/tmp/tfl-wheels"))
UNPACK = (
    "import glob, zipfile\n"
    "for wheel in sorted(glob.glob('/wheels/*.whl')):\n"
    "    zipfile.ZipFile(wheel).extractall('/usr/local/lib/python3.11/dist-packages')\n"
)


def _wheels() -> Path:
    """The tensorflow-cpu wheels for the base image's Python 3.11 (downloaded once, then cached)."""
    if not any(WHEEL_CACHE.glob("tensorflow_cpu-*.whl")):
        WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
        platforms = ("manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_28_x86_64")
        command = [sys.executable, "-m", "pip", "download", "-q", "tensorflow-cpu", "--only-binary=:all:",
                   "--python-version", "3.11", "-d", str(WHEEL_CACHE)]  # fmt: skip
        for platform in platforms:
            command += ["--platform", platform]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            _unavailable(f"cannot download the tensorflow-cpu wheels: {done.stderr.strip()[-300:]}")
    return WHEEL_CACHE


@pytest.fixture(scope="module")
def tensorflow_context(pybase: str, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    context = tmp_path_factory.mktemp("tf-context")
    shutil.copytree(_wheels(), context / "wheels")
    (context / "unpack.py").write_text(UNPACK, encoding="utf-8")
    (context / "Dockerfile").write_text(
        f"FROM {pybase}\nCOPY wheels /wheels\nCOPY unpack.py /unpack.py\n"
        "RUN python3 /unpack.py && rm -rf /wheels /unpack.py\n",
        encoding="utf-8",
    )
    return context


def _run(context: Path, *args: str) -> tuple[Any, dict[str, Any]]:
    out = context / "report.json"
    result = _smoke([str(context / "Dockerfile"), "--format", "json", "--output", str(out), "--timeout", "300",
                     *args])  # fmt: skip
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_cpu_tensorflow_is_reported_and_cpu_ok_passes(tensorflow_context: Path) -> None:
    result, report = _run(tensorflow_context, "--cpu-ok")
    assert result.exit_code == 0, result.output
    assert report["passed"] is True
    tensorflow = report["probe"]["tensorflow"]
    assert tensorflow["importable"] is True
    assert tensorflow["version"].startswith("2.")
    assert tensorflow["is_built_with_cuda"] is False
    assert tensorflow["gpus"] == []


def test_requiring_gpus_on_a_cpu_image_fails_with_a_diagnosis(tensorflow_context: Path) -> None:
    result, report = _run(tensorflow_context, "--expect-gpus", "1")
    assert result.exit_code == 1, result.output
    assert report["passed"] is False
    assert report["probe"]["tensorflow"]["importable"] is True
    text = json.dumps(report).lower()
    assert "without cuda" in text or "cpu" in text, report["summary"]


def test_requiring_gpus_through_the_daemon_fails_with_no_gpu_runtime(tensorflow_context: Path) -> None:
    result, report = _run(tensorflow_context, "--gpus", "all")
    assert result.exit_code == 1, result.output
    assert "no gpu runtime" in json.dumps(report).lower(), report["summary"]


def test_zz_nothing_left_behind(client: Any) -> None:  # noqa: F811
    from tfimage_lint.smoke.runner import leftovers

    assert list(leftovers(client)) == []
