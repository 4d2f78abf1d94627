"""Baselines: write, lint again, hide what was recorded, report what went stale (through the real engine)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from tfimage_lint.baseline import (
    BASELINE_VERSION,
    Baseline,
    BaselineEntry,
    BaselineError,
    baseline_path,
    fingerprints,
    format_stale,
    format_stale_report,
)
from tfimage_lint.engine import FileReport, Linter, LintOptions
from tfimage_lint.registry import load_registry

BASE = "FROM python:3.11-slim\n"
TWO_RUNS = BASE + "RUN pip install --no-cache-dir requests\nRUN pip install --no-cache-dir flask\n"


def lint_report(text: str, path: str = "Dockerfile", select: Sequence[str] | None = ("DF017",)) -> FileReport:
    """One file's report from the real engine (DF017 pip-unpinned by default: one finding per package)."""
    registry = load_registry(include_plugins=False)
    linter = Linter(registry, registry.select(list(select) if select else None, []), LintOptions())
    return linter.lint_bytes(text.encode("utf-8"), path, None)


def lines_of(report: FileReport) -> list[tuple[str, int]]:
    return [(finding.rule_id, finding.line) for finding in report.findings]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Baseline paths are relative to the current directory: run every test in its own folder."""
    monkeypatch.chdir(tmp_path)


def round_trip(before: str, after: str, **kwargs: object) -> tuple[FileReport, int, tuple[BaselineEntry, ...]]:
    """Write a baseline of ``before`` to a file, load it, filter a lint of ``after``."""
    Baseline.from_reports([lint_report(before, **kwargs)]).write("baseline.json")
    outcome = Baseline.load("baseline.json").filter([lint_report(after, **kwargs)])
    (report,) = outcome.reports
    return report, outcome.hidden, outcome.stale


# -- round trip --------------------------------------------------------------------------------


def test_write_then_lint_again_leaves_nothing() -> None:
    text = BASE + "RUN pip install --no-cache-dir requests flask\nRUN pip install --no-cache-dir numpy\n"
    assert lines_of(lint_report(text)) == [("DF017", 2), ("DF017", 2), ("DF017", 3)]
    report, hidden, stale = round_trip(text, text)
    assert report.findings == ()
    assert hidden == 3
    assert stale == ()


def test_round_trip_with_every_default_rule() -> None:
    text = (
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
        "# tfimage-lint: ignore=DF001\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "RUN pip install tensorflow\n"
        "USER root\n"
        "CMD python train.py\n"
    )
    assert len(lint_report(text, select=None).findings) >= 5
    report, hidden, stale = round_trip(text, text, select=None)
    assert (report.findings, stale) == ((), ())
    assert hidden == len(lint_report(text, select=None).findings)


def test_other_report_fields_are_kept() -> None:
    text = TWO_RUNS
    original = lint_report(text)
    baseline = Baseline.from_reports([lint_report(BASE + "RUN pip install --no-cache-dir requests\n")])
    (filtered,) = baseline.filter([original]).reports
    assert lines_of(filtered) == [("DF017", 3)]
    assert filtered.path == original.path
    assert filtered.source_lines == original.source_lines
    assert filtered.internal_errors == original.internal_errors


def test_a_report_with_nothing_hidden_is_returned_as_is() -> None:
    report = lint_report(TWO_RUNS)
    outcome = Baseline().filter([report])
    assert outcome.reports[0] is report
    assert (outcome.hidden, outcome.stale) == (0, ())


# -- what survives ------------------------------------------------------------------------------


def test_findings_stay_hidden_when_lines_move() -> None:
    moved = (
        "# syntax=docker/dockerfile:1\n"
        "\n"
        "# a comment above\n"
        "FROM python:3.11-slim\n"
        "\n\n"
        "ENV A=1\n"
        "RUN pip install --no-cache-dir requests\n"
        "# between\n"
        "\n"
        "RUN pip install --no-cache-dir flask\n"
    )
    assert lines_of(lint_report(moved)) == [("DF017", 8), ("DF017", 11)]
    report, hidden, stale = round_trip(TWO_RUNS, moved)
    assert (report.findings, hidden, stale) == ((), 2, ())


def test_whitespace_and_line_wrapping_do_not_matter() -> None:
    before = BASE + "RUN pip install --no-cache-dir requests flask\n"
    after = BASE + "RUN   pip install \\\n      --no-cache-dir \\\n      requests \\\n      flask\n"
    assert lines_of(lint_report(after)) == [("DF017", 4), ("DF017", 5)]
    report, hidden, stale = round_trip(before, after)
    assert (report.findings, hidden, stale) == ((), 2, ())


def test_keyword_case_does_not_matter() -> None:
    report, hidden, _ = round_trip(TWO_RUNS, TWO_RUNS.replace("RUN", "run"))
    assert (report.findings, hidden) == ((), 2)


def test_comments_inside_a_continued_instruction_do_not_matter() -> None:
    before = BASE + "RUN pip install --no-cache-dir \\\n    requests\n"
    after = BASE + "RUN pip install --no-cache-dir \\\n    # the HTTP client\n    requests\n"
    report, hidden, _ = round_trip(before, after)
    assert (report.findings, hidden) == ((), 1)


def test_reworded_messages_and_wrong_recorded_lines_still_match() -> None:
    Baseline.from_reports([lint_report(TWO_RUNS)]).write("baseline.json")
    document = json.loads(Path("baseline.json").read_text())
    for entry in document["entries"]:
        entry["message"] = "an older wording"
        entry["line"] = 99
    Path("baseline.json").write_text(json.dumps(document))
    outcome = Baseline.load("baseline.json").filter([lint_report(TWO_RUNS)])
    assert (outcome.reports[0].findings, outcome.hidden, outcome.stale) == ((), 2, ())


def test_finding_outside_any_instruction_survives_moving() -> None:
    # DF900 (unused suppression) points at a comment line, which belongs to no instruction.
    before = BASE + "# tfimage-lint: ignore=DF001\nRUN echo hi\n"
    after = "# a header\n\n" + BASE + "\n# tfimage-lint: ignore=DF001\nRUN echo hi\n"
    assert lines_of(lint_report(before, select=["DF001", "DF900"])) == [("DF900", 2)]
    report, hidden, stale = round_trip(before, after, select=["DF001", "DF900"])
    assert (report.findings, hidden, stale) == ((), 1, ())


# -- what dies ----------------------------------------------------------------------------------


def test_changing_one_instruction_returns_only_its_finding() -> None:
    changed = TWO_RUNS.replace("--no-cache-dir flask", "--no-cache-dir --upgrade flask")
    report, hidden, stale = round_trip(TWO_RUNS, changed)
    assert lines_of(report) == [("DF017", 3)]
    assert "flask" in report.findings[0].message
    assert hidden == 1
    (old,) = stale
    assert (old.path, old.rule, old.line) == ("Dockerfile", "DF017", 3)
    assert "flask" in old.message


def test_changing_a_heredoc_body_returns_its_finding() -> None:
    before = BASE + "RUN <<EOF\npip install --no-cache-dir requests\nEOF\n"
    assert lines_of(lint_report(before)) == [("DF017", 3)]
    reindented = BASE + "RUN <<EOF\n    pip   install --no-cache-dir requests\nEOF\n"
    report, hidden, _ = round_trip(before, reindented)
    assert (report.findings, hidden) == ((), 1)
    changed = BASE + "RUN <<EOF\nset -e\npip install --no-cache-dir requests\nEOF\n"
    report, hidden, stale = round_trip(before, changed)
    assert lines_of(report) == [("DF017", 4)]
    assert (hidden, len(stale)) == (0, 1)


def test_a_removed_finding_is_stale() -> None:
    fixed = TWO_RUNS.replace("requests", "requests==2.32.3")
    report, hidden, stale = round_trip(TWO_RUNS, fixed)
    assert (report.findings, hidden) == ((), 1)
    assert [(entry.rule, entry.line) for entry in stale] == [("DF017", 2)]
    assert "requests" in stale[0].message


def test_a_new_finding_in_a_new_instruction_is_reported() -> None:
    grown = TWO_RUNS + "RUN pip install --no-cache-dir numpy\n"
    report, hidden, stale = round_trip(TWO_RUNS, grown)
    assert (lines_of(report), hidden, stale) == ([("DF017", 4)], 2, ())


# -- identical findings --------------------------------------------------------------------------


def test_two_findings_in_one_instruction_are_distinct() -> None:
    report = lint_report(BASE + "RUN pip install --no-cache-dir requests flask\n")
    first, second = fingerprints(report)
    assert first != second
    # Pinning one package changes the instruction: both of its findings come back (only flask is still unpinned).
    report, hidden, stale = round_trip(
        BASE + "RUN pip install --no-cache-dir requests flask\n",
        BASE + "RUN pip install --no-cache-dir requests==2.32.3 flask\n",
    )
    assert (lines_of(report), hidden, len(stale)) == ([("DF017", 2)], 0, 2)


def test_two_identical_findings_in_identical_instructions() -> None:
    twice = BASE + "RUN pip install --no-cache-dir requests\n" * 2
    report = lint_report(twice)
    assert lines_of(report) == [("DF017", 2), ("DF017", 3)]
    first, second = fingerprints(report)
    assert first != second
    baseline = Baseline.from_reports([report])
    assert len(baseline) == 2
    # Both recorded: both hidden, wherever they move.
    report, hidden, stale = round_trip(twice, "\n" + twice.replace("RUN pip", "\nRUN pip"))
    assert (report.findings, hidden, stale) == ((), 2, ())
    # Only one recorded: the extra copy is new.
    once = BASE + "RUN pip install --no-cache-dir requests\n"
    report, hidden, stale = round_trip(once, twice)
    assert (lines_of(report), hidden, stale) == ([("DF017", 3)], 1, ())
    # Two recorded, one left: one stale entry.
    report, hidden, stale = round_trip(twice, once)
    assert (report.findings, hidden, len(stale)) == ((), 1, 1)


def test_same_content_in_two_files_is_recorded_per_file() -> None:
    Path("a").mkdir()
    Path("b").mkdir()
    baseline = Baseline.from_reports([lint_report(TWO_RUNS, "a/Dockerfile")])
    outcome = baseline.filter([lint_report(TWO_RUNS, "a/Dockerfile"), lint_report(TWO_RUNS, "b/Dockerfile")])
    assert [lines_of(report) for report in outcome.reports] == [[], [("DF017", 2), ("DF017", 3)]]
    assert (outcome.hidden, outcome.stale) == (2, ())


# -- stale entries ------------------------------------------------------------------------------


def test_entries_of_files_or_rules_not_checked_are_not_stale() -> None:
    baseline = Baseline.from_reports([lint_report(TWO_RUNS, "a/Dockerfile"), lint_report(TWO_RUNS, "b/Dockerfile")])
    nothing_left = lint_report(BASE, "a/Dockerfile")
    assert len(baseline.filter([nothing_left]).stale) == 2  # b/Dockerfile was not linted: not stale
    assert baseline.filter([nothing_left], checked_rules={"DF001"}).stale == ()
    assert len(baseline.filter([nothing_left], checked_rules={"DF017"}).stale) == 2


def test_entries_of_a_file_with_internal_errors_are_not_stale() -> None:
    baseline = Baseline.from_reports([lint_report(TWO_RUNS)])
    crashed = FileReport("Dockerfile", (), (), ("rule DF017 pip-unpinned crashed: ValueError: boom",))
    assert baseline.filter([crashed]).stale == ()


def test_stale_entries_are_formatted_for_a_report() -> None:
    _, _, stale = round_trip(TWO_RUNS, BASE)
    first = format_stale(stale[0])
    assert first.startswith("Dockerfile:2: DF017 stale baseline entry ")
    assert "`pip install requests`" in first
    text = format_stale_report(stale, hidden=0)
    assert text.splitlines()[-1] == "2 stale baseline entries, 0 findings hidden by the baseline"
    assert format_stale_report([]) == "0 stale baseline entries\n"
    assert format_stale(BaselineEntry("Dockerfile", "DF017", "0123456789abcdef")) == (
        "Dockerfile: DF017 stale baseline entry 0123456789abcdef (no longer reported)"
    )


# -- the file -----------------------------------------------------------------------------------


def test_file_format() -> None:
    Path("docker").mkdir()
    report = lint_report(TWO_RUNS, os.path.join(os.getcwd(), "docker", "Dockerfile"))
    Baseline.from_reports([report]).write("baseline.json")
    text = Path("baseline.json").read_text(encoding="utf-8")
    assert text.endswith("}\n")
    document = json.loads(text)
    assert list(document) == ["version", "tool", "entries"]
    assert (document["version"], document["tool"]) == (BASELINE_VERSION, "tfimage-lint")
    entries = document["entries"]
    assert [list(entry) for entry in entries] == [["path", "rule", "fingerprint", "line", "message"]] * 2
    assert [(e["path"], e["rule"], e["line"]) for e in entries] == [
        ("docker/Dockerfile", "DF017", 2),
        ("docker/Dockerfile", "DF017", 3),
    ]
    assert all(len(e["fingerprint"]) == 16 and int(e["fingerprint"], 16) >= 0 for e in entries)
    assert entries[0]["message"] == report.findings[0].message


def test_file_is_byte_identical_for_the_same_input() -> None:
    reports = [lint_report(TWO_RUNS, "b/Dockerfile"), lint_report(TWO_RUNS, "a/Dockerfile")]
    Baseline.from_reports(reports).write("one.json")
    Baseline.from_reports(list(reversed(reports))).write("two.json")
    Baseline.load("one.json").write("three.json")
    one = Path("one.json").read_bytes()
    assert one == Path("two.json").read_bytes() == Path("three.json").read_bytes()
    assert [entry["path"] for entry in json.loads(one)["entries"]] == ["a/Dockerfile"] * 2 + ["b/Dockerfile"] * 2


def test_moving_lines_only_changes_the_recorded_lines() -> None:
    Baseline.from_reports([lint_report(TWO_RUNS)]).write("before.json")
    Baseline.from_reports([lint_report("\n" + TWO_RUNS)]).write("after.json")
    before = json.loads(Path("before.json").read_text())["entries"]
    after = json.loads(Path("after.json").read_text())["entries"]
    assert [e["fingerprint"] for e in before] == [e["fingerprint"] for e in after]
    assert [e["line"] + 1 for e in before] == [e["line"] for e in after]


def test_an_empty_baseline_round_trips() -> None:
    Baseline.from_reports([lint_report(BASE)]).write("baseline.json")
    assert json.loads(Path("baseline.json").read_text())["entries"] == []
    assert len(Baseline.load("baseline.json")) == 0


def test_unicode_messages_are_written_as_utf8() -> None:
    baseline = Baseline([BaselineEntry("Dockerfile", "DF017", "0123456789abcdef", 2, "café → ok")])
    baseline.write("baseline.json")
    assert "café → ok" in Path("baseline.json").read_text(encoding="utf-8")
    assert Baseline.load("baseline.json").entries == baseline.entries


def test_duplicate_entries_are_merged() -> None:
    entry = BaselineEntry("Dockerfile", "DF017", "0123456789abcdef", 2, "m")
    assert Baseline([entry, entry]).entries == (entry,)


def test_updated_replaces_only_the_linted_files() -> None:
    baseline = Baseline.from_reports([lint_report(TWO_RUNS, "a/Dockerfile"), lint_report(TWO_RUNS, "b/Dockerfile")])
    updated = baseline.updated([lint_report(BASE + "RUN pip install --no-cache-dir numpy\n", "a/Dockerfile")])
    assert [(e.path, e.line) for e in updated.entries] == [
        ("a/Dockerfile", 2),
        ("b/Dockerfile", 2),
        ("b/Dockerfile", 3),
    ]
    assert "numpy" in updated.entries[0].message


# -- paths --------------------------------------------------------------------------------------


def test_paths_are_relative_to_the_current_directory(tmp_path: Path) -> None:
    assert baseline_path("Dockerfile") == "Dockerfile"
    assert baseline_path("./docker/../docker/Dockerfile") == "docker/Dockerfile"
    assert baseline_path(str(tmp_path / "docker" / "Dockerfile")) == "docker/Dockerfile"
    outside = tmp_path.parent / "elsewhere" / "Dockerfile"
    assert baseline_path(str(outside)) == outside.as_posix()
    assert baseline_path("../elsewhere/Dockerfile") == outside.as_posix()
    assert baseline_path("-") == "-"
    assert baseline_path(str(tmp_path / "x" / "Dockerfile"), root=tmp_path / "x") == "Dockerfile"


def test_a_baseline_matches_the_same_file_named_differently(tmp_path: Path) -> None:
    Path("docker").mkdir()
    baseline = Baseline.from_reports([lint_report(TWO_RUNS, "docker/Dockerfile")])
    outcome = baseline.filter([lint_report(TWO_RUNS, str(tmp_path / "docker" / "Dockerfile"))])
    assert (outcome.reports[0].findings, outcome.hidden) == ((), 2)


# -- invalid files ------------------------------------------------------------------------------

VALID_ENTRY = {"path": "Dockerfile", "rule": "DF017", "fingerprint": "0123456789abcdef", "line": 2, "message": "m"}

INVALID = {
    "invalid JSON": ('{"version": 1,', "baseline.json:1:15: not a baseline: invalid JSON"),
    "empty file": ("", "baseline.json:1:1: not a baseline: invalid JSON"),
    "a list": ("[]", "not a baseline: expected a JSON object, got a list"),
    "no version": ('{"entries": []}', "not a baseline: no `version` key"),
    "version 2": ('{"version": 2, "entries": []}', "unsupported baseline version 2"),
    "version as text": ('{"version": "1", "entries": []}', "unsupported baseline version '1'"),
    "version true": ('{"version": true, "entries": []}', "unsupported baseline version True"),
    "another tool": ('{"version": 1, "tool": "hadolint", "entries": []}', "not a tfimage-lint baseline"),
    "no entries": ('{"version": 1}', "entries: expected a list, got nothing"),
    "entries not a list": ('{"version": 1, "entries": {}}', "entries: expected a list, got an object"),
    "entry not an object": ('{"version": 1, "entries": ["x"]}', "entries[0]: expected an object, got string 'x'"),
    "entry without rule": (
        json.dumps({"version": 1, "entries": [VALID_ENTRY, {**VALID_ENTRY, "rule": None}]}),
        "entries[1].rule: expected a non-empty string, got null",
    ),
    "entry without fingerprint": (
        json.dumps({"version": 1, "entries": [{"path": "Dockerfile", "rule": "DF017"}]}),
        "entries[0].fingerprint: expected a non-empty string, got nothing",
    ),
    "bad line": (
        json.dumps({"version": 1, "entries": [{**VALID_ENTRY, "line": 0}]}),
        "entries[0].line: expected a positive integer, got number 0",
    ),
    "bad message": (
        json.dumps({"version": 1, "entries": [{**VALID_ENTRY, "message": ["m"]}]}),
        "entries[0].message: expected a string, got a list",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_baseline_files(case: str) -> None:
    content, expected = INVALID[case]
    Path("baseline.json").write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as caught:
        Baseline.load("baseline.json")
    message = str(caught.value)
    assert message.startswith("baseline.json"), message
    assert expected in message
    assert "\n" not in message


def test_missing_or_unreadable_baseline_files() -> None:
    with pytest.raises(BaselineError, match=r"^missing\.json: cannot read the baseline: No such file"):
        Baseline.load("missing.json")
    Path("folder.json").mkdir()
    with pytest.raises(BaselineError, match=r"^folder\.json: cannot read the baseline"):
        Baseline.load("folder.json")
    Path("latin1.json").write_bytes(b'{"version": 1, "entries": [], "x": "\xe9"}')
    with pytest.raises(BaselineError, match=r"^latin1\.json: not a baseline: invalid UTF-8"):
        Baseline.load("latin1.json")


def test_unwritable_baseline_file() -> None:
    with pytest.raises(BaselineError, match=r"cannot write the baseline"):
        Baseline().write(os.path.join("no", "such", "folder", "baseline.json"))


def test_minimal_entries_and_extra_keys_are_accepted() -> None:
    entry = {"path": "Dockerfile", "rule": "DF017", "fingerprint": "0123456789abcdef", "note": "extra"}
    Path("baseline.json").write_text(json.dumps({"version": 1, "entries": [entry], "comment": "x"}))
    (loaded,) = Baseline.load("baseline.json").entries
    assert loaded == BaselineEntry("Dockerfile", "DF017", "0123456789abcdef", None, "")
    # A UTF-8 byte order mark is tolerated.
    Path("bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"version": 1, "entries": []}).encode())
    assert len(Baseline.load("bom.json")) == 0


# -- odd input ----------------------------------------------------------------------------------


def test_fingerprints_never_fail_on_odd_reports() -> None:
    from tfimage_lint.findings import Finding, Severity

    odd = Finding("DF000", "parse-error", Severity.ERROR, "m", line=50, column=300, end_line=2, end_column=1)
    assert len(fingerprints(FileReport("Dockerfile", (odd,), ()))) == 1
    assert len(fingerprints(FileReport("Dockerfile", (odd,), ("RUN x",)))) == 1
    binary = lint_report("FROM scratch\nRUN \\\n", select=None)
    baseline = Baseline.from_reports([binary])
    assert baseline.filter([binary]).reports[0].findings == ()
