"""DF006 cd-instead-of-workdir: `cd` in a RUN."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"

OK = {
    "no cd": PY + "RUN make -C /src && git -C /src log\n",
    "WORKDIR": PY + "WORKDIR /src\nRUN make\n",
    "cd as an argument": PY + "RUN echo cd /src && printf '%s\\n' 'cd /x'\n",
    "cd in a quoted string": PY + "RUN echo 'cd /src && make'\n",
    "cd in a command substitution": PY + 'RUN SRC="$(cd /src && pwd)" && echo "$SRC"\n',
    "cd in a backtick substitution": PY + "RUN echo `cd /src && git rev-parse HEAD` > /rev\n",
    "cd in a comment": PY + "# RUN cd /src\nRUN make -C /src\n",
    "cd in CMD": PY + "CMD cd /app && python serve.py\n",
    "cd in ENTRYPOINT": PY + 'ENTRYPOINT ["sh", "-c", "cd /app && exec python serve.py"]\n',
    "cdrecord is not cd": PY + "RUN cdrecord -v\n",
    "heredoc written to a file": PY + "RUN cat > /run.sh <<EOF\ncd /app\nexec python serve.py\nEOF\n",
    "python heredoc": PY + "RUN python3 <<EOF\nimport os\nos.chdir('/tmp')\nEOF\n",
}

BAD = {
    "cd and make": (PY + "RUN cd /src && make\n", [2]),
    "cd then semicolon": (PY + "RUN cd /src; make\n", [2]),
    "cd in a subshell": (PY + "RUN (cd /src && make) && echo done\n", [2]),
    "cd in an if": (PY + "RUN if [ -d /src ]; then cd /src; make; fi\n", [2]),
    "cd -": (PY + "RUN cd /tmp && make && cd -\n", [2]),
    "cd to a command substitution": (PY + 'RUN cd "$(mktemp -d)" && touch x\n', [2]),
    "cd alone does nothing": (PY + "RUN cd /app\n", [2]),
    "exec form": (PY + 'RUN ["cd", "/app"]\n', [2]),
    "sh -c string": (PY + "RUN sh -c 'cd /src && make'\n", [2]),
    "bash -c on a later line": (PY + 'RUN true && \\\n    bash -c "make; \\\n    cd /src && make"\n', [4]),
    "continuation line of a multi-line RUN": (
        PY + "RUN apt-get update \\\n    && git clone https://example.com/x.git \\\n    && cd x && make\n",
        [4],
    ),
    "one finding per RUN, at the first cd": (PY + "RUN true \\\n && cd /a && make \\\n && cd /b && make\n", [3]),
    "one finding per RUN": (PY + "RUN cd /a && make\nRUN cd /b && make\n", [2, 3]),
    "heredoc RUN": (PY + "RUN <<EOF\nset -e\ncd /src\nmake\nEOF\n", [4]),
    "heredoc fed to bash": (PY + "RUN bash <<EOF\napt-get update\ncd /src\nEOF\n", [4]),
    "ONBUILD RUN": (PY + "ONBUILD RUN cd /src && make\n", [2]),
    "ARG-resolved base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN cd /workspace && ls\n",
        [3],
    ),
    "stage built from an earlier stage": (
        NGC.replace("\n", " AS base\n") + "RUN true\nFROM base\nRUN cd /workspace && ls\n",
        [4],
    ),
    "cd target from an ARG": (PY + "ARG SRC=/src\nRUN cd $SRC && make\n", [3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF006"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF006"])
    assert ids_and_lines(findings) == [("DF006", line) for line in lines]
    assert {f.severity.value for f in findings} == {"warning"}


def test_column_and_message(lint):
    findings = lint(PY + "RUN apt-get update \\\n  && cd /opt/src && make\n", select=["DF006"])
    assert [(f.line, f.column) for f in findings] == [(3, 6)]
    assert findings[0].message.startswith("`cd /opt/src` in a RUN: use `WORKDIR /opt/src`")
    assert "make -C" in findings[0].message


def test_column_inside_sh_c(lint):
    findings = lint(PY + "RUN sh -c 'true; cd /src'\n", select=["DF006"])
    assert [(f.line, f.column) for f in findings] == [(2, 18)]


def test_relative_cd_is_resolved_against_the_workdir(lint):
    (finding,) = lint(PY + "WORKDIR /opt\nRUN git clone https://example.com/x.git && cd x && make\n", select=["DF006"])
    assert "`WORKDIR /opt/x`" in finding.message


def test_unknown_directory_is_not_guessed(lint):
    (finding,) = lint(PY + "RUN cd $UNSET && make\n", select=["DF006"])
    assert "`WORKDIR DIR`" in finding.message
    (finding,) = lint(PY + "RUN cd - && make\n", select=["DF006"])
    assert "`WORKDIR DIR`" in finding.message


def test_more_cds_are_counted(lint):
    (finding,) = lint(PY + "RUN cd /a && make \\\n && cd /b && make \\\n && cd /c\n", select=["DF006"])
    assert finding.message.endswith("(and 2 more `cd` in this RUN, line 3, 4)")


def test_cd_alone_message(lint):
    (finding,) = lint(PY + "RUN cd /app\n", select=["DF006"])
    assert finding.message.startswith("`cd /app` is all this RUN does: it changes nothing")
    assert "`WORKDIR /app`" in finding.message


def test_exec_form_message(lint):
    (finding,) = lint(PY + 'RUN ["cd", "/app"]\n', select=["DF006"])
    assert "shell builtin" in finding.message


def test_onbuild_message(lint):
    (finding,) = lint(PY + "ONBUILD RUN cd /src && make\n", select=["DF006"])
    assert "in an ONBUILD RUN: use `ONBUILD WORKDIR /src`" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        PY + "RUN cd\n",
        PY + "RUN cd '\n",
        PY + "RUN cd $(\n",
        PY + 'RUN ["cd"]\n',
        PY + "RUN cd \\\n",
        PY + "RUN <<EOF\ncd\n",
        PY + "RUN cd " + "x/" * 2000 + "\n",
    ],
)
def test_odd_input_does_not_crash(lint, text):
    findings = lint(text, select=["DF006"])
    assert all(f.rule_id in ("DF006", "DF000") for f in findings)
