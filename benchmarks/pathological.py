"""Generators of pathological Dockerfiles: each takes a size and returns the text.

Used by ``benchmarks/bench.py`` (timings at several sizes show the growth) and by
``tests/test_pathological.py`` (the findings stay right at size).
"""

from __future__ import annotations

from collections.abc import Callable

HEAD = "FROM python:3.11-slim\n"
_RUN_LINE = "RUN pip install --no-cache-dir numpy==1.26.4 && apt-get update && apt-get install -y curl\n"
_HEREDOC_LINE = "echo hello world this is a line of the heredoc body\n"


def run_lines(size_bytes: int) -> str:
    """About ``size_bytes`` of RUN lines, each installing with pip and apt."""
    return HEAD + _RUN_LINE * max(1, size_bytes // len(_RUN_LINE))


def continuation_lines(count: int) -> str:
    """One RUN continued over ``count`` lines (one package per line)."""
    lines = "".join(f"    pkg{index} \\\n" for index in range(count))
    return HEAD + "RUN apt-get update && apt-get install -y \\\n" + lines + "    last\n"


def stages(count: int) -> str:
    """``count`` named stages, each with one RUN."""
    return "".join(f"FROM python:3.11-slim AS s{index}\nRUN echo {index}\n" for index in range(count))


def stage_chain(count: int) -> str:
    """``count`` stages on a TensorFlow base, each built on the previous one, each installing with pip."""
    stages = "".join(f"FROM s{index} AS s{index + 1}\nRUN pip install tensorflow keras\n" for index in range(count))
    return "FROM tensorflow/tensorflow:2.15.0-gpu AS s0\n" + stages


def and_chain(count: int) -> str:
    """One RUN of ``count`` pip installs joined by ``&&``, one per continuation line."""
    return HEAD + "RUN " + " && \\\n    ".join(f"pip install pkg{index}" for index in range(count)) + "\n"


def heredoc(size_bytes: int) -> str:
    """One RUN heredoc of about ``size_bytes``."""
    return HEAD + "RUN <<EOF\n" + _HEREDOC_LINE * max(1, size_bytes // len(_HEREDOC_LINE)) + "EOF\n"


def nested_substitutions(depth: int) -> str:
    """``echo $(echo $(echo ... x))`` nested ``depth`` deep, one level per continuation line."""
    return HEAD + "RUN echo " + "$(echo \\\n" * depth + "x" + ")" * depth + "\n"


def long_line(size_bytes: int) -> str:
    """A RUN line of exactly ``size_bytes`` bytes (BuildKit's limit is 65,535)."""
    prefix = "RUN echo "
    return HEAD + prefix + "a" * (size_bytes - len(prefix)) + "\n"


GENERATORS: dict[str, Callable[[int], str]] = {
    "run-lines": run_lines,
    "continuation-lines": continuation_lines,
    "stages": stages,
    "stage-chain": stage_chain,
    "and-chain": and_chain,
    "heredoc": heredoc,
    "nested-substitutions": nested_substitutions,
    "long-line": long_line,
}
