"""End-to-end smoke tests against a REAL Docker engine (``tools/ci_docker.sh`` starts one and prints DOCKER_HOST).

Without a reachable engine (or without the Docker SDK, or without the local base image ``local/pybase:bookworm``)
these tests skip with the reason, except in CI (``CI=true``), where that is a failure: a broken setup cannot pass
silently. The last test asserts that nothing carrying the smoke label is left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

BASE_IMAGE = "local/pybase:bookworm"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _need_sdk() -> None:
    try:
        import docker  # noqa: F401
    except ImportError:
        _unavailable("the Docker SDK is not installed (pip install -e '.[smoke]')")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A client for the engine DOCKER_HOST names; skip (fail in CI) when there is none."""
    if not os.environ.get("DOCKER_HOST"):
        _unavailable("no Docker engine: DOCKER_HOST is not set (run tools/ci_docker.sh and export what it prints)")
    _need_sdk()
    from tfimage_lint.smoke.runner import SmokeError, cleanup_leftovers, connect

    try:
        docker_client = connect(timeout=30)
    except SmokeError as exc:
        _unavailable(f"no Docker engine reachable: {exc.one_line()}")
    yield docker_client
    cleanup_leftovers(docker_client)  # do not let a failed assertion above pollute the next run
    docker_client.close()


@pytest.fixture(scope="module")
def pybase(client: Any) -> str:
    """The local Python base image (made by tools/ci_docker.sh with mmdebstrap)."""
    try:
        client.api.inspect_image(BASE_IMAGE)
    except Exception:
        _unavailable(f"the base image {BASE_IMAGE} is missing (tools/ci_docker.sh makes it)")
    return BASE_IMAGE


def _smoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    from tfimage_lint.smoke.smoke_cli import smoke

    return CliRunner().invoke(smoke, args, env=env, catch_exceptions=False)


def _dockerfile(tmp_path: Path, text: str) -> str:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_no_daemon_exits_2_with_the_fix(tmp_path: Path) -> None:
    _need_sdk()
    path = _dockerfile(tmp_path, f"FROM {BASE_IMAGE}\n")
    result = _smoke([path], env={"DOCKER_HOST": "unix:///nonexistent"})
    assert result.exit_code == 2, result.output
    assert "cannot reach the Docker daemon at unix:///nonexistent" in result.output
    assert "fix:" in result.output and "DOCKER_HOST" in result.output


def test_lint_gate_stops_before_building(tmp_path: Path) -> None:
    path = _dockerfile(tmp_path, f"FROM {BASE_IMAGE}\nRUN apt-get install -y nvidia-driver-535\n")
    # an unreachable daemon proves the gate stops before any Docker call
    result = _smoke([path, "--lint-gate"], env={"DOCKER_HOST": "unix:///nonexistent"})
    assert result.exit_code == 2, result.output
    assert "TF203" in result.output
    assert "not building (--lint-gate)" in result.output
    assert "cannot reach the Docker daemon" not in result.output


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    _need_sdk()
    path = _dockerfile(tmp_path, f"FROM {BASE_IMAGE}\n")
    env = {"DOCKER_HOST": "unix:///nonexistent"}
    result = _smoke([path, "--gpus", "bogus"], env=env)
    assert result.exit_code == 2 and "bad --gpus value" in result.output, result.output
    result = _smoke([path, "--expect-gpus", "many"], env=env)
    assert result.exit_code == 2 and "--expect-gpus" in result.output, result.output
    result = _smoke([str(tmp_path / "missing" / "Dockerfile")], env=env)
    assert result.exit_code == 2 and "no Dockerfile at" in result.output, result.output


def test_image_without_tensorflow_reports_and_fails(pybase: str, tmp_path: Path) -> None:
    path = _dockerfile(tmp_path, f"FROM {pybase}\nLABEL purpose=no-tensorflow\n")
    out = tmp_path / "report.json"
    result = _smoke([path, "--format", "json", "--output", str(out), "--timeout", "120"])
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["passed"] is False
    assert report["built"] is True
    assert report["probe"] is not None, report  # the probe still reports everything else
    text = json.dumps(report).lower()
    assert "tensorflow not importable" in text or "not importable" in text, report["summary"]
    assert "python" in report["probe"]


def test_failed_build_exits_2_naming_the_step(pybase: str, tmp_path: Path) -> None:
    path = _dockerfile(tmp_path, f"FROM {pybase}\nRUN echo about-to-fail && exit 3\n")
    result = _smoke([path])
    assert result.exit_code == 2, result.output
    assert re.search(r"the build failed at Step 2/\d+ : RUN echo about-to-fail && exit 3", result.output)
    assert "last" in result.output and "lines of the build log" in result.output
    assert "about-to-fail" in result.output
    assert "returned a non-zero code: 3" in result.output


def test_gpus_on_a_daemon_without_gpu_runtime(pybase: str, tmp_path: Path) -> None:
    path = _dockerfile(tmp_path, f"FROM {pybase}\n")
    result = _smoke([path, "--gpus", "all", "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert "the daemon has no GPU runtime" in json.dumps(report)
    assert 'could not select device driver ""' in report["run"]["daemon_error"]


def test_timeout_kills_a_hanging_probe(pybase: str, tmp_path: Path) -> None:
    # python3 in this image sleeps instead of running the probe
    path = _dockerfile(
        tmp_path,
        f"FROM {pybase}\n"
        "RUN printf '#!/bin/sh\\nexec sleep 600\\n' > /usr/local/bin/python3 && chmod +x /usr/local/bin/python3\n",
    )
    begun = time.monotonic()
    result = _smoke([path, "--timeout", "3"])
    assert time.monotonic() - begun < 60
    assert result.exit_code == 1, result.output
    assert "did not finish within 3 s and was killed" in result.output


def test_interrupted_runs_leave_nothing(client: Any, pybase: str, tmp_path: Path) -> None:
    from tfimage_lint.smoke.runner import SmokeOptions, leftovers, run_smoke

    path = _dockerfile(tmp_path, f"FROM {pybase}\nLABEL purpose=interrupted\nRUN true\n")
    images_before = {image["Id"] for image in client.api.images(all=True)}

    for moment in ("Step 2/", "running the probe"):

        def interrupt(message: str, moment: str = moment) -> None:
            if message.startswith(moment):
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            run_smoke(SmokeOptions(dockerfile=path, timeout=60), status=interrupt, client=client)
        assert list(leftovers(client)) == [], moment
        # the classic builder labels only the final image: the intermediate ones must be gone too
        assert {image["Id"] for image in client.api.images(all=True)} <= images_before, moment


def test_cleanup_option_removes_leftovers(client: Any, pybase: str) -> None:
    from tfimage_lint.smoke.runner import SMOKE_LABEL, leftovers

    container = client.containers.create(pybase, command=["true"], labels={SMOKE_LABEL: "left-behind"})
    try:
        assert list(leftovers(client))
        result = _smoke(["--cleanup"])
        assert result.exit_code == 0, result.output
        assert f"removed container {container.id[:12]}" in result.output
    finally:
        with contextlib.suppress(Exception):
            container.remove(force=True)


def test_zz_nothing_left_behind(client: Any) -> None:
    """Runs last in this module: no container or image carrying the smoke label remains."""
    from tfimage_lint.smoke.runner import leftovers

    assert list(leftovers(client)) == []
