"""The real CLI: exit codes, output shapes, file discovery, selection, colours and escaping."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tfimage_lint.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "tfimage_lint" / "schemas" / "report-v1.schema.json"

# One finding of each severity.
WARNING_ONLY = "FROM python:3.11-slim\nENV A=$B\n"  # DF020 at 2:7
INFO_ONLY = "FROM python:3.11-slim\n# tfimage-lint: ignore=DF020\nRUN true\n"  # DF900 at 2:1
ERROR_ONLY = "ENV A=1\nFROM scratch\n"  # DF022 at 1:1
CLEAN = "FROM python:3.11-slim\nRUN true\n"

# Every built-in rule fires once.
ALL_RULES = (
    "ENV A=1\n"  # 1: DF022
    "FROM python:3.11-slim AS a\n"  # 2
    "ENV B=$C\n"  # 3: DF020
    "FROM python:3.11-slim AS a\n"  # 4: DF021
    "# tfimage-lint: ignore=DF020\n"  # 5: DF900
    "RUN true\n"  # 6
    "FOO bar\n"  # 7: DF000
)
ALL_RULES_FINDINGS = [("DF022", 1), ("DF020", 3), ("DF021", 4), ("DF900", 5), ("DF000", 7)]

DF020_MESSAGE = (
    "$B is not defined: no ARG or ENV declares it before this instruction; BuildKit expands it to an empty string"
)
MISSING_LINE = "tfimage-lint: error: missing.Dockerfile: no such file or directory\n"
PNG_LIKE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\xff\xfe\x00\x00"


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def findings_of(stdout: str) -> list[tuple[str, int]]:
    report = json.loads(stdout)
    return [(f["rule_id"], f["line"]) for file in report["files"] for f in file["findings"]]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(extra)
    return env


def run_module(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfimage_lint", *args],
        cwd=cwd,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def run_in_pty(args: list[str], cwd: Path, **env: str) -> tuple[int, bytes]:
    """Run ``python -m tfimage_lint`` with stdout on a pseudo-terminal; return (exit code, bytes written)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tfimage_lint", *args],
            cwd=cwd,
            env=subprocess_env(**env),
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    proc.stderr.read()
    proc.stderr.close()
    return proc.wait(timeout=120), b"".join(chunks)


# -- exit codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "fail_on", "code"),
    [
        (WARNING_ONLY, None, 1),
        (WARNING_ONLY, "error", 0),
        (WARNING_ONLY, "warning", 1),
        (WARNING_ONLY, "info", 1),
        (WARNING_ONLY, "never", 0),
        (INFO_ONLY, None, 0),
        (INFO_ONLY, "error", 0),
        (INFO_ONLY, "warning", 0),
        (INFO_ONLY, "info", 1),
        (INFO_ONLY, "never", 0),
        (ERROR_ONLY, None, 1),
        (ERROR_ONLY, "error", 1),
        (ERROR_ONLY, "warning", 1),
        (ERROR_ONLY, "info", 1),
        (ERROR_ONLY, "never", 0),
        (CLEAN, None, 0),
        (CLEAN, "info", 0),
    ],
)
def test_fail_on_exit_codes(cli, tmp_path, content, fail_on, code):
    path = write(tmp_path, "Dockerfile", content)
    args = ["--format", "json", str(path)] + (["--fail-on", fail_on] if fail_on else [])
    result = cli(args)
    assert result.exit_code == code
    assert result.stderr == ""
    expected = {WARNING_ONLY: [("DF020", 2)], INFO_ONLY: [("DF900", 2)], ERROR_ONLY: [("DF022", 1)], CLEAN: []}
    assert findings_of(result.stdout) == expected[content]


def test_fixture_severities(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", ALL_RULES)
    result = cli(["--format", "json", "--fail-on", "never", str(path)])
    assert result.exit_code == 0
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["rule_id"], f["line"], f["severity"]) for f in findings] == [
        ("DF022", 1, "error"),
        ("DF020", 3, "warning"),
        ("DF021", 4, "error"),
        ("DF900", 5, "info"),
        ("DF000", 7, "error"),
    ]


