"""Reading inputs safely: closed stdin, FIFOs, devices, huge files, duplicates, odd encodings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tfimage_lint.discovery import is_dockerfile_name
from tfimage_lint.inputs import collect_targets
from tfimage_lint.syntax.parser import MAX_FILE_BYTES


def run(args, *, cwd, stdin=None, shell_suffix=""):
    command = [sys.executable, "-m", "tfimage_lint", *args]
    if shell_suffix:
        command = ["bash", "-c", " ".join(f"'{part}'" for part in command) + shell_suffix]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=60, env=env)


def findings(stdout):
    return [(f["rule_id"], f["line"]) for file in json.loads(stdout)["files"] for f in file["findings"]]


def test_closed_stdin_is_one_error_line(tmp_path):
    for args in (["-"], ["parse", "-"]):
        proc = run(args, cwd=tmp_path, shell_suffix=" <&-")
        assert (proc.returncode, proc.stderr) == (2, "tfimage-lint: error: -: standard input is closed\n"), args


def test_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "Dockerfile"
    os.mkfifo(fifo)
    proc = run(["Dockerfile"], cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (2, "tfimage-lint: error: Dockerfile: not a regular file\n")
    proc = run(["."], cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "tfimage-lint: warning: no Dockerfile-like files under .\n")


def test_device_is_not_read(tmp_path):
    proc = run(["/dev/zero"], cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (2, "tfimage-lint: error: /dev/zero: not a regular file\n")


def test_huge_file_is_a_parse_error_not_a_memory_hog(tmp_path):
    path = tmp_path / "Dockerfile"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 10)
    proc = run(["--format", "json", "Dockerfile"], cwd=tmp_path)
    assert proc.returncode == 1
    (finding,) = json.loads(proc.stdout)["files"][0]["findings"]
    assert (finding["rule_id"], finding["line"], finding["message"]) == (
        "DF000",
        1,
        "file is larger than 16 MiB: not parsed",
    )


def test_utf16_file_names_its_encoding(tmp_path):
    (tmp_path / "Dockerfile").write_bytes("FROM alpine:3.19\n".encode("utf-16"))
    proc = run(["--format", "json", "Dockerfile"], cwd=tmp_path)
    assert proc.returncode == 1
    (finding,) = json.loads(proc.stdout)["files"][0]["findings"]
    assert finding["message"] == "file is UTF-16 encoded: BuildKit reads Dockerfiles as UTF-8"


def test_the_same_file_is_linted_once(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine:3.19\nENV A=$NOPE\n", encoding="utf-8")
    proc = run(["--format", "json", "app", "app/Dockerfile", "./app", "app/../app/Dockerfile"], cwd=tmp_path)
    report = json.loads(proc.stdout)
    assert [file["path"] for file in report["files"]] == ["app/Dockerfile"]
    assert findings(proc.stdout) == [("DF020", 2)]


def test_stdin_given_twice_is_read_once(tmp_path):
    proc = run(["--format", "json", "-", "-"], cwd=tmp_path, stdin="FROM alpine:3.19\nENV A=$NOPE\n")
    assert [file["path"] for file in json.loads(proc.stdout)["files"]] == ["-"]
    assert findings(proc.stdout) == [("DF020", 2)]


def test_control_characters_in_paths_are_escaped_on_stderr(tmp_path):
    proc = run(["missing\x1b[31m.Dockerfile"], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "tfimage-lint: error: missing\\x1b[31m.Dockerfile: no such file or directory\n"


def test_discovery_searches_hidden_project_folders_but_not_tool_folders(tmp_path):
    for folder in (".devcontainer", ".github/docker", ".git", ".venv/lib", "node_modules/x", "svc"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "Dockerfile").write_text("FROM alpine:3.19\n", encoding="utf-8")
    (tmp_path / "svc" / "Containerfile-dev").write_text("FROM alpine:3.19\n", encoding="utf-8")
    (tmp_path / "svc" / "Dockerfile.txt").write_text("notes\n", encoding="utf-8")
    targets = collect_targets([str(tmp_path)])
    found = [os.path.relpath(path, tmp_path) for path in targets.files]
    assert found == [".devcontainer/Dockerfile", ".github/docker/Dockerfile", "svc/Containerfile-dev", "svc/Dockerfile"]
    assert targets.errors == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dockerfile", True),
        ("dockerfile", True),
        ("Dockerfile.gpu", True),
        ("Dockerfile-dev", True),
        ("Dockerfile_cuda12", True),
        ("train.Dockerfile", True),
        ("train.dockerfile", True),
        ("Containerfile", True),
        ("Containerfile.cuda", True),
        ("Containerfile_x", True),
        ("Dockerfile.dockerignore", False),
        ("Dockerfile.md", False),
        ("Dockerfile.txt", False),
        ("Dockerfile~", False),
        ("Dockerfiles", False),
        ("README", False),
    ],
)
def test_dockerfile_names(name, expected):
    assert is_dockerfile_name(name) is expected
