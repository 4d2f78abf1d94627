"""Conformance with BuildKit's own parser and shell-lexer test data.

The vectors under ``../shared/vectors`` are BuildKit's (moby/buildkit, Apache-2.0, Copyright Docker,
Inc. and the BuildKit authors): ``parser/testfiles``, ``testfiles-negative``, the tables of
``parser/*_test.go`` and the ``envVarTest``/``wordsTest`` files of ``frontend/dockerfile/shell``.
See ``../shared/vectors/README.md`` for what each file holds.

Every test takes the ``shared`` fixture, so the whole module is skipped (not failed) where
``../shared`` is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfimage_lint.syntax.directives import DirectiveParser, detect_syntax
from tfimage_lint.syntax.heredoc import HeredocError, heredocs_from_line, parse_heredoc_word
from tfimage_lint.syntax.line_parsers import (
    NOT_STRING_ARRAY,
    LineParseError,
    parse_env,
    parse_json_array,
    parse_label,
    parse_words,
)
from tfimage_lint.syntax.parser import parse_dockerfile, parse_text
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

pytestmark = pytest.mark.conformance

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors"

POSITIVE = [
    "ADD-COPY-with-JSON",
    "args",
    "brimstone-consuldock",
    "brimstone-docker-consul",
    "continue-at-eof",
    "continueIndent",
    "cpuguy83-nagios",
    "docker",
    "env",
    "escape",
    "escape-after-comment",
    "escape-nonewline",
    "escape-with-syntax",
    "escapes",
    "flags",
    "health",
    "influxdb",
    "jeztah-invalid-json-json-inside-string",
    "jeztah-invalid-json-json-inside-string-double",
    "jeztah-invalid-json-single-quotes",
    "jeztah-invalid-json-unterminated-bracket",
    "jeztah-invalid-json-unterminated-string",
    "json",
    "kartar-entrypoint-oddities",
    "lk4d4-the-edge-case-generator",
    "mail",
    "multiple-volumes",
    "mumble",
    "nginx",
    "tf2",
    "trailing-backslash",
    "weechat",
    "znc",
]

# BuildKit's *parser* accepts every positive vector, but a few hold instructions that BuildKit's
# next stage (instructions/parse.go, or word expansion at dispatch) rejects; `parse` reports those
# too, so it exits 1 for them.  Value: the lines of those build-time errors.
#   env      line 12 ENV name='a\'b'            -> unterminated single quote when expanded
#   escapes  line 6  ADD \conf\\" /.znc          -> unterminated double quote when expanded
#   flags    COPY --user/--doit, CMD --doit     -> "unknown flag" (BFlags.Parse)
#   health   bare HEALTHCHECK, HEALTHCHECK CMD, HEALTHCHECK CONNECT -> parseHealthcheck errors
# `CMD []` (json, brimstone-docker-consul) is *not* an error: BuildKit's parseCmd has no
# argument-count check, so those vectors must exit 0.
BUILD_TIME_ERROR_LINES = {
    "env": {12},
    "escapes": {6},
    "flags": {3, 4, 5, 6, 8, 9, 10},
    "health": {4, 7, 10},
}

NEGATIVE = {
    "empty_dockerfile": "file with no instructions",
    "only_comments": "file with no instructions",
    "env_no_value": "ENV must have two arguments",
    "shykes-nested-json": "when using JSON array syntax, arrays must be comprised of strings only",
}


def _load_json(relative: str) -> Any:
    path = VECTORS / relative
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


UNIT = _load_json("buildkit_unit_vectors.json") or {}


def _cases(key: str) -> list[Any]:
    """The cases under ``key`` of the unit vectors, or one placeholder the ``shared`` fixture skips."""
    return UNIT.get(key) or [pytest.param(None, id="shared-missing")]


def _dump(node: dict[str, Any] | None) -> dict[str, Any] | None:
    """Keep only what BuildKit's ``Node.Dump()`` shows."""
    if node is None:
        return None
    return {"cmd": node["cmd"], "flags": node["flags"], "args": node["args"], "sub": _dump(node["sub"])}


