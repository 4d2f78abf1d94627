"""Configuration files, presets and baselines end to end, through the real CLI.

Each test builds a small repository (a folder holding ``.git``) with Dockerfiles and configuration
files, runs ``tfimage-lint`` on it (in-process with the ``cli`` fixture, or as a real subprocess
where the absence of a traceback matters) and checks rule ids, lines, severities and exit codes.
The unit tests of the configuration layer are in ``tests/config/`` and ``tests/test_baseline.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tfimage_lint.config.discovery import clear_cache

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"

Cli = Callable[..., Result]

# One Dockerfile with findings of several severities and hygiene rules (--isolated: FLOATING_FINDINGS).
FLOATING = (
    "FROM tensorflow/tensorflow:latest-gpu\n"  # 1: TF101 error
    "RUN apt-get update && apt-get install -y curl\n"  # 2: DF003 info, DF002 info (DF018 when on)
    "RUN pip install requests\n"  # 3: DF004 warning, DF017 warning
)
FLOATING_FINDINGS = [
    ("DF002", 2, "info"),
    ("DF003", 2, "info"),
    ("DF004", 3, "warning"),
    ("DF017", 3, "warning"),
    ("TF101", 1, "error"),
]

# Only a DF004 warning at line 2 (a pinned package, a pinned base).
CACHE_ONLY = "FROM python:3.11-slim\nRUN pip install requests==2.31.0\n"

# NGC rules: TF104 (NGC release older than 730 days), TF201 (TensorFlow reinstalled), TF108 (entrypoint replaced).
NGC = "nvcr.io/nvidia/tensorflow"
MIRROR = "registry.corp/mirror/nvidia/tensorflow"
NGC_DOCKERFILE = (
    "FROM {image}:24.01-tf2-py3\n"  # 1: TF104
    "RUN pip install tensorflow==2.15.0\n"  # 2: DF004, TF201
    'ENTRYPOINT ["python"]\n'  # 3: TF108
)


# -- helpers -----------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_discovery() -> Iterator[None]:
    """Discovery caches what it found per folder: every test starts from nothing."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def cli(cli: Cli) -> Cli:
    """The conftest's in-process CLI, with discovery's per-folder cache cleared before each run.

    A real run is a new process; in-process runs would otherwise remember that a folder had no
    configuration before the test wrote one.
    """

    def run(args: Sequence[str], input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
        clear_cache()
        return cli(args, input=input, env=env)

    return run


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (it holds ``.git``) inside ``tmp_path``; the current directory."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def write(base: Path, name: str, text: str) -> Path:
    path = base / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Run:
    """One CLI run: exit code, the JSON report's findings (when there is a report) and both streams."""

    code: int
    stdout: str
    stderr: str
    findings: list[dict[str, Any]]

    def rows(self) -> list[tuple[str, int, str]]:
        """Sorted ``(rule id, line, severity)`` of every finding."""
        return sorted((f["rule_id"], f["line"], f["severity"]) for f in self.findings)

    def ids_lines(self) -> list[tuple[str, int]]:
        """Sorted ``(rule id, line)`` of every finding."""
        return sorted((f["rule_id"], f["line"]) for f in self.findings)

    def by_file(self) -> list[tuple[str, str, int]]:
        """Sorted ``(path, rule id, line)`` of every finding."""
        return sorted((f["path"], f["rule_id"], f["line"]) for f in self.findings)

    def message(self, rule_id: str) -> str:
        (found,) = [f["message"] for f in self.findings if f["rule_id"] == rule_id]
        return found


def lint(cli: Cli, *args: str, input: str | None = None) -> Run:
    """``tfimage-lint --format json ARGS`` in-process."""
    result = cli(["--format", "json", *args], input=input)
    findings: list[dict[str, Any]] = []
    if result.stdout.strip():
        report = json.loads(result.stdout)
        findings = [{**f, "path": file["path"]} for file in report["files"] for f in file["findings"]]
    return Run(result.exit_code, result.stdout, result.stderr, findings)


def run_module(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m tfimage_lint ARGS`` as a real process."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "tfimage_lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def preset_line(name: str, needle: str) -> int:
    """The 1-based line of ``policies/<name>.yaml`` that starts with ``needle``."""
    lines = (POLICIES / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
    return next(index for index, line in enumerate(lines, 1) if line.startswith(needle))


def only(rows: list[tuple[str, int, str]], *rule_ids: str) -> list[tuple[str, int, str]]:
    return [row for row in rows if row[0] in rule_ids]


# -- extends ----------------------------------------------------------------------------------------------


def test_extends_a_preset(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLOATING)
    write(repo, ".tfimage-lint.yaml", "extends: strict\n")
    run = lint(cli, "Dockerfile")
    assert run.rows() == sorted(
        [
            ("DF002", 2, "warning"),  # info -> warning
            ("DF003", 2, "warning"),  # info -> warning
            ("DF004", 3, "warning"),
            ("DF017", 3, "warning"),
            ("TF101", 1, "error"),
            ("TF102", 1, "warning"),  # turned on
        ]
    )
    assert run.code == 1


def test_extends_a_relative_path_and_its_chain(cli: Cli, repo: Path) -> None:
    write(repo, "org/base.yaml", "extends: workstation\nrules:\n  DF004: disable\n")
    write(repo, "svc/.tfimage-lint.yaml", "extends: ../org/base.yaml\nrules:\n  DF002: error\n")
    write(repo, "svc/Dockerfile", FLOATING)
    run = lint(cli, "svc/Dockerfile")
    assert run.rows() == [
        ("DF002", 2, "error"),  # the file itself
        ("DF003", 2, "info"),  # workstation, through base.yaml
        ("DF017", 3, "info"),  # workstation
        ("TF101", 1, "warning"),  # workstation
    ]  # DF004 disabled by base.yaml
    assert run.code == 1  # workstation's fail-on: error, and DF002 is an error here


# -- fail-on ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [("error", 0), ("warning", 1), ("info", 1), ("never", 0)],
)
def test_fail_on(cli: Cli, repo: Path, fail_on: str, code: int) -> None:
    write(repo, "Dockerfile", CACHE_ONLY)
    write(repo, ".tfimage-lint.yaml", f"fail-on: {fail_on}\n")
    run = lint(cli, "Dockerfile")
    assert run.rows() == [("DF004", 2, "warning")]
    assert run.code == code


def test_fail_on_info_fails_on_an_info_finding(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", "FROM python:3.11-slim\nRUN true\nRUN true\n")  # DF016 info at 3
    assert lint(cli, "Dockerfile").code == 0
    write(repo, ".tfimage-lint.yaml", "fail-on: info\n")
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([("DF016", 3, "info")], 1)


# -- rules ------------------------------------------------------------------------------------------------


def test_without_configuration(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLOATING)
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == (FLOATING_FINDINGS, 1)


def test_rules_severity_shorthand_disable_and_names(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLOATING)
    write(
        repo,
        ".tfimage-lint.yaml",
        "rules:\n  TF101: info\n  DF004: disable\n  pip-unpinned: error\n  apt-no-install-recommends: warning\n",
    )
    run = lint(cli, "Dockerfile")
    assert run.rows() == [
        ("DF002", 2, "warning"),  # by name
        ("DF003", 2, "info"),
        ("DF017", 3, "error"),  # by name
        ("TF101", 1, "info"),
    ]
    assert run.code == 1


def test_rules_turn_on_default_off_rules(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLOATING)
    write(repo, ".tfimage-lint.yaml", "rules:\n  TF102: warning\n  apt-unpinned: info\n")
    run = lint(cli, "Dockerfile")
    assert run.rows() == sorted([*FLOATING_FINDINGS, ("TF102", 1, "warning"), ("DF018", 2, "info")])
    assert "curl" in run.message("DF018")


def test_rules_severity_and_options(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", f"FROM {NGC}:24.01-tf2-py3\n")
    write(repo, "today.yaml", "rules:\n  TF104: {options: {today: 2025-01-15}}\n")
    assert lint(cli, "--config", "today.yaml", "Dockerfile").rows() == []  # 380 days <= 730
    write(
        repo,
        ".tfimage-lint.yaml",
        "rules:\n  TF104:\n    severity: error\n    options: {max_ngc_age_days: 100, today: 2025-01-15}\n",
    )
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([("TF104", 1, "error")], 1)
    assert "is 380 days old, past the policy maximum of 100 days" in run.message("TF104")


def test_rules_in_toml_with_a_date_option(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", f"FROM {NGC}:24.01-tf2-py3\n")
    write(
        repo, ".tfimage-lint.toml", "[rules.end-of-life-base]\noptions = {max_ngc_age_days = 100, today = 2025-01-15}\n"
    )
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([("TF104", 1, "warning")], 1)
    assert "past the policy maximum of 100 days" in run.message("TF104")


# -- select / ignore --------------------------------------------------------------------------------------


def test_select(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLOATING)
    write(repo, ".tfimage-lint.yaml", "select: [DF, TF102]\n")
    run = lint(cli, "Dockerfile")
    assert run.rows() == sorted(
        [
            ("DF002", 2, "info"),
            ("DF003", 2, "info"),
            ("DF004", 3, "warning"),
            ("DF017", 3, "warning"),
            ("TF102", 1, "warning"),  # a default-off rule selected by its exact id
        ]
    )


def test_ignore(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLOATING)
    write(repo, ".tfimage-lint.yaml", "ignore: [DF00, pip-unpinned]\n")
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([("TF101", 1, "error")], 1)


# -- per-file-ignores -------------------------------------------------------------------------------------


def test_per_file_ignores_relative_to_the_config_folder(cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, ".tfimage-lint.yaml", 'per-file-ignores:\n  "docker/dev/**": [DF004, TF101]\n')
    write(repo, "docker/dev/Dockerfile", FLOATING)
    write(repo, "docker/prod/Dockerfile", FLOATING)
    write(repo, "svc/.tfimage-lint.yaml", 'per-file-ignores:\n  "dev/*": [pip-unpinned]\n')
    write(repo, "svc/dev/Dockerfile", FLOATING)
    monkeypatch.chdir(repo.parent)  # linted from outside the repository: globs stay relative to each config
    run = lint(cli, "repo/docker/dev/Dockerfile", "repo/docker/prod/Dockerfile", "repo/svc/dev/Dockerfile")
    dev = "repo/docker/dev/Dockerfile"
    prod = "repo/docker/prod/Dockerfile"
    svc = "repo/svc/dev/Dockerfile"
    assert run.by_file() == sorted(
        [(dev, "DF002", 2), (dev, "DF003", 2), (dev, "DF017", 3)]
        + [(prod, rule, line) for rule, line, _ in FLOATING_FINDINGS]
        + [(svc, rule, line) for rule, line, _ in FLOATING_FINDINGS if rule != "DF017"]
    )


# -- build-args -------------------------------------------------------------------------------------------


def test_build_args_default_and_command_line_override(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", "ARG PY_TAG=3.11-slim\nFROM python:${PY_TAG}\n")
    assert lint(cli, "Dockerfile").rows() == []
    write(repo, ".tfimage-lint.yaml", "build-args: {PY_TAG: latest}\n")
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([("TF101", 2, "warning")], 1)
    assert "resolves to python:latest" in run.message("TF101")
    run = lint(cli, "--build-arg", "PY_TAG=3.12-slim", "Dockerfile")
    assert (run.rows(), run.code) == ([], 0)


# -- families (acceptance 3) ------------------------------------------------------------------------------


def _normalised(run: Run, path: str) -> list[tuple[str, int, int, str, str]]:
    return sorted(
        (f["rule_id"], f["line"], f["column"], f["severity"], f["message"].replace(MIRROR, NGC))
        for f in run.findings
        if f["path"] == path
    )


def test_a_mapped_private_mirror_gets_the_same_findings(cli: Cli, repo: Path) -> None:
    write(repo, "ngc/Dockerfile", NGC_DOCKERFILE.format(image=NGC))
    write(repo, "mirror/Dockerfile", NGC_DOCKERFILE.format(image=MIRROR))
    unmapped = lint(cli, "mirror/Dockerfile")
    assert unmapped.ids_lines() == [("DF004", 2)]  # an unknown image: no NGC rule applies
    write(repo, ".tfimage-lint.yaml", f'families:\n  "{MIRROR}": ngc-tensorflow\n')
    run = lint(cli, "ngc/Dockerfile", "mirror/Dockerfile")
    real = _normalised(run, "ngc/Dockerfile")
    assert [(rule, line) for rule, line, *_ in real] == [("DF004", 2), ("TF104", 1), ("TF108", 3), ("TF201", 2)]
    assert _normalised(run, "mirror/Dockerfile") == real
    assert MIRROR in next(
        f["message"] for f in run.findings if f["path"] == "mirror/Dockerfile" and f["rule_id"] == "TF201"
    )


def test_a_mapped_mirror_counts_as_its_family_for_policies(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", NGC_DOCKERFILE.format(image=MIRROR))
    write(repo, ".tfimage-lint.yaml", "allowed-families: [ngc-tensorflow]\nselect: [TF505]\n")
    assert lint(cli, "Dockerfile").ids_lines() == [("TF505", 1)]
    write(
        repo,
        ".tfimage-lint.yaml",
        f'allowed-families: [ngc-tensorflow]\nselect: [TF505]\nfamilies: {{"{MIRROR}": ngc-tensorflow}}\n',
    )
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([], 0)


@pytest.mark.parametrize(
    ("image", "pattern"),
    [("mycorp/tensorflow", "mycorp/tensorflow"), (MIRROR, f"{MIRROR}:*")],
    ids=["docker-hub-short-name", "tag-glob"],
)
def test_families_patterns_are_normalised_like_base_patterns(cli: Cli, repo: Path, image: str, pattern: str) -> None:
    family = "dockerhub-tensorflow" if image.startswith("mycorp") else "ngc-tensorflow"
    write(repo, "Dockerfile", f"FROM {image}:24.01-tf2-py3\n")
    write(repo, "base.yaml", f"allowed-bases: ['{pattern}']\nselect: [TF501]\n")
    assert lint(cli, "--config", "base.yaml", "Dockerfile").rows() == []  # TF501 understands the pattern
    write(repo, ".tfimage-lint.yaml", f"families: {{'{pattern}': {family}}}\nallowed-families: [{family}]\n")
    assert lint(cli, "Dockerfile", "--select", "TF505").rows() == []


# -- fleet ------------------------------------------------------------------------------------------------

FLEET_DOCKERFILE = f"FROM {NGC}:23.01-tf2-py3\n"  # needs driver 525; R470 >= 470.57 is forward-compatible


@pytest.mark.parametrize(
    ("fleet", "severity", "fragment"),
    [
        ('{driver: "470.57.02"}', "error", "the fleet's driver 470.57.02 is older"),
        ('{driver: "470.57.02", datacenter: true}', "warning", "on data-centre GPUs it works"),
        ('{driver: "470.57.02", datacenter: false}', "error", "the fleet has none"),
    ],
    ids=["driver", "datacenter-true", "datacenter-false"],
)
def test_fleet_driver(cli: Cli, repo: Path, fleet: str, severity: str, fragment: str) -> None:
    write(repo, "Dockerfile", FLEET_DOCKERFILE)
    write(repo, ".tfimage-lint.yaml", f"ignore: [TF104]\nfleet: {fleet}\n")
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([("TF401", 1, severity)], 1)
    assert fragment in run.message("TF401")


def test_fleet_compute_capabilities(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLEET_DOCKERFILE)
    write(repo, ".tfimage-lint.yaml", 'ignore: [TF104]\nfleet:\n  compute-capabilities: ["5.0"]\n')
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([("TF402", 1, "warning")], 1)
    assert "compute capability 5.0" in run.message("TF402")


def test_no_fleet_no_fleet_findings(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLEET_DOCKERFILE)
    write(repo, ".tfimage-lint.yaml", "ignore: [TF104]\n")
    assert lint(cli, "Dockerfile").rows() == []


# -- min-tensorflow, max-base-age-days --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minimum", "expected"),
    [('"2.15"', []), ('"2.17"', [("TF104", 1, "warning")])],
)
def test_min_tensorflow(cli: Cli, repo: Path, minimum: str, expected: list[tuple[str, int, str]]) -> None:
    write(repo, "Dockerfile", "FROM tensorflow/tensorflow:2.16.1-gpu\n")
    write(repo, ".tfimage-lint.yaml", f"min-tensorflow: {minimum}\n")
    run = lint(cli, "Dockerfile")
    assert run.rows() == expected
    if expected:
        assert "TensorFlow 2.16.1 is older than the policy minimum 2.17" in run.message("TF104")


@pytest.mark.parametrize(("days", "expected"), [(None, []), (365, [("TF104", 1, "warning")]), (400, [])])
def test_max_base_age_days(cli: Cli, repo: Path, days: int | None, expected: list[tuple[str, int, str]]) -> None:
    write(repo, "Dockerfile", f"FROM {NGC}:24.01-tf2-py3\n")  # released 2024-01: 380 days old on 2025-01-15
    text = "rules:\n  TF104: {options: {today: 2025-01-15}}\n"
    if days is not None:
        text += f"max-base-age-days: {days}\n"
    write(repo, ".tfimage-lint.yaml", text)
    run = lint(cli, "Dockerfile")
    assert run.rows() == expected
    if expected:
        assert "is 380 days old, past the policy maximum of 365 days" in run.message("TF104")


# -- policy keys ------------------------------------------------------------------------------------------

POLICY_DOCKERFILE = (
    "FROM registry.corp/base/python:3.11-slim AS build\n"  # 1
    "RUN pip install --no-cache-dir tensorflow-gpu==2.10.0\n"  # 2: TF206 (always)
    "FROM tensorflow/tensorflow:latest-gpu\n"  # 3: TF101 (always)
    "RUN apt-get update && apt-get install -y --no-install-recommends nvidia-driver-535"
    " && rm -rf /var/lib/apt/lists/*\n"  # 4: TF203 (always)
    'LABEL org.opencontainers.image.source="https://gitlab.com/x/y"\n'  # 5
)
POLICY_ALWAYS = [("TF101", 3), ("TF203", 4), ("TF206", 2)]


@pytest.mark.parametrize(
    ("text", "expected", "fragment"),
    [
        (
            'allowed-bases: ["nvcr.io/nvidia/tensorflow:*", "docker.io/tensorflow/tensorflow:*"]\n',
            [("TF501", 1)],
            "matches no allowed-bases pattern",
        ),
        ('denied-bases: ["docker.io/tensorflow/tensorflow:latest*"]\n', [("TF501", 3)], "denied-bases pattern"),
        ("trusted-registries: [nvcr.io, docker.io]\n", [("TF502", 1)], "not in trusted-registries"),
        (
            'deny-packages: {pip: [Tensorflow_GPU], apt: ["nvidia-driver-*"]}\n',
            [("TF503", 2), ("TF503", 4)],
            "denied by the policy",
        ),
        (
            'require-labels: {org.opencontainers.image.source: "https://github.com/.*"}\n',
            [("TF504", 5)],
            'does not fully match "https://github.com/.*"',
        ),
        ("require-labels: {org.opencontainers.image.version: null}\n", [("TF504", 3)], "image.version"),
        ("allowed-families: [ngc-tensorflow, dockerhub-tensorflow]\n", [("TF505", 1)], "not in allowed-families"),
    ],
    ids=[
        "allowed-bases",
        "denied-bases",
        "trusted-registries",
        "deny-packages",
        "require-labels-pattern",
        "require-labels-any",
        "allowed-families",
    ],
)
def test_policy_keys(cli: Cli, repo: Path, text: str, expected: list[tuple[str, int]], fragment: str) -> None:
    write(repo, "Dockerfile", POLICY_DOCKERFILE)
    assert lint(cli, "Dockerfile").ids_lines() == POLICY_ALWAYS  # no policy, no TF50x
    write(repo, ".tfimage-lint.yaml", text)
    run = lint(cli, "Dockerfile")
    assert run.ids_lines() == sorted([*POLICY_ALWAYS, *expected])
    assert run.code == 1
    policy_messages = [f["message"] for f in run.findings if f["rule_id"].startswith("TF5")]
    assert all(fragment in message for message in policy_messages), policy_messages


# -- discovery --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".tfimage-lint.yaml", "fail-on: error\nignore: [DF004]\n"),
        (".tfimage-lint.yml", "fail-on: error\nignore: [DF004]\n"),
        (".tfimage-lint.toml", 'fail-on = "error"\nignore = ["DF004"]\n'),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.tfimage-lint]\nfail-on = "error"\nignore = ["DF004"]\n'),
    ],
    ids=["yaml", "yml", "toml", "pyproject"],
)
def test_discovery_formats(cli: Cli, repo: Path, name: str, text: str) -> None:
    write(repo, "docker/app/Dockerfile", FLOATING)
    write(repo, name, text)
    run = lint(cli, "docker/app/Dockerfile")
    assert run.rows() == [row for row in FLOATING_FINDINGS if row[0] != "DF004"]
    assert run.code == 1  # TF101 is an error
    write(repo, "docker/app/Dockerfile", CACHE_ONLY)
    assert lint(cli, "docker/app/Dockerfile").rows() == []


def test_pyproject_without_the_table_is_not_a_configuration(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", CACHE_ONLY)
    write(repo, "pyproject.toml", '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 120\n')
    write(repo.parent, ".tfimage-lint.yaml", "ignore: [DF004]\n")  # above the repository root: not used
    run = lint(cli, "Dockerfile")
    assert (run.rows(), run.code) == ([("DF004", 2, "warning")], 1)


def test_discovery_stops_at_the_repository_root(cli: Cli, repo: Path, tmp_path: Path) -> None:
    write(tmp_path, ".tfimage-lint.yaml", "ignore: [DF004]\n")
    write(repo, "sub/Dockerfile", CACHE_ONLY)
    assert lint(cli, "sub/Dockerfile").rows() == [("DF004", 2, "warning")]
    # the same file outside any repository finds the configuration above it
    write(tmp_path, "loose/sub/Dockerfile", CACHE_ONLY)
    clear_cache()
    assert lint(cli, str(tmp_path / "loose/sub/Dockerfile")).rows() == []


def test_the_nearest_configuration_wins(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "fail-on: never\nrules:\n  DF004: error\n")
    write(repo, "a/.tfimage-lint.toml", 'rules = {DF004 = "info"}\n')
    write(repo, "a/b/.tfimage-lint.yml", "ignore: [DF004]\n")
    write(repo, "Dockerfile", CACHE_ONLY)
    write(repo, "a/Dockerfile", CACHE_ONLY)
    write(repo, "a/b/Dockerfile", CACHE_ONLY)
    write(repo, "a/b/c/Dockerfile", CACHE_ONLY)
    run = lint(cli, "Dockerfile", "a/Dockerfile", "a/b/Dockerfile", "a/b/c/Dockerfile")
    assert sorted((f["path"], f["rule_id"], f["line"], f["severity"]) for f in run.findings) == [
        ("Dockerfile", "DF004", 2, "error"),
        ("a/Dockerfile", "DF004", 2, "info"),
    ]
    # the root file's error does not fail the run (its fail-on is never); a/ uses the default fail-on: warning
    assert run.code == 0
    assert lint(cli, "Dockerfile", "a/b/c/Dockerfile").code == 0
    write(repo, "a/b/c/Dockerfile", "FROM python:3.11-slim\nRUN pip install --no-cache-dir requests\n")  # DF017
    assert lint(cli, "Dockerfile", "a/b/c/Dockerfile").code == 1


def test_a_directory_argument_uses_each_files_configuration(cli: Cli, repo: Path) -> None:
    write(repo, "x/.tfimage-lint.yaml", "ignore: [DF004]\n")
    write(repo, "x/Dockerfile", CACHE_ONLY)
    write(repo, "y/Dockerfile", CACHE_ONLY)
    run = lint(cli, ".")
    assert run.by_file() == [("y/Dockerfile", "DF004", 2)]


def test_stdin_uses_the_current_directory_configuration(cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, ".tfimage-lint.yaml", "rules:\n  DF004: error\n")
    write(repo, "sub/.tfimage-lint.yaml", "rules:\n  DF004: info\n")
    assert lint(cli, "-", input=CACHE_ONLY).rows() == [("DF004", 2, "error")]
    monkeypatch.chdir(repo / "sub")
    run = lint(cli, "-", "--stdin-filename", "../Dockerfile", input=CACHE_ONLY)
    assert (run.rows(), run.code) == ([("DF004", 2, "info")], 0)


def test_config_option_names_a_file(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "ignore: [DF]\n")  # discovered, but --config wins
    write(repo, "ci/policy.yaml", "rules:\n  DF004: info\n")
    write(repo, "Dockerfile", CACHE_ONLY)
    assert lint(cli, "Dockerfile").rows() == []
    run = lint(cli, "--config", "ci/policy.yaml", "Dockerfile")
    assert (run.rows(), run.code) == ([("DF004", 2, "info")], 0)


def test_isolated_ignores_every_configuration(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "ignore: [DF]\nfail-on: never\n")
    write(repo, "Dockerfile", FLOATING)
    assert lint(cli, "Dockerfile").rows() == [("TF101", 1, "error")]
    run = lint(cli, "--isolated", "Dockerfile")
    assert (run.rows(), run.code) == (FLOATING_FINDINGS, 1)


def test_policy_option_uses_a_preset_instead_of_the_files(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "ignore: [DF]\nfail-on: never\n")  # not used with --policy
    write(repo, "Dockerfile", FLOATING)
    run = lint(cli, "--policy", "strict", "Dockerfile")
    assert run.rows() == sorted(
        [
            ("DF002", 2, "warning"),
            ("DF003", 2, "warning"),
            ("DF004", 3, "warning"),
            ("DF017", 3, "warning"),
            ("TF101", 1, "error"),
            ("TF102", 1, "warning"),
        ]
    )
    assert run.code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--config", "c.yaml", "--isolated"],
        ["--policy", "strict", "--isolated"],
        ["--config", "c.yaml", "--policy", "ngc"],
    ],
)
def test_configuration_options_exclude_each_other(cli: Cli, repo: Path, args: list[str]) -> None:
    write(repo, "c.yaml", "fail-on: never\n")
    write(repo, "Dockerfile", CACHE_ONLY)
    result = cli([*args, "Dockerfile"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "tfimage-lint: error: --config, --policy and --isolated exclude each other\n"


def test_unknown_policy_and_missing_config_file(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", CACHE_ONLY)
    result = cli(["--policy", "strcit", "Dockerfile"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith('tfimage-lint: error: unknown policy "strcit"')
    assert '(did you mean "strict"?)' in result.stderr
    result = cli(["--config", "nope.yaml", "Dockerfile"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("tfimage-lint: error: nope.yaml")
    assert "configuration file not found" in result.stderr
    assert len(result.stderr.splitlines()) == 1


# -- precedence: command line > configuration file > extended preset > defaults -------------------------


def test_command_line_fail_on_beats_the_file(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "fail-on: info\n")
    write(repo, "Dockerfile", FLOATING)
    assert lint(cli, "Dockerfile").code == 1
    run = lint(cli, "--fail-on", "never", "Dockerfile")
    assert (run.rows(), run.code) == (FLOATING_FINDINGS, 0)


def test_command_line_select_beats_the_file(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "select: [DF004]\nrules:\n  DF017: disable\n  TF102: warning\n")
    write(repo, "Dockerfile", FLOATING)
    # a severity turns a rule on only inside the file's own `select`
    assert lint(cli, "Dockerfile").rows() == [("DF004", 3, "warning")]
    assert lint(cli, "--select", "DF017", "Dockerfile").rows() == [("DF017", 3, "warning")]


def test_command_line_ignore_replaces_the_files(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "ignore: [DF]\n")
    write(repo, "Dockerfile", FLOATING)
    assert lint(cli, "Dockerfile").rows() == [("TF101", 1, "error")]
    assert lint(cli, "--ignore", "TF101", "Dockerfile").rows() == [
        row for row in FLOATING_FINDINGS if row[0] != "TF101"
    ]


def test_command_line_driver_beats_the_file(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", 'ignore: [TF104]\nfleet: {driver: "470.57.02"}\n')
    write(repo, "Dockerfile", FLEET_DOCKERFILE)
    assert lint(cli, "Dockerfile").ids_lines() == [("TF401", 1)]
    assert lint(cli, "--driver", "535.104.05", "Dockerfile").ids_lines() == []


def test_the_file_beats_the_preset_it_extends(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "extends: strict\nfail-on: error\nrules:\n  TF102: disable\n  DF002: info\n")
    write(repo, "Dockerfile", FLOATING.replace("latest-gpu", "2.17.0-gpu"))
    run = lint(cli, "Dockerfile")
    assert only(run.rows(), "DF002", "DF003", "TF102") == [("DF002", 2, "info"), ("DF003", 2, "warning")]
    assert run.code == 0  # warnings only; the file's fail-on: error beats strict's warning
    assert lint(cli, "--fail-on", "warning", "Dockerfile").code == 1


def test_the_files_ignore_beats_the_preset_it_extends(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "extends: strict\nignore: [TF102, apt-lists-not-cleaned]\n")
    write(repo, "Dockerfile", FLOATING)
    run = lint(cli, "Dockerfile")
    assert run.rows() == [
        ("DF002", 2, "warning"),
        ("DF004", 3, "warning"),
        ("DF017", 3, "warning"),
        ("TF101", 1, "error"),
    ]


@pytest.mark.parametrize(
    ("preset", "select", "expected"),
    [
        ("workstation", "TF", [("TF101", 1, "warning")]),
        (
            "strict",
            "DF",
            [("DF002", 2, "warning"), ("DF003", 2, "warning"), ("DF004", 3, "warning"), ("DF017", 3, "warning")],
        ),
    ],
)
def test_the_files_select_beats_the_preset_it_extends(
    cli: Cli, repo: Path, preset: str, select: str, expected: list[tuple[str, int, str]]
) -> None:
    write(repo, ".tfimage-lint.yaml", f"extends: {preset}\nselect: [{select}]\n")
    write(repo, "Dockerfile", FLOATING)
    assert lint(cli, "Dockerfile").rows() == expected


# -- presets (acceptance 1) -------------------------------------------------------------------------------

STRICT_DOCKERFILE = (
    "FROM python:3.11-slim\n"  # 1: TF102 (strict)
    "RUN apt-get update && apt-get install -y --no-install-recommends curl\n"  # 2: DF003 info
    "ENV TF_CPP_MIN_LOG_LEVEL=3\n"  # 3: TF306 info
)
NGC_PRESET_DOCKERFILE = (
    f"FROM {NGC}:24.01-tf2-py3 AS build\n"  # 1: TF104
    "RUN apt-get update && apt-get upgrade -y\n"  # 2: TF205
    "RUN pip install --no-cache-dir tensorflow-text\n"  # 3: DF017, TF204
    "FROM python:3.11-slim\n"  # 4: TF505 (ngc)
    "COPY --from=build /workspace /workspace\n"
)


@pytest.mark.parametrize("how", [["--policy", "default"], ["extends"]])
def test_preset_default_is_no_configuration(cli: Cli, repo: Path, how: list[str]) -> None:
    for name, text in [("a", FLOATING), ("b", STRICT_DOCKERFILE), ("c", NGC_PRESET_DOCKERFILE)]:
        write(repo, f"{name}/Dockerfile", text)
    paths = ["a/Dockerfile", "b/Dockerfile", "c/Dockerfile"]
    plain = lint(cli, "--isolated", *paths)
    if how == ["extends"]:
        write(repo, ".tfimage-lint.yaml", "extends: default\n")
        run = lint(cli, *paths)
    else:
        run = lint(cli, *how, *paths)
    assert sorted(run.by_file()) == sorted(plain.by_file())
    assert [f["severity"] for f in run.findings] == [f["severity"] for f in plain.findings]
    assert run.code == plain.code == 1


def test_preset_strict(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", STRICT_DOCKERFILE)
    plain = lint(cli, "Dockerfile")
    assert (plain.rows(), plain.code) == ([("DF003", 2, "info"), ("TF306", 3, "info")], 0)
    run = lint(cli, "--policy", "strict", "Dockerfile")
    assert run.rows() == [("DF003", 2, "warning"), ("TF102", 1, "warning"), ("TF306", 3, "warning")]
    assert run.code == 1


def test_preset_strict_keeps_df016_info_and_df018_off(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", "FROM python:3.11-slim@sha256:" + "a" * 64 + "\nRUN true\nRUN true\n")
    run = lint(cli, "--policy", "strict", "Dockerfile")
    assert (run.rows(), run.code) == ([("DF016", 3, "info")], 0)


def test_preset_ngc(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", NGC_PRESET_DOCKERFILE)
    plain = lint(cli, "Dockerfile")
    assert plain.rows() == [
        ("DF017", 3, "warning"),
        ("TF104", 1, "warning"),
        ("TF204", 3, "warning"),
        ("TF205", 2, "warning"),
    ]
    run = lint(cli, "--policy", "ngc", "Dockerfile")
    assert run.rows() == [
        ("DF017", 3, "warning"),
        ("TF104", 1, "warning"),
        ("TF204", 3, "error"),  # stack rules at error
        ("TF205", 2, "error"),
        ("TF505", 4, "error"),  # a python base: not an NGC family
    ]
    assert "not in allowed-families (ngc-tensorflow, ngc-framework)" in run.message("TF505")
    assert run.code == 1


def test_preset_workstation(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", FLOATING)
    plain = lint(cli, "Dockerfile")
    assert (plain.rows(), plain.code) == (FLOATING_FINDINGS, 1)
    run = lint(cli, "--policy", "workstation", "Dockerfile")
    assert run.rows() == [
        ("DF002", 2, "info"),
        ("DF003", 2, "info"),
        ("DF004", 3, "info"),  # hygiene at info
        ("DF017", 3, "info"),
        ("TF101", 1, "warning"),  # a floating tag is a warning
    ]
    assert run.code == 0  # fail-on: error


# -- malformed configurations (acceptance 2) -------------------------------------------------------------

CYCLE_FILES = {".tfimage-lint.yaml": "extends: base.yaml\n", "base.yaml": "# base\nextends: .tfimage-lint.yaml\n"}

MALFORMED = [
    pytest.param(
        {".tfimage-lint.yaml": "fail-on: error\nselect: [TF201\n"},
        ".tfimage-lint.yaml:3:1: select: invalid YAML: ",
        (),
        id="bad-yaml",
    ),
    pytest.param(
        {".tfimage-lint.toml": "[rules]\nTF201 = error\n"},
        ".tfimage-lint.toml:2:9: rules.TF201: invalid TOML: ",
        (),
        id="bad-toml",
    ),
    pytest.param(
        {".tfimage-lint.yaml": 'fail-on: error\nmax-base-age-days: "540"\n'},
        '.tfimage-lint.yaml:2:20: max-base-age-days: expected a whole number; got "540"',
        (),
        id="wrong-type",
    ),
    pytest.param(
        {".tfimage-lint.yaml": "select: [DF]\nfail_on: error\n"},
        '.tfimage-lint.yaml:2:1: fail_on: unknown key (did you mean "fail-on"?)',
        ("expected one of: extends, fail-on",),
        id="unknown-key",
    ),
    pytest.param(
        {".tfimage-lint.yaml": "rules:\n  TF201: error\n  TF2O1: warning\n"},
        '.tfimage-lint.yaml:3:3: rules.TF2O1: unknown rule id or name "TF2O1" (did you mean "TF201"',
        (),
        id="unknown-rule",
    ),
    pytest.param(
        {".tfimage-lint.yaml": 'allowed-bases: ["nvcr.io/*", "[unclosed"]\n'},
        '.tfimage-lint.yaml:1:30: allowed-bases[1]: the pattern "[unclosed" opens a [ set',
        ("never closes it",),
        id="bad-glob",
    ),
    pytest.param(
        {".tfimage-lint.yaml": "rules:\n  TF201: off\n"},
        ".tfimage-lint.yaml:2:10: rules.TF201.severity: expected one of error, warning, info, disable; got false",
        ("write disable",),
        id="off-severity",
    ),
    pytest.param(
        CYCLE_FILES,
        "base.yaml:2:10: extends: cycle in extends: .tfimage-lint.yaml -> base.yaml -> .tfimage-lint.yaml",
        (),
        id="extends-cycle",
    ),
    pytest.param(
        {".tfimage-lint.yaml": "fail-on: error\nextends: ../org/base.yaml\n"},
        ".tfimage-lint.yaml:2:10: extends: the extended file ../org/base.yaml does not exist",
        (),
        id="missing-extended-file",
    ),
    pytest.param(
        {".tfimage-lint.yaml": 'fleet:\n  datacenter: true\n  driver: "53x"\n'},
        '.tfimage-lint.yaml:3:11: fleet.driver: expected an NVIDIA driver version such as 535 or 535.104.05; got "53x"',
        (),
        id="invalid-driver",
    ),
]


def _assert_one_error_line(result: subprocess.CompletedProcess[str], prefix: str, fragments: Sequence[str]) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stderr.endswith("\n")
    assert lines[0].startswith(f"tfimage-lint: error: {prefix}"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize(("files", "prefix", "fragments"), MALFORMED)
def test_malformed_configuration(repo: Path, files: dict[str, str], prefix: str, fragments: tuple[str, ...]) -> None:
    write(repo, "Dockerfile", CACHE_ONLY)
    for name, text in files.items():
        write(repo, name, text)
    _assert_one_error_line(run_module(["Dockerfile"], repo), prefix, fragments)


@pytest.mark.parametrize(("files", "prefix", "fragments"), MALFORMED)
def test_malformed_configuration_in_the_config_command(
    repo: Path, files: dict[str, str], prefix: str, fragments: tuple[str, ...]
) -> None:
    for name, text in files.items():
        write(repo, name, text)
    _assert_one_error_line(run_module(["config"], repo), prefix, fragments)


def test_malformed_configuration_named_with_config_from_another_folder(repo: Path) -> None:
    write(repo, "ci/policy.toml", '[fleet]\ndriver = "r535"\n')
    write(repo, "Dockerfile", CACHE_ONLY)
    result = run_module(["--config", "repo/ci/policy.toml", "repo/Dockerfile"], repo.parent)
    _assert_one_error_line(result, "repo/ci/policy.toml:2:10: fleet.driver: expected an NVIDIA driver version", ())


def test_malformed_pyproject_table(repo: Path) -> None:
    write(repo, "pyproject.toml", '[project]\nname = "x"\n\n[tool.tfimage-lint]\nfail-on = warning\n')
    write(repo, "Dockerfile", CACHE_ONLY)
    _assert_one_error_line(run_module(["Dockerfile"], repo), "pyproject.toml:5:", ("fail-on: invalid TOML",))


def test_an_error_in_an_extended_file_names_that_file(repo: Path) -> None:
    write(repo, "org/base.yaml", "rules:\n  TF201: no\n")
    write(repo, "svc/.tfimage-lint.yaml", "extends: ../org/base.yaml\n")
    write(repo, "svc/Dockerfile", CACHE_ONLY)
    result = run_module(["svc/Dockerfile"], repo)
    _assert_one_error_line(result, "org/base.yaml:2:10: rules.TF201.severity: ", ("write disable",))


# -- baseline (acceptance 4) ------------------------------------------------------------------------------

BASELINE_BEFORE = (
    "FROM python:3.11-slim\n"
    "RUN pip install --no-cache-dir requests\n"  # 2: DF017
    "WORKDIR /app\n"
    "RUN pip install --no-cache-dir flask\n"  # 4: DF017
)


def test_baseline_round_trip(cli: Cli, repo: Path) -> None:
    dockerfile = write(repo, "Dockerfile", BASELINE_BEFORE)
    assert lint(cli, "Dockerfile").ids_lines() == [("DF017", 2), ("DF017", 4)]

    written = cli(["Dockerfile", "--write-baseline", "b.json"])
    assert written.exit_code == 0
    assert written.stderr == "tfimage-lint: info: recorded 2 finding(s) in b.json\n"
    entries = json.loads((repo / "b.json").read_text(encoding="utf-8"))["entries"]
    assert sorted((entry["path"], entry["rule"], entry["line"]) for entry in entries) == [
        ("Dockerfile", "DF017", 2),
        ("Dockerfile", "DF017", 4),
    ]

    again = cli(["Dockerfile", "--baseline", "b.json"])
    assert again.exit_code == 0
    assert again.stdout.startswith("No problems found")

    # lines inserted above: the findings move, the baseline still hides them
    moved = (
        "FROM python:3.11-slim\n\n# dependencies\nENV PIP_DISABLE_PIP_VERSION_CHECK=1\n"
        + BASELINE_BEFORE.split("\n", 1)[1]
    )
    dockerfile.write_text(moved, encoding="utf-8")
    assert lint(cli, "Dockerfile").ids_lines() == [("DF017", 5), ("DF017", 7)]
    assert lint(cli, "--baseline", "b.json", "Dockerfile").code == 0

    # one instruction changed: only its finding comes back
    dockerfile.write_text(moved.replace("install --no-cache-dir flask", "install --no-cache-dir flask-cors"), "utf-8")
    run = lint(cli, "--baseline", "b.json", "Dockerfile")
    assert (run.ids_lines(), run.code) == ([("DF017", 7)], 1)
    assert "flask-cors" in run.message("DF017")

    # --baseline-report names the entry that went stale
    report = cli(["-q", "--baseline", "b.json", "--baseline-report", "Dockerfile"])
    assert report.exit_code == 1
    stale = [line for line in report.stderr.splitlines() if "DF017 stale baseline entry" in line]
    assert len(stale) == 1, report.stderr
    assert stale[0].startswith("tfimage-lint: baseline: Dockerfile:4: DF017 stale baseline entry ")
    assert "`pip install flask`" in stale[0]
    assert "tfimage-lint: baseline: 1 stale baseline entry, 1 finding hidden by the baseline" in report.stderr
    assert "stale" not in report.stdout


def test_baseline_respects_the_configuration(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "rules:\n  DF017: error\n")
    write(repo, "Dockerfile", BASELINE_BEFORE)
    assert cli(["Dockerfile", "--write-baseline", "b.json"]).exit_code == 0
    assert lint(cli, "--baseline", "b.json", "Dockerfile").code == 0
    write(repo, "Dockerfile", BASELINE_BEFORE + "WORKDIR /srv\nRUN pip install --no-cache-dir numpy\n")
    run = lint(cli, "--baseline", "b.json", "Dockerfile")
    assert (run.rows(), run.code) == ([("DF017", 6, "error")], 1)


@pytest.mark.parametrize(
    ("content", "prefix"),
    [
        ('{"version": 1, "entries": [\n', "b.json:2:1: not a baseline: invalid JSON"),
        ('{"version": 7, "tool": "tfimage-lint", "entries": []}', "b.json: unsupported baseline version 7"),
        ('{"version": 1, "entries": [{"path": "Dockerfile"}]}', "b.json: entries[0].rule: expected a non-empty"),
    ],
    ids=["invalid-json", "version", "entry"],
)
def test_corrupt_baseline(repo: Path, content: str, prefix: str) -> None:
    write(repo, "Dockerfile", BASELINE_BEFORE)
    write(repo, "b.json", content)
    _assert_one_error_line(run_module(["Dockerfile", "--baseline", "b.json"], repo), prefix, ())


def test_baseline_report_needs_a_baseline(cli: Cli, repo: Path) -> None:
    write(repo, "Dockerfile", BASELINE_BEFORE)
    result = cli(["--baseline-report", "Dockerfile"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "tfimage-lint: error: --baseline-report needs --baseline FILE\n"


# -- tfimage-lint config ----------------------------------------------------------------------------------


def _config_lines(result: Result) -> dict[str, str]:
    """``config`` output lines by their first word (the key, stripped of indentation and colon)."""
    assert result.exit_code == 0, result.stderr
    found: dict[str, str] = {}
    for line in result.stdout.splitlines():
        if line.startswith("#"):
            continue
        key = line.strip().split(":", 1)[0]
        found.setdefault(key, line)
    return found


def test_config_shows_provenance(cli: Cli, repo: Path) -> None:
    write(
        repo,
        ".tfimage-lint.yaml",
        "# our policy\nfail-on: error\nextends: strict\nrules:\n  DF004: disable\nfleet:\n  driver: '535'\n",
    )
    result = cli(["config"])
    lines = _config_lines(result)
    assert result.stdout.startswith("# Effective configuration: .tfimage-lint.yaml\n")
    assert lines["fail-on"] == "fail-on: error  # from .tfimage-lint.yaml:2:1"
    assert lines["DF004"] == "  DF004: disable  # from .tfimage-lint.yaml:5:3 | pip-no-cache-dir"
    assert lines["driver"] == '  driver: "535"  # from .tfimage-lint.yaml:7:3'
    tf102 = preset_line("strict", "  TF102:")
    assert lines["TF102"] == (
        f"  TF102: warning  # from preset strict (policies/strict.yaml:{tf102}:3) | base-not-digest-pinned"
    )
    assert lines["select"] == "select: null  # default (the default selection)"
    assert lines["ignore"] == "ignore: []  # default"
    assert lines["DF016"] == "  DF016: info  # default | consecutive-run"
    assert lines["DF018"].startswith("  DF018: disable  # default | apt-unpinned: off by default")


def test_config_for_a_path_uses_the_nearest_file(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "fail-on: error\n")
    write(repo, "svc/.tfimage-lint.toml", '\nfail-on = "info"\n')
    write(repo, "svc/Dockerfile", CACHE_ONLY)
    for target in ("svc", "svc/Dockerfile"):
        result = cli(["config", target])
        assert result.stdout.startswith("# Effective configuration: svc/.tfimage-lint.toml\n")
        assert _config_lines(result)["fail-on"] == "fail-on: info  # from svc/.tfimage-lint.toml:2:1"
    assert _config_lines(cli(["config", "."]))["fail-on"] == "fail-on: error  # from .tfimage-lint.yaml:1:1"


def test_config_pyproject_provenance(cli: Cli, repo: Path) -> None:
    text = (
        '[project]\nname = "x"\n\n[tool.tfimage-lint]\nfail-on = "error"\n\n[tool.tfimage-lint.rules]\nDF004 = "info"\n'
    )
    write(repo, "svc/pyproject.toml", text)
    result = cli(["config", "svc"])
    assert result.stdout.startswith("# Effective configuration: svc/pyproject.toml\n")
    lines = _config_lines(result)
    assert lines["fail-on"] == "fail-on: error  # from svc/pyproject.toml:5:1"
    assert lines["DF004"] == "  DF004: info  # from svc/pyproject.toml:8:1 | pip-no-cache-dir"


def test_config_extended_file_provenance(cli: Cli, repo: Path) -> None:
    write(repo, "org/base.yaml", "extends: workstation\nmin-tensorflow: '2.16'\n")
    write(repo, ".tfimage-lint.yaml", "extends: org/base.yaml\n")
    lines = _config_lines(cli(["config"]))
    assert lines["min-tensorflow"] == 'min-tensorflow: "2.16"  # from org/base.yaml:2:1'
    fail_on = preset_line("workstation", "fail-on:")
    assert lines["fail-on"] == f"fail-on: error  # from preset workstation (policies/workstation.yaml:{fail_on}:1)"


def test_config_policy_strict(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "fail-on: never\n")  # not shown with --policy
    result = cli(["config", "--policy", "strict"])
    lines = _config_lines(result)
    assert result.stdout.startswith("# Effective configuration: preset strict\n")
    fail_on = preset_line("strict", "fail-on:")
    assert lines["fail-on"] == f"fail-on: warning  # from preset strict (policies/strict.yaml:{fail_on}:1)"
    assert lines["DF016"] == "  DF016: info  # default | consecutive-run"


def test_config_isolated_and_no_file(cli: Cli, repo: Path) -> None:
    result = cli(["config"])
    assert result.stdout.startswith("# Effective configuration: built-in defaults\n")
    lines = _config_lines(result)
    assert lines["fail-on"] == "fail-on: warning  # default"
    assert all(
        "# default" in line for key, line in lines.items() if key not in ("fleet", "rules") and not line.endswith(":")
    )
    write(repo, ".tfimage-lint.yaml", "fail-on: never\n")
    assert cli(["config", "--isolated"]).stdout == result.stdout


def test_config_output_is_a_valid_configuration(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "extends: ngc\nrules:\n  TF102: warning\nbuild-args: {PY_TAG: latest}\n")
    shown = cli(["config"]).stdout
    write(repo, "shown/.tfimage-lint.yaml", shown)
    for name, text in [("a", FLOATING), ("b", NGC_PRESET_DOCKERFILE)]:
        write(repo, f"{name}/Dockerfile", text)
        write(repo, f"shown/{name}/Dockerfile", text)
    original = lint(cli, "a/Dockerfile", "b/Dockerfile")
    again = lint(cli, "shown/a/Dockerfile", "shown/b/Dockerfile")
    assert [(f["rule_id"], f["line"], f["severity"]) for f in again.findings] == [
        (f["rule_id"], f["line"], f["severity"]) for f in original.findings
    ]
    assert again.code == original.code


def test_config_bad_file(cli: Cli, repo: Path) -> None:
    write(repo, ".tfimage-lint.yaml", "rules:\n  TF201: eror\n")
    result = cli(["config"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(
        "tfimage-lint: error: .tfimage-lint.yaml:2:10: rules.TF201.severity: expected one of error, warning, info, "
        'disable; got "eror"'
    )
    assert len(result.stderr.splitlines()) == 1


def test_config_command_in_a_subprocess(repo: Path) -> None:
    write(repo, ".tfimage-lint.toml", 'fail-on = "error"\n[fleet]\ndriver = "535.104.05"\n')
    result = run_module(["config", "--config", ".tfimage-lint.toml"], repo)
    assert (result.returncode, result.stderr) == (0, "")
    assert "fail-on: error  # from .tfimage-lint.toml:1:1" in result.stdout.splitlines()
    assert '  driver: "535.104.05"  # from .tfimage-lint.toml:3:1' in result.stdout.splitlines()
    assert re.search(r"^  TF101: error  # default \| floating-base-tag$", result.stdout, re.MULTILINE)


def test_a_family_pattern_with_a_tag_is_a_clear_error(repo: Path) -> None:
    write(repo, "Dockerfile", CACHE_ONLY)
    write(repo, ".tfimage-lint.yaml", "families:\n  'registry.corp/x/tensorflow:24.01': ngc-tensorflow\n")
    _assert_one_error_line(
        run_module(["Dockerfile"], repo),
        ".tfimage-lint.yaml:2:3: families.registry.corp/x/tensorflow:24.01: a family pattern matches image names "
        "without a tag or digest",
        (),
    )


def test_a_baseline_works_from_another_directory(cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "svc").mkdir()
    write(repo, "svc/Dockerfile", CACHE_ONLY)
    assert cli(["--write-baseline", "b.json", "svc/Dockerfile"]).exit_code == 0
    assert '"path": "svc/Dockerfile"' in (repo / "b.json").read_text()
    monkeypatch.chdir(repo / "svc")
    result = cli(["--baseline", "../b.json", "Dockerfile"])
    assert (result.exit_code, result.stdout) == (0, "No problems found (1 file checked).\n")
