"""Fuzz the parser: no bytes make it raise; it is deterministic and its line numbers stay in the file.

Deterministic (profile ``tfimage-fuzz-ci``); ``python tools/fuzz.py`` runs the same properties for long.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.conftest import lint_text
from tests.fuzz import CI_PROFILE
from tests.fuzz.properties import check_parser
from tests.fuzz.strategies import FuzzInput, deep_nesting, dockerfiles, fuzz_inputs, random_bytes, random_texts
from tfimage_lint.syntax.parser import MAX_ONBUILD_NESTING, parse_dockerfile
from tfimage_lint.syntax.shell_lex import MAX_NESTING, ShellError, ShellLex

CI = settings.get_profile(CI_PROFILE)

#: Inputs that once broke a property, or that sit on an edge the strategies reach only by luck.
EDGE_CASES = (
    b"",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xef\xbb\xbf\xef\xbb\xbfFROM a\n",
    b"\xff\xfeF\x00R\x00O\x00M\x00",
    b"FROM a\nRUN echo \xed\xa0\x80\n",  # a lone surrogate written with surrogatepass
    b"FROM a\nRUN <<EOF\n",
    b"FROM a\nRUN <<'EOF\nx\nEOF\n",
    b"FROM a\nCOPY <<A <<-B /x/\nA\n\tB\n",
    b"# escape=`\nFROM a\nRUN x `",
    b"# escape=`\n# escape=`\nFROM a\n",
    b"FROM a\r\nRUN a \\\r\n\r\n# c\r\n  b\r",
    b"FROM a\rRUN b\r",
    b"\\\n\\\n\\",
    b'FROM a\nCMD ["\\ud800"]\n',
    b"FROM a\nENV A=${B:-${C:+${D\n",
    b"ONBUILD ONBUILD ONBUILD",
    b"FROM a\nRUN " + b"x" * 70000 + b"\n",
    b"FROM a\n" + b"ONBUILD " * 5000 + b"RUN x\n",  # once a RecursionError in the parser
    b"ARG A\nFROM python:" + b"${A:-" * 2000 + b"3" + b"}" * 2000 + b"\n",  # once a RecursionError in the model
)


@settings(CI, max_examples=200)
@given(fuzz_inputs())
def test_parser_never_raises_on_generated_input(case: FuzzInput) -> None:
    check_parser(case.data)


@settings(CI, max_examples=100)
@given(st.one_of(st.binary(max_size=300), random_bytes(), random_texts(), deep_nesting()))
@example(b"\x00" * 3)
@example(b"\r\n" * 5 + b"\xc3")
def test_parser_never_raises_on_random_bytes(data: bytes) -> None:
    check_parser(data)


def test_parser_edge_cases() -> None:
    for data in EDGE_CASES:
        check_parser(data)


def test_invalid_utf8_is_a_parse_error_on_its_line_and_the_rest_is_still_parsed() -> None:
    result = parse_dockerfile(b"FROM a\nRUN b\n\xff\n")
    assert [ins.keyword for ins in result.instructions] == ["from", "run", "\ufffd"]
    assert [(issue.line, issue.message) for issue in result.errors] == [(3, "invalid UTF-8 at byte 1 of the line")]


def test_binary_content_is_one_parse_error_on_the_line_of_the_first_bad_byte() -> None:
    # nothing of a binary file is decoded, so the line counts the raw bytes' LF-separated lines
    result = parse_dockerfile(b"FROM a\nRUN b\n\x00\xff\n")
    assert (result.instructions, result.source_lines) == ((), ())
    assert [(issue.line, issue.message) for issue in result.errors] == [
        (3, "not a Dockerfile: binary content (NUL bytes and invalid UTF-8)")
    ]


def test_the_valid_grammar_mostly_yields_files_buildkit_accepts() -> None:
    # guards the strategy itself: if it drifted into garbage, the rules' deeper paths would go unfuzzed
    clean: list[bool] = []

    @settings(CI, max_examples=40)
    @given(dockerfiles(valid=True))
    def collect(data: bytes) -> None:
        check_parser(data)
        clean.append(parse_dockerfile(data).ok)

    collect()
    assert len(clean) >= 40
    assert sum(clean) >= 0.6 * len(clean), f"only {sum(clean)} of {len(clean)} generated files parse"


def test_a_long_onbuild_chain_parses_to_the_buildkit_error_instead_of_exhausting_the_stack() -> None:
    # found by fuzzing: each ONBUILD level recursed once, so ~1000 levels raised RecursionError
    result = parse_dockerfile(b"FROM a\n" + b"ONBUILD " * 5000 + b"RUN x\n")
    assert result.ok and [ins.keyword for ins in result.instructions] == ["from", "onbuild"]
    depth, sub = 0, result.instructions[1].sub
    while sub is not None:
        depth, sub = depth + 1, sub.sub
    assert depth == MAX_ONBUILD_NESTING
    findings = lint_text(b"FROM a\n" + b"ONBUILD " * 5000 + b"RUN x\n", select=["DF000"])
    assert [(f.rule_id, f.line, f.message) for f in findings] == [
        ("DF000", 2, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
    ]


def test_a_short_onbuild_chain_keeps_every_level() -> None:
    result = parse_dockerfile(b"FROM a\nONBUILD ONBUILD RUN x\n")
    onbuild = result.instructions[1]
    assert onbuild.sub is not None and onbuild.sub.sub is not None
    assert (onbuild.sub.keyword, onbuild.sub.sub.keyword, onbuild.sub.sub.args) == ("onbuild", "run", ("x",))


def test_substitutions_nest_up_to_the_limit_and_deeper_is_a_shell_error() -> None:
    # found by fuzzing: ${A:-${A:-...}} about 330 deep raised RecursionError while building the model
    deepest = "${A:-" * MAX_NESTING + "x" + "}" * MAX_NESTING
    assert ShellLex().process_word(deepest) == "x"
    assert ShellLex().process_word('"' + deepest + '"') == "x"
    too_deep = "${A:-" * (MAX_NESTING + 1) + "x" + "}" * (MAX_NESTING + 1)
    with pytest.raises(ShellError, match="substitutions nested more than 100 deep"):
        ShellLex().process_word(too_deep)
    lexer = ShellLex()
    with pytest.raises(ShellError):
        lexer.process_word(too_deep)
    assert lexer.process_word("${A:-${B:-y}}") == "y"  # the depth count is back to zero after the error


def test_a_too_deeply_nested_substitution_is_df000_on_its_line() -> None:
    depth = MAX_NESTING + 1
    data = b"ARG A\nFROM python:" + b"${A:-" * depth + b"3" + b"}" * depth + b"\n"
    findings = lint_text(data, select=["DF000"])
    assert [(f.rule_id, f.line) for f in findings] == [("DF000", 2)]
    assert "substitutions nested more than 100 deep" in findings[0].message
    fine = b"ARG A\nFROM python:" + b"${A:-" * MAX_NESTING + b"3" + b"}" * MAX_NESTING + b"\n"
    assert lint_text(fine, select=["DF000"]) == []
