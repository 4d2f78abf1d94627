"""The Dockerfile parser on the project's own small fixtures (BuildKit semantics, exact values)."""

from __future__ import annotations

import pytest

from tfimage_lint.syntax import Comment, Directive, Heredoc, ParseIssue, parse_dockerfile, parse_text
from tfimage_lint.syntax.heredoc import parse_heredoc_word
from tfimage_lint.syntax.line_parsers import NOT_STRING_ARRAY


def dump(result) -> list[tuple]:
    """``(keyword, flags, args)`` per instruction, the part BuildKit's ``Node.Dump()`` shows."""
    return [(ins.keyword, ins.flags, ins.args) for ins in result.instructions]


def spans(result) -> list[tuple[int, int]]:
    return [(ins.start_line, ins.end_line) for ins in result.instructions]


def messages(issues) -> list[str]:
    return [issue.message for issue in issues]


# -- bytes, encodings, line endings -------------------------------------------------------------


def test_utf8_bom_is_stripped():
    result = parse_dockerfile(b"\xef\xbb\xbfFROM alpine\nRUN true\n")
    assert dump(result) == [("from", (), ("alpine",)), ("run", (), ("true",))]
    assert result.instructions[0].keyword_text == "FROM"
    assert result.errors == ()


def test_only_one_utf8_bom_is_stripped():
    # BuildKit's discardBOM is bytes.TrimPrefix: one BOM goes, a second one is part of the
    # keyword, which is then an unknown instruction.
    result = parse_dockerfile(b"\xef\xbb\xbf\xef\xbb\xbfFROM alpine\n")
    assert [ins.keyword_text for ins in result.instructions] == ["\ufeffFROM"]


def test_invalid_utf8_is_an_error_and_the_rest_parses():
    result = parse_dockerfile(b"FROM alpine\nRUN echo \xff\xfe ok\nRUN next\n")
    assert result.errors == (ParseIssue("invalid UTF-8 at byte 10 of the line", 2, 2, 10),)
    assert dump(result) == [
        ("from", (), ("alpine",)),
        ("run", (), ("echo \ufffd\ufffd ok",)),
        ("run", (), ("next",)),
    ]
    assert spans(result) == [(1, 1), (2, 2), (3, 3)]


def test_binary_content_gives_one_error_and_no_instructions():
    result = parse_dockerfile(b"\x7fELF\x02\x01\x00\x00\xff\xfe\nFROM alpine\n")
    assert result.instructions == ()
    assert result.errors == (ParseIssue("not a Dockerfile: binary content (NUL bytes and invalid UTF-8)", 1, 1),)


def test_crlf_line_endings():
    text = "FROM alpine\r\nRUN apk add \\\r\n    curl\r\nRUN cat <<EOF\r\nline one\r\nline two\r\nEOF\r\nENV A=1\r\n"
    result = parse_text(text)
    assert result.errors == ()
    assert dump(result) == [
        ("from", (), ("alpine",)),
        ("run", (), ("apk add     curl",)),
        ("run", (), ("cat <<EOF",)),
        ("env", (), ("A", "1", "=")),
    ]
    assert spans(result) == [(1, 1), (2, 3), (4, 7), (8, 8)]
    # BuildKit keeps heredoc lines byte for byte, CR included; the terminator still matches.
    assert result.instructions[2].heredocs == (Heredoc("EOF", 0, True, False, "line one\r\nline two\r\n", 5, 7),)
    assert result.source_lines[1] == "RUN apk add \\"


# -- directives --------------------------------------------------------------------------------


def test_directives_are_recorded_with_their_lines():
    text = "# syntax=docker/dockerfile:1.7\n# escape=`\n# check=skip=JSONArgsRecommended\nFROM alpine\n"
    result = parse_text(text)
    assert result.directives == (
        Directive("syntax", "docker/dockerfile:1.7", 1),
        Directive("escape", "`", 2),
        Directive("check", "skip=JSONArgsRecommended", 3),
    )
    assert result.escape_token == "`"
    assert result.comments == ()
    assert spans(result) == [(4, 4)]


