"""Project promises: the README's two Quick start commands and the CI entry point agree."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    assert commands[0].endswith("tfimage-lint examples/")
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def test_top_level_layout():
    for name in ("pyproject.toml", "tfimage_lint", "rules", "policies", "tests", ".pre-commit-hooks.yaml", "examples"):
        assert (ROOT / name).exists(), name
    assert not (ROOT / "rules" / "__init__.py").read_text().count("import")


def test_examples_cover_the_three_seed_situations():
    bases = {
        path.parent.name: path.read_text(encoding="utf-8").split("\nFROM ", 1)[1].split("\n", 1)[0]
        for path in (ROOT / "examples").glob("*/Dockerfile")
    }
    assert bases == {
        "ngc-multi-gpu-inference": "nvcr.io/nvidia/tensorflow:23.10-tf2-py3",
        "workstation-latest-gpu": "tensorflow/tensorflow:latest-gpu",
        "edge-pinned-gpu": "tensorflow/tensorflow:2.10.0-gpu",
    }
    for name in bases:
        assert (ROOT / "examples" / name / "requirements.txt").is_file()


def test_runs_from_a_source_checkout_without_installing(tmp_path):
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import click

    checkout = tmp_path / "checkout"
    for folder in ("tfimage_lint", "rules", "policies", "examples"):
        shutil.copytree(ROOT / folder, checkout / folder, ignore=shutil.ignore_patterns("__pycache__"))
    site_packages = Path(click.__file__).resolve().parent.parent
    env = {"PYTHONPATH": f"{checkout}:{site_packages}", "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-S", "-m", "tfimage_lint"]
    listed = subprocess.run(
        [*command, "rules", "--format", "json"], cwd=checkout, env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert {"DF000", "DF020", "DF021", "DF022", "DF900", "DF901"} <= {rule["id"] for rule in json.loads(listed.stdout)}
    where = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            "import tfimage_lint.layout as l; print(l.import_mapped_package('rules').__file__)",
        ],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.strip() == str(checkout / "rules" / "__init__.py")
    linted = subprocess.run([*command, "-q", "examples"], cwd=checkout, env=env, capture_output=True, text=True)
    assert (linted.returncode, linted.stderr) == (1, "")
    assert "examples/workstation-latest-gpu/Dockerfile:3:1: error TF101 floating-base-tag" in linted.stdout
