"""Robustness over the real-world corpus in ../shared/corpus: one CLI run, no crash, sane findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.corpus

CORPUS_FILES = 654


def corpus_files(shared: Path) -> list[Path]:
    return sorted(
        path for path in (shared / "corpus" / "files").rglob("*") if path.is_file() and "__REQ__" not in path.name
    )


def test_corpus_lints_without_crashing(shared, tmp_path):
    files = corpus_files(shared)
    assert len(files) == CORPUS_FILES
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    proc = subprocess.run(
        [sys.executable, "-m", "tfimage_lint", "--format", "json", "--fail-on", "never", *map(str, files)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    assert "Traceback" not in proc.stderr
    assert proc.stderr == ""
    assert proc.returncode == 0
    report = json.loads(proc.stdout)
    assert [file["path"] for file in report["files"]] == [str(path) for path in files]
    assert report["summary"]["files"] == CORPUS_FILES
    assert report["summary"]["findings"] == sum(len(file["findings"]) for file in report["files"])

    for path, file in zip(files, report["files"], strict=True):
        data = path.read_bytes()
        line_count = max(data.count(b"\n") + 1, len(data.splitlines()))
        for finding in file["findings"]:
            assert 1 <= finding["line"] <= finding["end_line"] <= line_count, (path, finding)
            assert finding["column"] >= 1, (path, finding)
            assert "internal error in rule" not in finding["message"], (path, finding)
            if finding["rule_id"] == "DF000":
                assert finding["severity"] == "error"
                assert finding["message"], (path, finding)