def test_directive_names_are_case_insensitive_and_spaces_allowed():
    result = parse_text("#  ESCAPE = `\nFROM alpine\n")
    assert result.directives == (Directive("escape", "`", 1),)
    assert result.escape_token == "`"


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\n# escape=`\nRUN a `\n  b\n",
        "\n# escape=`\nFROM alpine\nRUN a `\n  b\n",
        "# a comment\n# escape=`\nFROM alpine\nRUN a `\n  b\n",
        "# unknown=directive\n# escape=`\nFROM alpine\nRUN a `\n  b\n",
    ],
    ids=["after-instruction", "after-blank-line", "after-comment", "after-unknown-directive"],
)
def test_late_directive_is_a_plain_comment(text):
    result = parse_text(text)
    assert result.directives == ()
    assert Comment(text.split("\n").index("# escape=`") + 1, "escape=`") in result.comments
    assert result.escape_token == "\\"
    # ` is not the escape token, so the RUN does not continue and "b" is an instruction.
    assert [ins.keyword for ins in result.instructions][-2:] == ["run", "b"]


def test_duplicate_escape_directive_is_an_error():
    result = parse_text("# escape=`\n# escape=\\\nFROM alpine\n")
    assert result.errors == (ParseIssue("only one escape parser directive can be used", 2, 2),)
    assert result.directives == (Directive("escape", "`", 1),)
    assert dump(result) == [("from", (), ("alpine",))]


def test_invalid_escape_token_is_an_error():
    result = parse_text("# escape=x\nFROM alpine\n")
    assert result.errors == (ParseIssue("invalid escape token 'x' does not match ` or \\", 1, 1),)
    assert result.escape_token == "\\"
    assert dump(result) == [("from", (), ("alpine",))]


def test_directive_after_unicode_blank_following_the_hash():
    # BuildKit's DirectiveParser cuts the '#' and trims with unicode.IsSpace (bytes.TrimLeftFunc),
    # so a no-break space between '#' and the key still gives a directive.
    result = parse_text("#\u00a0escape=`\nFROM alpine\nRUN a `\n  b\n")
    assert [(d.name, d.value, d.line) for d in result.directives] == [("escape", "`", 1)]
    assert result.escape_token == "`"


