"""DF009 add-instead-of-copy, through the real engine."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.engine import FileReport, Linter, LintOptions
from tfimage_lint.registry import load_registry


def lint_report(text: str, rule_id: str) -> FileReport:
    """The whole report (findings and internal errors) of one rule on ``text``."""
    registry = load_registry(include_plugins=False)
    return Linter(registry, registry.select([rule_id]), LintOptions()).lint_bytes(text.encode(), "Dockerfile")


PY = "FROM python:3.11-slim\n"
OK = {
    "COPY": PY + "COPY requirements.txt /app/\n",
    "https URL": PY + "ADD https://example.com/model.bin /models/\n",
    "http URL with checksum": PY + "ADD --checksum=sha256:" + "a" * 64 + " http://example.com/a /a\n",
    "git URL": PY + "ADD https://github.com/tensorflow/models.git /src/models\n",
    "git@ remote": PY + "ADD --keep-git-dir=true git@github.com:tensorflow/models.git /src/models\n",
    "git:// and ssh://": PY + "ADD git://example.com/r.git /r\nADD ssh://git@example.com/r.git /s\n",
    "tar.gz archive": PY + "ADD weights.tar.gz /models/\n",
    "other archives": PY + "ADD a.tar b.tgz c.tar.bz2 d.tbz2 e.tar.xz f.txz g.tar.zst h.tzst /x/\n",
    "upper-case archive name": PY + "ADD WEIGHTS.TAR.GZ /models/\n",
    "compressed file that may be a tar": PY + "ADD rootfs.gz /\n",
    "glob of archives": PY + "ADD dist/*.tar.gz /x/\n",
    "ARG-resolved URL": PY + "ARG URL=https://example.com/a.bin\nADD $URL /a\n",
    "unknown variable": PY + "ADD $SRC /a/\n",
    "ADD with one argument": PY + "ADD a\n",
    "URL in JSON form": PY + 'ADD ["https://example.com/a b", "/a"]\n',
    "ONBUILD ADD of a URL": PY + "ONBUILD ADD https://x.org/a /a\n",
    "ONBUILD ADD with a variable of the child build": PY + "ARG SRC=a\nONBUILD ADD $SRC /a\n",
}
BAD = {
    "local file": (PY + "ADD requirements.txt /app/\n", [2]),
    "local folder": (PY + "ADD . /app\n", [2]),
    "lower-case keyword": (PY + "add app.py /app/\n", [2]),
    "zip is not extracted": (PY + "ADD model.zip /models/\n", [2]),
    "lzip is not extracted": (PY + "ADD data.tar.lz /data/\n", [2]),
    "one local among archives and URLs": (PY + "ADD a.tar.gz https://x.org/b config.json /x/\n", [2]),
    "JSON form": (PY + 'ADD ["my file.txt", "/app/"]\n', [2]),
    "heredoc": (PY + "ADD <<EOF /app/config.ini\n[a]\nb = 1\nEOF\n", [2]),
    "unpack disabled": (PY + "ADD --unpack=false weights.tar.gz /models/\n", [2]),
    "multi-line: the first line": (PY + "RUN true\nADD --chown=1000:1000 \\\n    app.py \\\n    /app/\n", [3]),
    "ARG-resolved local source": (PY + "ARG SRC=train.py\nADD ${SRC} /app/\n", [3]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nADD app /app\n", [3]),
    "every stage": (PY.replace("\n", " AS base\n") + "ADD a /a\nFROM base\nADD b /b\n", [2, 4]),
    "ONBUILD ADD of a local folder": (PY + "onbuild add . /app\n", [2]),
    "stage built from an earlier stage": (PY.replace("\n", " AS base\n") + "RUN x\nFROM base\nADD app.py /a/\n", [4]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF009"]), "DF009") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["DF009"]), "DF009") == [("DF009", line) for line in lines]


def test_message_and_severity(lint):
    (finding,) = lint(PY + "ADD a.tar.gz app.py https://x.org/b /x/\n", select=["DF009"])
    assert finding.message.startswith("ADD with a local source ('app.py'): use COPY")
    assert finding.severity.value == "error"


def test_message_says_zip_is_not_extracted(lint):
    (finding,) = lint(PY + "ADD model.zip /m/\n", select=["DF009"])
    assert "ADD does not extract .zip files" in finding.message


def test_onbuild_message(lint):
    (finding,) = lint(PY + "ONBUILD ADD . /app\n", select=["DF009"])
    assert finding.message.startswith("ONBUILD ADD with a local source ('.'): use COPY")


def test_build_arg_value_is_used(lint):
    text = PY + "ARG SRC\nADD $SRC /x/\n"
    assert ids_and_lines(lint(text, select=["DF009"], build_args={"SRC": "app.py"})) == [("DF009", 3)]
    assert ids_and_lines(lint(text, select=["DF009"], build_args={"SRC": "https://x.org/a"})) == []


@pytest.mark.parametrize("text", [PY + "ADD\n", PY + "ADD a\n", PY + "ADD ${ /x\n", PY + "ADD [\n", "ADD a b\n"])
def test_no_crash_on_odd_input(text):
    assert lint_report(text, "DF009").internal_errors == ()