def _run_parse(cli, path: Path) -> tuple[int, dict[str, Any]]:
    result = cli(["parse", str(path)])
    return result.exit_code, json.loads(result.stdout)


# -- the parser testfiles ---------------------------------------------------------------------


def test_positive_vector_list_is_complete(shared):
    found = sorted(
        p.name for p in (shared / "vectors" / "buildkit_parser").iterdir() if (p / "expected.json").is_file()
    )
    assert found == sorted(POSITIVE)
    assert len(found) == 33


@pytest.mark.parametrize("name", POSITIVE)
def test_positive_vector_dump(shared, cli, name):
    folder = shared / "vectors" / "buildkit_parser" / name
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    _, document = _run_parse(cli, folder / "Dockerfile")
    assert [_dump(ins) for ins in document["instructions"]] == expected


@pytest.mark.parametrize("name", POSITIVE)
def test_positive_vector_lines(shared, cli, name):
    folder = shared / "vectors" / "buildkit_parser" / name
    expected = json.loads((folder / "lines_go.json").read_text(encoding="utf-8"))["lines"]
    _, document = _run_parse(cli, folder / "Dockerfile")
    assert [[ins["start_line"], ins["end_line"]] for ins in document["instructions"]] == expected


@pytest.mark.parametrize("name", POSITIVE)
def test_positive_vector_is_accepted(shared, cli, name):
    folder = shared / "vectors" / "buildkit_parser" / name
    # The parser itself accepts the file, as BuildKit's Parse() does.
    assert parse_dockerfile((folder / "Dockerfile").read_bytes()).errors == ()
    exit_code, document = _run_parse(cli, folder / "Dockerfile")
    if name in BUILD_TIME_ERROR_LINES:
        assert {error["line"] for error in document["errors"]} == BUILD_TIME_ERROR_LINES[name]
        assert exit_code == 1
    else:
        assert [(error["line"], error["message"]) for error in document["errors"]] == []
        assert exit_code == 0


@pytest.mark.parametrize(("name", "message"), NEGATIVE.items(), ids=NEGATIVE.keys())
def test_negative_vector(shared, cli, name, message):
    exit_code, document = _run_parse(cli, shared / "vectors" / "buildkit_parser" / "negative" / name / "Dockerfile")
    assert exit_code == 1
    assert document["errors"] != []
    assert [error["message"] for error in document["errors"]] == [message]


def test_testfile_line_spans(shared, cli):
    folder = shared / "vectors" / "buildkit_parser" / "_testfile-line"
    upstream = json.loads((folder / "lines.json").read_text(encoding="utf-8"))["children"]
    exit_code, document = _run_parse(cli, folder / "Dockerfile")
    spans = [[ins["start_line"], ins["end_line"]] for ins in document["instructions"]]
    assert spans == [[5, 5], [11, 12], [17, 31]]
    assert spans == upstream
    assert exit_code == 0


# -- parser/*_test.go ----------------------------------------------------------------------


def _heredoc_fields(heredocs) -> list[dict[str, Any]] | None:
    if not heredocs:
        return None
    return [
        {
            "Name": h.name,
            "Content": h.content,
            "Expand": h.expand,
            "Chomp": h.chomp,
            "FileDescriptor": h.file_descriptor,
        }
        for h in heredocs
    ]


def test_heredoc_extract(shared):
    case = UNIT["heredoc_extract"]
    result = parse_text(case["dockerfile"])
    assert result.errors == ()
    expected = case["expected_heredocs_by_child"]
    children = result.instructions[1:]
    assert len(children) == len(expected) == 27
    assert result.instructions[0].keyword == "from"
    for index, (child, want) in enumerate(zip(children, expected, strict=True), start=1):
        assert _heredoc_fields(child.heredocs) == want, f"child {index}: {child.original!r}"


