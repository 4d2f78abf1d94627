"""Catalog checks over every registered rule: metadata, docs, and docs examples that do not lie."""

from __future__ import annotations

import re

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


def test_ids_and_names_are_unique():
    assert len(set(RULE_IDS)) == len(RULE_IDS)
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)


def test_the_rules_of_the_foundation_are_registered():
    assert {"DF000", "DF020", "DF021", "DF022", "DF900", "DF901"} <= set(RULE_IDS)


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
        found = {f.rule_id for f in lint_text(block, select=with_rule(rule), fleet=rule.example_fleet)}
        assert rule.id in found, f"{rule.id}: Example does not trigger\n{block}"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_use_instead_does_not_trigger_the_rule(rule):
    blocks = rule.example_blocks("Use instead")
    assert blocks, f"{rule.id} has no ```dockerfile block under Use instead"
    for block in blocks:
        found = {f.rule_id for f in lint_text(block, select=with_rule(rule), fleet=rule.example_fleet)}
        assert rule.id not in found, f"{rule.id}: Use instead triggers\n{block}"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_each_rule_has_a_test_file(rule):
    if rule.id in ("DF900", "DF901"):
        expected = ROOT / "tests" / "test_suppressions.py"
    else:
        expected = ROOT / "tests" / "rules" / f"test_{rule.id.lower()}_{rule.name.replace('-', '_')}.py"
    assert expected.is_file(), f"missing {expected.relative_to(ROOT)}"
