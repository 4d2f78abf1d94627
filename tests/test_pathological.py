"""Pathological inputs lint to the right findings (their timings are in benchmarks/bench.py, not here).

Each generator is the one the benchmark uses, at a size large enough that a quadratic step would
be obvious in the benchmark, and small enough for the test suite.
"""

from __future__ import annotations

import pytest

from benchmarks.pathological import GENERATORS, nested_substitutions
from tests.conftest import ids_and_lines, lint_text
from tfimage_lint.shell.treesitter import MAX_SUBSTITUTION_DEPTH, ByteOffsets, parse_script


def test_many_run_lines_each_get_their_findings() -> None:
    text = GENERATORS["run-lines"](200_000)
    runs = text.count("\nRUN ")
    findings = lint_text(text, select=["DF003"])
    assert runs > 1000
    assert ids_and_lines(findings) == [("DF003", line) for line in range(2, runs + 2)]


def test_ten_thousand_continuation_lines_locate_the_last_word() -> None:
    text = GENERATORS["continuation-lines"](10_000) + "RUN pip install tensorflow-gpu\n"
    findings = lint_text(text, select=["TF206"])
    assert ids_and_lines(findings) == [("TF206", 10_004)]
    packages = lint_text(text.replace("    last\n", "    nvidia-driver-535\n"), select=["TF203"])
    assert ids_and_lines(packages) == [("TF203", 10_003)]


def test_a_thousand_stages() -> None:
    text = GENERATORS["stages"](1000)
    findings = lint_text(text + "FROM s999\nRUN pip install tensorflow-gpu\n", select=["TF206", "DF021"])
    assert ids_and_lines(findings) == [("TF206", 2002)]


def test_a_large_heredoc_is_split_and_located() -> None:
    text = GENERATORS["heredoc"](1_000_000)
    lines = text.count("\n")
    assert text.endswith("\nEOF\n")
    findings = lint_text(text[: -len("EOF\n")] + "pip install tensorflow-gpu\nEOF\n", select=["TF206"])
    assert ids_and_lines(findings) == [("TF206", lines)]


def test_non_ascii_heredoc_columns_are_characters() -> None:
    body = "echo héllo wörld\n" * 2000 + "echo ünï && pip install tensorflow-gpu\n"
    findings = lint_text(f"FROM python:3.11-slim\nRUN <<EOF\n{body}EOF\n", select=["TF206"])
    assert [(f.line, f.column) for f in findings] == [(2003, 25)]


def test_byte_offsets_answer_in_any_order() -> None:
    text = "é" * 10 + "a" * 10 + "€" * 10
    data = text.encode("utf-8")
    offsets = ByteOffsets(text, data)
    asked = [40, 0, 20, 50, 30, 10, 60, 45]
    assert [offsets.char(byte) for byte in asked] == [len(data[:b].decode("utf-8", "replace")) for b in asked]


def test_deeply_nested_substitutions_stop_at_the_depth_limit() -> None:
    script = "echo " + "$(echo " * 40 + "x" + ")" * 40
    commands = parse_script(script)
    assert commands is not None
    assert len(commands) == MAX_SUBSTITUTION_DEPTH + 1  # the outer echo and one per followed level
    findings = lint_text(nested_substitutions(5000), select=["DF013", "TF305", "DF020"])
    assert findings == []


def test_shallow_nesting_is_still_analysed() -> None:
    text = "FROM python:3.11-slim\nRUN echo $(echo $(pip install tensorflow-gpu))\n"
    assert ids_and_lines(lint_text(text, select=["TF206"])) == [("TF206", 2)]


@pytest.mark.parametrize("size", [16_384, 65_535])
def test_a_line_at_the_64_kib_limit(size: int) -> None:
    text = GENERATORS["long-line"](size)
    assert max(len(line.encode()) for line in text.splitlines()) == size
    assert lint_text(text, select=["DF000"]) == []


def test_a_line_over_the_limit_is_a_parse_error() -> None:
    too_long = GENERATORS["long-line"](65_536)
    assert ids_and_lines(lint_text(too_long, select=["DF000"])) == [("DF000", 2)]


def test_a_long_chain_of_stages_keeps_each_stage_findings() -> None:
    text = GENERATORS["stage-chain"](300)
    findings = lint_text(text, select=["TF201", "DF004"])
    # each stage reinstalls TensorFlow over the base's (TF201 at every RUN) without --no-cache-dir (DF004)
    assert ids_and_lines(findings, "TF201") == [("TF201", 2 * index + 1) for index in range(1, 301)]
    assert len(ids_and_lines(findings, "DF004")) == 300


def test_a_long_and_chain_judges_every_install() -> None:
    cleaned = "pip install pkg1999 && rm -rf /root/.cache/pip"
    text = GENERATORS["and-chain"](2000).replace("pip install pkg1999", cleaned)
    findings = lint_text(text, select=["DF004"])
    assert findings == []  # the cache is removed at the end of the same RUN
    assert len(lint_text(GENERATORS["and-chain"](2000), select=["DF004"])) == 2000
