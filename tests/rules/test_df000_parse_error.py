"""DF000 parse-error: every parse failure, with its line, and the rest of the file still linted."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

OK = {
    "simple": "FROM python:3.11-slim\nRUN pip install numpy\n",
    "heredoc": "FROM alpine:3.19\nRUN <<EOF\necho hi\nEOF\n",
    "json exec form": 'FROM alpine:3.19\nCMD ["python", "app.py"]\n',
    "valid flags": (
        "FROM --platform=linux/amd64 alpine\nCOPY --from=0 --chown=1:1 --link a b\n"
        "RUN --mount=type=cache,target=/root/.cache pip install x\n"
    ),
}
BAD = {
    "ENV without value": ("FROM alpine:3.19\nENV PATH\n", [2], "ENV must have two arguments"),
    "LABEL without value": ("FROM alpine:3.19\nLABEL version\n", [2], "LABEL must have two arguments"),
    "non-string JSON array": (
        'FROM alpine:3.19\nCMD ["a", 1]\n',
        [2],
        "when using JSON array syntax, arrays must be comprised of strings only",
    ),
    "unterminated heredoc": ("FROM alpine:3.19\nRUN <<EOF\necho hi\n", [2], "unterminated heredoc EOF"),
    "unknown instruction": ("FROM alpine:3.19\nRUNN echo\n", [2], "unknown instruction: RUNN (did you mean RUN?)"),
    "unknown flag": ("FROM alpine:3.19\nCOPY --user=me a b\n", [2], "unknown flag: --user is not valid on COPY"),
    "FROM with two args": (
        "FROM alpine builder\n",
        [1],
        "FROM requires either one or three arguments: FROM <image> [AS <name>]",
    ),
    "bad stage name": (
        "FROM alpine:3.19 AS 1st\n",
        [1],
        "invalid name for build stage: '1st', name can't start with a number or contain symbols",
    ),
    "COPY with one arg": (
        "FROM alpine:3.19\nCOPY onlysource\n",
        [2],
        "COPY requires at least two arguments, but only one was provided. Destination could not be determined.",
    ),
    "SHELL not JSON": (
        "FROM alpine:3.19\nSHELL /bin/bash -c\n",
        [2],
        "SHELL requires the arguments to be in JSON form",
    ),
    "empty file": ("", [1], "file with no instructions"),
    "only comments": ("# a\n# b\n", [2], "file with no instructions"),
    "duplicate escape directive": (
        "# escape=`\n# escape=\\\nFROM alpine:3.19\n",
        [2],
        "only one escape parser directive can be used",
    ),
    "invalid check directive": (
        "# check=error=maybe\nFROM alpine:3.19\n",
        [1],
        'failed to parse check option "error=maybe": invalid syntax',
    ),
    "unknown check option": ("# check=skp=all\nFROM alpine:3.19\n", [1], 'invalid check option "skp"'),
    "invalid base image": (
        "FROM Ubuntu:22.04\n",
        [1],
        "invalid base image 'Ubuntu:22.04': invalid reference format: repository name 'Ubuntu' must be lowercase",
    ),
    "invalid image in --from": (
        "FROM alpine:3.19\nCOPY --from=Nginx:1 /a /b\n",
        [2],
        "invalid image in --from=Nginx:1: invalid reference format: repository name 'Nginx' must be lowercase",
    ),
    "invalid escape token": ("# escape=x\nFROM alpine:3.19\n", [1], "invalid escape token 'x' does not match ` or \\"),
    "bad substitution": (
        "FROM alpine:3.19\nENV A=${}\n",
        [2],
        "failed to process '${}': syntax error: bad substitution",
    ),
    "ONBUILD ONBUILD": (
        "FROM alpine:3.19\nONBUILD ONBUILD RUN x\n",
        [2],
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
    ),
    "HEALTHCHECK unknown type": (
        "FROM alpine:3.19\nHEALTHCHECK CMDD true\n",
        [2],
        'Unknown type "CMDD" in HEALTHCHECK (try CMD)',
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "DF000") == []


@pytest.mark.parametrize(("text", "lines", "message"), BAD.values(), ids=BAD.keys())
def test_finding_line_and_message(lint, text, lines, message):
    findings = [f for f in lint(text) if f.rule_id == "DF000"]
    assert [f.line for f in findings] == lines
    assert findings[0].message == message
    assert findings[0].severity.value == "error"


def test_invalid_utf8_reports_the_line_and_column(lint):
    findings = lint(b"FROM alpine:3.19\nRUN echo \xff\xfe\nRUN echo ok\n")
    assert ids_and_lines(findings, "DF000") == [("DF000", 2)]
    assert findings[0].column == 10


def test_the_rest_of_the_file_is_still_linted(lint):
    text = "FROM alpine:3.19\nENV BROKEN\nENV A=$UNDEFINED_THING\n"
    assert ids_and_lines(lint(text)) == [("DF000", 2), ("DF020", 3)]


def test_long_line_is_rejected_and_earlier_instructions_kept(lint):
    text = "FROM alpine:3.19\nENV A=$NOPE\nLABEL x=" + "y" * 65536 + "\nRUN after\n"
    assert ids_and_lines(lint(text)) == [("DF020", 2), ("DF000", 3)]


def test_parse_errors_cannot_be_suppressed(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF000\nENV BROKEN\n"
    assert ids_and_lines(lint(text)) == [("DF900", 2), ("DF000", 3)]


def test_parse_errors_stay_on_when_other_rules_are_selected(lint):
    assert ids_and_lines(lint("FROM alpine:3.19\nENV BROKEN\n", select=["DF020"])) == [("DF000", 2)]
