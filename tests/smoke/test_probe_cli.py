"""``tfimage-lint probe`` through click's CliRunner, on a small group that registers it like the main CLI does."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from tests.smoke.test_verdict import gpu_probe, tf221_cpu_probe
from tfimage_lint.smoke import probe as probe_module
from tfimage_lint.smoke.probe_cli import probe


@pytest.fixture
def group() -> click.Group:
    cli = click.Group("tfimage-lint")
    cli.add_command(probe)
    return cli


def invoke(group: click.Group, *args: str):
    return CliRunner().invoke(group, ["probe", *args], catch_exceptions=False)


def test_probe_here_fails_without_tensorflow(group):
    result = invoke(group)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("FAIL: TensorFlow is not importable")
    assert "python: " in result.output


def test_probe_json_carries_verdict_and_probe(group, tmp_path):
    out = tmp_path / "probe.json"
    result = invoke(group, "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["verdict"]["passed"] is False
    assert data["probe"]["tensorflow"]["importable"] is False
    assert "driver" in data["probe"] and "libraries" in data["probe"]
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_probe_passes_on_a_healthy_gpu(group, monkeypatch):
    monkeypatch.setattr(probe_module, "collect", lambda timeout=None: gpu_probe())
    result = invoke(group)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("PASS: TensorFlow 2.21.0 sees 1 GPU(s)")
    assert invoke(group, "--expect-gpus", "2").exit_code == 1
    assert invoke(group, "--expect-gpus", "any").exit_code == 0


def test_cpu_ok_accepts_a_cpu_only_tensorflow(group, monkeypatch):
    monkeypatch.setattr(probe_module, "collect", lambda timeout=None: tf221_cpu_probe())
    assert invoke(group).exit_code == 1
    result = invoke(group, "--cpu-ok")
    assert result.exit_code == 0, result.output
    assert "works on the CPU" in result.output


def test_bad_expect_gpus_is_a_usage_error(group):
    result = CliRunner().invoke(group, ["probe", "--expect-gpus", "lots"])
    assert result.exit_code == 2
    assert "--expect-gpus" in result.output
