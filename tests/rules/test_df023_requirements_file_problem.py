"""DF023 requirements-file-problem: include cycles, too-deep nesting and files the linter would not read."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tfimage_lint.analysis.context import MAX_FILE_BYTES
from tfimage_lint.analysis.pip_files import MAX_INCLUDE_DEPTH
from tfimage_lint.rules.df023_requirements_file_problem import RequirementsFileProblem

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
COPY_ALL = "COPY . /app\n"

#: Special file contents: made by ``write`` as something other than a small regular file.
FIFO, FOLDER, BIG, LINK_OUT = "<fifo>", "<folder>", "<big>", "<link out>"

PIP_ERROR = "pip stops with an error (it 'recursively references itself'; before pip 24.3, a RecursionError)"
NOT_CHECKED = "which the linter did not read from the build context"
CYCLE = {"a.txt": "flask==3.0.0\n-r b.txt\n", "b.txt": "requests==2.31.0\n-r a.txt\n"}
DEEP = {f"r{n}.txt": f"pkg{n}==1.0\n-r r{n + 1}.txt\n" for n in range(MAX_INCLUDE_DEPTH + 4)}


def write(root, files):
    """Write a build context into ``root/context`` (``outside/`` next to it holds link targets)."""
    context = root / "context"
    context.mkdir()
    outside = root / "outside"
    outside.mkdir()
    for name, text in files.items():
        path = context / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text == FIFO:
            os.mkfifo(path)
        elif text == FOLDER:
            path.mkdir()
        elif text == BIG:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("hidden-package\n")
                handle.truncate(MAX_FILE_BYTES + 1)
        elif text == LINK_OUT:
            (outside / "secret.txt").write_text("secret-package\n", encoding="utf-8")
            os.symlink(outside / "secret.txt", path)
        else:
            path.write_text(text, encoding="utf-8")
    return context


OK = {
    "no requirements file": (PY + "RUN pip install --no-cache-dir flask==3.0.0\n", {}),
    "plain nested include": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/requirements.txt\n",
        {"requirements.txt": "flask==3.0.0\n-r more/extra.txt\n", "more/extra.txt": "requests==2.31.0\n"},
    ),
    "diamond is not a cycle": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/top.txt\n",
        {
            "top.txt": "-r left.txt\n-r right.txt\n",
            "left.txt": "-r base.txt\n",
            "right.txt": "-r base.txt\n",
            "base.txt": "numpy==1.26.4\n",
        },
    ),
    "same file twice on the command line": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/a.txt -r /app/a.txt\n",
        {"a.txt": "flask==3.0.0\n"},
    ),
    "missing file is TF204's business": (PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/gone.txt\n", {}),
    "missing nested file": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/a.txt\n",
        {"a.txt": "flask==3.0.0\n-r nowhere.txt\n"},
    ),
    "file not copied into the image": (PY + "RUN pip install --no-cache-dir -r /app/a.txt\n", {"a.txt": FIFO}),
    "chain exactly at the limit": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/r0.txt\n",
        {
            **{name: text for name, text in DEEP.items() if int(name[1:-4]) < MAX_INCLUDE_DEPTH},
            f"r{MAX_INCLUDE_DEPTH - 1}.txt": "last==1.0\n",
        },
    ),
    "symlink inside the context": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/link.txt\n",
        {"real.txt": "flask==3.0.0\n", "link.txt": None},
    ),
}

# text, files, [(line, column, severity, [phrases])]
BAD = {
    "cycle a -> b -> a": (
        PY + "COPY a.txt b.txt /app/\nRUN pip install --no-cache-dir -r /app/a.txt\n",
        CYCLE,
        [(3, 35, "error", ["`pip install` reads the requirements file `a.txt` (included from b.txt:2): ",
                           f"it includes itself (a.txt -> b.txt -> a.txt): {PIP_ERROR}",
                           "Remove the include at b.txt:2 that closes the cycle"])],
    ),
    "self-include": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/self.txt\n",
        {"self.txt": "-r self.txt\nflask==3.0.0\n"},
        [(3, 35, "error", ["requirements file `self.txt` (included from self.txt:1)",
                           "it includes itself (self.txt -> self.txt)", "recursively references itself"])],
    ),
    "cycle entered from a file outside it": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/top.txt\n",
        {"top.txt": "-r a.txt\n", **CYCLE},
        [(3, 35, "error", ["`a.txt` (included from b.txt:2)", "(a.txt -> b.txt -> a.txt)"])],
    ),
    "too deep": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/r0.txt\n",
        DEEP,
        [(3, 35, "warning", [f"`r{MAX_INCLUDE_DEPTH}.txt` (included from r{MAX_INCLUDE_DEPTH - 1}.txt:2)",
                             f"it is nested more than {MAX_INCLUDE_DEPTH} includes deep",
                             "were not checked", "pip has no such limit"])],
    ),
    "FIFO": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/requirements.txt\n",
        {"requirements.txt": FIFO},
        [(3, 35, "warning", [f"requirements file `/app/requirements.txt`, {NOT_CHECKED} (it is not a regular file)",
                             "its requirements were not checked"])],
    ),
    "folder named like the file": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/requirements.txt\n",
        {"requirements.txt": FOLDER},
        [(3, 35, "warning", [f"{NOT_CHECKED} (it is a folder)"])],
    ),
    "over 1 MiB": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/big.txt\n",
        {"big.txt": BIG},
        [(3, 35, "warning", [f"{NOT_CHECKED} (it is larger than 1 MiB, the most the linter reads)"])],
    ),
    "symlink out of the context": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/link.txt\n",
        {"link.txt": LINK_OUT},
        [(3, 35, "warning", [f"{NOT_CHECKED} (it is a symbolic link that leads out of the build context"])],
    ),
    "nested unreadable file points at the command-line file": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir flask==3.0.0 -r /app/a.txt\n",
        {"a.txt": "requests==2.31.0\n-r big.txt\n", "big.txt": BIG},
        [(3, 48, "warning", ["requirements file `big.txt` (included from a.txt:2), " + NOT_CHECKED])],
    ),
    "multi-line RUN: the continuation line of the file's word": (
        PY + COPY_ALL + "RUN apt-get update \\\n    && pip install --no-cache-dir \\\n"
        "        -r /app/requirements.txt\n",
        {"requirements.txt": FIFO},
        [(5, 12, "warning", ["it is not a regular file"])],
    ),
    "heredoc RUN": (
        PY + COPY_ALL + "RUN <<EOF\nset -e\npip install --no-cache-dir -r /app/a.txt\nEOF\n",
        CYCLE,
        [(5, 31, "error", ["(a.txt -> b.txt -> a.txt)"])],
    ),
    "stage built from an earlier stage": (
        "FROM python:3.11-slim AS base\nCOPY a.txt b.txt /app/\n"
        "FROM base\nRUN pip install --no-cache-dir -r /app/a.txt\n",
        CYCLE,
        [(4, 35, "error", ["(a.txt -> b.txt -> a.txt)"])],
    ),
    "ARG-resolved path": (
        "ARG REQ=requirements.txt\n" + PY + "ARG REQ\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r $REQ\n",
        {"requirements.txt": FIFO},
        [(6, 35, "warning", ["requirements file `requirements.txt`, " + NOT_CHECKED])],
    ),
    "constraints file (-c) that is a FIFO": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/a.txt -c /app/c.txt\n",
        {"a.txt": "flask\n", "c.txt": FIFO},
        [(3, 49, "warning", ["`pip install` reads the constraints file `/app/c.txt`, " + NOT_CHECKED])],
    ),
    "constraints file that includes itself": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir flask -c /app/c.txt\n",
        {"c.txt": "flask==3.0.0\n-c c.txt\n"},
        [(3, 41, "error", ["constraints file `c.txt` (included from c.txt:2)", "(c.txt -> c.txt)"])],
    ),
    "PIP_CONSTRAINT file: at the pip command": (
        PY + COPY_ALL + "ENV PIP_CONSTRAINT=/app/c.txt\nRUN pip install --no-cache-dir flask\n",
        {"c.txt": FOLDER},
        [(4, 5, "warning", ["constraints file `/app/c.txt`, " + NOT_CHECKED + " (it is a folder)"])],
    ),
    "the n-th word naming the same file": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/f.txt -r /app/f.txt\n",
        {"f.txt": FIFO},
        [(3, 35, "warning", ["it is not a regular file"]), (3, 49, "warning", ["it is not a regular file"])],
    ),
    "one finding per file, in order": (
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/ok.txt -r /app/fifo.txt -r /app/self.txt\n",
        {"ok.txt": "flask==3.0.0\n", "fifo.txt": FIFO, "self.txt": "-r self.txt\n"},
        [(3, 50, "warning", ["`/app/fifo.txt`"]), (3, 67, "error", ["`self.txt` (included from self.txt:1)"])],
    ),
    "pip uninstall": (
        PY + COPY_ALL + "RUN pip uninstall -y -r /app/self.txt\n",
        {"self.txt": "-r self.txt\n"},
        [(3, 25, "error", ["`pip uninstall` reads the requirements file `self.txt`"])],
    ),
    "uv: a warning": (
        PY + COPY_ALL + "RUN uv pip install --system -r /app/a.txt\n",
        CYCLE,
        [(3, 32, "warning", ["`uv pip install` reads the requirements file `a.txt` (included from b.txt:2)",
                             "uv itself skips a file it has already read",
                             "older uv releases crash with a stack overflow"])],
    ),
    "TensorFlow base": (
        NGC + COPY_ALL + "RUN pip install --no-cache-dir -r /app/a.txt\n",
        CYCLE,
        [(3, 35, "error", ["(a.txt -> b.txt -> a.txt)"])],
    ),
}  # fmt: skip


def _context(tmp_path, files):
    files = dict(files)
    if "link.txt" in files and files["link.txt"] is None:  # a link to a file inside the context
        del files["link.txt"]
        context = write(tmp_path, files)
        os.symlink(context / "real.txt", context / "link.txt")
        return context
    return write(tmp_path, files)


@pytest.mark.parametrize(("text", "files"), OK.values(), ids=OK.keys())
def test_no_finding(lint, tmp_path, text, files):
    assert lint(text, select=["DF023"], context=_context(tmp_path, files)) == []


@pytest.mark.parametrize(("text", "files", "expected"), BAD.values(), ids=BAD.keys())
def test_findings(lint, tmp_path, text, files, expected):
    found = lint(text, select=["DF023"], context=_context(tmp_path, files))
    assert [(f.rule_id, f.line, f.column, f.severity.value) for f in found] == [
        ("DF023", line, column, severity) for line, column, severity, _ in expected
    ]
    for finding, (*_, phrases) in zip(found, expected, strict=True):
        for phrase in phrases:
            assert phrase in finding.message, f"{phrase!r} not in {finding.message!r}"


def test_without_a_build_context_nothing_is_followed(lint):
    assert lint(PY + "COPY . /app\nRUN pip install -r /app/a.txt\n", select=["DF023"]) == []


def test_unread_file_content_reaches_no_rule(lint, tmp_path):
    context = write(tmp_path, {"big.txt": BIG, "link.txt": LINK_OUT})
    text = PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/big.txt -r /app/link.txt\n"
    found = lint(text, context=context)
    assert [f.rule_id for f in found if f.rule_id == "DF023"] == ["DF023", "DF023"]
    assert not any("hidden-package" in f.message or "secret-package" in f.message for f in found)


def test_a_severity_from_the_configuration_leaves_cycles_errors(tmp_path, cli):
    context = write(tmp_path, {**CYCLE, "fifo.txt": FIFO})
    (tmp_path / "cfg.yaml").write_text("rules:\n  DF023: info\n", encoding="utf-8")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/a.txt -r /app/fifo.txt\n")
    args = ["--config", str(tmp_path / "cfg.yaml"), "--format", "json", "--select", "DF023"]
    result = cli([*args, "--context", str(context), str(dockerfile)])
    findings = [f for file in json.loads(result.stdout)["files"] for f in file["findings"]]
    assert [(f["rule_id"], f["column"], f["severity"]) for f in findings] == [
        ("DF023", 35, "error"),
        ("DF023", 49, "info"),
    ]


def test_rules_and_explain_list_it(cli):
    rows = {row["id"]: row for row in json.loads(cli(["rules", "--format", "json"]).stdout)}
    assert rows["DF023"]["name"] == "requirements-file-problem"
    assert rows["DF023"]["severity"] == "warning"
    (line,) = [line for line in cli(["rules"]).stdout.splitlines() if line.startswith("DF023 ")]
    assert "requirements-file-problem" in line
    explained = cli(["explain", "DF023"])
    assert explained.exit_code == 0
    assert explained.stdout.splitlines()[0] == "DF023 requirements-file-problem (warning; base families: all)"
    assert "recursively references itself" in explained.stdout
    assert "## Use instead" in explained.stdout
    # the build-context files the examples assume are shown too
    assert "## Build context for the examples" in explained.stdout
    assert all(f"`{name}`:" in explained.stdout for name in RequirementsFileProblem.example_files)


def test_real_process_reports_a_fifo_and_a_cycle_without_hanging(tmp_path):
    context = write(tmp_path, {**CYCLE, "requirements.txt": FIFO})
    (context / "Dockerfile").write_text(
        PY + COPY_ALL + "RUN pip install --no-cache-dir -r /app/requirements.txt -r /app/a.txt\n", encoding="utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "tfimage_lint", "--isolated", "--format", "json", "--select", "DF023", "Dockerfile"],
        cwd=context,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,  # opening the FIFO would block forever
    )
    assert (proc.returncode, proc.stderr) == (1, b"")
    findings = [f for file in json.loads(proc.stdout)["files"] for f in file["findings"]]
    assert [(f["rule_id"], f["line"], f["column"], f["severity"]) for f in findings] == [
        ("DF023", 3, 35, "warning"),
        ("DF023", 3, 60, "error"),
    ]
