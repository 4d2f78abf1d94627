"""DF005 apt-instead-of-apt-get: the interactive apt front end used in a build."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.findings import Severity
from tfimage_lint.registry import load_registry

UB = "FROM ubuntu:22.04\n"
ARG_BASE = "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n"

OK = {
    "apt-get": UB + "RUN apt-get update && apt-get install -y --no-install-recommends curl\n",
    "apt-cache": UB + "RUN apt-cache policy curl && apt-cache search python3\n",
    "apt-key and apt-mark": UB + "RUN apt-key add /tmp/key.gpg && apt-mark hold curl\n",
    "apt-config and apt-file": UB + "RUN apt-config dump && apt-file search libcudnn\n",
    "add-apt-repository": UB + "RUN add-apt-repository -y ppa:deadsnakes/ppa\n",
    "apt as an argument": UB + "RUN echo apt install curl && which apt\n",
    "apt in a file name": UB + "RUN cp /etc/apt/sources.list /tmp/apt\n",
    "unknown command word": UB + "RUN $APT install -y curl\n",
    "a comment": UB + "# RUN apt install -y curl\n",
    "COPY of an apt folder": UB + "COPY apt /etc/apt\n",
}
BAD = {
    "apt install": (UB + "RUN apt install -y curl\n", [2]),
    "apt update": (UB + "RUN apt update\n", [2]),
    "apt list": (UB + "RUN apt list --installed\n", [2]),
    "apt with no argument": (UB + "RUN apt\n", [2]),
    "each apt command": (UB + "RUN apt update && apt install -y curl\n", [2, 2]),
    "continuation line of a multi-line RUN": (
        UB + "RUN apt-get update && \\\n    apt install -y \\\n        curl\n",
        [3],
    ),
    "heredoc RUN": (UB + "RUN <<EOF\nset -e\napt-get update\napt upgrade -y\nEOF\n", [5]),
    "sudo": (UB + "RUN sudo apt install -y curl\n", [2]),
    "/usr/bin/apt": (UB + "RUN /usr/bin/apt install -y curl\n", [2]),
    "sh -c string": (UB + "RUN apt-get update && sh -c 'apt install -y curl'\n", [2]),
    "ARG-resolved base": (ARG_BASE + "RUN apt install -y curl\n", [3]),
    "stage built from an earlier stage": (
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3 AS base\nFROM base\nRUN apt install -y curl\n",
        [3],
    ),
    "every stage": ("FROM ubuntu:22.04 AS a\nRUN apt update\nFROM ubuntu:22.04\nRUN apt update\n", [2, 4]),
    "ONBUILD RUN": (UB + "ONBUILD RUN apt install -y curl\n", [2]),
    "unknown package words": (UB + "RUN apt install -y $PKGS\n", [2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF005"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF005"])
    assert ids_and_lines(findings) == [("DF005", line) for line in lines]


def test_column_points_at_the_command(lint):
    (finding,) = lint(UB + "RUN apt-get update && \\\n    apt install -y curl\n", select=["DF005"])
    assert (finding.line, finding.column) == (3, 5)


def test_message_and_severity(lint):
    (finding,) = lint(UB + "RUN apt install -y curl\n", select=["DF005"])
    assert finding.severity is Severity.WARNING
    assert finding.rule_name == "apt-instead-of-apt-get"
    assert finding.message.startswith("apt install:")
    assert "use apt-get install instead" in finding.message


@pytest.mark.parametrize(
    ("command", "replacement"),
    [
        ("apt search cudnn", "apt-cache search"),
        ("apt show curl", "apt-cache show"),
        ("apt policy curl", "apt-cache policy"),
        ("apt full-upgrade -y", "apt-get dist-upgrade"),
        ("apt list --installed", "dpkg-query -l"),
        ("apt -y remove curl", "apt-get remove"),
    ],
)
def test_replacement_named(lint, command, replacement):
    (finding,) = lint(UB + f"RUN {command}\n", select=["DF005"])
    assert f"use {replacement}" in finding.message


def test_selected_by_default(lint):
    assert ("DF005", 2) in ids_and_lines(lint(UB + "RUN apt update\n"))


def test_see_also():
    rule = next(rule for rule in load_registry(include_plugins=False).rules if rule.id == "DF005")
    assert rule.see_also == ("hadolint DL3027",)
