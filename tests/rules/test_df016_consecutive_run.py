"""DF016 consecutive-run: consecutive single-command RUNs that could be one."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
CACHE = "--mount=type=cache,target=/root/.cache/pip"

OK = {
    "one RUN": PY + "RUN mkdir /app\n",
    "another instruction between": PY + "RUN mkdir /app\nENV X=1\nRUN touch /app/x\n",
    "COPY between": PY + "RUN mkdir /app\nCOPY app.py /app/\nRUN python -m compileall /app\n",
    "first RUN chains commands": PY + "RUN mkdir /app && touch /app/x\nRUN useradd app\n",
    "second RUN chains commands": PY + "RUN mkdir /app\nRUN useradd app && chown app /app\n",
    "semicolon": PY + "RUN mkdir /app; touch /app/x\nRUN useradd app\n",
    "pipe": PY + "RUN pip freeze | sort\nRUN useradd app\n",
    "or": PY + "RUN mkdir /app || true\nRUN useradd app\n",
    "command substitution is a command": PY + "RUN echo $(date) > /built\nRUN useradd app\n",
    "if": PY + "RUN if test -d /app; then rm -r /app; fi\nRUN useradd app\n",
    "sh -c string with two commands": PY + "RUN sh -c 'mkdir /app && touch /app/x'\nRUN useradd app\n",
    "command name from a variable still counts": PY + "ARG PIP=pip\nRUN $PIP install a==1 && $PIP install b==2\n"
    "RUN useradd app\n",
    "different flags": PY + f"RUN {CACHE} pip install a==1\nRUN useradd app\n",
    "different mounts": PY + f"RUN {CACHE} pip install a==1\nRUN --mount=type=cache,target=/tmp pip install b==1\n",
    "network flag": PY + "RUN --network=none make\nRUN useradd app\n",
    "other stage": PY + "RUN mkdir /app\nFROM python:3.11-slim\nRUN useradd app\n",
    "ONBUILD RUNs are not compared": PY + "ONBUILD RUN mkdir /app\nONBUILD RUN useradd app\n",
    "RUN then ONBUILD RUN": PY + "RUN mkdir /app\nONBUILD RUN useradd app\n",
    "shell heredoc with two commands": PY + "RUN <<EOF\nmkdir /app\ntouch /app/x\nEOF\nRUN useradd app\n",
}

BAD = {
    "two RUNs": (PY + "RUN mkdir /app\nRUN useradd app\n", [3]),
    "three RUNs": (PY + "RUN mkdir /app\nRUN useradd app\nRUN touch /x\n", [3, 4]),
    "then a chained RUN": (PY + "RUN mkdir /app\nRUN useradd app\nRUN touch /x && ls\n", [3]),
    "after a chained RUN": (PY + "RUN touch /x && ls\nRUN mkdir /app\nRUN useradd app\n", [4]),
    "comment and blank line between": (PY + "RUN mkdir /app\n\n# the user\nRUN useradd app\n", [5]),
    "multi-line RUNs": (PY + "RUN pip install \\\n    a==1\nRUN pip install \\\n    b==2\n", [4]),
    "assignments are not commands": (PY + "RUN X=1 && Y=2\nRUN useradd app\n", [3]),
    "wrappers are not commands": (PY + "RUN sudo mkdir /app\nRUN env A=1 useradd app\n", [3]),
    "substitution in an assignment": (PY + "RUN X=$(date)\nRUN useradd app\n", [3]),
    "same flags": (PY + f"RUN {CACHE} pip install a==1\nRUN {CACHE} pip install b==1\n", [3]),
    "same mount, options in another order": (
        PY + "RUN --mount=type=cache,target=/x,id=1 make\nRUN --mount=target=/x,id=1,type=cache make install\n",
        [3],
    ),
    "same flags in another order": (
        PY + f"RUN --network=none {CACHE} make\nRUN {CACHE} --network=none make install\n",
        [3],
    ),
    "exec form": (PY + 'RUN ["mkdir", "/app"]\nRUN ["useradd", "app"]\n', [3]),
    "exec form && is an argument": (PY + 'RUN ["mkdir", "&&", "/app"]\nRUN useradd app\n', [3]),
    "heredoc RUN with one command": (PY + "RUN <<EOF\nmkdir /app\nEOF\nRUN useradd app\n", [5]),
    "RUN after a heredoc RUN": (PY + "RUN mkdir /app\nRUN <<EOF\nuseradd app\nEOF\n", [3]),
    "lower-case run": (PY + "run mkdir /app\nrun useradd app\n", [3]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN ls\nRUN id\n", [4]),
    "stage built from an earlier stage": (
        NGC.replace("\n", " AS base\n") + "RUN true\nFROM base\nRUN ls\nRUN id\n",
        [5],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF016"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF016"])
    assert ids_and_lines(findings) == [("DF016", line) for line in lines]
    assert {f.severity.value for f in findings} == {"info"}


def test_message_and_span(lint):
    (finding,) = lint(PY + "RUN mkdir /app\n# the user\nRUN useradd \\\n    app\n", select=["DF016"])
    assert (finding.line, finding.column, finding.end_line) == (4, 1, 5)
    assert finding.message.startswith("this RUN and the RUN at line 2 each run at most one command")
    assert "`&&`" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        PY + "RUN\nRUN\n",
        PY + "RUN '\nRUN '\n",
        PY + "RUN --mount\nRUN --mount\n",
        PY + "RUN --mount=,,\nRUN --mount=\n",
        PY + "RUN []\nRUN [\n",
        PY + "RUN <<EOF\n",
    ],
)
def test_odd_input_does_not_crash(lint, text):
    findings = lint(text, select=["DF016"])
    assert all(f.rule_id in ("DF016", "DF000") for f in findings)
