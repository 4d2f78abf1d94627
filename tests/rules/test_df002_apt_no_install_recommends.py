"""DF002 apt-no-install-recommends: apt installs that pull in recommended packages."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.findings import Severity
from tfimage_lint.registry import load_registry

UB = "FROM ubuntu:22.04\n"
ARG_BASE = "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n"
CLEAN = " && rm -rf /var/lib/apt/lists/*\n"
NO_RECOMMENDS_CONF = "RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/00norecommends\n"

OK = {
    "--no-install-recommends": UB + "RUN apt-get update && apt-get install -y --no-install-recommends curl" + CLEAN,
    "before the subcommand": UB + "RUN apt-get --no-install-recommends -y install curl\n",
    "-o APT::Install-Recommends=false": UB + "RUN apt-get install -y -o APT::Install-Recommends=false curl\n",
    "-o APT::Install-Recommends=0": UB + "RUN apt-get install -y -o APT::Install-Recommends=0 curl\n",
    "-oAPT::Install-Recommends=no attached": UB + "RUN apt-get install -y -oAPT::Install-Recommends=no curl\n",
    "--option=APT::Install-Recommends=false": UB + "RUN apt-get install -y --option=APT::Install-Recommends=false x\n",
    "case-insensitive key": UB + "RUN apt-get install -y -o apt::install-recommends=False curl\n",
    "--install-recommends=false": UB + "RUN apt-get install -y --install-recommends=false curl\n",
    "apt with --no-install-recommends": UB + "RUN apt install -y --no-install-recommends curl\n",
    "aptitude -R": UB + "RUN aptitude install -y -R curl\n",
    "aptitude --without-recommends": UB + "RUN aptitude install -y --without-recommends curl\n",
    "update": UB + "RUN apt-get update\n",
    "remove": UB + "RUN apt-get remove -y curl\n",
    "upgrade": UB + "RUN apt-get upgrade -y\n",
    "install -f with no package": UB + "RUN apt-get install -y -f\n",
    "configured in an earlier RUN": UB + NO_RECOMMENDS_CONF + "RUN apt-get install -y curl\n",
    "configured with 0 earlier in the same RUN": (
        UB + "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/00n && apt-get install -y curl\n"
    ),
    "configured in a RUN heredoc": (
        UB + 'RUN cat > /etc/apt/apt.conf.d/00n <<EOF\nAPT::Install-Recommends "false";\nEOF\n'
        "RUN apt-get install -y curl\n"
    ),
    "configured in the stage it is built on": (
        "FROM ubuntu:22.04 AS base\n" + NO_RECOMMENDS_CONF + "FROM base\nRUN apt-get install -y curl\n"
    ),
    "options in an unknown variable": UB + "RUN apt-get install -y $APT_OPTS curl\n",
    "options from an ARG": UB + 'ARG APT_ARGS="-y --no-install-recommends"\nRUN apt-get install $APT_ARGS curl\n',
    "sudo with the option": UB + "RUN sudo apt-get install -y --no-install-recommends curl\n",
    "unknown packages with the option": UB + "RUN apt-get install -y --no-install-recommends $PKGS\n",
    "unknown subcommand": UB + "RUN apt-get $ACTION -y curl\n",
    "a comment": UB + "# RUN apt-get install -y curl\n",
    "pip install": UB + "RUN pip install --no-cache-dir requests==2.31.0\n",
}
BAD = {
    "install without the option": (UB + "RUN apt-get update && apt-get install -y curl" + CLEAN, [2]),
    "continuation line of a multi-line RUN": (
        UB + "RUN apt-get update && \\\n    apt-get install -y \\\n        curl && \\\n"
        "    rm -rf /var/lib/apt/lists/*\n",
        [3],
    ),
    "heredoc RUN": (UB + "RUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n", [5]),
    "sudo": (UB + "RUN sudo apt-get install -y curl\n", [2]),
    "sh -c string": (UB + "RUN sh -c 'apt-get update && apt-get install -y curl'\n", [2]),
    "ARG-resolved base": (ARG_BASE + "RUN apt-get install -y curl\n", [3]),
    "stage built from an earlier stage": (
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3 AS base\nFROM base\nRUN apt-get install -y curl\n",
        [3],
    ),
    "ONBUILD RUN": (UB + "ONBUILD RUN apt-get install -y curl\n", [2]),
    "apt install": (UB + "RUN apt install -y curl\n", [2]),
    "aptitude install": (UB + "RUN aptitude install -y curl\n", [2]),
    "local .deb file still pulls recommends": (UB + "RUN apt-get install -y ./cuda-keyring_1.1-1_all.deb\n", [2]),
    "APT::Install-Recommends=true": (UB + "RUN apt-get install -y -o APT::Install-Recommends=true curl\n", [2]),
    "--no-install-suggests alone": (UB + "RUN apt-get install -y --no-install-suggests curl\n", [2]),
    "unknown package words": (UB + "RUN apt-get install -y $PKGS\n", [2]),
    "configured in a later RUN does not count": (UB + "RUN apt-get install -y curl\n" + NO_RECOMMENDS_CONF, [2]),
    "two installs in one RUN": (UB + "RUN apt-get install -y curl && \\\n    apt-get install -y wget\n", [2, 3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF002"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF002"])
    assert ids_and_lines(findings) == [("DF002", line) for line in lines]


def test_column_points_at_the_command(lint):
    (finding,) = lint(UB + "RUN apt-get update && \\\n    sudo apt-get install -y curl\n", select=["DF002"])
    assert (finding.line, finding.column) == (3, 5)


def test_message_and_severity(lint):
    (finding,) = lint(UB + "RUN apt-get install -y curl\n", select=["DF002"])
    assert finding.severity is Severity.INFO
    assert finding.rule_name == "apt-no-install-recommends"
    assert "apt-get install without --no-install-recommends" in finding.message
    assert "recommended" in finding.message


def test_selected_by_default(lint):
    assert ("DF002", 2) in ids_and_lines(lint(UB + "RUN apt-get install -y curl\n"))


def test_see_also():
    rule = next(rule for rule in load_registry(include_plugins=False).rules if rule.id == "DF002")
    assert rule.see_also == ("hadolint DL3015",)
