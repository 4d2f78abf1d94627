"""Catalog checks over every registered rule: metadata, docs, and docs examples that do not lie."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, lint_text
from tfimage_lint.findings import Severity
from tfimage_lint.registry import load_registry
from tfimage_lint.rule import DOC_SECTIONS

RULES = load_registry(include_plugins=False).rules
RULE_IDS = [rule.id for rule in RULES]


def with_rule(rule):
    """The default selection plus ``rule`` (which may be off by default)."""
    return [other.id for other in RULES if other.default_enabled] + [rule.id]


def lint_example(rule, block):
    """Lint a docs block with the fleet, the options and the build-context files the rule's docs assume."""
    options = {rule.id: dict(rule.example_options)} if rule.example_options else None
    if not rule.example_files:
        return lint_text(block, select=with_rule(rule), fleet=rule.example_fleet, rule_options=options)
    with tempfile.TemporaryDirectory() as folder:
        context = Path(folder)
        for name, text in rule.example_files.items():
            path = context / name
            assert not Path(name).is_absolute() and ".." not in Path(name).parts, name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return lint_text(block, select=with_rule(rule), fleet=rule.example_fleet, rule_options=options, context=context)


def test_ids_and_names_are_unique():
    assert len(set(RULE_IDS)) == len(RULE_IDS)
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)


def test_the_rules_of_the_foundation_are_registered():
    assert {"DF000", "DF020", "DF021", "DF022", "DF900", "DF901"} <= set(RULE_IDS)


def test_example_files_are_written_into_the_context_of_the_examples():
    rule = next(rule for rule in RULES if rule.id == "DF023")
    assert rule.example_files and "fixed/requirements.txt" in rule.example_files
    (block,) = rule.example_blocks("Example")
    assert [(f.rule_id, f.line) for f in lint_example(rule, block) if f.rule_id == "DF023"] == [("DF023", 3)]
    assert [f.rule_id for f in lint_text(block, select=["DF023"])] == []  # no context: nothing to follow


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_metadata(rule):
    assert re.fullmatch(r"[A-Z]{2,4}[0-9]{3}", rule.id)
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.name)
    assert isinstance(rule.severity, Severity)
    assert isinstance(rule.families, frozenset)
    assert rule.summary() and rule.summary().endswith(".")


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_docs_have_the_four_sections(rule):
    sections = rule.sections()
    for heading in DOC_SECTIONS:
        assert sections.get(heading), f"{rule.id} lacks a non-empty '## {heading}' section"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_example_triggers_the_rule(rule):
    blocks = rule.example_blocks("Example")
    assert blocks, f"{rule.id} has no ```dockerfile block under Example"
    for block in blocks:
        found = {f.rule_id for f in lint_example(rule, block)}
        assert rule.id in found, f"{rule.id}: Example does not trigger\n{block}"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_use_instead_does_not_trigger_the_rule(rule):
    blocks = rule.example_blocks("Use instead")
    assert blocks, f"{rule.id} has no ```dockerfile block under Use instead"
    for block in blocks:
        found = {f.rule_id for f in lint_example(rule, block)}
        assert rule.id not in found, f"{rule.id}: Use instead triggers\n{block}"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_each_rule_has_a_test_file(rule):
    if rule.id in ("DF900", "DF901"):
        expected = ROOT / "tests" / "test_suppressions.py"
    else:
        expected = ROOT / "tests" / "rules" / f"test_{rule.id.lower()}_{rule.name.replace('-', '_')}.py"
    assert expected.is_file(), f"missing {expected.relative_to(ROOT)}"


HADOLINT = {
    "DF001": ("DL3014",), "DF002": ("DL3015",), "DF003": ("DL3009",), "DF004": ("DL3042",), "DF005": ("DL3027",),
    "DF006": ("DL3003",), "DF007": ("DL3004",), "DF008": ("DL3002",), "DF009": ("DL3020",), "DF010": ("DL3025",),
    "DF011": ("DL3000",), "DF012": ("DL4000",), "DF013": ("DL4006",), "DF014": ("DL3045",),
    "DF015": ("DL4003", "DL4004"), "DF016": ("DL3059",), "DF017": ("DL3013",), "DF018": ("DL3008",),
    "DF019": ("DL3046",),
}  # fmt: skip


@pytest.mark.parametrize(("rule_id", "codes"), HADOLINT.items(), ids=HADOLINT.keys())
def test_hygiene_rules_name_their_hadolint_counterpart(rule_id, codes):
    rule = next(rule for rule in RULES if rule.id == rule_id)
    assert rule.see_also == tuple(f"hadolint {code}" for code in codes)
    assert rule.families == frozenset()


def test_apt_unpinned_is_the_only_hygiene_rule_off_by_default():
    assert [rule.id for rule in RULES if rule.id in HADOLINT and not rule.default_enabled] == ["DF018"]


def test_see_also_shows_in_rules_and_explain(cli):
    import json

    rows = {row["id"]: row for row in json.loads(cli(["rules", "--format", "json"]).stdout)}
    assert rows["DF015"]["see_also"] == ["hadolint DL4003", "hadolint DL4004"]
    (line,) = [line for line in cli(["rules"]).stdout.splitlines() if line.startswith("DF001 ")]
    assert "hadolint DL3014" in line
    explained = cli(["explain", "DF018"]).stdout.splitlines()
    assert explained[3:6] == [
        "Off by default: select it by its exact id or name.",
        "",
        "See also: hadolint DL3008",
    ]
