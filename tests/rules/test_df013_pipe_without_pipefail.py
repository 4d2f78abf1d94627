"""DF013 pipe-without-pipefail: a pipe in a RUN whose shell has no pipefail."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
BASH_PIPEFAIL = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
PIPE = "curl -fsSL https://example.com/x.tgz | tar -xz"

OK = {
    "no pipe": PY + "RUN apt-get update && apt-get install -y git\n",
    "or is not a pipe": PY + "RUN make || true\n",
    "quoted pipe": PY + "RUN echo 'a | b' && echo \"c | d\"\n",
    "escaped pipe": PY + "RUN echo a \\| b\n",
    "clobbering redirect": PY + "RUN echo x >| /tmp/f\n",
    "pipe in a comment": PY + "RUN <<EOF\n# curl x | sh\ntrue\nEOF\n",
    "exec form with a | word": PY + 'RUN ["echo", "a", "|", "b"]\n',
    "SHELL with pipefail": PY + BASH_PIPEFAIL + f"RUN {PIPE}\n",
    "SHELL with -eo pipefail": PY + 'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]\n' + f"RUN {PIPE}\n",
    "SHELL with -euxo pipefail": PY + 'SHELL ["/bin/bash", "-euxo", "pipefail", "-c"]\n' + f"RUN {PIPE}\n",
    "SHELL with -c -o pipefail": PY + 'SHELL ["/bin/bash", "-c", "-o", "pipefail"]\n' + f"RUN {PIPE}\n",
    "ash with pipefail": "FROM alpine:3.19\n" + 'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]\n' + f"RUN {PIPE}\n",
    "pwsh SHELL": PY + 'SHELL ["pwsh", "-Command"]\n' + "RUN Get-ChildItem | Select-Object Name\n",
    "cmd SHELL": PY + 'SHELL ["cmd", "/S", "/C"]\n' + "RUN dir | findstr x\n",
    "fish SHELL": PY + 'SHELL ["/usr/bin/fish", "-c"]\n' + "RUN ls | head\n",
    "set -o pipefail first": PY + f"RUN set -o pipefail && {PIPE}\n",
    "set -euo pipefail first": PY + f"RUN set -euo pipefail; {PIPE}\n",
    "set -eo pipefail on an earlier line": PY + f"RUN set -eo pipefail \\\n && apt-get update \\\n && {PIPE}\n",
    "shopt -so pipefail": PY + f"RUN shopt -so pipefail; {PIPE}\n",
    "heredoc that sets pipefail": PY + f"RUN <<EOF\nset -o pipefail\n{PIPE}\nEOF\n",
    "heredoc under a pipefail SHELL": PY + BASH_PIPEFAIL + f"RUN <<EOF\n{PIPE}\nEOF\n",
    "bash -o pipefail -c": PY + f"RUN bash -o pipefail -c '{PIPE}'\n",
    "bash -c that sets pipefail": PY + f'RUN bash -c "set -o pipefail; {PIPE}"\n',
    "exec form bash -o pipefail -c": PY + f'RUN ["/bin/bash", "-o", "pipefail", "-c", "{PIPE}"]\n',
    "bash -o pipefail reading a heredoc": PY + f"RUN bash -o pipefail <<EOF\n{PIPE}\nEOF\n",
    "#! heredoc that sets pipefail": PY + f"RUN <<EOF\n#!/bin/bash\nset -euo pipefail\n{PIPE}\nEOF\n",
    "#! python heredoc": PY + "RUN <<EOF\n#!/usr/bin/env python3\nprint(1 | 2)\nEOF\n",
    "python heredoc": PY + "RUN python3 <<EOF\nprint(1 | 2)\nEOF\n",
    "heredoc written to a file": PY + f"RUN cat > /install.sh <<EOF\n{PIPE}\nEOF\n",
    "yes feeding a command": PY + "RUN yes | apt-get install git\n",
    "sudo yes": PY + "RUN yes y | sudo apt-get install git\n",
    "stage built from a stage with a pipefail SHELL": NGC.replace("\n", " AS base\n")
    + BASH_PIPEFAIL
    + f"FROM base\nRUN {PIPE}\n",
    "ONBUILD RUN under a pipefail SHELL": PY + BASH_PIPEFAIL + f"ONBUILD RUN {PIPE}\n",
}

BAD = {
    "pipe": (PY + f"RUN {PIPE}\n", [2]),
    "stderr pipe": (PY + "RUN make |& tee /build.log\n", [2]),
    "negated pipe": (PY + "RUN ! pip freeze | grep -q tensorflow-gpu\n", [2]),
    "continuation line of a multi-line RUN": (
        PY + f"RUN apt-get update \\\n    && apt-get install -y curl \\\n    && {PIPE}\n",
        [4],
    ),
    "pipe on the line after the first command": (
        PY + "RUN apt-get update && curl -fsSL https://example.com/key \\\n    | gpg --dearmor > /k.gpg\n",
        [2],
    ),
    "first command on its own line": (
        PY + "RUN apt-get update && \\\n    curl -fsSL https://example.com/key \\\n    | gpg --dearmor > /k.gpg\n",
        [3],
    ),
    "heredoc RUN": (PY + f"RUN <<EOF\nset -e\napt-get update\n{PIPE}\nEOF\n", [5]),
    "set -o pipefail after the pipe": (PY + f"RUN {PIPE}; set -o pipefail\n", [2]),
    "set -o pipefail in a subshell": (PY + f"RUN (set -o pipefail) && {PIPE}\n", [2]),
    "set +o pipefail": (PY + BASH_PIPEFAIL + f"RUN set +o pipefail && {PIPE}\n", [3]),
    "pipe in a command substitution": (PY + "RUN V=$(pip freeze | grep numpy) && echo $V\n", [2]),
    "pipe in an if": (PY + "RUN if pip freeze | grep -q numpy; then echo yes; fi\n", [2]),
    "SHELL without pipefail": (PY + 'SHELL ["/bin/bash", "-c"]\n' + f"RUN {PIPE}\n", [3]),
    "SHELL sh": (PY + 'SHELL ["/bin/sh", "-c"]\n' + f"RUN {PIPE}\n", [3]),
    "SHELL with -opipefail is not pipefail": (PY + 'SHELL ["/bin/bash", "-opipefail", "-c"]\n' + f"RUN {PIPE}\n", [3]),
    "a later SHELL without pipefail": (PY + BASH_PIPEFAIL + 'SHELL ["/bin/bash", "-c"]\n' + f"RUN {PIPE}\n", [4]),
    "SHELL after the RUN": (PY + f"RUN {PIPE}\n" + BASH_PIPEFAIL, [2]),
    "SHELL of another stage": (PY.replace("\n", " AS a\n") + BASH_PIPEFAIL + PY + f"RUN {PIPE}\n", [4]),
    "bash -c under a pipefail SHELL": (PY + BASH_PIPEFAIL + f"RUN bash -c '{PIPE}'\n", [3]),
    "sudo sh -c": (PY + BASH_PIPEFAIL + f'RUN sudo -E sh -c "{PIPE}"\n', [3]),
    "su -c": (PY + BASH_PIPEFAIL + f'RUN su app -c "{PIPE}"\n', [3]),
    "bash -c on a continuation line": (PY + f"RUN true && \\\n    bash -c 'true; \\\n    {PIPE}'\n", [4]),
    "exec form bash -c": (PY + f'RUN ["/bin/bash", "-c", "{PIPE}"]\n', [2]),
    "heredoc fed to bash": (PY + BASH_PIPEFAIL + f"RUN bash <<EOF\napt-get update\n{PIPE}\nEOF\n", [5]),
    "#! bash heredoc": (PY + BASH_PIPEFAIL + f"RUN <<EOF\n#!/bin/bash\nset -e\n{PIPE}\nEOF\n", [6]),
    "heredoc piped into a shell": (PY + "RUN cat <<EOF | sh\necho hi\nEOF\n", [2]),
    "yes in a longer pipe": (PY + "RUN yes | head -n 3 | cat\n", [2]),
    "ONBUILD RUN": (PY + f"ONBUILD RUN {PIPE}\n", [2]),
    "one finding per RUN": (PY + f"RUN {PIPE} && {PIPE}\nRUN {PIPE}\n", [2, 3]),
    "text tree-sitter cannot parse": (PY + f"RUN if [ -d /x ; then \\\n    {PIPE}; fi )\n", [3]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n" + f"RUN {PIPE}\n", [3]),
    "stage built from an earlier stage": (NGC.replace("\n", " AS base\n") + f"RUN true\nFROM base\nRUN {PIPE}\n", [4]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF013"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF013"])
    assert ids_and_lines(findings) == [("DF013", line) for line in lines]
    assert {f.severity.value for f in findings} == {"warning"}


def test_columns(lint):
    def position(text):
        return [(f.line, f.column) for f in lint(text, select=["DF013"])]

    assert position(PY + f"RUN apt-get update \\\n  && {PIPE}\n") == [(3, 6)]
    assert position(PY + f"RUN X=$({PIPE})\n") == [(2, 9)]
    assert position(PY + f"RUN <<EOF\nset -e\n  {PIPE}\nEOF\n") == [(4, 3)]
    assert position(PY + BASH_PIPEFAIL + f"RUN sh -c 'true; {PIPE}'\n") == [(3, 18)]
    assert position(PY + f'RUN ["bash", "-c", "true; {PIPE}"]\n') == [(2, 27)]


def test_message_default_shell(lint):
    (finding,) = lint(PY + f"RUN apt-get update && {PIPE}\n", select=["DF013"])
    assert finding.message.startswith(f"`{PIPE}` is a pipe run by the default shell (`/bin/sh -c`) without `pipefail`")
    assert "succeeds even when a command before the last `|` fails" in finding.message
    assert 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]' in finding.message
    assert "set -o pipefail" in finding.message


def test_message_names_the_shell_instruction(lint):
    (finding,) = lint(PY + 'SHELL ["/bin/bash", "-c"]\n' + f"RUN {PIPE}\n", select=["DF013"])
    assert "run by the shell `/bin/bash -c` (SHELL at line 2)" in finding.message


def test_message_child_shell(lint):
    (finding,) = lint(PY + BASH_PIPEFAIL + f"RUN sh -c '{PIPE}'\n", select=["DF013"])
    assert finding.message.startswith(f"`{PIPE}` is a pipe in a `sh -c` string without `pipefail`")
    assert "SHELL's options do not reach that shell" in finding.message
    assert "`bash -o pipefail -c`" in finding.message
    (finding,) = lint(PY + f"RUN bash <<EOF\n{PIPE}\nEOF\n", select=["DF013"])
    assert "a heredoc run by `bash`" in finding.message
    assert "`bash -o pipefail <<EOF`" in finding.message


def test_message_counts_more_pipes(lint):
    (finding,) = lint(PY + f"RUN {PIPE} \\\n && {PIPE} \\\n && ls | wc -l\n", select=["DF013"])
    assert finding.line == 2
    assert finding.message.endswith("(and 2 more pipe(s) without pipefail in this RUN, line 3, 4)")


def test_long_pipes_are_shortened(lint):
    (finding,) = lint(PY + "RUN echo " + "x" * 200 + " | cat\n", select=["DF013"])
    assert "..." in finding.message
    assert len(finding.message) < 500


@pytest.mark.parametrize(
    "text",
    [
        PY + "RUN |\n",
        PY + "RUN | | |\n",
        PY + "RUN a |\n",
        PY + "RUN 'a | b\n",
        PY + 'RUN "a | b\n',
        PY + "RUN $(a | \n",
        PY + 'RUN ["bash", "-c"]\n',
        PY + 'RUN ["bash", "-c", "a \\" | b"]\n',
        PY + "RUN bash -c\n",
        PY + "RUN su -c\n",
        PY + 'SHELL ["/bin/bash"]\nRUN a | b\n',
        PY + "SHELL []\nRUN a | b\n",
        PY + "SHELL /bin/bash -c\nRUN a | b\n",
        PY + "RUN <<EOF\na | b\n",
        PY + "RUN <<EOF\n#!\na | b\nEOF\n",
        PY + "RUN " + "sh -c '" * 30 + "a | b" + "'" * 30 + "\n",
        PY + "RUN " + " && ".join(["a | b"] * 3000) + "\n",
        PY + "RUN echo é | ü && café | thé\n",
    ],
)
def test_odd_input_does_not_crash(lint, text):
    findings = lint(text, select=["DF013"])
    assert all(f.rule_id in ("DF013", "DF000") for f in findings)


def test_shebang_options(lint):
    def lines(shebang):
        return ids_and_lines(lint(PY + f"RUN <<EOF\n{shebang}\n{PIPE}\nEOF\n", select=["DF013"]))

    assert lines("#!/usr/bin/env -S bash -euo pipefail") == []
    assert lines("#!/usr/bin/env bash") == [("DF013", 4)]
    # the kernel passes "-o pipefail" as one argument, which bash rejects: not pipefail
    assert lines("#!/bin/bash -o pipefail") == [("DF013", 4)]
