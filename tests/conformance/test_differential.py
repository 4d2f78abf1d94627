"""Differential test: tfimage-lint's parser against BuildKit's Go parser (the ``dockerfile`` package).

The package vendors BuildKit v0.12.5; tfimage-lint follows current BuildKit.  Every disagreement
must be a known difference (``known_differences.py``, each with its evidence) or it fails here:

* (a) every Dockerfile of ``../shared/corpus/files``;
* (b) Dockerfiles generated from a small grammar (``differential.dockerfiles``), deterministic;
* (c) each known difference on its minimal example: the parsers really disagree, in exactly the
  recorded way, and nothing else on the list accounts for it;
* (d) BuildKit's own parser test files in ``../shared/vectors/buildkit_parser``.

The BuildKit vectors are Apache-2.0, Copyright Docker, Inc. and the BuildKit authors.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conformance.differential import (
    _emulated,
    check,
    compare,
    compare_outcomes,
    corpus_files,
    dockerfiles,
    explain,
    ours,
    report,
    summarise,
    theirs,
)
from tests.conformance.known_differences import BY_ID, KNOWN_DIFFERENCES

pytestmark = pytest.mark.conformance

CORPUS_DOCKERFILES = 654
#: Files of the corpus that hit each known difference (the corpus is frozen, so these are exact).
CORPUS_HITS = {"env-label-separator": 459}
#: 33 positive test files, 4 negative ones and the line-number file.
VECTOR_DOCKERFILES = 38
VECTOR_HITS = {"env-label-separator": 16, "package-nul-truncates-output": 1}


# -- (a) the corpus -------------------------------------------------------------------------------


def test_corpus_has_no_unexplained_disagreement(shared, record_property, capsys):
    files = corpus_files(shared / "corpus" / "files")
    assert len(files) == CORPUS_DOCKERFILES
    explanations = [check(path.read_bytes().decode("utf-8")) for path in files]
    hits, failing = summarise(explanations)
    assert not failing, f"{len(failing)} corpus files with unexplained disagreements:\n{report(failing)}"
    record_property("known_difference_hits", json.dumps(hits, sort_keys=True))
    with capsys.disabled():
        print(f"\ndifferential corpus: {len(files)} files compared; known differences hit (files): {hits}")
    assert hits == CORPUS_HITS


# -- (b) generated Dockerfiles ---------------------------------------------------------------------


def test_generated_dockerfiles_have_no_unexplained_disagreement():
    seen: Counter[str] = Counter()

    @settings(
        max_examples=300,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(dockerfiles())
    def run(text: str) -> None:
        explanation = check(text)
        assert not explanation.unexplained, report([explanation])
        outcome = explanation.comparison.theirs
        seen["both parse"] += explanation.comparison.ours.error is None and outcome.error is None
        seen["both fail"] += explanation.comparison.ours.error is not None and outcome.error is not None
        seen["heredoc"] += any(shape.heredocs for shape in outcome.shapes)
        seen["json"] += any(shape.json for shape in outcome.shapes)
        seen["onbuild"] += any(shape.keyword == "ONBUILD" for shape in outcome.shapes)
        seen["flags"] += any(shape.flags for shape in outcome.shapes)
        seen["continued"] += any(s.end_line > s.start_line and not s.heredocs for s in outcome.shapes)
        seen["backtick escape"] += "# escape=`" in text
        seen["crlf"] += "\r\n" in text
        seen.update(explanation.known.keys())

    run()
    # The grammar must keep reaching what it is for; a change that stops it fails here.
    assert seen["both parse"] >= 150, seen
    for feature in ("heredoc", "json", "onbuild", "flags", "continued", "backtick escape", "crlf", "both fail"):
        assert seen[feature] >= 10, (feature, seen)
    assert seen["env-label-separator"] and seen["heredoc-blank-after-operator"] and seen["json-trailing-content"], seen


# -- (c) each known difference is real ----------------------------------------------------------------


def test_known_differences_are_documented():
    ids = [difference.id for difference in KNOWN_DIFFERENCES]
    assert len(ids) == len(set(ids)) == len(BY_ID)
    for difference in KNOWN_DIFFERENCES:
        assert difference.explanation and difference.evidence, difference.id
        assert (difference.predicate is None) != (not difference.emulates), difference.id


@pytest.mark.parametrize("difference", KNOWN_DIFFERENCES, ids=lambda d: d.id)
def test_known_difference_is_what_it_says(difference):
    comparison = compare(difference.example)
    assert {(d.field, d.index) for d in comparison.disagreements} == difference.expected
    explanation = explain(comparison)
    assert not explanation.unexplained
    assert difference.id in explanation.known
    others = [d for d in KNOWN_DIFFERENCES if d is not difference]
    assert explain(comparison, others).unexplained, "another known difference already accounts for this example"
    if difference.emulates:
        # Behaving the old way, our parser gives exactly what the package gives.
        assert compare_outcomes(_emulated(difference.example, [difference]), comparison.theirs) == ()


def test_env_separators_example_values():
    comparison = compare("FROM a\nENV k=v\nLABEL x y\n")
    assert [s.value for s in comparison.ours.shapes[1:]] == [("k", "v", "="), ("x", "y", "")]
    assert [s.value for s in comparison.theirs.shapes[1:]] == [("k", "v"), ("x", "y")]


def test_two_old_behaviours_on_one_line_are_explained_together():
    # JSON with trailing text (v0.12.5: still JSON, so no heredoc) and a blank after `<<`.
    text = 'FROM a\nCOPY ["a", "b"] << EOF\nx\nEOF\n'
    explanation = check(text)
    assert not explanation.unexplained
    assert {"json-trailing-content", "heredoc-blank-after-operator"} <= set(explanation.known)
    assert ours(text).shapes[1].heredocs and not theirs(text).shapes[1].heredocs


# -- fixed in our parser (they were disagreements; now both parsers agree) -------------------------------


@pytest.mark.parametrize(
    ("text", "index", "flags", "value"),
    [
        # extractBuilderFlags reads bytes: 'é' becomes 'Ã©' in a flag, U+2000 is no blank there.
        ("FROM a\nCOPY --chown=josé a b\n", 1, ("--chown=jos\u00c3\u00a9",), ("a", "b")),
        ("FROM a\nRUN --x\u2000--y z\n", 1, ("--x\u00e2\u0080\u0080--y",), ("z",)),
        # parseHealthConfig ends the type word on an ASCII blank only (U+2000 is not one).
        ("FROM a\nHEALTHCHECK CMD\u2000x\n", 1, (), ("CMD\u2000x",)),
        ("FROM a\nHEALTHCHECK --interval=5s CMD\tx y\n", 1, ("--interval=5s",), ("CMD", "x y")),
    ],
)
def test_byte_wise_scans_agree_with_buildkit(text, index, flags, value):
    comparison = compare(text)
    assert comparison.disagreements == ()
    shape = comparison.ours.shapes[index]
    assert (shape.flags, shape.value) == (flags, value)


def test_heredoc_file_descriptor_saturates_like_parse_uint():
    shape = ours("FROM a\nRUN 99999999999999999999<<EOF\nx\nEOF\n").shapes[1]
    assert shape.heredocs[0].file_descriptor == 2**64 - 1
    assert not check("FROM a\nRUN 18446744073709551615<<EOF\nx\nEOF\n").unexplained


def test_a_cut_character_is_shown_as_replacement_character():
    shape = ours("FROM a\nHEALTHCHECK CMDà x\n").shapes[1]
    assert shape.value == ("CMD\ufffd", "x")
    assert theirs("FROM a\nHEALTHCHECK CMDà x\n").error.startswith("package could not decode")


# -- (d) BuildKit's parser test files ------------------------------------------------------------------


def test_buildkit_vectors_agree_or_are_known_differences(shared):
    root = shared / "vectors" / "buildkit_parser"
    files = sorted(root.rglob("Dockerfile"))
    assert len(files) == VECTOR_DOCKERFILES
    explanations = [check(path.read_bytes().decode("utf-8")) for path in files]
    hits, failing = summarise(explanations)
    assert not failing, report(failing)
    assert hits == VECTOR_HITS
    negative = [e for path, e in zip(files, explanations, strict=True) if path.parent.parent.name == "negative"]
    assert len(negative) == 4
    assert all(e.comparison.ours.error and e.comparison.ours.error == e.comparison.theirs.error for e in negative)


def test_buildkit_heredoc_vector_agrees_or_is_known_difference(shared):
    unit = json.loads((shared / "vectors" / "buildkit_unit_vectors.json").read_text(encoding="utf-8"))
    explanation = check(unit["heredoc_extract"]["dockerfile"])
    assert not explanation.unexplained, report([explanation])
    # `RUN <<  EOF` (child 26) is a heredoc only for current BuildKit.
    assert set(explanation.known) == {
        "heredoc-blank-after-operator",
        "env-label-separator",
        "package-original-has-heredoc-bodies",
    }
    assert [s.heredocs[0].name for s in explanation.comparison.ours.shapes[26:28]] == ["EOF", "EOF"]
