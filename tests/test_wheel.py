"""The built wheel: its contents, and the CLI installed from it into a clean target folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from tfimage_lint.discovery import find_dockerfiles
from tfimage_lint.registry import builtin_rules

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out)]
    proc = run([*pip, str(ROOT)], cwd=out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def target(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("target")
    pip = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(site)]
    proc = run([*pip, str(wheel)], cwd=site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site


def target_env(site: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    return env


def test_wheel_name(wheel):
    assert wheel.name == "tfimage_lint-0.1.0-py3-none-any.whl"


def test_wheel_contents(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read("tfimage_lint-0.1.0.dist-info/entry_points.txt").decode()
    for required in (
        "tfimage_lint/__init__.py",
        "tfimage_lint/__main__.py",
        "tfimage_lint/py.typed",
        "tfimage_lint/rules/__init__.py",
        "tfimage_lint/rules/df020_undefined_variable.py",
        "tfimage_lint/policies/__init__.py",
        "tfimage_lint/schemas/report-v1.schema.json",
    ):
        assert required in names
    for source in sorted((ROOT / "rules").glob("*.py")):
        assert f"tfimage_lint/rules/{source.name}" in names
    assert not [name for name in names if name.startswith(("rules/", "policies/"))]
    assert not [name for name in names if not name.startswith(("tfimage_lint/", "tfimage_lint-0.1.0.dist-info/"))]
    assert "tfimage-lint = tfimage_lint.cli:run" in entry_points


def test_installed_module_comes_from_the_target(target, tmp_path):
    proc = run(
        [sys.executable, "-c", "import tfimage_lint, sys; print(tfimage_lint.__file__)"],
        cwd=tmp_path,
        env=target_env(target),
    )
    assert proc.returncode == 0, proc.stderr
    location = Path(proc.stdout.strip()).resolve()
    assert location == (target / "tfimage_lint" / "__init__.py").resolve()

    proc = run(
        [sys.executable, "-c", "import tfimage_lint.rules as r; print(r.__file__)"],
        cwd=tmp_path,
        env=target_env(target),
    )
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).resolve() == (target / "tfimage_lint" / "rules" / "__init__.py").resolve()


def test_installed_cli_version(target, tmp_path):
    proc = run([sys.executable, "-m", "tfimage_lint", "--version"], cwd=tmp_path, env=target_env(target))
    assert proc.returncode == 0
    assert proc.stdout == "tfimage-lint, version 0.1.0\n"


def test_installed_cli_lists_every_builtin_rule(target, tmp_path):
    proc = run(
        [sys.executable, "-m", "tfimage_lint", "rules", "--format", "json"], cwd=tmp_path, env=target_env(target)
    )
    assert proc.returncode == 0, proc.stderr
    ids = [row["id"] for row in json.loads(proc.stdout)]
    assert ids == sorted(rule.id for rule in builtin_rules())
    assert {"DF000", "DF020", "DF021", "DF022", "DF900", "DF901"} <= set(ids)

    table = run([sys.executable, "-m", "tfimage_lint", "rules"], cwd=tmp_path, env=target_env(target))
    assert table.returncode == 0
    assert [line.split()[0] for line in table.stdout.splitlines()[1:-1]] == ids

    explained = run([sys.executable, "-m", "tfimage_lint", "explain", "DF020"], cwd=tmp_path, env=target_env(target))
    assert explained.returncode == 0
    assert explained.stdout.splitlines()[0] == "DF020 undefined-variable (warning; base families: all)"
    assert "## Use instead" in explained.stdout


def test_installed_cli_lints_the_examples(target, tmp_path):
    examples = ROOT / "examples"
    proc = run(
        [sys.executable, "-m", "tfimage_lint", "--format", "json", str(examples)], cwd=tmp_path, env=target_env(target)
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    schema = json.loads((target / "tfimage_lint" / "schemas" / "report-v1.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)
    expected_paths = [str(path) for path in find_dockerfiles(examples)]
    assert expected_paths
    assert [file["path"] for file in report["files"]] == expected_paths
    failing = any(f["severity"] in ("error", "warning") for file in report["files"] for f in file["findings"])
    assert proc.returncode == (1 if failing else 0)
