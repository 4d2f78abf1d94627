"""DF003 apt-lists-not-cleaned: package lists left in a layer of the final image."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.findings import Severity
from tfimage_lint.registry import load_registry

UB = "FROM ubuntu:22.04\n"
ARG_BASE = "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n"
INSTALL = "apt-get update && apt-get install -y --no-install-recommends curl"

OK = {
    "rm -rf /var/lib/apt/lists/*": UB + f"RUN {INSTALL} && rm -rf /var/lib/apt/lists/*\n",
    "rm -rf /var/lib/apt/lists": UB + f"RUN {INSTALL} && rm -rf /var/lib/apt/lists\n",
    "rm -rf /var/lib/apt/lists/": UB + f"RUN {INSTALL} && rm -rf /var/lib/apt/lists/\n",
    "rm -rf /var/lib/apt": UB + f"RUN {INSTALL} && rm -rf /var/lib/apt\n",
    "among several rm paths": UB + f"RUN {INSTALL} && rm -rf /tmp/* /var/lib/apt/lists/* /var/cache/apt/*\n",
    "apt-get clean then rm": UB + f"RUN {INSTALL} && apt-get clean && rm -rf /var/lib/apt/lists/*\n",
    "rm on a continuation line": (
        UB + "RUN apt-get update && \\\n    apt-get install -y curl && \\\n    rm -r /var/lib/apt/lists/*\n"
    ),
    "find -delete": UB + f"RUN {INSTALL} && find /var/lib/apt/lists -type f -delete\n",
    "apt-get distclean": UB + f"RUN {INSTALL} && apt-get distclean\n",
    "relative rm in the lists folder": UB + f"WORKDIR /var/lib/apt/lists\nRUN {INSTALL} && rm -rf *\n",
    "rm through an unknown variable": UB + f"RUN {INSTALL} && rm -rf $APT_LISTS\n",
    "rm through a partly unknown path": UB + f"RUN {INSTALL} && rm -rf /var/lib/apt/${{WHAT}}\n",
    "sudo rm": UB + f"RUN sudo {INSTALL} && sudo rm -rf /var/lib/apt/lists/*\n",
    "sh -c with the rm": UB + f"RUN sh -c '{INSTALL} && rm -rf /var/lib/apt/lists/*'\n",
    "heredoc with the rm": (
        UB + "RUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n"
    ),
    "cache mount on the lists": (UB + f"RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked {INSTALL}\n"),
    "cache mount on /var/lib/apt": UB + f"RUN --mount=type=cache,target=/var/lib/apt {INSTALL}\n",
    "cache mounts with dst=": (
        UB + f"RUN --mount=type=cache,dst=/var/cache/apt --mount=type=cache,dst=/var/lib/apt/lists/ {INSTALL}\n"
    ),
    "tmpfs mount on the lists": UB + f"RUN --mount=type=tmpfs,target=/var/lib/apt/lists {INSTALL}\n",
    "install without update downloads no lists": UB + "RUN apt-get install -y --no-install-recommends curl\n",
    "apt-get update in a stage only copied from": (
        "FROM ubuntu:22.04 AS build\nRUN apt-get update && apt-get install -y gcc\n"
        "FROM ubuntu:22.04\nCOPY --from=build /usr/bin/gcc /usr/bin/gcc\n"
    ),
    "ONBUILD RUN (another build)": UB + "ONBUILD RUN apt-get update\n",
    "add-apt-repository -n does not update": UB + "RUN add-apt-repository -n ppa:deadsnakes/ppa\n",
    "add-apt-repository on Ubuntu 16.04 does not update": "FROM ubuntu:16.04\nRUN add-apt-repository ppa:x/y\n",
    "add-apt-repository on an ARG-resolved CUDA Ubuntu 16.04 base": (
        "ARG OS=16.04\nFROM nvidia/cuda:10.0-cudnn7-devel-ubuntu${OS}\nRUN add-apt-repository ppa:x/y\n"
    ),
    "add-apt-repository on ubuntu:xenial": "FROM ubuntu:xenial-20210804\nRUN add-apt-repository ppa:x/y\n",
    "unknown subcommand": UB + "RUN apt-get $ACTION\n",
    "a comment": UB + "# RUN apt-get update\n",
    "echo of the words": UB + "RUN echo apt-get update\n",
}
BAD = {
    "update and install without rm": (UB + f"RUN {INSTALL}\n", [2]),
    "update alone": (UB + "RUN apt-get update\n", [2]),
    "apt update": (UB + "RUN apt update && apt install -y curl\n", [2]),
    "continuation line of a multi-line RUN": (
        UB + "RUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl\n",
        [3],
    ),
    "heredoc RUN": (UB + "RUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n", [4]),
    "sudo": (UB + "RUN sudo apt-get update && sudo apt-get install -y curl\n", [2]),
    "sh -c string": (UB + 'RUN sh -c "apt-get update && apt-get install -y curl"\n', [2]),
    "apt-get clean alone": (UB + f"RUN {INSTALL} && apt-get clean\n", [2]),
    "rm of other paths": (UB + f"RUN {INSTALL} && rm -rf /var/cache/apt/archives /tmp/*\n", [2]),
    "rm of an unknown path elsewhere": (UB + f"RUN {INSTALL} && rm -rf /tmp/$BUILD_DIR\n", [2]),
    "rm of a part of the lists": (UB + f"RUN {INSTALL} && rm -rf /var/lib/apt/lists/partial\n", [2]),
    "rm before the update": (UB + "RUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y x\n", [2]),
    "a second update after the rm": (
        UB + "RUN apt-get update && rm -rf /var/lib/apt/lists/* && \\\n    apt-get update && apt-get install -y x\n",
        [2],
    ),
    "rm in a later RUN does not shrink the layer": (
        UB + f"RUN {INSTALL}\nRUN rm -rf /var/lib/apt/lists/*\n",
        [2],
    ),
    "cache mount on /var/cache/apt only": (UB + f"RUN --mount=type=cache,target=/var/cache/apt {INSTALL}\n", [2]),
    "secret mount does not count": (
        UB + f"RUN --mount=type=secret,id=x,target=/var/lib/apt/lists {INSTALL}\n",
        [2],
    ),
    "add-apt-repository updates the lists": (UB + "RUN add-apt-repository -y ppa:deadsnakes/ppa\n", [2]),
    "add-apt-repository -u on Ubuntu 16.04": ("FROM ubuntu:16.04\nRUN add-apt-repository -u ppa:x/y\n", [2]),
    "add-apt-repository on Ubuntu 18.04": ("FROM ubuntu:18.04\nRUN add-apt-repository ppa:x/y\n", [2]),
    "ARG-resolved base": (ARG_BASE + f"RUN {INSTALL}\n", [3]),
    "final stage built from an earlier stage": (
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3 AS base\nFROM base\n" + f"RUN {INSTALL}\n",
        [3],
    ),
    "the stage the final stage is built on is in the final image": (
        "FROM ubuntu:22.04 AS base\n" + f"RUN {INSTALL}\n" + "FROM base\nRUN echo done\n",
        [2],
    ),
    "only the final chain of three stages": (
        "FROM ubuntu:22.04 AS base\nRUN apt-get update\n"
        "FROM ubuntu:22.04 AS builder\nRUN apt-get update\n"
        "FROM base AS app\nRUN apt-get update\n",
        [2, 6],
    ),
    "once per RUN, at the first refresh": (
        UB + "RUN apt-get update && apt-get install -y curl && \\\n    apt-get update && apt-get install -y wget\n",
        [2],
    ),
    "one finding per RUN": (UB + "RUN apt-get update\nRUN apt-get update\n", [2, 3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF003"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF003"])
    assert ids_and_lines(findings) == [("DF003", line) for line in lines]


def test_column_points_at_the_refresh(lint):
    (finding,) = lint(UB + "RUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl\n", select=["DF003"])
    assert (finding.line, finding.column) == (3, 5)


def test_message_and_severity(lint):
    (finding,) = lint(UB + f"RUN {INSTALL}\n", select=["DF003"])
    assert finding.severity is Severity.INFO
    assert finding.rule_name == "apt-lists-not-cleaned"
    assert "apt-get update downloads the package lists" in finding.message
    assert "rm -rf /var/lib/apt/lists/*" in finding.message


def test_add_apt_repository_message(lint):
    (finding,) = lint(UB + "RUN add-apt-repository ppa:deadsnakes/ppa\n", select=["DF003"])
    assert "add-apt-repository" in finding.message


def test_selected_by_default(lint):
    assert ("DF003", 2) in ids_and_lines(lint(UB + "RUN apt-get update\n"))


def test_see_also():
    rule = next(rule for rule in load_registry(include_plugins=False).rules if rule.id == "DF003")
    assert rule.see_also == ("hadolint DL3009",)
