"""DF020 undefined-variable: BuildKit-expanded variables with nothing defining them."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

OK = {
    "ARG in stage": "FROM alpine\nARG APP=svc\nWORKDIR /srv/$APP\n",
    "ENV in stage": "FROM alpine\nENV APP=svc\nWORKDIR /srv/${APP}\n",
    "global ARG in FROM": "ARG TAG=3.19\nFROM alpine:${TAG}\n",
    "global ARG redeclared in stage": "ARG V=1\nFROM alpine\nARG V\nLABEL v=$V\n",
    "default operator": "FROM alpine\nWORKDIR /srv/${APP:-svc}\n",
    "alternate operator": "FROM alpine\nLABEL x=${APP:+yes}\n",
    "error operator": "FROM alpine\nLABEL x=${APP:?must be set}\n",
    "predefined platform arg": "FROM --platform=$BUILDPLATFORM alpine\n",
    "proxy arg": "FROM alpine\nENV http_proxy=$HTTP_PROXY\n",
    "RUN is expanded by the shell, not BuildKit": "FROM alpine\nRUN echo $NOT_DECLARED\n",
    "CMD is not expanded": "FROM alpine\nCMD echo $NOT_DECLARED\n",
    "escaped dollar": "FROM alpine\nENV A=\\$NOT_A_VAR\n",
    "single quotes": "FROM alpine\nENV A='$NOT_A_VAR'\n",
    "PATH from a registry base": "FROM python:3.11-slim\nENV PATH=/opt/venv/bin:$PATH\n",
    "CUDA_* from a registry base": "FROM nvidia/cuda:12.2.0-base-ubuntu22.04\nENV LD_LIBRARY_PATH=$CUDA_HOME/lib64\n",
    "ENV carried into a child stage": "FROM alpine AS base\nENV APP=svc\nFROM base\nWORKDIR /srv/$APP\n",
    "ARG without default is a declaration": "FROM alpine\nARG APP\nWORKDIR /srv/$APP\n",
    "quoted COPY heredoc is not expanded": "FROM alpine\nCOPY <<'EOF' /etc/app.conf\nkey=$VALUE\nEOF\n",
    "RUN heredoc is the shell's business": "FROM alpine\nRUN <<EOF\necho $VALUE\nEOF\n",
    "ARG carried into a child stage": "FROM alpine AS a\nARG X=1\nFROM a\nLABEL x=$X\n",
    "ARG without default keeps the earlier value": "FROM alpine AS a\nENV X=1\nARG X\nFROM a\nENV Y=$X\n",
    "PATH exists even on scratch": "FROM scratch\nENV PATH=/app/bin:$PATH\n",
    "default not evaluated when a build arg is given": "FROM alpine\nARG TF=${TF_VERSION:?required}\n",
}
BAD = {
    "undeclared in ENV": ("FROM alpine\nENV A=$MISSING\n", [2]),
    "undeclared in FROM": ("FROM nvcr.io/nvidia/tensorflow:${NGC_TAG}\n", [1]),
    "global ARG not redeclared in stage": ("ARG TF_VERSION=2.15.0\nFROM python:3.11-slim\nENV V=$TF_VERSION\n", [3]),
    "same-instruction ENV is not visible": ('FROM alpine\nENV A="x y" B=$A\n', [2]),
    "unquoted COPY heredoc body": ("FROM alpine\nCOPY <<EOF /etc/app.conf\nkey=$VALUE\nEOF\n", [3]),
    "COPY source and destination": ("FROM alpine\nCOPY $SRC /app/\n", [2]),
    "COPY --chown": ("FROM alpine\nCOPY --chown=$APP_USER a /b\n", [2]),
    "RUN --mount": ("FROM alpine\nRUN --mount=type=cache,id=$CACHE_ID,target=/c true\n", [2]),
    "WORKDIR USER EXPOSE VOLUME": ("FROM alpine\nWORKDIR $W\nUSER $U\nEXPOSE $P\nVOLUME $V\n", [2, 3, 4, 5]),
    "scratch base assumes nothing": ("FROM scratch\nENV LD_LIBRARY_PATH=/lib:$LD_LIBRARY_PATH\n", [2]),
    "line inside a continuation": ("FROM alpine\nENV A=1 \\\n    B=$MISSING\n", [3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text), "DF020") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text), "DF020") == [("DF020", line) for line in lines]


def test_column_and_span_point_at_the_variable(lint):
    (finding,) = lint("FROM alpine\nENV A=1 \\\n    B=$MISSING\n", select=["DF020"])
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (3, 7, 3, 15)
    assert finding.message.startswith("$MISSING is not defined")
    assert finding.stage_index == 0


def test_hint_for_a_global_arg_used_inside_a_stage(lint):
    (finding,) = lint("ARG V=1\nFROM alpine\nLABEL v=$V\n", select=["DF020"])
    assert "add `ARG V` after FROM" in finding.message


def test_build_arg_does_not_define_an_undeclared_arg(lint):
    text = "FROM alpine\nENV A=$MISSING\n"
    assert ids_and_lines(lint(text, build_args={"MISSING": "x"}), "DF020") == [("DF020", 2)]


def test_one_finding_per_name_and_instruction(lint):
    findings = lint("FROM alpine\nLABEL a=$X b=$X c=$Y\n", select=["DF020"])
    assert [(f.line, f.message.split(" ")[0]) for f in findings] == [(2, "$X"), (2, "$Y")]


def test_column_of_the_second_of_two_similar_names(lint):
    (finding,) = lint("FROM alpine\nENV AB=1\nENV X=$AB Y=$A\n", select=["DF020"])
    assert (finding.line, finding.column) == (3, 13)


def test_position_inside_a_copy_heredoc(lint):
    (finding,) = lint("FROM alpine\nCOPY <<EOF /etc/app.conf\nname=app\nkey=${VALUE}\nEOF\n", select=["DF020"])
    assert (finding.line, finding.column) == (4, 5)
