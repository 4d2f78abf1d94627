"""DF021 invalid-stage-reference: duplicate names, self and forward references."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

OK = {
    "earlier stage by name": "FROM alpine AS build\nFROM alpine\nCOPY --from=build /a /a\n",
    "earlier stage by index": "FROM alpine\nFROM alpine\nCOPY --from=0 /a /a\n",
    "FROM an earlier stage": "FROM alpine AS base\nFROM base AS app\n",
    "stage names are case-insensitive": "FROM alpine AS Build\nFROM alpine\nCOPY --from=BUILD /a /a\n",
    "stage named after its base image": "FROM python:3.11 AS base\nFROM python AS python\n",
    "FROM own name is an image": "FROM x AS x\n",
    "COPY --from an image": "FROM alpine\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n",
    "RUN --mount from an earlier stage": "FROM alpine AS w\nFROM alpine\nRUN --mount=type=bind,from=w,target=/w ls\n",
}
BAD = {
    "duplicate stage name": ("FROM alpine AS a\nFROM alpine AS a\n", [2]),
    "FROM a later stage": ("FROM later AS first\nFROM alpine AS later\n", [1]),
    "COPY --from the current stage": ("FROM alpine AS a\nCOPY --from=a /x /x\n", [2]),
    "COPY --from a later stage": ("FROM alpine\nCOPY --from=export /m /m\nFROM alpine AS export\n", [2]),
    "COPY --from index of itself": ("FROM alpine\nCOPY --from=0 /x /x\n", [2]),
    "COPY --from index out of range": ("FROM alpine\nFROM alpine\nCOPY --from=5 /x /x\n", [3]),
    "COPY --from negative index": ("FROM alpine\nFROM alpine\nCOPY --from=-1 /x /x\n", [3]),
    "RUN --mount from a later stage": ("FROM alpine\nRUN --mount=from=w,target=/w ls\nFROM alpine AS w\n", [2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "DF021") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text), "DF021") == [("DF021", line) for line in lines]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FROM alpine AS a\nFROM alpine AS a\n", "duplicate stage name 'a': already defined at line 1"),
        (
            "FROM later AS first\nFROM alpine AS later\n",
            "FROM later: 'later' is a stage defined later, at line 2; BuildKit does not use it here and pulls "
            "an image of that name instead",
        ),
        ("FROM alpine AS a\nCOPY --from=a /x /x\n", "--from=a refers to the stage it is in"),
        (
            "FROM alpine\nFROM alpine\nCOPY --from=5 /x /x\n",
            "--from=5: there is no stage with index 5 (the file has 2)",
        ),
        (
            "FROM alpine\nCOPY --from=export /m /m\nFROM alpine AS export\n",
            "--from=export refers to stage 'export' defined later, at line 3; only earlier stages can be used",
        ),
    ],
)
def test_messages(lint, text, message):
    assert [f.message for f in lint(text, select=["DF021"])] == [message]


def test_column_points_at_the_reference(lint):
    (finding,) = lint("FROM alpine\nCOPY --from=export /m /m\nFROM alpine AS export\n", select=["DF021"])
    assert (finding.line, finding.column, finding.end_column) == (2, 13, 19)


def test_column_of_a_short_stage_name(lint):
    (finding,) = lint("FROM alpine\nCOPY --from=o a b\nFROM alpine AS o\n", select=["DF021"])
    assert (finding.line, finding.column, finding.end_column) == (2, 13, 14)
