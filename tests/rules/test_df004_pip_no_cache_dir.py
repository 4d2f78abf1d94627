"""DF004 pip-no-cache-dir: pip installs that keep pip's cache in the image."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"

OK = {
    "--no-cache-dir": PY + "RUN pip install --no-cache-dir flask==3.0.3\n",
    "--no-cache-dir before the subcommand": PY + "RUN pip --no-cache-dir install flask==3.0.3\n",
    "--no-cache abbreviation": PY + "RUN pip install --no-cache flask==3.0.3\n",
    "python -m pip with --no-cache-dir": PY + "RUN python3 -m pip install --no-cache-dir -U pip\n",
    "PIP_NO_CACHE_DIR prefix": PY + "RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.3\n",
    "PIP_NO_CACHE_DIR in ENV": PY + "ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.3\n",
    "PIP_NO_CACHE_DIR=off also disables the cache": PY + "ENV PIP_NO_CACHE_DIR=off\nRUN pip install flask==3.0.3\n",
    "PIP_NO_CACHE_DIR as ARG": PY + "ARG PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.3\n",
    "PIP_NO_CACHE_DIR inherited from an earlier stage": PY.replace("\n", " AS base\n")
    + "ENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask==3.0.3\n",
    "cache mount on the pip cache": PY + "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3\n",
    "cache mount with id and sharing": PY
    + "RUN --mount=type=cache,id=pip,target=/root/.cache/pip/,sharing=locked pip install flask==3.0.3\n",
    "cache mount on ~/.cache": PY + "RUN --mount=type=cache,target=/root/.cache pip install flask==3.0.3\n",
    "cache mount of another user": PY + "RUN --mount=type=cache,dst=/home/app/.cache/pip pip install flask==3.0.3\n",
    "cache mount on PIP_CACHE_DIR": PY
    + "ENV PIP_CACHE_DIR=/var/cache/pip\nRUN --mount=type=cache,target=/var/cache/pip pip install flask==3.0.3\n",
    "cache mount on --cache-dir": PY
    + "RUN --mount=type=cache,target=/pipcache pip install --cache-dir=/pipcache flask==3.0.3\n",
    "cache mount target from an ARG": PY
    + "ARG CACHE=/root/.cache\nRUN --mount=type=cache,target=${CACHE}/pip pip install flask==3.0.3\n",
    "cache removed later in the same RUN": PY + "RUN pip install flask==3.0.3 && rm -rf /root/.cache/pip\n",
    "~/.cache removed": PY + "RUN pip install flask==3.0.3 \\\n    && rm -rf ~/.cache\n",
    "$HOME/.cache/pip/* removed": PY + "RUN pip install flask==3.0.3; rm -rf $HOME/.cache/pip/*\n",
    "--cache-dir folder removed": PY + "RUN pip install --cache-dir /tmp/pc flask==3.0.3 && rm -rf /tmp/pc\n",
    "relative .cache removed in /root": PY + "WORKDIR /root\nRUN pip install flask==3.0.3 && rm -rf .cache/pip\n",
    "relative .cache after cd": PY
    + "RUN cd ~root 2>/dev/null; cd /root && pip install flask==3.0.3 && rm -rf .cache\n",
    "relative .cache in an unknown folder": PY + "RUN cd $SRC && pip install flask==3.0.3 && rm -rf .cache\n",
    "pip cache purge": PY + "RUN pip install flask==3.0.3 && pip cache purge\n",
    "local wheels with --no-deps": PY + "COPY dist/ /tmp/dist/\nRUN pip install --no-deps /tmp/dist/*.whl\n",
    "local wheels with --no-index": PY
    + "RUN pip install --no-index --find-links /wheels /wheels/app-1.0-py3-none-any.whl\n",
    "uninstall": PY + "RUN pip uninstall -y flask\n",
    "download": PY + "RUN pip download -d /wheels flask==3.0.3\n",
    "wheel": PY + "RUN pip wheel -w /wheels flask==3.0.3\n",
    "uv pip install is out of scope": PY + "RUN uv pip install --system flask==3.0.3\n",
    "pipenv is not pip": PY + "RUN pipenv install\n",
    "unknown command name": PY + "RUN $PIP install flask==3.0.3\n",
    "unknown words": PY + "RUN pip install --no-cache-dir $PKGS ${EXTRA:-}\n",
    "pip in an echo": PY + "RUN echo pip install flask\n",
    "ONBUILD with PIP_NO_CACHE_DIR in ENV": PY + "ENV PIP_NO_CACHE_DIR=1\nONBUILD RUN pip install flask==3.0.3\n",
}

BAD = {
    "plain pip install": (PY + "RUN pip install flask==3.0.3\n", [2]),
    "pip3": (PY + "RUN pip3 install flask==3.0.3\n", [2]),
    "pip3.11": (PY + "RUN pip3.11 install flask==3.0.3\n", [2]),
    "python -m pip": (PY + "RUN python -m pip install flask==3.0.3\n", [2]),
    "upgrading pip": (PY + "RUN pip install --upgrade pip\n", [2]),
    "a virtualenv's pip": (PY + "RUN python -m venv /opt/venv && /opt/venv/bin/pip install flask==3.0.3\n", [2]),
    "--user": (PY + "RUN pip install --user flask==3.0.3\n", [2]),
    "requirements file": (PY + "RUN pip install -r requirements.txt\n", [2]),
    "--cache-dir elsewhere": (PY + "RUN pip install --cache-dir=/x flask==3.0.3\n", [2]),
    "cache mount elsewhere": (PY + "RUN --mount=type=cache,target=/tmp/x pip install flask==3.0.3\n", [2]),
    "bind mount is not a cache": (PY + "RUN --mount=type=bind,target=/root/.cache/pip pip install flask==3.0.3\n", [2]),
    "cache removed before the install": (PY + "RUN rm -rf /root/.cache && pip install flask==3.0.3\n", [2]),
    "relative .cache removed in /": (PY + "RUN pip install flask==3.0.3 && rm -rf .cache\n", [2]),
    "relative .cache removed in /app": (PY + "WORKDIR /app\nRUN pip install a==1 && rm -rf .cache/pip\n", [3]),
    "cache removed in a later RUN": (PY + "RUN pip install flask==3.0.3\nRUN rm -rf /root/.cache\n", [2]),
    "PIP_NO_CACHE_DIR set after the RUN": (PY + "RUN pip install flask==3.0.3\nENV PIP_NO_CACHE_DIR=1\n", [2]),
    "PIP_NO_CACHE_DIR on another command": (
        PY + "RUN PIP_NO_CACHE_DIR=1 pip install a==1 && pip install b==1\n",
        [2],
    ),
    "local wheels still download their dependencies": (PY + "RUN pip install /tmp/*.whl\n", [2]),
    "a local wheel and an index package with --no-deps": (
        PY + "RUN pip install --no-deps ./dist/app-1.0-py3-none-any.whl flask==3.0.3\n",
        [2],
    ),
    "continuation line of a multi-line RUN": (
        NGC + "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends git \\\n"
        "    && pip install \\\n        flask==3.0.3\n",
        [4],
    ),
    "heredoc RUN": (PY + "RUN <<EOF\nset -e\npython -m pip install flask==3.0.3\nEOF\n", [4]),
    "sh -c string": (PY + "RUN sh -c 'apt-get update && pip install flask==3.0.3'\n", [2]),
    "behind sudo and env": (PY + "RUN sudo -H pip install a==1 && env FOO=1 pip install b==1\n", [2, 2]),
    "conda run": (PY + "RUN conda run -n py pip install flask==3.0.3\n", [2]),
    "exec form": (PY + 'RUN ["pip", "install", "flask==3.0.3"]\n', [2]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN pip install a==1\n", [3]),
    "stage built from an earlier stage": (
        NGC.replace("\n", " AS base\n") + "RUN pip install --no-cache-dir a==1\nFROM base\nRUN pip install b==1\n",
        [4],
    ),
    "ONBUILD RUN": (PY + "ONBUILD RUN pip install flask==3.0.3\n", [2]),
    "two installs, one handled": (
        PY + "RUN pip install --no-cache-dir a==1 \\\n && pip install b==1\n",
        [3],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF004"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF004"])
    assert ids_and_lines(findings) == [("DF004", line) for line in lines]
    assert {f.severity.value for f in findings} == {"warning"}


def test_message_and_column(lint):
    findings = lint(PY + "RUN apt-get update && \\\n  python3 -m pip install a==1\n", select=["DF004"])
    assert [(f.line, f.column) for f in findings] == [(3, 3)]
    message = findings[0].message
    assert message.startswith("`python3 -m pip install` without --no-cache-dir")
    assert "PIP_NO_CACHE_DIR=1" in message and "--mount=type=cache,target=/root/.cache/pip" in message


def test_followed_requirements_do_not_change_the_verdict(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("-r base.txt\nflask==3.0.3\n")
    (tmp_path / "base.txt").write_text("numpy==1.26.4\n")
    text = PY + "COPY requirements.txt base.txt /app/\nRUN pip install -r /app/requirements.txt\n"
    assert ids_and_lines(lint(text, select=["DF004"], context=tmp_path)) == [("DF004", 3)]
    text = PY + "COPY requirements.txt base.txt /app/\nRUN pip install --no-cache-dir -r /app/requirements.txt\n"
    assert lint(text, select=["DF004"], context=tmp_path) == []
