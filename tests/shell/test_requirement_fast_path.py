"""The plain-requirement fast path agrees with ``packaging.requirements`` on every input it accepts."""

from __future__ import annotations

import re

import pytest
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement

from tests.conftest import SHARED
from tfimage_lint.packages.requirement import _parse_simple, parse_requirement

EDGE_CASES = [
    "tensorflow", "tensorflow==2.15.0", "TensorFlow_GPU>=2,<3", "tensorflow[and-cuda]==2.16.1", "numpy<2",
    "a[ x , y ]>=1.0 , <2", "x==1.*", "x===abc", "x~=1.4.2", "x>=1.0,", "x==", "x[]", "x ==1.0",
    "x==1.0 ; python_version<'3'", "x @ http://a", "x (>=1)", "-x", "x==1.0.post1.dev2", "x>=1.0a1", "x==1!2",
    "x==1.0+local", "x<=1.0+local", "x!=1.*", "x==1.0.*.1", "x>=", "x[a]b", "x-", "_x", "x==1 2",
]  # fmt: skip


def _packaging_view(text: str) -> tuple[str, frozenset[str], str] | str:
    try:
        parsed = PackagingRequirement(text)
    except InvalidRequirement:
        return "invalid"
    if parsed.url or parsed.marker:
        return "not simple"
    name = re.sub(r"[-_.]+", "-", parsed.name).lower()
    return name, frozenset(extra.lower() for extra in parsed.extras), str(parsed.specifier)


def _corpus_requirement_lines() -> list[str]:
    lines = []
    for path in sorted((SHARED / "corpus" / "files").rglob("*__REQ__*")):
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            text = raw.split(" #")[0].strip()
            if text and not text.startswith(("-", "#")):
                lines.append(text)
    return lines


@pytest.mark.parametrize("text", EDGE_CASES)
def test_fast_path_matches_packaging_on_edge_cases(text: str) -> None:
    simple = _parse_simple(text)
    if simple is not None:
        assert simple == _packaging_view(text)


def test_fast_path_takes_the_plain_forms_and_leaves_the_rest() -> None:
    assert _parse_simple("TensorFlow_GPU>=2,<3") == ("tensorflow-gpu", frozenset(), "<3,>=2")
    assert _parse_simple("tensorflow[And-Cuda]==2.16.1") == ("tensorflow", frozenset({"and-cuda"}), "==2.16.1")
    for text in ("x==1.0 ; python_version<'3'", "x @ http://a", "x (>=1)", "x>=1.0,", "x==", "x==1.0.*.1"):
        assert _parse_simple(text) is None, text


def test_parse_requirement_gives_the_same_result_either_way() -> None:
    fast = parse_requirement("numpy>=1.23,<2", line=3, column=5)
    assert (fast.name, fast.specifier, fast.valid, fast.line, fast.column) == ("numpy", "<2,>=1.23", True, 3, 5)
    invalid = parse_requirement("numpy>=1.0.*")
    assert invalid.valid is False and invalid.name == "numpy"


def test_fast_path_matches_packaging_on_every_corpus_requirement() -> None:
    if not (SHARED / "corpus" / "files").is_dir():
        pytest.skip("../shared/corpus is not next to the project")
    lines = _corpus_requirement_lines()
    taken = [(text, _parse_simple(text)) for text in lines]
    differences = [(text, simple, _packaging_view(text)) for text, simple in taken
                   if simple is not None and simple != _packaging_view(text)]  # fmt: skip
    assert differences == []
    fast = sum(simple is not None for _, simple in taken)
    assert len(lines) > 1500 and fast > 0.9 * len(lines)
