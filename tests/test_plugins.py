"""Third-party rules through the ``tfimage_lint.rules`` entry-point group, installed for real with pip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN_RULE = '''
from tfimage_lint.findings import Severity
from tfimage_lint.rule import Rule


class NoMaintainer(Rule):
    """Use a LABEL instead of the deprecated MAINTAINER instruction.

    ## What it does
    Reports every `MAINTAINER` instruction.

    ## Why is this bad?
    `MAINTAINER` is deprecated; the author is not visible in `docker inspect` labels.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    MAINTAINER ml-team@example.com
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    LABEL org.opencontainers.image.authors="ml-team@example.com"
    ```
    """

    id = "{rule_id}"
    name = "{rule_name}"
    severity = Severity.WARNING

    def check(self, ctx):
        for ins in ctx.dockerfile.syntax.instructions:
            if ins.keyword == "maintainer":
                yield self.finding(ctx, ins, "MAINTAINER is deprecated: use a LABEL")
'''

WITH_MAINTAINER = "FROM python:3.11-slim\nMAINTAINER ml-team@example.com\nRUN true\n"
FOUR_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


def install_plugin(tmp_path: Path, distribution: str, module: str, source: str, entry: str) -> Path:
    """Write a one-module distribution, pip-install it offline into a target folder; return that folder."""
    project = tmp_path / "src" / distribution
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{distribution}"
            version = "1.0.0"

            [tool.setuptools]
            py-modules = ["{module}"]

            [project.entry-points."tfimage_lint.rules"]
            {entry} = "{module}:NoMaintainer"
            """
        ),
        encoding="utf-8",
    )
    (project / f"{module}.py").write_text(source, encoding="utf-8")
    site = tmp_path / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list(site.glob("*.dist-info")), "pip installed no distribution metadata"
    return site


def run_cli(args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-m", "tfimage_lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture
def good_plugin(tmp_path: Path) -> Path:
    source = PLUGIN_RULE.format(rule_id="ZZ001", rule_name="no-maintainer")
    return install_plugin(tmp_path, "tfimage-lint-zz", "zz_rules", source, "no-maintainer")


def test_plugin_rule_reports_its_finding(good_plugin, tmp_path):
    (tmp_path / "Dockerfile").write_text(WITH_MAINTAINER, encoding="utf-8")
    proc = run_cli(["-q", "--ignore", "DF012", "Dockerfile"], good_plugin, tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == ""
    assert proc.stdout == "Dockerfile:2:1: warning ZZ001 no-maintainer: MAINTAINER is deprecated: use a LABEL\n"

    proc = run_cli(["--format", "json", "--ignore", "DF012", "Dockerfile"], good_plugin, tmp_path)
    assert proc.returncode == 1
    (finding,) = json.loads(proc.stdout)["files"][0]["findings"]
    assert finding == {
        "rule_id": "ZZ001",
        "rule_name": "no-maintainer",
        "severity": "warning",
        "message": "MAINTAINER is deprecated: use a LABEL",
        "line": 2,
        "column": 1,
        "end_line": 2,
        "end_column": None,
        "stage": {"index": 0, "name": None},
        "fix": None,
    }


def test_plugin_rule_is_selectable_and_suppressible(good_plugin, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nENV A=$B\nMAINTAINER me\n", encoding="utf-8")
    selected = run_cli(["-q", "--select", "ZZ001", "Dockerfile"], good_plugin, tmp_path)
    assert selected.returncode == 1
    assert selected.stdout == "Dockerfile:3:1: warning ZZ001 no-maintainer: MAINTAINER is deprecated: use a LABEL\n"

    ignored = run_cli(["--format", "json", "--ignore", "no-maintainer", "Dockerfile"], good_plugin, tmp_path)
    findings = json.loads(ignored.stdout)["files"][0]["findings"]
    assert [(f["rule_id"], f["line"]) for f in findings] == [("DF020", 2), ("DF012", 3)]

    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11-slim\n# tfimage-lint: ignore=ZZ001,DF012\nMAINTAINER me\n", encoding="utf-8"
    )
    suppressed = run_cli(["Dockerfile"], good_plugin, tmp_path)
    assert suppressed.returncode == 0
    assert suppressed.stdout == "No problems found (1 file checked).\n"


def test_plugin_rule_is_listed_and_explained(good_plugin, tmp_path):
    listed = run_cli(["rules", "--format", "json"], good_plugin, tmp_path)
    assert listed.returncode == 0
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert rows["ZZ001"] == {
        "id": "ZZ001",
        "name": "no-maintainer",
        "severity": "warning",
        "families": [],
        "default_enabled": True,
        "see_also": [],
        "summary": "Use a LABEL instead of the deprecated MAINTAINER instruction.",
    }
    assert "DF020" in rows

    table = run_cli(["rules"], good_plugin, tmp_path)
    assert table.returncode == 0
    (row,) = [line for line in table.stdout.splitlines() if line.startswith("ZZ001 ")]
    assert row.split(None, 5) == [
        "ZZ001",
        "no-maintainer",
        "warning",
        "all",
        "-",
        "Use a LABEL instead of the deprecated MAINTAINER instruction.",
    ]

    for token in ("ZZ001", "no-maintainer"):
        explained = run_cli(["explain", token], good_plugin, tmp_path)
        assert explained.returncode == 0
        lines = explained.stdout.splitlines()
        assert lines[0] == "ZZ001 no-maintainer (warning; base families: all)"
        for heading in FOUR_SECTIONS:
            assert heading in lines


def test_plugin_is_not_seen_without_it_on_the_path(tmp_path):
    (tmp_path / "Dockerfile").write_text(WITH_MAINTAINER, encoding="utf-8")
    empty = tmp_path / "empty-site"
    empty.mkdir()
    proc = run_cli(["--format", "json", "Dockerfile"], empty, tmp_path)
    assert proc.returncode == 1
    assert [f["rule_id"] for f in json.loads(proc.stdout)["files"][0]["findings"]] == ["DF012"]


def test_broken_plugin_is_one_error_line(tmp_path):
    source = 'raise ImportError("zz_broken needs the missing package zz-dependency")\n'
    site = install_plugin(tmp_path, "tfimage-lint-broken", "zz_broken", source, "broken")
    (tmp_path / "Dockerfile").write_text(WITH_MAINTAINER, encoding="utf-8")
    for args in (["Dockerfile"], ["rules"], ["explain", "DF020"]):
        proc = run_cli(args, site, tmp_path)
        assert proc.returncode == 2, args
        assert proc.stdout == ""
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith("tfimage-lint: error: ")
        assert "'tfimage-lint-broken'" in lines[0]
        assert "ImportError: zz_broken needs the missing package zz-dependency" in lines[0]

    version = run_cli(["--version"], site, tmp_path)
    assert version.returncode == 0
    assert version.stdout == "tfimage-lint, version 0.1.0\n"


@pytest.mark.parametrize(
    ("rule_id", "rule_name", "clash"),
    [("DF020", "zz-no-maintainer", "DF020"), ("ZZ002", "undefined-variable", "undefined-variable")],
)
def test_plugin_clashing_with_a_builtin_rule(tmp_path, rule_id, rule_name, clash):
    source = PLUGIN_RULE.format(rule_id=rule_id, rule_name=rule_name)
    site = install_plugin(tmp_path, "tfimage-lint-clash", "zz_clash", source, "clash")
    (tmp_path / "Dockerfile").write_text(WITH_MAINTAINER, encoding="utf-8")
    for args in (["Dockerfile"], ["rules"]):
        proc = run_cli(args, site, tmp_path)
        assert proc.returncode == 2, args
        assert proc.stdout == ""
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith("tfimage-lint: error: plugin distribution 'tfimage-lint-clash' ")
        assert clash in lines[0]
        assert "zz_clash" in lines[0]
        assert lines[0].endswith("clashes with a built-in rule")


BAD_ATTRIBUTE_PLUGIN = """
from tfimage_lint.findings import Severity
from tfimage_lint.rule import Rule


class NoMaintainer(Rule):
    id = {rule_id!r}
    name = "zz-bad"
    severity = {severity}
    families = {families}

    def check(self, ctx):
        return iter(())
"""


@pytest.mark.parametrize(
    ("rule_id", "severity", "families", "message"),
    [
        ("ZZ010", '"warning"', "frozenset()", "rule ZZ010 severity must be a tfimage_lint.findings.Severity"),
        (123, "Severity.WARNING", "frozenset()", "rule id 123 must be a string like ABC123"),
        ("ZZ010", "Severity.WARNING", '["gpu"]', "rule ZZ010 families must be a frozenset of strings"),
    ],
    ids=["severity-string", "id-int", "families-list"],
)
def test_malformed_plugin_rule_is_one_error_line(tmp_path, rule_id, severity, families, message):
    source = BAD_ATTRIBUTE_PLUGIN.format(rule_id=rule_id, severity=severity, families=families)
    site = install_plugin(tmp_path, "tfimage-lint-bad", "zz_bad", source, "bad")
    (tmp_path / "Dockerfile").write_text("FROM alpine\n", encoding="utf-8")
    proc = run_cli(["Dockerfile"], site, tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "tfimage-lint: error: plugin distribution 'tfimage-lint-bad' (entry point bad = zz_bad:NoMaintainer): "
        f"{message}\n"
    )


def test_entry_point_that_is_not_a_rule(tmp_path):
    source = "def NoMaintainer(required_argument):\n    return []\n"
    site = install_plugin(tmp_path, "tfimage-lint-fn", "zz_fn", source, "fn")
    (tmp_path / "Dockerfile").write_text("FROM alpine\n", encoding="utf-8")
    proc = run_cli(["Dockerfile"], site, tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert lines[0].startswith("tfimage-lint: error: plugin distribution 'tfimage-lint-fn' (entry point fn = ")
    assert "failed to load: TypeError" in lines[0]


MISBEHAVING_PLUGIN = PLUGIN_RULE.replace(
    '                yield self.finding(ctx, ins, "MAINTAINER is deprecated: use a LABEL")',
    "                BODY",
)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('raise RuntimeError("boom")', "rule ZZ020 zz-misbehave crashed: RuntimeError: boom"),
        ('yield "not a finding"', "rule ZZ020 yielded str, not a Finding"),
        ('yield self.finding(ctx, 0, "line zero")', "rule ZZ020 yielded a finding at line 0, column 1"),
    ],
    ids=["raises", "yields-str", "line-zero"],
)
def test_misbehaving_rule_is_reported_and_exits_2(tmp_path, body, error):
    source = MISBEHAVING_PLUGIN.format(rule_id="ZZ020", rule_name="zz-misbehave").replace("BODY", body)
    site = install_plugin(tmp_path, "tfimage-lint-misbehave", "zz_misbehave", source, "misbehave")
    (tmp_path / "Dockerfile").write_text(WITH_MAINTAINER + "ENV A=$UNDEFINED\n", encoding="utf-8")
    proc = run_cli(["--format", "json", "Dockerfile"], site, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == f"tfimage-lint: error: Dockerfile: {error}\n"
    report = json.loads(proc.stdout)
    assert [(f["rule_id"], f["line"]) for f in report["files"][0]["findings"]] == [("DF012", 2), ("DF020", 4)]