def test_backtick_escape():
    text = (
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN dir C:\\ `\n"
        "    && echo done\n"
        "COPY C:\\src\\ C:\\dst\\\n"
        "WORKDIR C:\\app\n"
        "RUN echo a``\n"
        "RUN next\n"
    )
    result = parse_text(text)
    assert result.errors == ()
    assert dump(result) == [
        ("from", (), ("mcr.microsoft.com/windows/servercore:ltsc2022",)),
        ("run", (), ("dir C:\\     && echo done",)),
        ("copy", (), ("C:\\src\\", "C:\\dst\\")),
        ("workdir", (), ("C:\\app",)),
        ("run", (), ("echo a``",)),
        ("run", (), ("next",)),
    ]
    assert spans(result) == [(2, 2), (3, 4), (5, 5), (6, 6), (7, 7), (8, 8)]


# -- continuation lines ------------------------------------------------------------------------


def test_continuation_keeps_inner_whitespace_and_skips_comments_and_blank_lines():
    text = "FROM alpine\nRUN apk add \\\n# the packages\n    curl \\\n\n    wget\nRUN done\n"
    result = parse_text(text)
    assert dump(result)[1] == ("run", (), ("apk add     curl     wget",))
    assert spans(result) == [(1, 1), (2, 6), (7, 7)]
    assert result.instructions[1].instruction_lines == (2, 4, 6)
    assert result.comments == (Comment(3, "the packages"),)
    # Only the blank line warns, not the comment line.
    assert result.warnings == (ParseIssue("Empty continuation line found in: RUN apk add     curl     wget", 2, 6),)


def test_comment_line_inside_continuation_does_not_warn():
    result = parse_text("FROM alpine\nRUN a \\\n    # note\n    b\n")
    assert result.warnings == ()
    assert dump(result)[1] == ("run", (), ("a     b",))


def test_trailing_blanks_after_the_escape_still_continue():
    result = parse_text("FROM alpine\nRUN a \\ \t\n  b\n")
    assert dump(result)[1] == ("run", (), ("a   b",))
    assert spans(result) == [(1, 1), (2, 3)]


def test_continuation_open_at_eof_ends_the_instruction():
    result = parse_text("FROM alpine\nRUN echo hi \\\n")
    assert result.errors == ()
    assert dump(result) == [("from", (), ("alpine",)), ("run", (), ("echo hi",))]
    assert spans(result) == [(1, 1), (2, 2)]


def test_escaped_escape_at_end_of_line_does_not_continue():
    result = parse_text("FROM alpine\nRUN echo C:\\\\\nRUN next\n")
    assert dump(result) == [
        ("from", (), ("alpine",)),
        ("run", (), ("echo C:\\\\",)),
        ("run", (), ("next",)),
    ]


def test_hash_after_text_is_literal():
    result = parse_text("FROM alpine # not a comment\nRUN echo # kept\n")
    assert dump(result) == [
        ("from", (), ("alpine", "#", "not", "a", "comment")),
        ("run", (), ("echo # kept",)),
    ]
    assert result.comments == ()


# -- heredocs ----------------------------------------------------------------------------------


def test_heredoc_basic_and_chomp():
    text = "FROM alpine\nRUN <<EOF\necho hi\necho there\nEOF\nRUN <<-EOT\n\techo tab\n\tEOT\nRUN after\n"
    result = parse_text(text)
    assert result.errors == ()
    run, chomped = result.instructions[1:3]
    assert run.args == ("<<EOF",)
    assert run.heredocs == (Heredoc("EOF", 0, True, False, "echo hi\necho there\n", 3, 5),)
    # The body is kept raw: <<- only lets the terminator be indented with tabs.
    assert chomped.heredocs == (Heredoc("EOT", 0, True, True, "\techo tab\n", 7, 8),)
    assert spans(result) == [(1, 1), (2, 5), (6, 8), (9, 9)]
    assert run.instruction_lines == (2,)


@pytest.mark.parametrize(
    ("word", "name", "expand"),
    [
        ("<<EOF", "EOF", True),
        ("<<'EOF'", "EOF", False),
        ('<<"EOF"', "EOF", False),
        ("<<E'O'F", "EOF", False),
        ("<<'one two'", "one two", False),
        ("<<-EOF", "EOF", True),
    ],
)
def test_heredoc_quoting_controls_expansion(word, name, expand):
    result = parse_text(f"FROM alpine\nRUN cat {word}\nbody $X\n{name}\n")
    (heredoc,) = result.instructions[1].heredocs
    assert (heredoc.name, heredoc.expand, heredoc.content) == (name, expand, "body $X\n")


def test_several_heredocs_on_one_line_with_file_descriptor():
    text = "FROM alpine\nRUN <<A 3<<B cat /dev/fd/3\nfirst\nA\nsecond\nB\nRUN after\n"
    result = parse_text(text)
    assert result.instructions[1].heredocs == (
        Heredoc("A", 0, True, False, "first\n", 3, 4),
        Heredoc("B", 3, True, False, "second\n", 5, 6),
    )
    assert spans(result) == [(1, 1), (2, 6), (7, 7)]


def test_heredoc_on_copy_add_and_onbuild_run():
    text = (
        "FROM alpine\n"
        "COPY <<EOF /etc/app.conf\nkey=value\nEOF\n"
        "ADD --chmod=755 <<EOF /usr/bin/hello\n#!/bin/sh\necho hello\nEOF\n"
        "ONBUILD RUN <<EOF\nmake\nEOF\n"
    )
    result = parse_text(text)
    assert result.errors == ()
    copy, add, onbuild = result.instructions[1:]
    assert copy.args == ("<<EOF", "/etc/app.conf")
    assert copy.heredocs == (Heredoc("EOF", 0, True, False, "key=value\n", 3, 4),)
    assert add.flags == ("--chmod=755",)
    assert add.heredocs == (Heredoc("EOF", 0, True, False, "#!/bin/sh\necho hello\n", 6, 8),)
    assert onbuild.heredocs == (Heredoc("EOF", 0, True, False, "make\n", 10, 11),)
    assert onbuild.sub is not None
    assert onbuild.sub.heredocs == onbuild.heredocs
    assert spans(result) == [(1, 1), (2, 4), (5, 8), (9, 11)]


def test_heredoc_body_lines_that_look_like_instructions_are_body():
    result = parse_text("FROM alpine\nRUN <<EOF\nFROM evil\n# comment\n\nEOF\n")
    assert dump(result) == [("from", (), ("alpine",)), ("run", (), ("<<EOF",))]
    assert result.instructions[1].heredocs[0].content == "FROM evil\n# comment\n\n"
    assert result.comments == ()


def test_unterminated_heredoc_is_an_error():
    result = parse_text("FROM alpine\nRUN <<EOF\necho never ends\n")
    assert result.errors == (ParseIssue("unterminated heredoc EOF", 2, 3),)
    assert dump(result) == [("from", (), ("alpine",)), ("run", (), ("<<EOF",))]
    assert result.instructions[1].heredocs == ()


def test_json_form_run_has_no_heredoc():
    result = parse_text('FROM alpine\nRUN ["<<EOF"]\nRUN after\n')
    assert dump(result)[1:] == [("run", (), ("<<EOF",)), ("run", (), ("after",))]
    assert result.instructions[1].is_json is True
    assert result.instructions[1].heredocs == ()


def test_user_cannot_take_a_heredoc():
    result = parse_text("FROM alpine\nUSER <<X\nX\n")
    assert dump(result) == [("from", (), ("alpine",)), ("user", (), ("<<X",)), ("x", (), ("",))]
    assert result.instructions[1].heredocs == ()


def test_quoted_heredoc_marker_is_not_a_heredoc():
    result = parse_text('FROM alpine\nRUN echo "<<EOF"\nRUN after\n')
    assert result.instructions[1].heredocs == ()
    assert spans(result) == [(1, 1), (2, 2), (3, 3)]


def test_heredoc_file_descriptor_is_ascii_digits_only():
    # BuildKit's reHeredoc is ^(\d*)<<..., and RE2's \d is [0-9]: "٣<<EOF" is not a heredoc.
    assert parse_heredoc_word("\u0663<<EOF") is None


# -- JSON and shell forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "args", "is_json"),
    [
        ('CMD ["python", "-m", "http.server"]', ("python", "-m", "http.server"), True),
        ('CMD [ "a" , "b" ]', ("a", "b"), True),
        ("CMD []", (), True),
        ("CMD python -m http.server", ("python -m http.server",), False),
        ("CMD ['single', 'quotes']", ("['single', 'quotes']",), False),
        ('CMD ["unterminated"', ('["unterminated"',), False),
        ('CMD ["a"] trailing', ('["a"] trailing',), False),
        ('CMD ["\\u00e9\\n"]', ("\u00e9\n",), True),
        ('ENTRYPOINT ["/bin/sh", "-c"]', ("/bin/sh", "-c"), True),
        ('SHELL ["pwsh", "-Command"]', ("pwsh", "-Command"), True),
        ('COPY ["a b.txt", "/dst/"]', ("a b.txt", "/dst/"), True),
        ('COPY "a b.txt" /dst/', ('"a', 'b.txt"', "/dst/"), False),
        ('VOLUME ["/data", "/logs"]', ("/data", "/logs"), True),
        ("VOLUME /data   /logs", ("/data", "/logs"), False),
    ],
)
def test_json_or_shell_form(line, args, is_json):
    (ins,) = parse_text(line + "\n").instructions
    assert (ins.args, ins.is_json) == (args, is_json)


@pytest.mark.parametrize("array", ['["a", 1]', '["a", ["b"]]', '["a", null]', '["a", {"b": "c"}]', '["a", true]'])
def test_json_array_with_non_string_element_is_an_error(array):
    result = parse_text(f"FROM alpine\nRUN {array}\nRUN after\n")
    assert result.errors == (ParseIssue(NOT_STRING_ARRAY, 2, 2),)
    assert dump(result) == [("from", (), ("alpine",)), ("run", (), ("after",))]


def test_json_number_out_of_range_falls_back_to_shell_form():
    # Go's json.Unmarshal fails on 1e999 (float64 overflow) with an UnmarshalTypeError, which
    # is not errDockerfileNotStringArray, so BuildKit's parseMaybeJSON keeps the shell form.
    result = parse_text('CMD ["a", 1e999]\n')
    assert result.errors == ()
    assert dump(result) == [("cmd", (), ('["a", 1e999]',))]


def test_deeply_nested_json_array_is_a_non_string_array_error():
    # Go's decoder accepts nesting up to 10000 levels, so this decodes and its element is an array.
    nested = "[" * 2000 + "]" * 2000
    result = parse_text(f"CMD {nested}\n")
    assert messages(result.errors) == [NOT_STRING_ARRAY]


# -- builder flags -----------------------------------------------------------------------------


def test_builder_flags():
    text = (
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
        "RUN --mount=type=cache,target=/root/.cache/go-build --network=none --security=insecure"
        " --device=nvidia.com/gpu=all go build ./...\n"
        "COPY --from=build --chown=1000:1000 --chmod=0755 --link /out/app /usr/bin/app\n"
        "ADD --frobnicate=yes --checksum=sha256:abc https://example.com/x.tgz /x.tgz\n"
        'RUN --mount="type=secret,id=token" -- cat /run/secrets/token\n'
        "RUN -- --not-a-flag\n"
        "RUN --label=a\\ b true\n"
    )
    result = parse_text(text)
    assert dump(result) == [
        ("from", ("--platform=$BUILDPLATFORM",), ("golang:1.22", "AS", "build")),
        (
            "run",
            (
                "--mount=type=cache,target=/root/.cache/go-build",
                "--network=none",
                "--security=insecure",
                "--device=nvidia.com/gpu=all",
            ),
            ("go build ./...",),
        ),
        ("copy", ("--from=build", "--chown=1000:1000", "--chmod=0755", "--link"), ("/out/app", "/usr/bin/app")),
        ("add", ("--frobnicate=yes", "--checksum=sha256:abc"), ("https://example.com/x.tgz", "/x.tgz")),
        ("run", ("--mount=type=secret,id=token",), ("cat /run/secrets/token",)),
        ("run", (), ("--not-a-flag",)),
        ("run", ("--label=a b",), ("true",)),
    ]
    copy = result.instructions[2]
    assert copy.flag_value("from") == "build"
    assert copy.flag_value("link") == ""
    assert copy.flag_value("parents") is None
    assert result.instructions[1].rest == "go build ./..."


def test_onbuild_holds_the_inner_instruction_and_its_flags():
    text = "FROM alpine\nONBUILD RUN --mount=type=cache,target=/c make\nonbuild copy --from=b /x /y\nONBUILD\n"
    result = parse_text(text)
    onbuild_run, onbuild_copy, bare = result.instructions[1:]
    assert (onbuild_run.keyword, onbuild_run.flags, onbuild_run.args) == ("onbuild", (), ())
    assert onbuild_run.sub is not None
    assert (onbuild_run.sub.keyword, onbuild_run.sub.flags, onbuild_run.sub.args) == (
        "run",
        ("--mount=type=cache,target=/c",),
        ("make",),
    )
    assert (onbuild_run.sub.start_line, onbuild_run.sub.end_line) == (2, 2)
    assert onbuild_copy.keyword_text == "onbuild"
    assert onbuild_copy.sub is not None
    assert (onbuild_copy.sub.keyword, onbuild_copy.sub.keyword_text) == ("copy", "copy")
    assert (onbuild_copy.sub.flags, onbuild_copy.sub.args) == (("--from=b",), ("/x", "/y"))
    assert (bare.keyword, bare.sub, bare.args) == ("onbuild", None, ())
    # Positions inside the inner instruction point into the physical line.
    assert onbuild_run.sub.find("make") == (2, 42)


# -- keywords ----------------------------------------------------------------------------------


def test_keywords_in_any_case():
    result = parse_text("from alpine\nRuN echo\nCopY a b\nhealthCHECK NONE\n")
    assert [(ins.keyword, ins.keyword_text) for ins in result.instructions] == [
        ("from", "from"),
        ("run", "RuN"),
        ("copy", "CopY"),
        ("healthcheck", "healthCHECK"),
    ]


def test_unknown_instruction_is_kept_without_arguments():
    result = parse_text("FROM alpine\nFROBNICATE the widgets\nbogus\n")
    assert result.errors == ()
    assert dump(result)[1:] == [("frobnicate", (), ("",)), ("bogus", (), ("",))]
    assert result.instructions[1].rest == "the widgets"
    assert result.instructions[1].keyword_text == "FROBNICATE"


# -- limits ------------------------------------------------------------------------------------


def test_line_of_65536_bytes_is_rejected_and_earlier_instructions_kept():
    text = "FROM alpine\nRUN ok\nLABEL x=" + "a" * (65536 - 8) + "\nRUN after\n"
    result = parse_text(text)
    assert result.errors == (ParseIssue("dockerfile line greater than max allowed size of 65535", 3, 3),)
    assert dump(result) == [("from", (), ("alpine",)), ("run", (), ("ok",))]


def test_line_of_65535_bytes_is_accepted():
    value = "a" * (65535 - 8)
    result = parse_text("FROM alpine\nLABEL x=" + value + "\n")
    assert result.errors == ()
    assert dump(result)[1] == ("label", (), ("x", value, "="))


def test_line_limit_counts_utf8_bytes():
    # 21845 three-byte characters plus "LABEL x=" is 65543 bytes but only 21853 characters.
    result = parse_text("FROM alpine\nLABEL x=" + "\u20ac" * 21845 + "\n")
    assert messages(result.errors) == ["dockerfile line greater than max allowed size of 65535"]
    assert dump(result) == [("from", (), ("alpine",))]


def test_empty_file_has_no_instructions():
    assert parse_text("").errors == (ParseIssue("file with no instructions", 1, 1),)
    assert messages(parse_text("# only\n# comments\n").errors) == ["file with no instructions"]


# -- spans and positions -----------------------------------------------------------------------

LONG_RUN = (
    "FROM ubuntu:22.04\n"
    "    RUN apt-get update \\\n"
    "      && apt-get install -y --no-install-recommends \\\n"
    "         curl \\\n"
    "    # a comment in the middle\n"
    "         wget \\\n"
    "\n"
    "      && rm -rf /var/lib/apt/lists/*\n"
    'CMD ["bash"]\n'
)


def test_multi_line_run_spans():
    result = parse_text(LONG_RUN)
    run = result.instructions[1]
    assert (run.start_line, run.end_line) == (2, 8)
    assert run.instruction_lines == (2, 3, 4, 6, 8)
    assert run.original == (
        "RUN apt-get update       && apt-get install -y --no-install-recommends          curl"
        "          wget       && rm -rf /var/lib/apt/lists/*"
    )
    assert spans(result) == [(1, 1), (2, 8), (9, 9)]


@pytest.mark.parametrize(
    ("needle", "position"),
    [
        ("RUN", (2, 5)),
        ("apt-get update", (2, 9)),
        ("install", (3, 18)),
        ("--no-install-recommends", (3, 29)),
        ("curl", (4, 10)),
        ("wget", (6, 10)),
        ("rm -rf", (8, 10)),
        ("/var/lib/apt/lists/*", (8, 17)),
    ],
)
def test_find_gives_the_physical_position(needle, position):
    run = parse_text(LONG_RUN).instructions[1]
    assert run.find(needle) == position


def test_find_and_locate_edges():
    run = parse_text(LONG_RUN).instructions[1]
    assert run.find("not there") is None
    assert run.find("apt-get", 5) == (3, 10)
    assert run.locate(0) == (2, 5)
    assert run.locate(len(run.original) - 1) == (8, 36)


def test_find_with_crlf_and_tabs():
    run = parse_text("FROM a\r\nRUN a \\\r\n\tb c\r\n").instructions[1]
    assert run.find("c") == (3, 4)


# -- instruction arguments ---------------------------------------------------------------------


def test_env_and_label_triplets():
    text = (
        "FROM alpine\n"
        'ENV A=1 B="two words" C=three\\ words\n'
        "ENV LEGACY value with  spaces\n"
        'LABEL "org.opencontainers.image.title"="My App" version=1.0\n'
        "ENV\n"
    )
    result = parse_text(text)
    assert result.errors == ()
    assert dump(result)[1:] == [
        ("env", (), ("A", "1", "=", "B", '"two words"', "=", "C", "three\\ words", "=")),
        ("env", (), ("LEGACY", "value with  spaces", "")),
        ("label", (), ('"org.opencontainers.image.title"', '"My App"', "=", "version", "1.0", "=")),
        ("env", (), ()),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ENV PATH", "ENV must have two arguments"),
        ("LABEL lonely", "LABEL must have two arguments"),
        ("ENV A=1 B", 'Syntax error - can\'t find = in "B". Must be of the form: name=value'),
        # Go formats the word with %q, so its quotes are escaped.
        ('ENV A=1 "B"', 'Syntax error - can\'t find = in "\\"B\\"". Must be of the form: name=value'),
    ],
)
def test_env_label_errors(line, message):
    result = parse_text(f"FROM alpine\n{line}\n")
    assert result.errors == (ParseIssue(message, 2, 2),)


def test_arg_words_are_kept_as_written():
    (_, arg) = parse_text("FROM a\nARG V=1 W X=\"a b\" Y='c d'\n").instructions
    assert arg.args == ("V=1", "W", 'X="a b"', "Y='c d'")


@pytest.mark.parametrize(
    ("line", "flags", "args", "is_json"),
    [
        (
            "HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/ || exit 1",
            ("--interval=30s", "--timeout=3s"),
            ("CMD", "curl -f http://localhost/ || exit 1"),
            False,
        ),
        ('HEALTHCHECK CMD ["/bin/check", "-q"]', (), ("CMD", "/bin/check", "-q"), True),
        ("HEALTHCHECK   CMD   a b", (), ("CMD", "a b"), False),
        ("HEALTHCHECK NONE", (), ("NONE",), False),
        ("HEALTHCHECK CMD", (), ("CMD",), False),
        ("HEALTHCHECK", (), (), False),
    ],
)
def test_healthcheck(line, flags, args, is_json):
    (ins,) = parse_text(line + "\n").instructions
    assert (ins.flags, ins.args, ins.is_json) == (flags, args, is_json)


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("FROM python:3.11-slim AS  base", ("python:3.11-slim", "AS", "base")),
        ("EXPOSE 80 443/tcp\t8080", ("80", "443/tcp", "8080")),
        ("USER app:app", ("app:app",)),
        ("WORKDIR /srv/my app", ("/srv/my app",)),
        ("STOPSIGNAL SIGTERM", ("SIGTERM",)),
        ("MAINTAINER Jane Doe <jane@example.com>", ("Jane Doe <jane@example.com>",)),
        ("USER", ()),
    ],
)
def test_other_instruction_arguments(line, args):
    (ins,) = parse_text(line + "\n").instructions
    assert ins.args == args


# -- robustness --------------------------------------------------------------------------------

GARBAGE = [
    b"",
    b"\x00",
    b"\xff\xfe\xfd\xfc",
    b"\x00\xff" * 100,
    b"[[[[",
    b"<<<<<<<<",
    b"\\\n\\\n\\",
    b'CMD ["\\ud800"]\n',
    b'RUN ["\\udfff\\ud800x"]\n',
    b"RUN <<'\n",
    b"RUN <<EOF <<\n",
    b"ONBUILD ONBUILD ONBUILD",
    b"# escape=`\n`",
    b"\r\r\r\n\r",
    b"FROM\t\x0b\x0c\n",
    b"RUN ${\n",
    b"ENV =\nLABEL ==\nARG =\n",
    b"HEALTHCHECK --\nRUN --\nCOPY -- --\n",
    b"RUN [" + b"[" * 5000 + b"\n",
    b"\xef\xbb\xbf",
    "RUN \u2028 \u0085 \ufeff\n".encode(),
]


@pytest.mark.parametrize("data", GARBAGE, ids=[f"garbage{i}" for i in range(len(GARBAGE))])
def test_parser_never_raises(data):
    result = parse_dockerfile(data)
    assert isinstance(result.errors, tuple)
    assert all(isinstance(issue, ParseIssue) for issue in (*result.errors, *result.warnings))
    assert result.ok is (result.errors == ())


def test_lone_surrogate_json_escape_becomes_replacement_character():
    result = parse_dockerfile(b'CMD ["\\ud800", "a\\udc00b"]\n')
    assert result.errors == ()
    assert dump(result) == [("cmd", (), ("\ufffd", "a\ufffdb"))]
    assert result.instructions[0].is_json is True


def test_raw_text_is_the_exact_source_of_the_instruction():
    result = parse_text("FROM a\n  RUN x \\\n  # c\n\n  y\nCOPY <<EOF /f\nhi\nEOF\n")
    assert [ins.raw for ins in result.instructions] == [
        "FROM a",
        "  RUN x \\\n  # c\n\n  y",
        "COPY <<EOF /f\nhi\nEOF",
    ]
