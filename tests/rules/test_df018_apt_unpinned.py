"""DF018 apt-unpinned (off by default): apt packages installed without a version."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.findings import Severity
from tfimage_lint.registry import load_registry

UB = "FROM ubuntu:22.04\n"
ARG_BASE = "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n"
OPTS = "-y --no-install-recommends"

OK = {
    "pinned": UB + f"RUN apt-get update && apt-get install {OPTS} curl=7.81.0-1ubuntu1.16\n",
    "several pinned": UB + f"RUN apt-get install {OPTS} curl=7.81.0-1ubuntu1.16 \\\n    wget=1.21.2-2ubuntu1\n",
    "wildcard version": UB + f"RUN apt-get install {OPTS} 'libcudnn8=8.9.*'\n",
    "architecture and version": UB + f"RUN apt-get install {OPTS} libc6:amd64=2.35-0ubuntu3.8\n",
    "local .deb": UB + f"RUN apt-get install {OPTS} ./cuda-keyring_1.1-1_all.deb /tmp/x.deb\n",
    "unknown words": UB + f"RUN apt-get install {OPTS} $PKGS ${{EXTRA}}\n",
    "glob": UB + f"RUN apt-get install {OPTS} 'python3-*'\n",
    "name- removes": UB + f"RUN apt-get install {OPTS} nano-\n",
    "install -f": UB + "RUN apt-get install -y -f\n",
    "update and remove": UB + "RUN apt-get update && apt-get remove -y curl && apt-get purge -y wget\n",
    "upgrade": UB + "RUN apt-get upgrade -y\n",
    "pip install": UB + "RUN pip install requests\n",
    "a comment": UB + "# RUN apt-get install -y curl\n",
    "yum": "FROM rockylinux:9.3\nRUN yum install -y curl\n",
    "apk": "FROM alpine:3.19\nRUN apk add --no-cache curl\n",
}
BAD = {
    "unpinned": (UB + f"RUN apt-get update && apt-get install {OPTS} curl\n", [2]),
    "each package": (UB + f"RUN apt-get install {OPTS} curl wget=1.21.2-2ubuntu1 git\n", [2, 2]),
    "continuation lines of a multi-line RUN, one per package word": (
        UB + f"RUN apt-get update && \\\n    apt-get install {OPTS} \\\n        curl \\\n        git && \\\n"
        "    rm -rf /var/lib/apt/lists/*\n",
        [4, 5],
    ),
    "heredoc RUN": (UB + f"RUN <<EOF\nset -e\napt-get update\napt-get install {OPTS} \\\n  curl\nEOF\n", [6]),
    "sudo": (UB + f"RUN sudo apt-get install {OPTS} curl\n", [2]),
    "sh -c string": (UB + f"RUN sh -c 'apt-get install {OPTS} curl'\n", [2]),
    "release pin is not a version": (UB + f"RUN apt-get install {OPTS} -t jammy-backports curl/jammy-backports\n", [2]),
    "architecture without version": (UB + f"RUN apt-get install {OPTS} libc6:amd64\n", [2]),
    "package list from an ARG": (
        UB + f'ARG PKGS="curl git=1:2.34.1-1ubuntu1.11"\nRUN apt-get install {OPTS} $PKGS\n',
        [3],
    ),
    "apt install": (UB + "RUN apt install -y curl\n", [2]),
    "aptitude install": (UB + "RUN aptitude install -y curl\n", [2]),
    "ARG-resolved base": (ARG_BASE + "RUN apt-get install -y curl\n", [3]),
    "stage built from an earlier stage": (
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3 AS base\nFROM base\nRUN apt-get install -y curl\n",
        [3],
    ),
    "ONBUILD RUN": (UB + "ONBUILD RUN apt-get install -y curl\n", [2]),
    "unknown words next to a name": (UB + "RUN apt-get install -y $PKGS curl\n", [2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF018"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF018"])
    assert ids_and_lines(findings) == [("DF018", line) for line in lines]


def test_column_points_at_the_package_word(lint):
    findings = lint(UB + "RUN apt-get install -y \\\n    curl=7.81.0-1ubuntu1.16 \\\n    git\n", select=["DF018"])
    assert [(f.line, f.column) for f in findings] == [(4, 5)]


def test_message_and_severity(lint):
    (finding,) = lint(UB + "RUN apt-get install -y curl\n", select=["DF018"])
    assert finding.severity is Severity.WARNING
    assert finding.rule_name == "apt-unpinned"
    assert "curl is installed without a version" in finding.message
    assert "curl=<version>" in finding.message


def test_release_pin_message(lint):
    (finding,) = lint(UB + "RUN apt-get install -y curl/jammy-backports\n", select=["DF018"])
    assert "selects a release, not a version" in finding.message
    assert "curl=<version>" in finding.message


def test_off_by_default(lint):
    text = UB + "RUN apt-get install -y --no-install-recommends curl\n"
    assert "DF018" not in {f.rule_id for f in lint(text)}
    assert ids_and_lines(lint(text, select=["apt-unpinned"])) == [("DF018", 2)]


def test_metadata():
    rule = next(rule for rule in load_registry(include_plugins=False).rules if rule.id == "DF018")
    assert rule.see_also == ("hadolint DL3008",)
    assert rule.default_enabled is False
