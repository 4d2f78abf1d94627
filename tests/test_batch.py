"""Many files: the process pool gives the same reports, in the same order, as one process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tfimage_lint.batch import POOL_MIN_FILES, _Batch, _pooled, default_jobs, lint_targets, pool_size
from tfimage_lint.config.chooser import ConfigChooser
from tfimage_lint.registry import load_registry
from tfimage_lint.settings import CommandLine

ROOT = Path(__file__).resolve().parents[1]

VARIANTS = [
    "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nRUN pip install tensorflow==2.15.0\n",
    "FROM tensorflow/tensorflow:latest-gpu\nRUN apt-get install curl\n",
    "FROM python:3.11-slim\nRUN pip install numpy\n",
    "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nRUN <<EOF\npip install -U tensorflow\nEOF\n",
    'FROM ubuntu:22.04\nRUN ["broken\n',  # an unterminated JSON form: a shell-form RUN
    "FROM tensorflow/tensorflow:2.15.0-gpu\nUSER 1000\n",
    "RUN echo before from\n",
    "\x00\x01 not a dockerfile \xff\n",
]


def _write_tree(root: Path, count: int) -> list[str]:
    paths = []
    for index in range(count):
        folder = root / f"app{index:03d}"
        folder.mkdir()
        path = folder / "Dockerfile"
        text = VARIANTS[index % len(VARIANTS)]
        path.write_bytes(text.encode("utf-8", "surrogateescape") if "\xff" not in text else text.encode("latin-1"))
        paths.append(str(path))
    return paths


def _run(paths: list[str], jobs: int) -> tuple[object, list]:
    registry = load_registry()
    chooser = ConfigChooser(registry, isolated=True)
    result = lint_targets(chooser, CommandLine(), paths, None, jobs)
    return result, [(report.path, report.findings, report.internal_errors) for report, _ in result.results]


def test_pool_gives_the_same_reports_in_the_same_order(tmp_path: Path) -> None:
    paths = _write_tree(tmp_path, POOL_MIN_FILES * 2)
    paths.insert(5, str(tmp_path / "missing" / "Dockerfile"))
    pooled, pooled_reports = _run(paths, jobs=2)
    single, single_reports = _run(paths, jobs=1)
    assert pooled.processes == 2 and single.processes == 1
    assert pooled_reports == single_reports
    assert [path for path, _, _ in pooled_reports] == [p for p in paths if "missing" not in p]
    assert pooled.errors == single.errors and len(pooled.errors) == 1 and "missing" in pooled.errors[0]
    assert pooled.ran == single.ran
    assert sum(len(findings) for _, findings, _ in pooled_reports) > POOL_MIN_FILES


def test_spawned_workers_rebuild_the_settings(tmp_path: Path) -> None:
    paths = _write_tree(tmp_path, 6)
    registry = load_registry()
    batch = _Batch(ConfigChooser(registry, isolated=True), CommandLine(select=("TF", "DF")), None)
    expected = [batch.lint(path) for path in paths]
    assert _pooled(batch, paths, 2, start_method="spawn") == expected


@pytest.mark.parametrize(
    ("jobs", "files", "workers"),
    [(1, 1000, 0), (2, POOL_MIN_FILES - 1, 0), (2, POOL_MIN_FILES, 2), (8, POOL_MIN_FILES, 2), (8, 1000, 8)],
)
def test_pool_size(jobs: int, files: int, workers: int) -> None:
    assert pool_size(jobs, files) == workers


def test_jobs_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFIMAGE_LINT_JOBS", "3")
    assert default_jobs() == 3
    monkeypatch.setenv("TFIMAGE_LINT_JOBS", "zero")
    assert default_jobs() >= 1


def test_cli_output_does_not_depend_on_jobs(tmp_path: Path) -> None:
    _write_tree(tmp_path, POOL_MIN_FILES + 8)
    outputs = []
    for jobs in ("1", "2"):
        completed = subprocess.run(
            [sys.executable, "-m", "tfimage_lint", "--isolated", "--jobs", jobs, "--format", "json", str(tmp_path)],
            capture_output=True, cwd=ROOT, timeout=120, check=False,
        )  # fmt: skip
        assert completed.returncode == 1, completed.stderr
        assert b"Traceback" not in completed.stderr
        outputs.append(json.loads(completed.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]["files"]) == POOL_MIN_FILES + 8


def test_cli_rejects_zero_jobs(cli) -> None:
    result = cli(["--jobs", "0", "examples/"])
    assert result.exit_code == 2
    assert "--jobs" in result.output
