"""DF007 sudo-in-run: commands run through sudo in a RUN."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"

OK = {
    "no sudo": PY + "RUN apt-get update\n",
    "installing the sudo package": PY + "RUN apt-get update && apt-get install -y sudo\n",
    "echo sudo": PY + "RUN echo sudo\n",
    "sudo group": PY + "RUN useradd -m app && usermod -aG sudo app\n",
    "sudoers file": PY + "RUN echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app\n",
    "sudo as an argument": PY + "RUN command -v sudo && which sudo && test -x /usr/bin/sudo\n",
    "gosu and su-exec": PY + "RUN gosu app true && su-exec app true\n",
    "sudo in CMD is not a RUN": PY + 'CMD ["sudo", "-u", "app", "python"]\n',
    "unknown command name": PY + "RUN $SUDO apt-get update\n",
    "sudo in a comment": PY + "# RUN sudo apt-get update\nRUN true\n",
}

BAD = {
    "sudo apt-get": (PY + "RUN sudo apt-get update\n", [2]),
    "sudo with options": (PY + "RUN sudo -E -u app pip install --user flask==3.0.3\n", [2]),
    "sudo by path": (PY + "RUN /usr/bin/sudo ls\n", [2]),
    "bare sudo": (PY + "RUN sudo -v\n", [2]),
    "behind another wrapper": (PY + "RUN env DEBIAN_FRONTEND=noninteractive sudo apt-get update\n", [2]),
    "xargs sudo": (PY + "RUN find /opt -name '*.sh' | xargs sudo chmod +x\n", [2]),
    "each sudo command": (PY + "RUN sudo apt-get update && sudo apt-get install -y git\n", [2, 2]),
    "continuation line of a multi-line RUN": (
        PY + "RUN apt-get update \\\n    && echo sudo \\\n    && sudo apt-get install -y git\n",
        [4],
    ),
    "heredoc RUN": (PY + "RUN <<EOF\nset -e\nsudo apt-get update\nEOF\n", [4]),
    "heredoc fed to bash": (PY + "RUN bash <<EOF\napt-get update\nsudo ls\nEOF\n", [4]),
    "sh -c string": (PY + "RUN sh -c 'apt-get update && sudo apt-get install -y git'\n", [2]),
    "sh -c on a later line": (PY + 'RUN true && \\\n    bash -c "echo hi; \\\n    sudo ls"\n', [4]),
    "exec form": (PY + 'RUN ["sudo", "apt-get", "update"]\n', [2]),
    "ONBUILD RUN": (PY + "ONBUILD RUN sudo apt-get update\n", [2]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN sudo ls\n", [3]),
    "stage built from an earlier stage": (
        NGC.replace("\n", " AS base\n") + "RUN true\nFROM base\nUSER 1000\nRUN sudo ls\n",
        [5],
    ),
    "sudo from an ARG": (PY + "ARG SUDO=sudo\nRUN $SUDO apt-get update\n", [3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF007"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF007"])
    assert ids_and_lines(findings) == [("DF007", line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


def test_message_and_column(lint):
    findings = lint(PY + "RUN apt-get update \\\n  && sudo -u app pip install a==1\n", select=["DF007"])
    assert [(f.line, f.column) for f in findings] == [(3, 6)]
    assert findings[0].message.startswith("`sudo pip` in a RUN")
    assert "USER root" in findings[0].message


def test_column_inside_sh_c(lint):
    findings = lint(PY + "RUN sh -c 'true; sudo ls'\n", select=["DF007"])
    assert [(f.line, f.column) for f in findings] == [(2, 18)]


def test_bare_sudo_message(lint):
    (finding,) = lint(PY + "RUN sudo -v\n", select=["DF007"])
    assert finding.message.startswith("`sudo` in a RUN")
