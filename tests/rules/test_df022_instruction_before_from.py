"""DF022 instruction-before-from, through the real engine."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

OK = {
    "only FROM": "FROM python:3.11-slim\nRUN true\n",
    "ARG before FROM": "ARG BASE=python:3.11-slim\nFROM $BASE\n",
    "comments and directives": "# syntax=docker/dockerfile:1\n# a comment\nARG X=1\n\nFROM scratch\n",
}
BAD = {
    "ENV before FROM": ("ENV A=1\nFROM scratch\n", [1]),
    "RUN and LABEL before FROM": ("ARG X=1\nRUN echo\nLABEL a=b\nFROM scratch\n", [2, 3]),
    "multi-line RUN before FROM": ("RUN a \\\n  b\nFROM scratch\n", [1]),
    "no FROM at all": ("ARG ONLY=1\n", [1]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "DF022") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text), "DF022") == [("DF022", line) for line in lines]


def test_message_names_the_instruction(lint):
    (finding,) = [f for f in lint("WORKDIR /app\nFROM scratch\n") if f.rule_id == "DF022"]
    assert finding.message == "WORKDIR before the first FROM: only ARG may come before FROM"
    assert finding.severity.value == "error"
    assert finding.stage_index is None