def test_heredoc_json_form(shared):
    result = parse_text(UNIT["heredoc_json_form"]["dockerfile"])
    runs = result.instructions[1:]
    assert [ins.args for ins in runs] == [("whoami",), ("<<EOF",), ("<<'EOF'",)]
    assert [ins.is_json for ins in runs] == [True, True, True]
    assert [ins.heredocs for ins in runs] == [(), (), ()]


@pytest.mark.parametrize("word", (UNIT.get("heredoc_word_helpers") or {}).get("valid_name_EOF") or [None])
def test_heredoc_word_valid(shared, word):
    heredoc = parse_heredoc_word(word)
    assert heredoc is not None
    assert heredoc.name == "EOF"


@pytest.mark.parametrize("word", (UNIT.get("heredoc_word_helpers") or {}).get("invalid_error") or [None])
def test_heredoc_word_invalid(shared, word):
    with pytest.raises(HeredocError):
        parse_heredoc_word(word)


@pytest.mark.parametrize("word", (UNIT.get("heredoc_word_helpers") or {}).get("not_heredoc") or [None])
def test_heredoc_word_not_a_heredoc(shared, word):
    assert parse_heredoc_word(word) is None


@pytest.mark.parametrize("case", _cases("heredocs_from_line"))
def test_heredocs_from_line(shared, case):
    names = [h.name for h in heredocs_from_line(case["line"])]
    assert names == (case["heredoc_names"] or [])


def test_empty_continuation_warning(shared):
    case = UNIT["empty_continuation_warning"]
    result = parse_text(case["dockerfile"])
    assert result.ok is case["expect_parse_ok"] is True
    assert len(result.warnings) == case["expected_warning_count"] == 2
    joined = case["expected_joined_instructions"]
    assert [w.message for w in result.warnings] == [f"Empty continuation line found in: {text}" for text in joined]
    warned = [ins.original for ins in result.instructions if ins.original in joined]
    assert warned == joined
    # Comment lines inside a continuation are dropped silently.
    assert [ins.original for ins in result.instructions][-2:] == [
        "RUN non-indented    after-comment",
        "RUN indented     comment",
    ]


def test_line_too_long(shared):
    case = UNIT["line_too_long"]
    text = case["prefix"] + "a" * case["repeat"] + case["suffix"]
    result = parse_text(text)
    assert [e.message for e in result.errors] == [case["expected_error"]]
    assert case["expected_error"] == "dockerfile line greater than max allowed size of 65535"


@pytest.mark.parametrize("case", _cases("parse_words"))
def test_parse_words(shared, case):
    assert parse_words(case["input"], "\\") == case["expect"]


@pytest.mark.parametrize("case", _cases("directives_parser_cases"))
def test_directives_parser(shared, case):
    parser = DirectiveParser()
    found = []
    for line in case["input"].split("\n"):
        directive = parser.parse_line(line)
        if parser.done:
            break
        if directive is not None:
            found.append(list(directive))
    assert found == case["expected"]
    # The full parser records the same directives.
    assert [[d.name, d.value] for d in parse_text(case["input"]).directives] == case["expected"]


ESCAPE_DIRECTIVE_ERRORS = {
    "duplicate_escape_directive_error": "only one escape parser directive can be used",
    "invalid_escape_token_error": "invalid escape token 'x' does not match ` or \\",
}


@pytest.mark.parametrize(
    "case", _cases("escape_directive_cases"), ids=lambda c: c["name"] if isinstance(c, dict) else "none"
)
def test_escape_directive(shared, case):
    result = parse_text(case["dockerfile"])
    if case["expected_names"] is None:
        assert result.errors != ()
        assert result.errors[0].message == ESCAPE_DIRECTIVE_ERRORS[case["name"]]
    else:
        assert result.errors == ()
        assert [ins.keyword for ins in result.instructions] == case["expected_names"]


