"""Hostile inputs through the real CLI process: each gives a clear finding or message naming the file,
the documented exit code, no traceback and no hang (every run has a timeout).

The behaviour tested here is listed in docs/robustness.md (the "hostile inputs" section).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import SHARED
from tfimage_lint.analysis.context import MAX_FILE_BYTES as MAX_REQUIREMENTS_BYTES
from tfimage_lint.analysis.context import DirectoryContext
from tfimage_lint.facts import compute_facts
from tfimage_lint.model.build import build_model
from tfimage_lint.syntax.parser import MAX_FILE_BYTES, parse_dockerfile

TF_BASE = "FROM tensorflow/tensorflow:2.15.0-gpu\n"
ALPINE = "FROM alpine:3.19\n"
NUL_MESSAGE = "NUL byte at column {}: a Dockerfile is text, and no command or value can hold NUL"


def run(args, cwd, timeout=60):
    """The real CLI in a child process, with a timeout (a hang fails the test)."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "TFIMAGE_LINT_JOBS")}
    proc = subprocess.run(
        [sys.executable, "-m", "tfimage_lint", "--isolated", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc


def json_run(args, cwd, timeout=60):
    proc = run(["--format", "json", *args], cwd, timeout)
    return proc, json.loads(proc.stdout)


def found(report, rule_id=None):
    return [
        (finding["rule_id"], finding["line"], finding["column"], finding["message"])
        for file in report["files"]
        for finding in file["findings"]
        if rule_id is None or finding["rule_id"] == rule_id
    ]


def stderr_lines(proc):
    return proc.stderr.decode("utf-8", "replace").splitlines()


# -- bytes that are not a clean UTF-8 Dockerfile ------------------------------------------------------------


def test_nul_byte_in_valid_utf8_is_a_parse_error_at_its_line_and_column(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.19\nRUN echo a\x00b\nENV A=$NOPE\n")
    proc, report = json_run(["Dockerfile"], tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == b""
    assert [finding[:3] for finding in found(report)] == [("DF000", 2, 11), ("DF020", 3, 7)]
    assert found(report)[0][3] == NUL_MESSAGE.format(11)
    assert found(report)[1][3].startswith("$NOPE is not defined")  # the rest of the file is still linted


def test_nul_byte_after_a_bom_counts_columns_from_the_text(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"\xef\xbb\xbf\x00FROM alpine:3.19\n")
    proc, report = json_run(["Dockerfile"], tmp_path)
    assert proc.returncode == 1
    assert found(report, "DF000") == [
        ("DF000", 1, 1, NUL_MESSAGE.format(1)),
        ("DF000", 1, 1, "unknown instruction: \x00FROM (did you mean FROM?)"),  # as BuildKit would say
    ]


def test_nul_bytes_with_invalid_utf8_are_binary_content(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.19\n\x00\x01\xff\xfe binary\n")
    proc, report = json_run(["Dockerfile"], tmp_path)
    assert proc.returncode == 1
    assert found(report) == [("DF000", 2, 1, "not a Dockerfile: binary content (NUL bytes and invalid UTF-8)")]


@pytest.mark.parametrize(
    ("data", "line", "column", "message"),
    [
        (b"FROM alpine:3.19\nRUN echo \xed\xa0\x80\n", 2, 10, "invalid UTF-8 at byte 10 of the line"),  # lone surrogate
        (b"FROM alpine:3.19\nRUN echo \xff ok\n", 2, 10, "invalid UTF-8 at byte 10 of the line"),
        (b"FROM alpine:3.19\nRUN echo \xc3\x28\n", 2, 10, "invalid UTF-8 at byte 10 of the line"),  # bad continuation
        (b"FROM alpine:3.19\nRUN echo \xe2\x82", 2, 10, "invalid UTF-8 at byte 10 of the line"),  # cut at end of file
        (b"FROM alpine:3.19\nRUN echo \xc0\xaf\n", 2, 10, "invalid UTF-8 at byte 10 of the line"),  # overlong '/'
        (
            b"FROM alpine:3.19\nRUN echo \xf4\x90\x80\x80\n",
            2,
            10,
            "invalid UTF-8 at byte 10 of the line",
        ),  # > U+10FFFF
    ],
    ids=["lone-surrogate", "ff", "bad-continuation", "truncated", "overlong", "beyond-unicode"],
)
def test_invalid_utf8(tmp_path, data, line, column, message):
    (tmp_path / "Dockerfile").write_bytes(data)
    for output in ("json", "sarif", "text"):
        proc = run(["--format", output, "Dockerfile"], tmp_path)
        assert (proc.returncode, proc.stderr) == (1, b""), output
    proc, report = json_run(["Dockerfile"], tmp_path)
    assert found(report, "DF000") == [("DF000", line, column, message)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_named(tmp_path, encoding):
    text = "FROM alpine:3.19\nRUN echo hi\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # add the BOM ourselves for the explicit byte orders
        data = ("\ufeff" + text).encode(encoding)
    (tmp_path / "Dockerfile").write_bytes(data)
    proc, report = json_run(["Dockerfile"], tmp_path)
    assert proc.returncode == 1
    assert found(report) == [("DF000", 1, 1, "file is UTF-16 encoded: BuildKit reads Dockerfiles as UTF-8")]


# -- symbolic links -------------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path):
    """``project/`` (the folder the user works in) and ``outside/`` next to it, with a secret requirements file."""
    project, elsewhere = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    elsewhere.mkdir()
    (elsewhere / "requirements.txt").write_text("secret-package\n", encoding="utf-8")
    return project, elsewhere


def test_symlinked_dockerfile_pointing_outside_is_linted_with_its_own_folder_as_context(outside):
    project, elsewhere = outside
    (elsewhere / "real.Dockerfile").write_text(
        TF_BASE + "COPY requirements.txt /app/\nRUN pip install --no-cache-dir -r /app/requirements.txt\n",
        encoding="utf-8",
    )
    os.symlink(elsewhere / "real.Dockerfile", project / "Dockerfile")
    (project / "requirements.txt").write_text("flask\n", encoding="utf-8")
    proc, report = json_run(["Dockerfile"], project)
    assert proc.returncode == 1
    assert [file["path"] for file in report["files"]] == ["Dockerfile"]  # the name the user gave
    messages = [message for _, _, _, message in found(report, "DF017")]
    assert messages == [
        "`pip install flask` (from requirements.txt:1): no version is given, so each build installs whatever "
        "release is newest then. Pin it (`flask==<version>`) or pin it in a constraints file (-c)"
    ]
    assert "secret-package" not in proc.stdout.decode()


def test_requirements_reached_through_a_symlink_out_of_the_context_are_never_read(outside):
    project, elsewhere = outside
    (project / "Dockerfile").write_text(
        TF_BASE + "COPY . /app\nRUN pip install --no-cache-dir -r /app/link.txt -r /app/linked/requirements.txt\n",
        encoding="utf-8",
    )
    os.symlink(elsewhere / "requirements.txt", project / "link.txt")
    os.symlink(elsewhere, project / "linked")
    proc, report = json_run(["Dockerfile"], project)
    assert proc.returncode == 1
    assert "secret-package" not in proc.stdout.decode()
    assert found(report, "DF017") == []
    why = "it is a symbolic link that leads out of the build context, which is never followed"
    tf204 = [(line, column, message) for _, line, column, message in found(report, "TF204")]
    assert [(line, column) for line, column, _ in tf204] == [(3, 35), (3, 52)]
    assert f"`pip install` reads the requirements file `/app/link.txt`, which could not be read from the build " \
           f"context ({why})" in tf204[0][2]  # fmt: skip
    assert f"`/app/linked/requirements.txt`, which could not be read from the build context ({why})" in tf204[1][2]


def test_symlink_inside_the_context_is_followed(outside):
    project, _ = outside
    (project / "real").mkdir()
    (project / "real" / "requirements.txt").write_text("flask\n", encoding="utf-8")
    os.symlink(project / "real" / "requirements.txt", project / "requirements.txt")
    (project / "Dockerfile").write_text(
        ALPINE + "COPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n", encoding="utf-8"
    )
    proc, report = json_run(["--select", "DF017", "Dockerfile"], project)
    assert proc.returncode == 1
    assert [line for _, line, _, _ in found(report)] == [3]


def test_symlink_loop_given_on_the_command_line(tmp_path):
    os.symlink("b.Dockerfile", tmp_path / "a.Dockerfile")
    os.symlink("a.Dockerfile", tmp_path / "b.Dockerfile")
    proc = run(["a.Dockerfile"], tmp_path)
    assert proc.returncode == 2
    assert stderr_lines(proc) == [
        "tfimage-lint: error: a.Dockerfile: symbolic link loop (Too many levels of symbolic links)"
    ]
    assert proc.stdout == b""


def test_symlink_loop_in_a_searched_folder_is_skipped(tmp_path):
    os.symlink("b.Dockerfile", tmp_path / "a.Dockerfile")
    os.symlink("a.Dockerfile", tmp_path / "b.Dockerfile")
    os.symlink(".", tmp_path / "self")  # a folder link to itself: not followed by discovery
    (tmp_path / "Dockerfile").write_text(ALPINE, encoding="utf-8")
    proc, report = json_run(["."], tmp_path)
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert [file["path"] for file in report["files"]] == ["Dockerfile"]


def test_dangling_symlink_given_on_the_command_line(tmp_path):
    os.symlink("nowhere/Dockerfile", tmp_path / "Dockerfile")
    (tmp_path / "ok.Dockerfile").write_text(ALPINE + "ENV A=$NOPE\n", encoding="utf-8")
    proc, report = json_run(["Dockerfile", "ok.Dockerfile"], tmp_path)
    assert proc.returncode == 2  # a file that cannot be read is an error, even with findings elsewhere
    assert stderr_lines(proc) == [
        "tfimage-lint: error: Dockerfile: broken symbolic link (to nowhere/Dockerfile, which does not exist)"
    ]
    assert [file["path"] for file in report["files"]] == ["ok.Dockerfile"]  # the readable one is still reported
    assert [rule for rule, *_ in found(report)] == ["DF020"]


# -- requirement files: FIFO, huge, include cycles ------------------------------------------------------


def tf204_reasons(report):
    """The parenthesised reason of each TF204 'could not be read' finding."""
    marker = "which could not be read from the build context ("
    return [message.split(marker, 1)[1].split("), so", 1)[0] for *_, message in found(report, "TF204")]


def test_requirements_file_that_is_a_fifo_is_never_opened(tmp_path):
    os.mkfifo(tmp_path / "requirements.txt")
    (tmp_path / "Dockerfile").write_text(
        TF_BASE + "COPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n", encoding="utf-8"
    )
    started = time.monotonic()
    proc, report = json_run(["Dockerfile"], tmp_path, timeout=30)  # opening the FIFO would block forever
    assert time.monotonic() - started < 30
    assert proc.returncode == 1
    assert tf204_reasons(report) == ["it is not a regular file"]
    assert DirectoryContext(str(tmp_path)).read_text("requirements.txt") is None


def test_requirements_file_over_the_limit_is_reported_too_large_and_not_read(tmp_path):
    with open(tmp_path / "big.txt", "w", encoding="utf-8") as handle:
        handle.write("unpinned-in-big-file\n")
        handle.truncate(MAX_REQUIREMENTS_BYTES + 1)
    (tmp_path / "small.txt").write_text("flask\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        TF_BASE + "COPY . /app\nRUN pip install --no-cache-dir -r /app/big.txt -r /app/small.txt\n", encoding="utf-8"
    )
    proc, report = json_run(["Dockerfile"], tmp_path)
    assert proc.returncode == 1
    assert tf204_reasons(report) == ["it is larger than 1 MiB, the most the linter reads"]
    assert [message.split(":")[0] for *_, message in found(report, "DF017")] == ["`pip install flask` (from small.txt"]
    assert "unpinned-in-big-file" not in proc.stdout.decode()


def test_requirements_file_that_is_a_folder_or_a_device(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    os.symlink("/dev/zero", tmp_path / "zero.txt")  # a device, reached through a link that leaves the context
    (tmp_path / "Dockerfile").write_text(
        TF_BASE + "COPY . /app\nRUN pip install --no-cache-dir -r /app/folder.txt -r /app/zero.txt\n",
        encoding="utf-8",
    )
    proc, report = json_run(["Dockerfile"], tmp_path, timeout=30)
    assert proc.returncode == 1
    assert tf204_reasons(report) == [
        "it is a folder",
        "it is a symbolic link that leads out of the build context, which is never followed",
    ]


INCLUDE_CYCLES = {
    "a.txt": "from-a\n-r b.txt\n",
    "b.txt": "from-b\n-r a.txt\n",
    "self.txt": "from-self\n-r self.txt\n",
}


def test_recursive_includes_terminate_and_each_requirement_is_read_once(tmp_path):
    for name, text in INCLUDE_CYCLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        ALPINE + "COPY . /app\nRUN pip install --no-cache-dir -r /app/a.txt -r /app/self.txt\n", encoding="utf-8"
    )
    proc, report = json_run(["--select", "DF017", "Dockerfile"], tmp_path, timeout=30)
    assert proc.returncode == 1
    assert [message.split(":")[0] for *_, message in found(report)] == [
        "`pip install from-a` (from a.txt",
        "`pip install from-b` (from b.txt",
        "`pip install from-self` (from self.txt",
    ]


def test_recursive_includes_are_recorded_as_a_cycle_pip_refuses(tmp_path):
    for name, text in INCLUDE_CYCLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    text = ALPINE + "COPY . /app\nRUN pip install -r /app/a.txt -r /app/self.txt\n"
    model = build_model(parse_dockerfile(text.encode()), "Dockerfile")
    facts = compute_facts(model, context=DirectoryContext(str(tmp_path)))
    [install] = facts.installs(model.stages[0]).pip
    pip_error = "pip stops with an error (it 'recursively references itself'; before pip 24.3, a RecursionError)"
    assert [(f.context_path, f.via, f.found, f.problem) for f in install.files] == [
        ("a.txt", None, True, None),
        ("b.txt", "a.txt:2", True, None),
        ("a.txt", "b.txt:2", True, f"it includes itself (a.txt -> b.txt -> a.txt): {pip_error}"),
        ("self.txt", None, True, None),
        ("self.txt", "self.txt:2", True, f"it includes itself (self.txt -> self.txt): {pip_error}"),
    ]


def test_a_diamond_of_includes_is_not_a_cycle(tmp_path):
    files = {"top.txt": "-r left.txt\n-r right.txt\n", "left.txt": "-r base.txt\n", "right.txt": "-r base.txt\n"}
    for name, text in {**files, "base.txt": "numpy\n"}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    text = ALPINE + "COPY . /app\nRUN pip install -r /app/top.txt\n"
    model = build_model(parse_dockerfile(text.encode()), "Dockerfile")
    [install] = compute_facts(model, context=DirectoryContext(str(tmp_path))).installs(model.stages[0]).pip
    assert [f.problem for f in install.files] == [None] * 5
    assert [r.name for r in install.requirements] == ["numpy", "numpy"]


def test_a_deep_include_chain_stops_at_the_limit(tmp_path):
    from tfimage_lint.analysis.pip_files import MAX_INCLUDE_DEPTH

    for index in range(30):
        (tmp_path / f"r{index}.txt").write_text(f"pkg{index}\n-r r{index + 1}.txt\n", encoding="utf-8")
    text = ALPINE + "COPY . /app\nRUN pip install -r /app/r0.txt\n"
    model = build_model(parse_dockerfile(text.encode()), "Dockerfile")
    [install] = compute_facts(model, context=DirectoryContext(str(tmp_path))).installs(model.stages[0]).pip
    assert [r.name for r in install.requirements] == [f"pkg{index}" for index in range(MAX_INCLUDE_DEPTH)]
    deep = f"it is nested more than {MAX_INCLUDE_DEPTH} includes deep: not followed further"
    assert install.files[-1].problem == deep


# -- huge Dockerfiles ---------------------------------------------------------------------------------


def test_huge_dockerfile_is_one_parse_error_and_is_not_read_whole(tmp_path):
    path = tmp_path / "Dockerfile"
    with open(path, "wb") as handle:
        handle.write(b"FROM alpine:3.19\n")
        handle.truncate(1 << 30)  # 1 GiB (sparse): only MAX_FILE_BYTES + 1 bytes of it are ever read
    started = time.monotonic()
    proc, report = json_run(["Dockerfile"], tmp_path, timeout=60)
    assert time.monotonic() - started < 60
    assert proc.returncode == 1
    assert found(report) == [("DF000", 1, 1, f"file is larger than {MAX_FILE_BYTES >> 20} MiB: not parsed")]


def test_dockerfile_at_the_size_limit_is_parsed(tmp_path):
    line = b"# " + b"x" * 1000 + b"\n"
    body = ALPINE.encode() + line * ((MAX_FILE_BYTES - len(ALPINE) - 100) // len(line)) + b"ENV A=$NOPE\n"
    assert len(body) <= MAX_FILE_BYTES
    (tmp_path / "Dockerfile").write_bytes(body)
    proc, report = json_run(["Dockerfile"], tmp_path, timeout=120)
    assert proc.returncode == 1
    assert [(rule, line) for rule, line, _, _ in found(report)] == [("DF020", body.count(b"\n"))]


# -- many files, unreadable files, missing paths -------------------------------------------------------


def test_directory_of_ten_thousand_files_lints_only_dockerfile_like_names(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(10_000):
        name = ("Dockerfile.md", "notes.txt", "Dockerfile~", "main.py", "README")[index % 5]
        (folder / f"{index:05d}-{name}").write_bytes(b"")
    wanted = ["Dockerfile", "api.Dockerfile", "Containerfile.gpu"]
    for name in wanted:
        (folder / name).write_text(ALPINE + "ENV A=$NOPE\n", encoding="utf-8")
    started = time.monotonic()
    proc, report = json_run(["many"], tmp_path, timeout=120)
    elapsed = time.monotonic() - started
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert [file["path"] for file in report["files"]] == [f"many/{name}" for name in sorted(wanted)]
    assert elapsed < 30, elapsed


def unreadable_tree(root: Path) -> None:
    (root / "Dockerfile").write_text(ALPINE, encoding="utf-8")
    (root / "Dockerfile").chmod(0)
    (root / "locked").mkdir()
    (root / "locked" / "Dockerfile").write_text(ALPINE, encoding="utf-8")
    (root / "locked").chmod(0)
    (root / "ok.Dockerfile").write_text(ALPINE + "ENV A=$NOPE\n", encoding="utf-8")


@pytest.fixture
def without_read_override():
    """A command prefix under which permission bits apply: none for a normal user; for root,
    ``setpriv`` dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (root ignores ``chmod 000`` otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: chmod 000 cannot be enforced (see the /proc/self/mem test)")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


def test_unreadable_file_and_folder(tmp_path, without_read_override):
    unreadable_tree(tmp_path)
    try:
        env = {key: value for key, value in os.environ.items() if key != "TFIMAGE_LINT_JOBS"}
        proc = subprocess.run(
            [*without_read_override, sys.executable, "-m", "tfimage_lint", "--isolated", "--format", "json", "."],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
    finally:
        (tmp_path / "locked").chmod(stat.S_IRWXU)
    assert b"Traceback" not in proc.stderr
    assert proc.returncode == 2
    assert stderr_lines(proc) == [
        "tfimage-lint: error: ./locked: Permission denied",
        "tfimage-lint: error: Dockerfile: Permission denied",
    ]
    report = json.loads(proc.stdout)
    assert [file["path"] for file in report["files"]] == ["ok.Dockerfile"]


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_read_error_on_a_regular_file_is_one_message(tmp_path):
    """Works for root too: /proc/self/mem is a regular file whose read fails (EIO at offset 0)."""
    proc = run(["/proc/self/mem"], tmp_path)
    assert proc.returncode == 2
    assert stderr_lines(proc) == ["tfimage-lint: error: /proc/self/mem: Input/output error"]


def test_directory_named_dockerfile_is_searched_not_read(tmp_path):
    (tmp_path / "Dockerfile").mkdir()
    proc = run(["Dockerfile"], tmp_path)
    assert proc.returncode == 0
    assert stderr_lines(proc) == ["tfimage-lint: warning: no Dockerfile-like files under Dockerfile"]
    (tmp_path / "Dockerfile" / "Dockerfile").write_text(ALPINE + "ENV A=$NOPE\n", encoding="utf-8")
    proc, report = json_run(["Dockerfile"], tmp_path)
    assert proc.returncode == 1
    assert [file["path"] for file in report["files"]] == ["Dockerfile/Dockerfile"]


def test_path_that_does_not_exist(tmp_path):
    (tmp_path / "ok.Dockerfile").write_text(ALPINE, encoding="utf-8")
    proc = run(["missing/Dockerfile", "ok.Dockerfile"], tmp_path)
    assert proc.returncode == 2
    assert stderr_lines(proc) == ["tfimage-lint: error: missing/Dockerfile: no such file or directory"]
    proc = run(["missing/Dockerfile"], tmp_path)
    assert (proc.returncode, proc.stdout) == (2, b"")


# -- odd characters in file names ----------------------------------------------------------------------

ODD_NAME = os.fsdecode(b"odd\nname\xff.Dockerfile")  # a newline and a byte that is not UTF-8


@pytest.fixture
def odd_file(tmp_path):
    try:
        (tmp_path / ODD_NAME).write_text(ALPINE + "ENV A=$NOPE\n", encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take such names")
    return tmp_path


def test_odd_file_name_in_text_output(odd_file):
    proc = run(["--format", "text", "--quiet", os.fsencode(ODD_NAME)], odd_file)
    assert (proc.returncode, proc.stderr) == (1, b"")
    first = proc.stdout.decode("utf-8").splitlines()[0]
    assert first.startswith("odd\\x0aname\\udcff.Dockerfile:2:7: warning DF020 undefined-variable: ")


def test_odd_file_name_in_json_output(odd_file):
    proc = run(["--format", "json", os.fsencode(ODD_NAME)], odd_file)
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert proc.stdout.isascii()
    report = json.loads(proc.stdout)
    assert [file["path"] for file in report["files"]] == [ODD_NAME]  # fsdecode(path) gives the bytes back
    assert os.fsencode(report["files"][0]["path"]) == b"odd\nname\xff.Dockerfile"


def test_odd_file_name_in_sarif_output(odd_file):
    if not SHARED.is_dir():
        pytest.skip("../shared is not present next to the project")
    from tests.test_sarif import _validator, assert_valid

    proc = run(["--format", "sarif", os.fsencode(ODD_NAME)], odd_file)
    assert (proc.returncode, proc.stderr) == (1, b"")
    log = json.loads(proc.stdout)
    assert_valid(_validator(SHARED / "sarif" / "sarif-schema-2.1.0.json"), log)
    [result] = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "odd%0Aname%FF.Dockerfile"  # the file's bytes, percent-encoded


def test_odd_file_name_in_other_formats(odd_file):
    outputs = {}
    for output in ("github", "junit", "gitlab", "checkstyle"):
        proc = run(["--format", output, os.fsencode(ODD_NAME)], odd_file)
        assert (proc.returncode, proc.stderr) == (1, b""), output
        outputs[output] = proc.stdout.decode("utf-8")
    assert outputs["github"].startswith("::warning file=odd%0Aname\\udcff.Dockerfile,line=2,")
    assert [entry["location"]["path"] for entry in json.loads(outputs["gitlab"])] == ["odd\nname\\udcff.Dockerfile"]
    checkstyle = ElementTree.fromstring(outputs["checkstyle"].encode("utf-8"))
    assert [file.get("name") for file in checkstyle.iter("file")] == ["odd\nname\\udcff.Dockerfile"]
    junit = ElementTree.fromstring(outputs["junit"].encode("utf-8"))
    assert [case.get("name") for case in junit.iter("testcase")] == ["odd\nname\\udcff.Dockerfile"]


def test_odd_missing_path_is_escaped_on_stderr(tmp_path):
    proc = run([b"no\nsuch\xff.Dockerfile"], tmp_path)
    assert proc.returncode == 2
    assert stderr_lines(proc) == ["tfimage-lint: error: no\\x0asuch\\udcff.Dockerfile: no such file or directory"]
