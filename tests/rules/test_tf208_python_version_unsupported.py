"""TF208 python-version-unsupported: a pinned TensorFlow without a wheel for the stage's Python."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.kb import load_kb
from tfimage_lint.kb.distro_python import ROWS, for_image

RULE = "TF208"
APT_PY = "RUN apt-get update && apt-get install -y --no-install-recommends python3-pip\n"

OK = {
    "supported pin": "FROM python:3.11-slim\nRUN pip install tensorflow==2.15.0\n",
    "newest TF on 3.13": "FROM python:3.13-slim\nRUN pip install tensorflow==2.21.0\n",
    "unpinned on a supported Python": "FROM python:3.12-slim\nRUN pip install tensorflow\n",
    "range with one supported release": "FROM python:3.12\nRUN pip install 'tensorflow>=2.15,<2.17'\n",
    "unknown Python (os base without apt python)": "FROM ubuntu:24.04\nRUN pip3 install tensorflow==2.15.0\n",
    "floating python tag": "FROM python:3-slim\nRUN pip install tensorflow==2.15.0\n",
    "conda brings its own Python": (
        "FROM python:3.12\nRUN curl -sLO https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh\n"
        "RUN pip install tensorflow==2.15.0\n"
    ),
    "a relinked python3": (
        "FROM ubuntu:24.04\n" + APT_PY + "RUN ln -sf /usr/bin/python3.11 /usr/bin/python3\n"
        "RUN pip3 install tensorflow==2.15.0\n"
    ),
    "pip of a venv": "FROM python:3.12\nRUN /opt/venv/bin/pip install tensorflow==2.15.0\n",
    "plain pip on an apt Python (may be Python 2's)": "FROM ubuntu:24.04\n"
    + APT_PY
    + "RUN pip install tensorflow==2.15.0\n",
    "the distribution's pip on a python image": "FROM python:3.12\nRUN /usr/bin/pip3 install tensorflow==2.15.0\n",
    "pip download is not an install": "FROM python:3.12\nRUN pip download tensorflow==2.15.0\n",
    "uninstall": "FROM python:3.12\nRUN pip uninstall -y tensorflow==2.15.0\n",
    "environment marker": "FROM python:3.12\nRUN pip install 'tensorflow==2.15.0; python_version<\"3.12\"'\n",
    "cross-install for another Python": (
        "FROM python:3.12\nRUN pip install --target /out --python-version 3.11 --only-binary=:all: tensorflow==2.15.0\n"
    ),
    "unpinned tensorflow-gpu is TF206's": "FROM python:3.12\nRUN pip install tensorflow-gpu\n",
    "tensorflow-gpu stub pin is TF206's": "FROM python:3.8\nRUN pip install tensorflow-gpu==2.12.0\n",
    "unknown version word": "FROM python:3.12\nARG TF\nRUN pip install tensorflow==$TF\n",
    "unknown words and odd shell": "FROM python:3.12\nRUN $PIP install ${PKG} –upgrade && pip install tensorflow==2.\n",
    "the base's TensorFlow is made for the base's Python": "FROM tensorflow/tensorflow:2.15.0\nRUN pip install numpy\n",
    "NGC Python the KB has only unverified": (
        "FROM nvcr.io/nvidia/tensorflow:24.06-tf2-py3\nRUN pip install tensorflow==2.8.0\n"
    ),
    "apt python3 on a distro without a sourced row": "FROM ubuntu:14.04\n"
    + APT_PY
    + "RUN pip3 install tensorflow==2.15.0\n",
}
BAD = {
    "python tag too new for the pin": ("FROM python:3.12-slim\nRUN pip install tensorflow==2.15.0\n", [2]),
    "python tag too old for the pin": ("FROM python:3.8\nRUN pip install tensorflow-cpu==2.15.0\n", [2]),
    "too new for every release": ("FROM python:3.14-slim\nRUN pip install tensorflow\n", [2]),
    "range with no release for the Python": ("FROM python:3.13\nRUN pip install 'tensorflow>=2.12,<2.16'\n", [2]),
    "continuation line of a multi-line RUN": (
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir \\\n    numpy \\\n    tensorflow==2.15.0\n",
        [4],
    ),
    "heredoc RUN": ("FROM python:3.12-slim\nRUN <<EOF\nset -e\npip install tensorflow==2.14.1\nEOF\n", [4]),
    "ARG-resolved base": ("ARG PY=3.12\nFROM python:${PY}-slim\nRUN pip install tensorflow==2.15.0\n", [3]),
    "stage built on an earlier stage": (
        "FROM python:3.12-slim AS base\nRUN pip install numpy\nFROM base\nRUN pip install tensorflow==2.15.0\n",
        [4],
    ),
    "python3.X -m pip names the Python": ("FROM ubuntu:22.04\nRUN python3.8 -m pip install tensorflow==2.15.0\n", [2]),
    "the image's own pip by path": ("FROM python:3.12\nRUN /usr/local/bin/pip install tensorflow==2.15.0\n", [2]),
    "pip3.X names the Python": ("FROM python:3.11\nRUN pip3.12 install tensorflow==2.14.0\n", [2]),
    "Ubuntu 24.04 apt python3 with pip3": (
        "FROM ubuntu:24.04\n" + APT_PY + "RUN pip3 install tensorflow==2.15.0\n",
        [3],
    ),
    "Debian bookworm apt python3 with python3 -m pip": (
        "FROM debian:bookworm-slim\nRUN apt-get install -y python3 python3-venv\n"
        "RUN python3 -m pip install tensorflow==2.10.0\n",
        [3],
    ),
    "nvidia/cuda on Ubuntu 18.04 with apt python3 (tensorflow#37316)": (
        "FROM nvidia/cuda:10.1-cudnn7-runtime-ubuntu18.04\n"
        "RUN apt-get update && apt-get install -y python3.7 python3-pip\nRUN pip3 install tensorflow==2.8.0\n",
        [3],
    ),
    "NGC 25.02 is Python 3.12 (ctlearn#234)": (
        "FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\nRUN pip install tensorflow==2.14.0\n",
        [2],
    ),
    "tensorflow-gpu real pin": ("FROM python:3.11\nRUN pip install tensorflow-gpu==2.10.0\n", [2]),
    "two stages, two findings": (
        "FROM python:3.12 AS a\nRUN pip install tensorflow==2.15.0\nFROM python:3.8 AS b\n"
        "RUN pip install tensorflow==2.16.1\n",
        [2, 4],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=[RULE])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=[RULE])
    assert ids_and_lines(findings) == [(RULE, line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


def test_column_points_at_the_requirement(lint):
    (finding,) = lint("FROM python:3.12-slim\nRUN pip install -q \\\n      tensorflow==2.15.0\n", select=[RULE])
    assert (finding.line, finding.column) == (3, 7)


def test_message_of_a_pin(lint):
    (finding,) = lint("FROM python:3.12-slim\nRUN pip install tensorflow==2.15.0\n", select=[RULE])
    assert finding.message == (
        "`tensorflow==2.15.0`: TensorFlow 2.15.0 has no wheel for Python 3.12 (the tag of python:3.12-slim); "
        "its tested configuration supports Python 3.9-3.11, so pip fails with 'No matching distribution found'. "
        "TensorFlow releases for Python 3.12: 2.16-2.21."
    )


def test_message_when_no_release_fits(lint):
    (finding,) = lint("FROM python:3.14\nRUN pip install tensorflow\n", select=[RULE])
    assert finding.message.startswith("`tensorflow`: no TensorFlow release in the knowledge base (")
    assert "has a wheel for Python 3.14" in finding.message
    assert f"(as of {load_kb().as_of}) supports Python 3.14" in finding.message


def test_message_names_the_distribution_python_and_its_source(lint):
    text = "FROM ubuntu:24.04\n" + APT_PY + "RUN pip3 install tensorflow==2.15.0\n"
    (finding,) = lint(text, select=[RULE])
    assert "Ubuntu 24.04's python3, apt-installed at line 2" in finding.message
    assert "https://packages.ubuntu.com/noble/python3" in finding.message


def test_interpreter_named_by_the_command(lint):
    (finding,) = lint("FROM python:3.11\nRUN python3.8 -m pip install tensorflow==2.15.0\n", select=[RULE])
    assert "Python 3.8 (the interpreter `python3.8` the command runs)" in finding.message


def test_followed_requirements_with_nested_r(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy<2\n-r more.txt\n")
    (tmp_path / "more.txt").write_text("# pinned\n\ntensorflow==2.15.0\n")
    text = (
        "FROM python:3.12-slim\nCOPY requirements.txt more.txt /app/\nRUN pip install --no-cache-dir \\\n"
        "    -r /app/requirements.txt\n"
    )
    (finding,) = lint(text, select=[RULE], context=tmp_path)
    assert (finding.line, finding.column) == (3, 5)
    assert finding.message.startswith("`tensorflow==2.15.0` (more.txt:3): TensorFlow 2.15.0 has no wheel")


def test_pin_from_a_constraints_file(lint, tmp_path):
    (tmp_path / "constraints.txt").write_text("tensorflow==2.13.1\n")
    text = "FROM python:3.12\nCOPY constraints.txt /c/\nRUN pip install -c /c/constraints.txt tensorflow\n"
    (finding,) = lint(text, select=[RULE], context=tmp_path)
    assert finding.line == 3
    assert "TensorFlow 2.13.1 has no wheel for Python 3.12" in finding.message


def test_requirements_file_that_is_missing_is_unknown(lint, tmp_path):
    text = "FROM python:3.12-slim\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\n"
    assert lint(text, select=[RULE], context=tmp_path) == []


def test_build_arg_resolves_the_base(lint):
    text = "ARG PY\nFROM python:${PY}\nRUN pip install tensorflow==2.15.0\n"
    assert ids_and_lines(lint(text, select=[RULE], build_args={"PY": "3.12"})) == [(RULE, 3)]
    assert lint(text, select=[RULE]) == []


def test_distro_table_rows_carry_their_source():
    for row in ROWS:
        assert row.source.startswith("https://"), row
        assert row.evidence in ("verified", "inferred"), row
        assert row.python.count(".") == 1, row
    assert for_image("ubuntu", "22.04").python == "3.10"
    assert for_image("ubuntu", "jammy-20240227").python == "3.10"
    assert for_image("debian", "12.5-slim").python == "3.11"
    assert for_image("debian", "bookworm").python == "3.11"
    assert for_image("ubuntu", "latest") is None
    assert for_image("alpine", "3.19") is None


def test_the_rule_follows_the_knowledge_base():
    config = load_kb().tested_gpu_config("2.15.0")
    assert config is not None and config.python_ranges == (("3.9", "3.11"),)
