"""The smoke command's lint step: the file's configuration applies, and a known base gives its CUDA."""

from __future__ import annotations

from pathlib import Path

from tfimage_lint.config.discovery import clear_cache
from tfimage_lint.smoke.smoke_cli import _lint_first


def test_known_base_gives_the_knowledge_base_cuda(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04\n", encoding="utf-8")
    assert _lint_first(str(dockerfile), None, {}, gate=False) == (True, "12.2.0")


def test_unknown_base_gives_no_cuda(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\n", encoding="utf-8")
    assert _lint_first(str(dockerfile), None, {}, gate=False) == (True, None)


def test_the_lint_gate_follows_the_files_configuration(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nRUN sudo true\n", encoding="utf-8")
    assert _lint_first(str(dockerfile), None, {}, gate=True)[0] is False  # DF007 is an error by default
    (tmp_path / ".tfimage-lint.yaml").write_text("rules:\n  DF007: warning\n", encoding="utf-8")
    clear_cache()  # discovery caches "no configuration here" per folder within one process
    assert _lint_first(str(dockerfile), None, {}, gate=True)[0] is True
