"""pip requirements files: lines, continuations, comments, includes, options, variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfimage_lint.analysis.context import DirectoryContext
from tfimage_lint.analysis.installs import PipInstall
from tfimage_lint.facts import compute_facts
from tfimage_lint.model.build import build_model
from tfimage_lint.packages.requirements_file import Include, parse_requirements_text
from tfimage_lint.syntax.parser import parse_dockerfile


def parsed(text: str, env: dict[str, str] | None = None) -> list[tuple[str, str, int | None]]:
    """``[(name, specifier, file_line), ...]`` of a requirements text."""
    return [(r.name, r.specifier, r.file_line) for r in parse_requirements_text(text, env).requirements]


def pip_installs(tmp_path: Path, dockerfile: str, files: dict[str, str | bytes]) -> list[PipInstall]:
    """Write ``files`` into the build context ``tmp_path`` and analyse ``dockerfile`` against it."""
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    model = build_model(parse_dockerfile(dockerfile.encode("utf-8")), "Dockerfile")
    facts = compute_facts(model, context=DirectoryContext(str(tmp_path)))
    return list(facts.installs(model.stages[-1]).pip)


# -- the text format ------------------------------------------------------------------------------


def test_one_requirement_per_line_with_line_numbers():
    text = "numpy==1.26.4\n\ntensorflow>=2.15,<2.16\npandas\n"
    assert parsed(text) == [("numpy", "==1.26.4", 1), ("tensorflow", "<2.16,>=2.15", 3), ("pandas", "", 4)]


def test_comments_full_line_and_trailing():
    text = "# top comment\n  # indented comment\nnumpy==1.26.4  # trailing\nscipy # trailing too\n"
    assert parsed(text) == [("numpy", "==1.26.4", 3), ("scipy", "", 4)]


def test_hash_without_whitespace_is_not_a_comment():
    [requirement] = parse_requirements_text("git+https://example.com/x/y.git#egg=foo\n").requirements
    assert (requirement.name, requirement.url) == ("foo", "git+https://example.com/x/y.git#egg=foo")


def test_continuation_lines_take_the_first_line():
    text = "a==1\npandas \\\n  >=2.0\nb==2\n"
    assert parsed(text) == [("a", "==1", 1), ("pandas", ">=2.0", 2), ("b", "==2", 4)]


def test_continuation_into_a_comment_line():
    assert parsed("pandas \\\n# comment\nb\n") == [("pandas", "", 1), ("b", "", 3)]


def test_comment_line_ending_in_backslash_is_not_a_continuation():
    assert parsed("# comment \\\nnumpy\n") == [("numpy", "", 2)]


def test_continuation_on_the_last_line():
    assert parsed("numpy \\") == [("numpy", "", 1)]


def test_markers_and_extras():
    [requirement] = parse_requirements_text('tensorflow[and-cuda]==2.15.0 ; python_version < "3.12"\n').requirements
    assert (requirement.name, requirement.extras, requirement.specifier, requirement.marker) == (
        "tensorflow",
        frozenset({"and-cuda"}),
        "==2.15.0",
        'python_version < "3.12"',
    )


def test_includes():
    text = "-r other.txt\n-c cons.txt\n--requirement=more.txt\n-rinline.txt\n--constraint  c2.txt\n-cc3.txt\nx\n"
    result = parse_requirements_text(text)
    assert result.includes == [
        Include("other.txt", 1, False),
        Include("cons.txt", 2, True),
        Include("more.txt", 3, False),
        Include("inline.txt", 4, False),
        Include("c2.txt", 5, True),
        Include("c3.txt", 6, True),
    ]
    assert [(r.name, r.file_line) for r in result.requirements] == [("x", 7)]


def test_editable_lines():
    text = "-e ./pkg\n--editable=git+https://example.com/x/y.git#egg=bar\n-e .\n"
    result = parse_requirements_text(text).requirements
    assert [(r.name, r.path, r.url, r.editable, r.file_line) for r in result] == [
        ("", "./pkg", None, True, 1),
        ("bar", None, "git+https://example.com/x/y.git#egg=bar", True, 2),
        ("", ".", None, True, 3),
    ]


def test_hash_options_are_stripped():
    text = "foo==1.0 --hash=sha256:abc \\\n    --hash=sha256:def\nbar==2.0 --hash sha256:123\n"
    result = parse_requirements_text(text).requirements
    assert [(r.name, r.specifier, r.raw, r.valid, r.file_line) for r in result] == [
        ("foo", "==1.0", "foo==1.0", True, 1),
        ("bar", "==2.0", "bar==2.0", True, 3),
    ]


def test_global_options_are_kept_apart():
    text = "--index-url https://x.example/simple\n-i https://y.example/simple\n--pre\n--no-binary :all:\nnumpy\n"
    result = parse_requirements_text(text)
    assert result.options == [
        ("--index-url https://x.example/simple", 1),
        ("-i https://y.example/simple", 2),
        ("--pre", 3),
        ("--no-binary :all:", 4),
    ]
    assert parsed(text) == [("numpy", "", 5)]


def test_environment_variables():
    text = "bar==${BAR_VERSION}\nbaz==${NOPE}\nqux==$BAR_VERSION\n"
    result = parse_requirements_text(text, {"BAR_VERSION": "2.0"}).requirements
    assert [(r.name, r.specifier, r.known) for r in result[:2]] == [("bar", "==2.0", True), ("baz", "", False)]
    assert result[1].raw == "baz==${NOPE}"
    assert result[2].specifier != "==2.0"  # pip only substitutes ${NAME}


def test_crlf_line_endings():
    text = "numpy==1.26\r\npandas \\\r\n  >=2\r\n# c\r\n-r other.txt\r\n"
    result = parse_requirements_text(text)
    assert [(r.name, r.specifier, r.file_line) for r in result.requirements] == [
        ("numpy", "==1.26", 1),
        ("pandas", ">=2", 2),
    ]
    assert result.includes == [Include("other.txt", 5, False)]


def test_invalid_line_is_kept_as_invalid():
    [requirement] = parse_requirements_text("tensorflow==>2\n").requirements
    assert (requirement.name, requirement.valid, requirement.file_line) == ("tensorflow", False, 1)


@pytest.mark.parametrize("text", ["", "\n\n", "# only comments\n", "\\\n", "-r\n", "-e\n", "\x00\x01", "[[[\n"])
def test_odd_files_never_crash(text):
    parse_requirements_text(text)


# -- read through the Dockerfile ------------------------------------------------------------------


def test_file_requirements_point_at_the_pip_command_and_the_file_line(tmp_path):
    files = {"requirements.txt": "# pinned\nnumpy==1.26.4  # trailing\npandas \\\n  >=2\n"}
    dockerfile = (
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN apt-get update && \\\n    pip install --no-cache-dir -r requirements.txt\n"
    )
    [install] = pip_installs(tmp_path, dockerfile, files)
    assert [(r.name, r.specifier, r.line, r.column, r.file, r.file_line, r.where) for r in install.requirements] == [
        ("numpy", "==1.26.4", 5, 5, "requirements.txt", 2, "requirements.txt:2"),
        ("pandas", ">=2", 5, 5, "requirements.txt", 3, "requirements.txt:3"),
    ]


def test_file_variables_come_from_env_and_the_command(tmp_path):
    files = {"requirements.txt": "tensorflow==${TF_VERSION}\nnumpy==${NP}\n"}
    dockerfile = (
        "FROM python:3.11-slim\nENV TF_VERSION=2.15.0\nCOPY requirements.txt /r/\n"
        "RUN NP=1.26.4 pip install -r /r/requirements.txt\n"
    )
    [install] = pip_installs(tmp_path, dockerfile, files)
    assert [(r.name, r.specifier, r.known) for r in install.requirements] == [
        ("tensorflow", "==2.15.0", True),
        ("numpy", "==1.26.4", True),
    ]


def test_file_with_crlf_and_nested_include(tmp_path):
    files = {"requirements.txt": "numpy\r\n-r more.txt\r\n", "more.txt": "# c\r\ntensorflow==2.15.0\r\n"}
    dockerfile = "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"
    [install] = pip_installs(tmp_path, dockerfile, files)
    assert [(r.name, r.where) for r in install.requirements] == [
        ("numpy", "requirements.txt:1"),
        ("tensorflow", "more.txt:2"),
    ]


def test_file_with_hashes_and_editable(tmp_path):
    files = {"requirements.txt": "foo==1.0 \\\n    --hash=sha256:abc\n-e ./pkg\n"}
    dockerfile = "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"
    [install] = pip_installs(tmp_path, dockerfile, files)
    assert [(r.name, r.specifier, r.editable, r.path, r.where) for r in install.requirements] == [
        ("foo", "==1.0", False, None, "requirements.txt:1"),
        ("", "", True, "./pkg", "requirements.txt:3"),
    ]


def test_non_utf8_file_is_read_without_crashing(tmp_path):
    files = {"requirements.txt": b"numpy==1.26\n# caf\xe9\n\xff\xfe\n"}
    dockerfile = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    [install] = pip_installs(tmp_path, dockerfile, files)
    assert install.requirements[0].name == "numpy"
