"""The pre-commit hook: its file patterns, and a real ``pre-commit try-repo`` run against this checkout.

``try-repo`` makes pre-commit build the hook's virtualenv as it does for users (a pip install of this
package and its dependencies from the package index), so those tests are marked ``slow``; CI runs them.

``try-repo`` on a checkout with uncommitted changes commits only the *tracked* changes into a shadow
repository (``git add -u``), so a new, untracked module would be missing from the hook's install. The
tests therefore snapshot the working tree (tracked and untracked files that git does not ignore) into a
temporary repository and point ``try-repo`` at that: the hook that runs is exactly this working tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tfimage_lint.discovery import is_dockerfile_name

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
HOOK_ID = "tfimage-lint"

# A configuration in the temporary repository pins TF104's "today", so the clean file stays clean
# whatever the date (Python 3.12 reaches end of life in 2028).
CONFIG = "rules:\n  TF104: {options: {today: 2025-06-01}}\n"
CLEAN = 'FROM python:3.12-slim\nUSER 1000\nCMD ["python"]\n'
# TF101 (floating tag on a TensorFlow image) is an error; the FROM is on line 2.
BAD = '# a GPU image\nFROM tensorflow/tensorflow:latest-gpu\nUSER 1000\nCMD ["python"]\n'
SUPPRESSED = (
    '# a GPU image\n# tfimage-lint: ignore=TF101\nFROM tensorflow/tensorflow:latest-gpu\nUSER 1000\nCMD ["python"]\n'
)

# -- the patterns ---------------------------------------------------------------------------------

SELECTED = [
    "Dockerfile",
    "Dockerfile.prod",
    "Dockerfile-prod",
    "Dockerfile_prod",
    "dockerfile",
    "DOCKERFILE",
    "app.dockerfile",
    "app.Dockerfile",
    "prod.Dockerfile.j2",
    "Containerfile",
    "Containerfile.gpu",
    "containerfile-dev",
    "gpu.Containerfile",
    "docker/gpu/Dockerfile",
    "docker/gpu/Dockerfile-cuda12",
    "services/api.dockerfile",
    ".devcontainer/Dockerfile",
]
NOT_SELECTED = [
    "README.md",
    "Dockerfile.md",
    "docs/Dockerfile.rst",
    ".dockerignore",
    "Dockerfile.dockerignore",
    "Dockerfile.txt",
    "Dockerfile~",
    "Dockerfile.orig",
    "Dockerfile.bak",
    "requirements.txt",
    "docker-compose.yml",
    "mydockerfile",
    "Dockerfiles/build.sh",
    "dockerfile-templates/base.yaml",
    "app.dockerfile-old",
    "setup.py",
]


def hook() -> dict:
    """The ``tfimage-lint`` hook of the manifest."""
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return next(item for item in hooks if item["id"] == HOOK_ID)


def identify_tags(path: Path) -> set[str]:
    from identify.identify import tags_from_path

    return tags_from_path(str(path))


def hook_selects(tmp_path: Path, name: str, *, create: bool = True) -> bool:
    """pre-commit's selection for one file: ``files`` AND ``types`` (AND ``types_or``), minus ``exclude``."""
    spec = hook()
    path = tmp_path / name
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CLEAN, encoding="utf-8")
    tags = identify_tags(path)
    return (
        re.search(spec.get("files", ""), name) is not None
        and re.search(spec.get("exclude", "^$"), name) is None
        and set(spec.get("types", ["file"])) <= tags
        and (not spec.get("types_or") or bool(set(spec["types_or"]) & tags))
        and not set(spec.get("exclude_types", [])) & tags
    )


def test_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(MANIFEST))
    assert [item["id"] for item in hooks] == [HOOK_ID]
    spec = hook()
    assert spec["entry"] == "tfimage-lint"
    assert spec["language"] == "python"
    # `types: [dockerfile]` would be ANDed with `files` and drop app.dockerfile, Dockerfile-prod, ...
    assert "dockerfile" not in spec.get("types", [])
    assert not spec.get("require_serial", False)
    # pre-commit runs a process per CPU itself: no pool inside each of them
    assert spec["args"] == ["--jobs=1"]


@pytest.mark.parametrize("name", SELECTED)
def test_hook_selects_dockerfile_names(tmp_path, name):
    assert hook_selects(tmp_path, name)


@pytest.mark.parametrize("name", NOT_SELECTED)
def test_hook_skips_other_names(tmp_path, name):
    assert not hook_selects(tmp_path, name)


@pytest.mark.parametrize("name", SELECTED + NOT_SELECTED)
def test_hook_agrees_with_identify_and_discovery(tmp_path, name):
    """Selected = (identify's ``dockerfile`` tag or the linter's directory discovery) minus the skipped suffixes."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CLEAN, encoding="utf-8")
    skipped = re.search(hook()["exclude"], name) is not None
    expected = ("dockerfile" in identify_tags(path) and not skipped) or is_dockerfile_name(Path(name).name)
    assert hook_selects(tmp_path, name) is expected


def test_hook_skips_symlinks(tmp_path):
    (tmp_path / "real").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "Dockerfile").symlink_to(tmp_path / "real")
    assert not hook_selects(tmp_path, "Dockerfile", create=False)  # a link: its target is linted, not the link


# -- real pre-commit ------------------------------------------------------------------------------

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed: pre-commit try-repo needs it")


def _environment(home: Path) -> dict[str, str]:
    """The caller's environment with its own HOME, pre-commit store and git identity."""
    env = dict(os.environ)
    real_home = Path(env.get("HOME", str(Path.home())))
    if "PIP_CONFIG_FILE" not in env:  # keep a per-user index mirror working under the new HOME
        for candidate in (real_home / ".config" / "pip" / "pip.conf", real_home / ".pip" / "pip.conf"):
            if candidate.is_file():
                env["PIP_CONFIG_FILE"] = str(candidate)
                break
    for name in list(env):
        if name.startswith("GIT_") or name.startswith("PRE_COMMIT"):
            del env[name]
    env.update(
        HOME=str(home),
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="tfimage-lint tests",
        GIT_AUTHOR_EMAIL="tests@example.invalid",
        GIT_COMMITTER_NAME="tfimage-lint tests",
        GIT_COMMITTER_EMAIL="tests@example.invalid",
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
    )
    return env


