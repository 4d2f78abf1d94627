"""DF001 apt-get-missing-yes: apt commands that would stop at the confirmation prompt."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.findings import Severity
from tfimage_lint.registry import load_registry

UB = "FROM ubuntu:22.04\n"
ARG_BASE = "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n"
CLEAN = " && rm -rf /var/lib/apt/lists/*\n"

OK = {
    "-y": UB + "RUN apt-get update && apt-get install -y curl" + CLEAN,
    "-y before the subcommand": UB + "RUN apt-get -y install curl\n",
    "--yes": UB + "RUN apt-get install --yes curl\n",
    "--assume-yes": UB + "RUN apt-get install --assume-yes curl\n",
    "--assume-yes=true": UB + "RUN apt-get install --assume-yes=true curl\n",
    "-qq implies -y": UB + "RUN apt-get -qq install curl\n",
    "-q -q": UB + "RUN apt-get -q -q install curl\n",
    "-q=2": UB + "RUN apt-get -q=2 install curl\n",
    "--quiet=2": UB + "RUN apt-get --quiet=2 install curl\n",
    "-o quiet=2": UB + "RUN apt-get -o quiet=2 install curl\n",
    "-qy cluster": UB + "RUN apt-get install -qy curl\n",
    "-yq cluster": UB + "RUN apt-get install -yq curl\n",
    "-qqy cluster": UB + "RUN apt-get install -qqy curl\n",
    "-o APT::Get::Assume-Yes=true": UB + "RUN apt-get -o APT::Get::Assume-Yes=true install curl\n",
    "-oAPT::Get::Assume-Yes=1 attached": UB + "RUN apt-get -oAPT::Get::Assume-Yes=1 install curl\n",
    "--option=APT::Get::Assume-Yes=yes": UB + "RUN apt-get --option=APT::Get::Assume-Yes=yes install curl\n",
    "apt -y": UB + "RUN apt install -y curl\n",
    "aptitude -y": UB + "RUN aptitude install -y curl\n",
    "remove -y": UB + "RUN apt-get remove -y curl && apt-get purge --yes wget && apt-get autoremove -y\n",
    "upgrade -y": UB + "RUN apt-get upgrade -y && apt-get dist-upgrade -y\n",
    "update asks nothing": UB + "RUN apt-get update\n",
    "apt-get clean asks nothing": UB + "RUN apt-get clean && apt-get autoclean\n",
    "simulation": UB + "RUN apt-get -s install curl && apt-get install --dry-run wget\n",
    "yes piped in": UB + "RUN yes | apt-get install curl\n",
    "echo y piped in": UB + "RUN echo y | apt-get remove curl\n",
    "assume-yes configured in an earlier RUN": (
        UB + "RUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\nRUN apt-get install curl\n"
    ),
    "assume-yes configured earlier in the same RUN": (
        UB + "RUN echo 'APT::Get::Assume-Yes \"1\";' > /etc/apt/apt.conf.d/90yes && apt-get install curl\n"
    ),
    "assume-yes configured in a COPY heredoc": (
        UB + 'COPY <<EOF /etc/apt/apt.conf.d/90yes\nAPT::Get::Assume-Yes "true";\nEOF\nRUN apt-get install curl\n'
    ),
    "assume-yes configured in the stage it is built on": (
        "FROM ubuntu:22.04 AS base\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n"
        "FROM base\nRUN apt-get install curl\n"
    ),
    "options in an unknown variable": UB + "RUN apt-get install $APT_OPTS curl\n",
    "options in an unknown ${INSTALL_FLAGS}": UB + "RUN apt-get install ${INSTALL_FLAGS} curl\n",
    "options from an ARG": UB + 'ARG APT_OPTS="-y --no-install-recommends"\nRUN apt-get install $APT_OPTS curl\n',
    "unknown packages with -y": UB + "RUN apt-get install -y $PKGS\n",
    "unknown subcommand": UB + "RUN apt-get $ACTION curl\n",
    "apt-cache": UB + "RUN apt-cache policy curl && apt-mark hold curl\n",
    "a comment": UB + "# RUN apt-get install curl\n",
    "echo of the words": UB + "RUN echo apt-get install curl\n",
    "sudo with -y": UB + "RUN sudo apt-get install -y curl\n",
}
BAD = {
    "install without -y": (UB + "RUN apt-get update && apt-get install curl" + CLEAN, [2]),
    "continuation line of a multi-line RUN": (
        UB + "RUN apt-get update && \\\n    apt-get install --no-install-recommends \\\n        curl && \\\n"
        "    rm -rf /var/lib/apt/lists/*\n",
        [3],
    ),
    "heredoc RUN": (UB + "RUN <<EOF\nset -e\napt-get update\napt-get install curl\nEOF\n", [5]),
    "sudo": (UB + "RUN sudo apt-get install curl\n", [2]),
    "sudo -E": (UB + "RUN sudo -E apt-get install curl\n", [2]),
    "env wrapper": (UB + "RUN env DEBIAN_FRONTEND=noninteractive apt-get install curl\n", [2]),
    "DEBIAN_FRONTEND does not answer the prompt": (
        UB + "ENV DEBIAN_FRONTEND=noninteractive\nRUN DEBIAN_FRONTEND=noninteractive apt-get install curl\n",
        [3],
    ),
    "sh -c string": (UB + 'RUN sh -c "apt-get update && apt-get install curl"\n', [2]),
    "bash -c string on a continuation line": (UB + "RUN true && \\\n  bash -c 'apt-get install curl'\n", [3]),
    "ARG-resolved base": (ARG_BASE + "RUN apt-get install curl\n", [3]),
    "stage built from an earlier stage": (
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3 AS base\nFROM base\nRUN apt-get install curl\n",
        [3],
    ),
    "ONBUILD RUN": (UB + "ONBUILD RUN apt-get install curl\n", [2]),
    "apt install": (UB + "RUN apt install curl\n", [2]),
    "aptitude install": (UB + "RUN aptitude install curl\n", [2]),
    "aptitude -q -q does not imply yes": (UB + "RUN aptitude -q -q install curl\n", [2]),
    "-q alone": (UB + "RUN apt-get -q install curl\n", [2]),
    "--force-yes is not -y": (UB + "RUN apt-get install --force-yes curl\n", [2]),
    "Assume-Yes=false": (UB + "RUN apt-get -o APT::Get::Assume-Yes=false install curl\n", [2]),
    "a y inside an -o value is not -y": (UB + "RUN apt-get -o Dpkg::Use-Pty=0 install curl\n", [2]),
    "a y inside an -t value is not -y": (UB + "RUN apt-get -t jammy-security install curl\n", [2]),
    "remove": (UB + "RUN apt-get remove curl\n", [2]),
    "purge and autoremove": (UB + "RUN apt-get purge curl && \\\n    apt-get autoremove\n", [2, 3]),
    "dist-upgrade": (UB + "RUN apt-get dist-upgrade\n", [2]),
    "reinstall": (UB + "RUN apt-get reinstall curl\n", [2]),
    "build-dep": (UB + "RUN apt-get build-dep python3\n", [2]),
    "unknown package words": (UB + "RUN apt-get install $PKGS\n", [2]),
    "ARG-expanded packages": (UB + 'ARG PKGS="curl wget"\nRUN apt-get install $PKGS\n', [3]),
    "configured in a later RUN does not count": (
        UB + "RUN apt-get install curl\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n",
        [2],
    ),
    "configured in an unrelated stage does not count": (
        "FROM ubuntu:22.04 AS other\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n"
        "FROM ubuntu:22.04\nRUN apt-get install curl\n",
        [4],
    ),
    "yes not piped into it": (UB + "RUN echo n | apt-get install curl\n", [2]),
    "two commands in two stages": (
        "FROM ubuntu:22.04 AS a\nRUN apt-get install curl\nFROM ubuntu:22.04\nRUN apt-get install wget\n",
        [2, 4],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF001"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF001"])
    assert ids_and_lines(findings) == [("DF001", line) for line in lines]


def test_column_points_at_the_command(lint):
    (finding,) = lint(UB + "RUN apt-get update && \\\n    apt-get install curl\n", select=["DF001"])
    assert (finding.line, finding.column) == (3, 5)


def test_heredoc_column(lint):
    (finding,) = lint(UB + "RUN <<EOF\n  apt-get install curl\nEOF\n", select=["DF001"])
    assert (finding.line, finding.column) == (3, 3)


def test_message_and_severity(lint):
    (finding,) = lint(UB + "RUN apt-get install curl\n", select=["DF001"])
    assert finding.severity is Severity.WARNING
    assert finding.rule_name == "apt-get-missing-yes"
    assert "apt-get install without -y" in finding.message
    assert "Do you want to continue?" in finding.message
    assert "apt-get install -y" in finding.message


def test_remove_message(lint):
    (finding,) = lint(UB + "RUN apt-get remove curl\n", select=["DF001"])
    assert "apt-get remove without -y" in finding.message
    assert "removes or upgrades" in finding.message


def test_onbuild_message(lint):
    (finding,) = lint(UB + "ONBUILD RUN apt-get install curl\n", select=["DF001"])
    assert "every build FROM this image" in finding.message


def test_selected_by_default(lint):
    assert ("DF001", 2) in ids_and_lines(lint(UB + "RUN apt-get install curl\n"))


def test_see_also():
    rule = next(rule for rule in load_registry(include_plugins=False).rules if rule.id == "DF001")
    assert rule.see_also == ("hadolint DL3014",)