def test_invalid_fail_on_is_a_usage_error(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", CLEAN)
    result = cli(["--fail-on", "fatal", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Invalid value for '--fail-on'" in result.stderr


def test_missing_file_in_process(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(["missing.Dockerfile"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == MISSING_LINE


def test_missing_file_subprocess_has_no_traceback(tmp_path):
    proc = run_module(["missing.Dockerfile"], tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == MISSING_LINE


@pytest.mark.parametrize("fail_on", ["warning", "never"])
def test_missing_file_next_to_a_real_one_still_reports_and_exits_2(cli, tmp_path, monkeypatch, fail_on):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", WARNING_ONLY)
    result = cli(["-q", "--fail-on", fail_on, "Dockerfile", "missing.Dockerfile"])
    assert result.exit_code == 2
    assert result.stdout == f"Dockerfile:2:7: warning DF020 undefined-variable: {DF020_MESSAGE}\n"
    assert result.stderr == MISSING_LINE


def test_no_arguments_is_a_usage_error(cli):
    result = cli([])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: ")
    assert result.stderr.rstrip("\n").splitlines()[-1] == "Error: Missing argument 'PATHS...'."


def test_no_arguments_subprocess(tmp_path):
    proc = run_module([], tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        "Usage: tfimage-lint check [OPTIONS] PATHS...\n"
        "Try 'tfimage-lint check --help' for help.\n"
        "\n"
        "Error: Missing argument 'PATHS...'.\n"
    )
    assert "Traceback" not in proc.stderr


def test_bad_build_arg_is_a_usage_error(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", CLEAN)
    result = cli(["--build-arg", "=x", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Invalid value for --build-arg: '=x' is not NAME=VALUE" in result.stderr


# -- binary input and stdin --------------------------------------------------------------------


def test_binary_file_is_one_parse_error(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "logo.png", PNG_LIKE)
    result = cli(["--format", "json", "logo.png"])
    assert result.exit_code == 1
    assert result.stderr == ""
    (file,) = json.loads(result.stdout)["files"]
    assert file["path"] == "logo.png"
    assert file["findings"] == [
        {
            "rule_id": "DF000",
            "rule_name": "parse-error",
            "severity": "error",
            "message": "not a Dockerfile: binary content (NUL bytes and invalid UTF-8)",
            "line": 1,
            "column": 1,
            "end_line": 1,
            "end_column": None,
            "stage": None,
            "fix": None,
        }
    ]


def test_binary_file_text_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "logo.png", PNG_LIKE)
    result = cli(["logo.png"])
    assert result.exit_code == 1
    assert result.stdout == (
        "logo.png:1:1: error DF000 parse-error: not a Dockerfile: binary content (NUL bytes and invalid UTF-8)\n"
        "\n"
        "Found 1 problem (1 error, 0 warnings, 0 info) in 1 of 1 file.\n"
    )


def test_stdin_is_read_for_dash(cli):
    result = cli(["-q", "-"], input=WARNING_ONLY.encode())
    assert result.exit_code == 1
    assert result.stdout == f"-:2:7: warning DF020 undefined-variable: {DF020_MESSAGE}\n"


def test_stdin_filename_names_stdin(cli):
    result = cli(["--format", "json", "--stdin-filename", "gpu/Dockerfile.gpu", "-"], input=WARNING_ONLY.encode())
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [file["path"] for file in report["files"]] == ["gpu/Dockerfile.gpu"]
    assert [(f["rule_id"], f["line"], f["column"]) for f in report["files"][0]["findings"]] == [("DF020", 2, 7)]

    text = cli(["-q", "--stdin-filename", "gpu/Dockerfile.gpu", "-"], input=WARNING_ONLY.encode())
    assert text.stdout == f"gpu/Dockerfile.gpu:2:7: warning DF020 undefined-variable: {DF020_MESSAGE}\n"


def test_clean_stdin_exits_0(cli):
    result = cli(["-"], input=CLEAN.encode())
    assert result.exit_code == 0
    assert result.stdout == "No problems found (1 file checked).\n"


# -- directory search --------------------------------------------------------------------------


def test_directory_search_finds_dockerfile_names_only(cli, tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    matching = [
        "Dockerfile",
        "Dockerfile.gpu",
        "Dockerfile-dev",
        "Dockerfile_x",
        "app.Dockerfile",
        "Containerfile",
        "Containerfile.cuda",
        "sub/Dockerfile",
    ]
    skipped = [
        "README.md",
        "Dockerfile.dockerignore",
        "notes.txt",
        ".git/Dockerfile",
        ".git/hooks/Dockerfile.gpu",
        "node_modules/pkg/Dockerfile",
    ]
    for name in reversed(matching + skipped):
        write(tree, name, CLEAN)
    monkeypatch.chdir(tmp_path)
    result = cli(["--format", "json", "tree"])
    assert result.exit_code == 0
    assert result.stderr == ""
    paths = [file["path"] for file in json.loads(result.stdout)["files"]]
    assert paths == [
        "tree/Containerfile",
        "tree/Containerfile.cuda",
        "tree/Dockerfile",
        "tree/Dockerfile-dev",
        "tree/Dockerfile.gpu",
        "tree/Dockerfile_x",
        "tree/app.Dockerfile",
        "tree/sub/Dockerfile",
    ]
    assert paths == sorted(paths)


def test_directory_findings_are_reported_per_file_in_order(cli, tmp_path, monkeypatch):
    write(tmp_path, "d/b.Dockerfile", ERROR_ONLY)
    write(tmp_path, "d/a.Dockerfile", WARNING_ONLY)
    write(tmp_path, "d/c.Dockerfile", CLEAN)
    monkeypatch.chdir(tmp_path)
    result = cli(["-q", "d"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"d/a.Dockerfile:2:7: warning DF020 undefined-variable: {DF020_MESSAGE}\n"
        "d/b.Dockerfile:1:1: error DF022 instruction-before-from: "
        "ENV before the first FROM: only ARG may come before FROM\n"
    )


def test_empty_directory_warns_and_checks_nothing(cli, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    result = cli(["empty"])
    assert result.exit_code == 0
    assert result.stdout == "No problems found (0 files checked).\n"
    assert result.stderr == "tfimage-lint: warning: no Dockerfile-like files under empty\n"


# -- JSON report -------------------------------------------------------------------------------


def test_json_report_validates_and_has_exact_values(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", ALL_RULES)
    write(tmp_path, "clean.Dockerfile", CLEAN)
    result = cli(["--format", "json", "Dockerfile", "clean.Dockerfile"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(report)

    assert report["version"] == 1
    assert report["tool"] == {"name": "tfimage-lint", "version": "0.1.0"}
    assert [file["path"] for file in report["files"]] == ["Dockerfile", "clean.Dockerfile"]
    assert report["files"][1]["findings"] == []
    findings = report["files"][0]["findings"]
    assert findings[0] == {
        "rule_id": "DF022",
        "rule_name": "instruction-before-from",
        "severity": "error",
        "message": "ENV before the first FROM: only ARG may come before FROM",
        "line": 1,
        "column": 1,
        "end_line": 1,
        "end_column": None,
        "stage": None,
        "fix": None,
    }
    assert findings[1] == {
        "rule_id": "DF020",
        "rule_name": "undefined-variable",
        "severity": "warning",
        "message": "$C is not defined: no ARG or ENV declares it before this instruction; "
        "BuildKit expands it to an empty string",
        "line": 3,
        "column": 7,
        "end_line": 3,
        "end_column": 9,
        "stage": {"index": 0, "name": "a"},
        "fix": None,
    }
    assert findings[2] == {
        "rule_id": "DF021",
        "rule_name": "invalid-stage-reference",
        "severity": "error",
        "message": "duplicate stage name 'a': already defined at line 2",
        "line": 4,
        "column": 1,
        "end_line": 4,
        "end_column": None,
        "stage": {"index": 1, "name": "a"},
        "fix": None,
    }
    assert findings[3] == {
        "rule_id": "DF900",
        "rule_name": "unused-suppression",
        "severity": "info",
        "message": "unused suppression of DF020 undefined-variable: no such finding on the instruction below",
        "line": 5,
        "column": 1,
        "end_line": 5,
        "end_column": None,
        "stage": {"index": 1, "name": "a"},
        "fix": None,
    }
    assert (findings[4]["rule_id"], findings[4]["line"], findings[4]["message"]) == (
        "DF000",
        7,
        "unknown instruction: FOO",
    )
    assert len(findings) == 5
    assert report["summary"] == {
        "files": 2,
        "files_with_findings": 1,
        "findings": 5,
        "by_severity": {"error": 3, "warning": 1, "info": 1},
    }


def test_json_of_clean_run(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", CLEAN)
    result = cli(["--format", "json", str(path)])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["files"] == [{"path": str(path), "findings": []}]
    assert report["summary"] == {
        "files": 1,
        "files_with_findings": 0,
        "findings": 0,
        "by_severity": {"error": 0, "warning": 0, "info": 0},
    }


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_output_file_gets_the_report_and_stdout_stays_empty(cli, tmp_path, output_format):
    path = write(tmp_path, "Dockerfile", WARNING_ONLY)
    out = tmp_path / "report.out"
    result = cli(["--format", output_format, "--output", str(out), str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ""
    direct = cli(["--format", output_format, str(path)])
    assert out.read_text(encoding="utf-8") == direct.stdout
    if output_format == "json":
        assert findings_of(out.read_text(encoding="utf-8")) == [("DF020", 2)]


def test_output_file_short_option(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", CLEAN)
    out = tmp_path / "r.json"
    result = cli(["-o", str(out), "--format", "json", str(path)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["files"] == 1


def test_unwritable_output_is_exit_2(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", CLEAN)
    out = tmp_path / "no" / "such" / "dir" / "r.json"
    result = cli(["--output", str(out), str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"tfimage-lint: error: cannot write {out}: No such file or directory\n"


# -- selection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], ALL_RULES_FINDINGS),
        (["--select", "DF020"], [("DF020", 3), ("DF000", 7)]),
        (["--select", "undefined-variable"], [("DF020", 3), ("DF000", 7)]),
        (["--select", "df020"], [("DF020", 3), ("DF000", 7)]),
        (["--select", "DF02"], [("DF022", 1), ("DF020", 3), ("DF021", 4), ("DF000", 7)]),
        (["--select", "DF020,DF021"], [("DF020", 3), ("DF021", 4), ("DF000", 7)]),
        (["--select", "DF020", "--select", "instruction-before-from"], [("DF022", 1), ("DF020", 3), ("DF000", 7)]),
        (["--select", "DF022"], [("DF022", 1), ("DF000", 7)]),
        (["--select", "ALL"], ALL_RULES_FINDINGS),
        (["--ignore", "DF021"], [("DF022", 1), ("DF020", 3), ("DF900", 5), ("DF000", 7)]),
        (["--ignore", "invalid-stage-reference"], [("DF022", 1), ("DF020", 3), ("DF900", 5), ("DF000", 7)]),
        (["--ignore", "DF02"], [("DF000", 7)]),
        (["--ignore", "DF021,DF022"], [("DF020", 3), ("DF900", 5), ("DF000", 7)]),
        (["--ignore", "DF021", "--ignore", "DF900"], [("DF022", 1), ("DF020", 3), ("DF000", 7)]),
        (["--ignore", "DF000"], ALL_RULES_FINDINGS),
        (["--select", "DF0", "--ignore", "DF021"], [("DF022", 1), ("DF020", 3), ("DF000", 7)]),
    ],
)
def test_select_and_ignore(cli, tmp_path, options, expected):
    path = write(tmp_path, "Dockerfile", ALL_RULES)
    result = cli(["--format", "json", "--fail-on", "never", *options, str(path)])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert findings_of(result.stdout) == expected


def test_parse_errors_are_reported_when_not_selected(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", "FROM python:3.11-slim\nENV\n")
    result = cli(["--format", "json", "--select", "DF020", str(path)])
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["files"][0]["findings"]
    assert (finding["rule_id"], finding["line"], finding["message"]) == (
        "DF000",
        2,
        "ENV requires at least one argument",
    )


def test_parse_errors_cannot_be_suppressed_inline(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", "FROM python:3.11-slim\n# tfimage-lint: ignore=DF000\nENV\n")
    result = cli(["--format", "json", str(path)])
    assert result.exit_code == 1
    assert findings_of(result.stdout) == [("DF900", 2), ("DF000", 3)]


@pytest.mark.parametrize(
    ("option", "token"),
    [("--select", "NOPE"), ("--ignore", "DF99"), ("--select", "DF020,no-such-rule"), ("--ignore", "ZZ")],
)
def test_unknown_selector_is_exit_2(cli, tmp_path, option, token):
    path = write(tmp_path, "Dockerfile", WARNING_ONLY)
    result = cli([option, token, str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    bad = token.split(",")[-1]
    assert result.stderr == f"tfimage-lint: error: {option} {bad!r} matches no rule (see `tfimage-lint rules`)\n"


# -- build args --------------------------------------------------------------------------------

STAGE_OR_IMAGE = "ARG BASE=final\nFROM $BASE AS build\nRUN true\nFROM python:3.11-slim AS final\n"


def test_build_arg_changes_the_result(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", STAGE_OR_IMAGE)
    without = cli(["--format", "json", "--select", "DF021", str(path)])
    assert without.exit_code == 1
    (finding,) = json.loads(without.stdout)["files"][0]["findings"]
    assert (finding["rule_id"], finding["line"], finding["message"]) == (
        "DF021",
        2,
        "FROM $BASE: 'final' is a stage defined later, at line 4; BuildKit does not use it here and pulls an image "
        "of that name instead",
    )
    with_arg = cli(["--format", "json", "--build-arg", "BASE=python:3.12", str(path)])
    assert with_arg.exit_code == 0
    assert findings_of(with_arg.stdout) == []


def test_bare_build_arg_takes_its_value_from_the_environment(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", STAGE_OR_IMAGE)
    result = cli(["--format", "json", "--build-arg", "BASE", str(path)], env={"BASE": "python:3.12"})
    assert result.exit_code == 0
    assert findings_of(result.stdout) == []
    unset = cli(["--format", "json", "--build-arg", "BASE", str(path)], env={"BASE": None})
    assert findings_of(unset.stdout) == [("DF021", 2), ("TF101", 2)]


def test_build_arg_does_not_declare_an_arg(cli, tmp_path):
    # BuildKit only substitutes build args that an ARG declares; FROM $BASE stays empty here.
    path = write(tmp_path, "Dockerfile", "FROM $BASE\nRUN true\n")
    result = cli(["--format", "json", "--build-arg", "BASE=python:3.12", str(path)])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["rule_id"], f["line"], f["column"], f["end_column"]) for f in findings] == [("DF020", 1, 6, 11)]
    assert findings[0]["message"].startswith("$BASE is not defined: no ARG or ENV declares it in FROM")


def test_parse_build_arg_resolves_the_base(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", STAGE_OR_IMAGE)
    default = json.loads(cli(["parse", str(path)]).stdout)
    base = default["stages"][0]["base"]
    assert (base["written"], base["resolved"], base["kind"], base["stage_index"], base["shadowed_stage"]) == (
        "$BASE",
        "final",
        "image",
        None,
        1,
    )
    assert base["image"]["canonical"] == "docker.io/library/final:latest"
    result = cli(["parse", "--build-arg", "BASE=python:3.12", str(path)])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["build_args"] == {"BASE": "python:3.12"}
    assert document["global_args"] == [{"name": "BASE", "value": "python:3.12"}]
    base = document["stages"][0]["base"]
    assert (base["resolved"], base["kind"], base["stage_index"]) == ("python:3.12", "image", None)
    assert base["image"]["canonical"] == "docker.io/library/python:3.12"


# -- text output -------------------------------------------------------------------------------


def test_text_output_exact_shape(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", WARNING_ONLY)
    result = cli(["Dockerfile"])
    assert result.exit_code == 1
    assert result.stderr == ""
    assert result.stdout == (
        f"Dockerfile:2:7: warning DF020 undefined-variable: {DF020_MESSAGE}\n"
        "  |\n"
        "2 | ENV A=$B\n"
        "  |       ^^\n"
        "\n"
        "Found 1 problem (0 errors, 1 warning, 0 info) in 1 of 1 file.\n"
    )


def test_text_output_multi_line_snippet_is_cut_after_four_lines(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", "RUN a \\\n  b \\\n c \\\n d \\\n e\nFROM scratch\n")
    result = cli(["Dockerfile"])
    assert result.exit_code == 1
    assert result.stdout == (
        "Dockerfile:1:1: error DF022 instruction-before-from: "
        "RUN before the first FROM: only ARG may come before FROM\n"
        "  |\n"
        "1 | RUN a \\\n"
        "  | ^^^^^^^\n"
        "2 |   b \\\n"
        "3 |  c \\\n"
        "4 |  d \\\n"
        "  ...\n"
        "\n"
        "Found 1 problem (1 error, 0 warnings, 0 info) in 1 of 1 file.\n"
    )


def test_text_summary_counts_files(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.Dockerfile", WARNING_ONLY)
    write(tmp_path, "b.Dockerfile", ALL_RULES)
    write(tmp_path, "c.Dockerfile", CLEAN)
    result = cli(["a.Dockerfile", "b.Dockerfile", "c.Dockerfile"])
    assert result.exit_code == 1
    assert result.stdout.endswith("\n\nFound 6 problems (3 errors, 2 warnings, 1 info) in 2 of 3 files.\n")


@pytest.mark.parametrize(("count", "noun"), [(1, "file"), (2, "files")])
def test_text_no_problems(cli, tmp_path, monkeypatch, count, noun):
    monkeypatch.chdir(tmp_path)
    names = [write(tmp_path, f"{index}.Dockerfile", CLEAN).name for index in range(count)]
    result = cli(names)
    assert result.exit_code == 0
    assert result.stdout == f"No problems found ({count} {noun} checked).\n"
    quiet = cli(["--quiet", *names])
    assert quiet.exit_code == 0
    assert quiet.stdout == ""


def test_quiet_prints_headlines_in_line_then_rule_order(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        "Dockerfile",
        "ENV\n"  # 1: DF000 and DF022, both at column 1
        "FROM python:3.11-slim\n"
        "# tfimage-lint: ignore=DF020,NOPE\n"  # 3: DF900 and DF901
        "RUN true\n"
        "ENV A=$X B=$Y\n"  # 5: DF020 at columns 7 and 12
        "FROM $Z AS dup\n"  # 6: DF020
        "FROM python:3.11-slim AS dup\n",  # 7: DF021
    )
    result = cli(["-q", "Dockerfile"])
    assert result.exit_code == 1
    undefined = (
        "is not defined: no ARG or ENV declares it before this instruction; BuildKit expands it to an empty string"
    )
    assert result.stdout.splitlines() == [
        "Dockerfile:1:1: error DF000 parse-error: ENV requires at least one argument",
        "Dockerfile:1:1: error DF022 instruction-before-from: ENV before the first FROM: only ARG may come before FROM",
        "Dockerfile:3:1: info DF900 unused-suppression: unused suppression of DF020 undefined-variable: "
        "no such finding on the instruction below",
        "Dockerfile:3:1: warning DF901 unknown-rule-in-suppression: suppression names unknown rule 'NOPE'",
        f"Dockerfile:5:7: warning DF020 undefined-variable: $X {undefined}",
        f"Dockerfile:5:12: warning DF020 undefined-variable: $Y {undefined}",
        "Dockerfile:6:6: warning DF020 undefined-variable: $Z is not defined: no ARG or ENV declares it in FROM "
        "(only global ARGs are visible there); BuildKit expands it to an empty string",
        "Dockerfile:7:1: error DF021 invalid-stage-reference: duplicate stage name 'dup': already defined at line 6",
    ]
    again = cli(["-q", "Dockerfile"])
    assert again.stdout == result.stdout


# -- colours -----------------------------------------------------------------------------------


def test_no_colour_when_not_a_terminal(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", WARNING_ONLY)
    result = cli([str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout


def test_colour_on_a_terminal(tmp_path):
    write(tmp_path, "Dockerfile", WARNING_ONLY)
    code, output = run_in_pty(["Dockerfile"], tmp_path)
    assert code == 1
    assert b"\x1b[" in output
    assert b"\x1b[1;33mwarning\x1b[0m" in output
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", output).replace(b"\r\n", b"\n").decode()
    assert plain.startswith(f"Dockerfile:2:7: warning DF020 undefined-variable: {DF020_MESSAGE}\n")


@pytest.mark.parametrize(("args", "env"), [(["--no-color"], {}), ([], {"NO_COLOR": "1"})])
def test_no_colour_on_a_terminal_when_asked(tmp_path, args, env):
    write(tmp_path, "Dockerfile", WARNING_ONLY)
    code, output = run_in_pty([*args, "Dockerfile"], tmp_path, **env)
    assert code == 1
    assert b"\x1b" not in output
    assert output.startswith(b"Dockerfile:2:7: warning DF020 undefined-variable: ")


def test_no_colour_on_a_terminal_with_json_or_output_file(tmp_path):
    write(tmp_path, "Dockerfile", WARNING_ONLY)
    code, output = run_in_pty(["--format", "json", "Dockerfile"], tmp_path)
    assert code == 1
    assert b"\x1b" not in output
    code, output = run_in_pty(["--output", "report.txt", "Dockerfile"], tmp_path)
    assert code == 1
    assert output == b""
    assert "\x1b" not in (tmp_path / "report.txt").read_text(encoding="utf-8")


# -- escaping ----------------------------------------------------------------------------------

ESCAPES = "FROM python:3.11-slim\nENV A=$B\x1b[31mX\nFOO\x1b[2J\n"


def test_control_characters_are_escaped_in_text_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", ESCAPES)
    result = cli(["Dockerfile"])
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert "2 | ENV A=$B\\x1b[31mX" in lines
    assert "Dockerfile:3:1: error DF000 parse-error: unknown instruction: FOO\\x1b[2J" in lines
    assert "3 | FOO\\x1b[2J" in lines


def test_control_characters_are_escaped_on_a_colour_terminal(tmp_path):
    write(tmp_path, "Dockerfile", ESCAPES)
    code, output = run_in_pty(["Dockerfile"], tmp_path)
    assert code == 1
    without_own_colours = re.sub(rb"\x1b\[(?:0|1|2|36|1;31|1;33|1;34)m", b"", output)
    assert b"\x1b" not in without_own_colours
    assert b"FOO\\x1b[2J" in without_own_colours


def test_control_characters_in_a_file_name_are_escaped(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "evil\x1b[31m.Dockerfile", WARNING_ONLY)
    result = cli(["-q", "evil\x1b[31m.Dockerfile"])
    assert result.exit_code == 1
    assert result.stdout == f"evil\\x1b[31m.Dockerfile:2:7: warning DF020 undefined-variable: {DF020_MESSAGE}\n"


def test_caret_points_at_the_finding_after_an_escaped_character(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", "FROM scratch\nENV A=\x1b[1m$B\n")
    result = cli(["Dockerfile"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Dockerfile:2:11: warning DF020 undefined-variable: $B is not defined")
    source, marker = lines[2], lines[3]
    assert source == "2 | ENV A=\\x1b[1m$B"
    assert marker.strip(" |") == "^^"
    assert source[marker.index("^") :] == "$B"


def test_json_output_escapes_control_characters(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", ESCAPES)
    result = cli(["--format", "json", str(path)])
    assert "\x1b" not in result.stdout
    assert "FOO\\u001b[2J" in result.stdout
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["rule_id"], f["line"]) for f in findings] == [("DF020", 2), ("DF000", 3)]
    assert findings[1]["message"] == "unknown instruction: FOO\x1b[2J"


# -- rules / explain / parse / version ---------------------------------------------------------


def test_rules_text_table(cli):
    registry = load_registry()
    result = cli(["rules"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "SEVERITY", "FAMILIES", "SEE", "ALSO", "SUMMARY"]
    assert lines[-1] == "* off by default: runs only when selected by its exact id or name"
    rule_lines = lines[1:-1]
    assert [line.split()[0] for line in rule_lines] == [rule.id for rule in registry.rules]
    assert {"DF000", "DF020", "DF021", "DF022", "DF900", "DF901"} <= {line.split()[0] for line in rule_lines}
    (row,) = [line for line in lines if line.startswith("DF020 ")]
    assert row.split(None, 5) == [
        "DF020",
        "undefined-variable",
        "warning",
        "all",
        "-",
        "Flag variables that BuildKit expands but nothing defines.",
    ]
    (off,) = [line for line in lines if line.startswith("TF102 ")]
    assert off.split()[2] == "warning*"
    header = lines[0]
    for line in rule_lines:
        assert line[header.index("NAME") - 1] == " "
        assert line[header.index("SEVERITY") :].split()[0].rstrip("*") in ("error", "warning", "info")
        assert line[header.index("SEE ALSO") - 1] == " "


def test_rules_json(cli):
    result = cli(["rules", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    keys = {"id", "name", "severity", "families", "default_enabled", "see_also", "summary"}
    assert all(set(row) == keys for row in rows)
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids)
    by_id = {row["id"]: row for row in rows}
    assert by_id["DF020"] == {
        "id": "DF020",
        "name": "undefined-variable",
        "severity": "warning",
        "families": [],
        "default_enabled": True,
        "see_also": [],
        "summary": "Flag variables that BuildKit expands but nothing defines.",
    }
    assert by_id["TF102"]["default_enabled"] is False
    assert (by_id["DF000"]["name"], by_id["DF000"]["severity"]) == ("parse-error", "error")
    assert (by_id["DF900"]["name"], by_id["DF900"]["severity"]) == ("unused-suppression", "info")


@pytest.mark.parametrize("token", ["DF020", "undefined-variable", "df020"])
def test_explain(cli, token):
    result = cli(["explain", token])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    header = "DF020 undefined-variable (warning; base families: all)"
    assert lines[:4] == [header, "=" * len(header), "", "Flag variables that BuildKit expands but nothing defines."]
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in lines
    assert result.stdout == cli(["explain", "DF020"]).stdout


def test_explain_unknown_rule(cli):
    result = cli(["explain", "NOPE"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "tfimage-lint: error: unknown rule 'NOPE' (see `tfimage-lint rules`)\n"


PARSE_ME = (
    "ARG TAG=3.11-slim\n"
    "FROM python:${TAG} AS build\n"
    "RUN <<EOF\n"
    "echo hi\n"
    "EOF\n"
    "FROM build\n"
    "COPY --from=build --chown=1:1 /a /b\n"
)


def test_parse_json_document(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", PARSE_ME)
    result = cli(["parse", str(path)])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {
        "path",
        "escape",
        "syntax",
        "directives",
        "errors",
        "warnings",
        "build_args",
        "global_args",
        "stages",
        "instructions",
    }
    assert document["path"] == str(path)
    assert document["errors"] == []
    first, second = document["stages"]
    assert (first["index"], first["name"], first["start_line"], first["end_line"]) == (0, "build", 2, 5)
    assert first["base"]["kind"] == "image"
    assert first["base"]["resolved"] == "python:3.11-slim"
    assert first["base"]["image"]["canonical"] == "docker.io/library/python:3.11-slim"
    assert (second["base"]["kind"], second["base"]["resolved"], second["base"]["stage_index"]) == ("stage", "build", 0)
    assert second["base"]["image"] is None

    instructions = document["instructions"]
    assert [(i["cmd"], i["start_line"], i["end_line"]) for i in instructions] == [
        ("arg", 1, 1),
        ("from", 2, 2),
        ("run", 3, 5),
        ("from", 6, 6),
        ("copy", 7, 7),
    ]
    run, copy = instructions[2], instructions[4]
    assert run["args"] == ["<<EOF"]
    assert [(h["name"], h["content"], h["start_line"], h["end_line"]) for h in run["heredocs"]] == [
        ("EOF", "echo hi\n", 4, 5)
    ]
    assert copy["flags"] == ["--from=build", "--chown=1:1"]
    assert copy["args"] == ["/a", "/b"]
    assert copy["heredocs"] == []


def test_parse_exits_1_on_parse_errors(cli, tmp_path):
    path = write(tmp_path, "Dockerfile", "FROM python:3.11-slim\nENV\n")
    result = cli(["parse", str(path)])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["errors"] == [
        {"message": "ENV requires at least one argument", "line": 2, "end_line": 2, "column": 1}
    ]


def test_parse_missing_file_is_exit_2(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(["parse", "missing.Dockerfile"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("tfimage-lint: error: missing.Dockerfile: ")


def test_version(cli):
    result = cli(["--version"])
    assert result.exit_code == 0
    assert result.stdout == "tfimage-lint, version 0.1.0\n"


def test_version_subprocess(tmp_path):
    proc = run_module(["--version"], tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == "tfimage-lint, version 0.1.0\n"
    assert proc.stderr == ""


@pytest.mark.parametrize(
    ("text", "frontend"),
    [
        ("# syntax=docker/dockerfile:1.7 // opts\nFROM alpine:3.19\n", "docker/dockerfile:1.7"),
        ("#!/usr/bin/env buildctl\n# syntax=docker/dockerfile:1\nFROM alpine:3.19\n", "docker/dockerfile:1"),
        ("FROM alpine:3.19\n", None),
    ],
)
def test_parse_reports_the_frontend_selected_by_the_syntax_directive(cli, tmp_path, text, frontend):
    path = write(tmp_path, "Dockerfile", text)
    assert json.loads(cli(["parse", str(path)]).stdout)["syntax"] == frontend


CONTEXT_DOCKERFILE = (
    "FROM tensorflow/tensorflow:2.19.0-gpu\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
)


def test_requirement_files_are_read_from_the_dockerfiles_folder(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text(CONTEXT_DOCKERFILE)
    (tmp_path / "requirements.txt").write_text("nvidia-cudnn-cu12>=9\n")
    result = cli(["--select", "TF105", str(tmp_path / "Dockerfile")])
    assert result.exit_code == 0, result.output


def test_context_option_names_the_build_context(cli, tmp_path):
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text(CONTEXT_DOCKERFILE)
    (tmp_path / "requirements.txt").write_text("nvidia-cudnn-cu12>=9\n")
    without = cli(["--select", "TF105", "-q", str(tmp_path / "docker" / "Dockerfile")])
    assert without.exit_code == 1
    assert ":1:1: error TF105" in without.output
    with_context = cli(["--select", "TF105", "--context", str(tmp_path), str(tmp_path / "docker" / "Dockerfile")])
    assert with_context.exit_code == 0, with_context.output


def test_stdin_reads_no_context_unless_given(cli, tmp_path, monkeypatch):
    (tmp_path / "requirements.txt").write_text("nvidia-cudnn-cu12>=9\n")
    monkeypatch.chdir(tmp_path)
    assert cli(["--select", "TF105", "-q", "-"], input=CONTEXT_DOCKERFILE).exit_code == 1
    assert cli(["--select", "TF105", "--context", str(tmp_path), "-"], input=CONTEXT_DOCKERFILE).exit_code == 0


def test_missing_context_folder_is_a_usage_error(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\n")
    result = cli(["--context", str(tmp_path / "nope"), str(tmp_path / "Dockerfile")])
    assert result.exit_code == 2
    assert "--context" in result.output


SECRET = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


@pytest.mark.parametrize("output_format", ["text", "json"])
@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_no_output_shows_a_secret(cli, output_format, quiet):
    text = (
        f"FROM python:3.11\nENV HF_TOKEN={SECRET}\n"
        f"RUN pip install --index-url https://user:{SECRET}@pypi.corp/simple x\n"
    )
    result = cli(["--format", output_format, *quiet, "-"], input=text)
    assert result.exit_code == 1
    assert "TF305" in result.output
    assert SECRET not in result.output


def test_a_secret_line_is_hidden_from_every_finding_on_it(cli):
    text = f"FROM python:3.11\nENV HF_TOKEN={SECRET} OTHER=$UNDEFINED_X\n"
    result = cli(["-"], input=text)
    assert "DF020" in result.output and "TF305" in result.output
    assert SECRET not in result.output
    assert result.output.count("2 | (line not shown: it holds a secret)") == 2


def test_several_formats_are_paired_with_their_outputs(cli, tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM tensorflow/tensorflow:latest-gpu\n")
    report = tmp_path / "report.json"
    result = cli(["--format", "json", "--output", str(report), "--format", "text", "-q", str(dockerfile)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{dockerfile}:1:1: error TF101 floating-base-tag")
    assert [f["rule_id"] for f in json.loads(report.read_text())["files"][0]["findings"]] == ["TF101"]


def test_two_formats_on_standard_output_is_a_usage_error(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\n")
    result = cli(["--format", "json", "--format", "text", str(tmp_path / "Dockerfile")])
    assert result.exit_code == 2
    assert "several --format options would write to standard output" in result.output


def test_an_output_without_its_format_is_a_usage_error(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\n")
    result = cli(["--output", "a.json", "--output", "b.json", str(tmp_path / "Dockerfile")])
    assert result.exit_code == 2
    assert "more --output than --format options" in result.output