@pytest.mark.parametrize("case", _cases("detect_syntax"))
def test_detect_syntax(shared, case):
    text = case["input"]
    if case.get("input_bytes_hex_prefix"):
        text = bytes.fromhex(case["input_bytes_hex_prefix"]).decode("utf-8") + text
    found = detect_syntax(text)
    if not case["ok"]:
        assert found is None
        return
    assert found is not None
    ref, cmdline, line = found
    assert ref == case["ref"]
    if "cmdline" in case:
        assert cmdline == case["cmdline"]
    if "line" in case:
        assert line == case["line"]


@pytest.mark.parametrize("text", list((UNIT.get("json_arrays") or {}).get("valid") or [None]))
def test_json_array_valid(shared, text):
    assert parse_json_array(text) == UNIT["json_arrays"]["valid"][text]


@pytest.mark.parametrize("text", (UNIT.get("json_arrays") or {}).get("invalid") or [None])
def test_json_array_non_string_element(shared, text):
    with pytest.raises(LineParseError, match=f"^{NOT_STRING_ARRAY}$"):
        parse_json_array(text)


@pytest.mark.parametrize("case", _cases("name_val"))
def test_name_val(shared, case):
    parse = parse_label if case["key"] == "LABEL" else parse_env
    if "expected_error" in case:
        with pytest.raises(LineParseError) as excinfo:
            parse(case["input"], "\\")
        assert str(excinfo.value) == case["expected_error"]
    else:
        assert parse(case["input"], "\\") == (case["expected_nodes"], False)


# -- frontend/dockerfile/shell ---------------------------------------------------------------

SHELL_ENV = {"PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""}


def _env_var_rows() -> list[Any]:
    """``envVarTest`` rows for unix, read the way TestShellParser4EnvVars reads them."""
    path = VECTORS / "buildkit_shell" / "envVarTest"
    if not path.is_file():
        return [pytest.param(None, None, id="shared-missing")]
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if raw.startswith("#"):
            continue
        line = raw.strip()
        if not line:
            continue
        platform, source, expected = (part.strip() for part in line.split("|"))
        if platform == "W":
            continue
        rows.append(pytest.param(source, expected, id=f"L{number}:{source}"))
    return rows


def _words_rows() -> list[Any]:
    """``wordsTest`` rows with the environment built so far, as TestShellParser4Words does."""
    path = VECTORS / "buildkit_shell" / "wordsTest"
    if not path.is_file():
        return [pytest.param(None, None, None, id="shared-missing")]
    env: dict[str, str] = {}
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line or line.startswith("#"):
            continue
        if line.startswith("ENV "):
            key, _, value = line[3:].lstrip(" ").partition("=")
            env[key] = value
            continue
        source, expected = line.split("|")
        rows.append(pytest.param(source.strip(), expected.lstrip(" ").split(","), dict(env), id=f"L{number}"))
    return rows


def test_shell_tables_keep_their_trailing_spaces(shared):
    words = (shared / "vectors" / "buildkit_shell" / "wordsTest").read_text(encoding="utf-8")
    assert "ENV trailing=ab c   \n" in words
    assert 'hel"lo${trailing}" | helloab c   \n' in words


@pytest.mark.parametrize(("source", "expected"), _env_var_rows())
def test_env_var_table(shared, source, expected):
    lexer = ShellLex("\\")
    if expected == "error":
        with pytest.raises(ShellError):
            lexer.process_word(source, SHELL_ENV)
    else:
        assert lexer.process_word(source, SHELL_ENV) == expected


@pytest.mark.parametrize(("source", "expected", "env"), _words_rows())
def test_words_table(shared, source, expected, env):
    lexer = ShellLex("\\")
    try:
        words = lexer.process_words(source, env)
    except ShellError:
        words = ["error"]
    assert words == expected