def _git(env: dict[str, str], cwd: Path, *args: str) -> None:
    subprocess.run([GIT or "git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=120)


def _init_repo(env: dict[str, str], path: Path) -> None:
    _git(env, path, "init", "-q")
    _git(env, path, "config", "user.name", "tfimage-lint tests")
    _git(env, path, "config", "user.email", "tests@example.invalid")
    _git(env, path, "config", "commit.gpgsign", "false")


def _working_tree_files(env: dict[str, str]) -> list[str]:
    """This checkout's files: tracked and untracked-but-not-ignored when it is a git checkout."""
    listed = subprocess.run(
        [GIT or "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    if listed.returncode == 0 and listed.stdout:
        return [name for name in listed.stdout.decode("utf-8").split("\0") if name and (ROOT / name).is_file()]
    skipped = {".git", ".venv", "venv", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache", ".tox"}
    return [
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.rglob("*"))
        if path.is_file()
        and not skipped & set(path.relative_to(ROOT).parts)
        and not path.relative_to(ROOT).parts[0].endswith(".egg-info")
    ]


@pytest.fixture(scope="module")
def precommit_session(tmp_path_factory) -> dict:
    """A HOME, the environment, and a committed snapshot of this working tree for ``try-repo``."""
    base = tmp_path_factory.mktemp("precommit")
    home = base / "home"
    home.mkdir()
    env = _environment(home)
    snapshot = base / "tfimage-lint"
    snapshot.mkdir()
    for name in _working_tree_files(env):
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    _init_repo(env, snapshot)
    _git(env, snapshot, "add", "-A")
    _git(env, snapshot, "commit", "-q", "-m", "snapshot of the working tree")
    return {"env": env, "snapshot": snapshot}


TryRepo = Callable[[dict[str, str]], subprocess.CompletedProcess]


@pytest.fixture
def try_repo(precommit_session, tmp_path) -> TryRepo:
    """Write files into a new git repository and run ``pre-commit try-repo <snapshot> tfimage-lint`` there."""

    def run(files: dict[str, str]) -> subprocess.CompletedProcess:
        env = precommit_session["env"]
        project = tmp_path / "project"
        project.mkdir()
        _init_repo(env, project)
        for name, text in files.items():
            path = project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        _git(env, project, "add", "-A")
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(precommit_session["snapshot"]), HOOK_ID]
        result = subprocess.run(
            [*command, "--all-files", "--verbose", "--color", "never"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        result.stdout = result.stdout + result.stderr
        return result

    return run


def _pre_commit_available() -> None:
    try:
        import pre_commit  # noqa: F401
    except ImportError:  # a declared test dependency: fail, do not skip
        pytest.fail("pre-commit is a test dependency: pip install -e '.[test]'")


@pytest.mark.slow
@needs_git
def test_try_repo_clean_dockerfile_passes(try_repo):
    _pre_commit_available()
    result = try_repo({".tfimage-lint.yaml": CONFIG, "Dockerfile": CLEAN})
    assert result.returncode == 0, result.stdout
    assert re.search(r"^tfimage-lint\.+Passed$", result.stdout, re.MULTILINE), result.stdout
    assert "No problems found (1 file checked)." in result.stdout


@pytest.mark.slow
@needs_git
def test_try_repo_error_fails_with_the_finding(try_repo):
    _pre_commit_available()
    result = try_repo({".tfimage-lint.yaml": CONFIG, "Dockerfile": BAD, "docker/Dockerfile": CLEAN})
    assert result.returncode == 1, result.stdout
    assert re.search(r"^tfimage-lint\.+Failed$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^Dockerfile:2:\d+: error TF101 floating-base-tag: ", result.stdout, re.MULTILINE), result.stdout
    assert "docker/Dockerfile:" not in result.stdout


@pytest.mark.slow
@needs_git
def test_try_repo_suppression_comment_passes(try_repo):
    _pre_commit_available()
    result = try_repo({".tfimage-lint.yaml": CONFIG, "Dockerfile": SUPPRESSED})
    assert result.returncode == 0, result.stdout
    assert re.search(r"^tfimage-lint\.+Passed$", result.stdout, re.MULTILINE), result.stdout
    assert "TF101" not in result.stdout
    assert "DF900" not in result.stdout  # the suppression was used


@pytest.mark.slow
@needs_git
def test_try_repo_picks_up_names_identify_does_not_tag(try_repo):
    _pre_commit_available()
    picked = ["app.dockerfile", "Dockerfile-prod", "docker/Dockerfile_gpu", "gpu.Containerfile"]
    decoys = ["Dockerfile.md", "notes.txt", "Dockerfiles/build.sh"]
    result = try_repo({".tfimage-lint.yaml": CONFIG, **dict.fromkeys(picked + decoys, BAD)})
    assert result.returncode == 1, result.stdout
    for name in picked:
        assert re.search(rf"^{re.escape(name)}:2:\d+: error TF101 ", result.stdout, re.MULTILINE), result.stdout
    for name in decoys:
        assert f"{name}:" not in result.stdout
