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


def test_corpus_with_requirement_files_mapped(shared):
    """Every rule (default-off ones too) over the corpus, with each file's requirement files as its context."""
    from tfimage_lint.registry import load_registry
    from tools.corpus_report import corpus_dockerfiles, lint_corpus

    every_rule = [rule.id for rule in load_registry(include_plugins=False).rules]
    reports = lint_corpus(every_rule)
    assert len(reports) == CORPUS_FILES == len(corpus_dockerfiles(shared / "corpus" / "files"))
    assert [error for _, report in reports for error in report.internal_errors] == []


def test_corpus_requirement_files_are_followed(shared):
    from tfimage_lint.facts import compute_facts
    from tfimage_lint.model.build import build_model
    from tfimage_lint.syntax.parser import parse_dockerfile
    from tools.corpus_context import CorpusContext
    from tools.corpus_report import corpus_dockerfiles

    found = missing = 0
    for path in corpus_dockerfiles(shared / "corpus" / "files"):
        dockerfile = build_model(parse_dockerfile(path.read_bytes()), str(path))
        facts = compute_facts(dockerfile, context=CorpusContext(str(path)))
        for stage in dockerfile.stages:
            for install in facts.installs(stage).pip:
                found += sum(followed.found for followed in install.files)
                missing += sum(not followed.found for followed in install.files)
    # 245 requirement files sit next to their Dockerfiles; most -r/-c/`pip install .` uses map onto one
    assert found >= 240
    assert missing <= 225  # editable folders and `pip install .` without a pyproject in the corpus count here
