"""DF019 useradd-without-l: useradd with a high UID and without -l."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"

OK = {
    "-l": PY + "RUN useradd -l -u 100000 app\n",
    "--no-log-init": PY + "RUN useradd --no-log-init --uid 100000 app\n",
    "--no-log abbreviation": PY + "RUN useradd --no-log --uid=100000 app\n",
    "-l in a cluster": PY + "RUN useradd -mlu 100000 app\n",
    "-l after the name": PY + "RUN useradd -u 100000 app -l\n",
    "low UID": PY + "RUN useradd -u 1000 app\n",
    "--uid=1000": PY + "RUN useradd --uid=1000 app\n",
    "the last 16-bit UID": PY + "RUN useradd -u 65535 app\n",
    "no UID": PY + "RUN useradd -m -s /bin/bash app\n",
    "system user without UID": PY + "RUN useradd -r app\n",
    "unknown UID": PY + "RUN useradd -u $UID app\n",
    "UID from an ARG without a value": PY + "ARG UID\nRUN useradd -u ${UID} app\n",
    "UID that is not a number": PY + "RUN useradd -u abc app\n",
    "a high GID is not a UID": PY + "RUN groupadd -g 100000 app && useradd -g 100000 app\n",
    "-u as the value of -c": PY + "RUN useradd -c -u app\n",
    "adduser is another program": PY + "RUN adduser --uid 100000 --disabled-password app\n",
    "defaults only": PY + "RUN useradd -D -u 100000\n",
    "useradd in an echo": PY + "RUN echo useradd -u 100000 app\n",
}

BAD = {
    "-u": (PY + "RUN useradd -u 100000 app\n", [2]),
    "-u attached": (PY + "RUN useradd -u100000 app\n", [2]),
    "-u in a cluster": (PY + "RUN useradd -ou 100000 app\n", [2]),
    "--uid": (PY + "RUN useradd --uid 100000 app\n", [2]),
    "--uid=": (PY + "RUN useradd --uid=123456 -m app\n", [2]),
    "first UID beyond 16 bits": (PY + "RUN useradd -u 65536 app\n", [2]),
    "huge UID": (PY + "RUN useradd -u 1000000000 app\n", [2]),
    "by path, behind sudo": (PY + "RUN sudo /usr/sbin/useradd -r -u 100000 app\n", [2]),
    "UID from an ARG": (PY + "ARG UID=100000\nRUN useradd -m -u $UID app\n", [3]),
    "continuation line of a multi-line RUN": (
        PY + "RUN groupadd -g 100000 app \\\n    && useradd -m \\\n        -u 100000 -g app app\n",
        [3],
    ),
    "heredoc RUN": (PY + "RUN <<EOF\nset -e\nuseradd -u 100000 app\nEOF\n", [4]),
    "sh -c string": (PY + "RUN sh -c 'useradd -u 100000 app'\n", [2]),
    "exec form": (PY + 'RUN ["useradd", "-u", "100000", "app"]\n', [2]),
    "ONBUILD RUN": (PY + "ONBUILD RUN useradd -u 100000 app\n", [2]),
    "ARG-resolved base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN useradd -u 100000 a\n",
        [3],
    ),
    "stage built from an earlier stage": (
        NGC.replace("\n", " AS base\n") + "RUN true\nFROM base\nRUN useradd -u 100000 app\n",
        [4],
    ),
    "each useradd": (PY + "RUN useradd -u 100000 a && useradd -l -u 100001 b && useradd -u 100002 c\n", [2, 2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF019"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF019"])
    assert ids_and_lines(findings) == [("DF019", line) for line in lines]
    assert {f.severity.value for f in findings} == {"warning"}


def test_message_and_column(lint):
    findings = lint(PY + "RUN groupadd app && \\\n    useradd -u 100000 app\n", select=["DF019"])
    assert [(f.line, f.column) for f in findings] == [(3, 5)]
    message = findings[0].message
    assert message.startswith("`useradd` with UID 100000 and without -l (--no-log-init)")
    assert "/var/log/lastlog" in message and "29 MB" in message


def test_build_arg_decides(lint):
    text = PY + "ARG UID=1000\nRUN useradd -u $UID app\n"
    assert lint(text, select=["DF019"]) == []
    assert ids_and_lines(lint(text, select=["DF019"], build_args={"UID": "200000"})) == [("DF019", 3)]
