"""docs/policies.md is generated from the presets and must stay current."""

from __future__ import annotations

from tests.conftest import ROOT
from tools.policies_doc import DOC, render


def test_policies_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), "run: python tools/policies_doc.py"


def test_every_preset_has_a_section_with_the_full_rule_table():
    from tfimage_lint.config.loading import PRESET_NAMES
    from tfimage_lint.registry import load_registry

    text = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    rules = load_registry(include_plugins=False).rules
    for name in PRESET_NAMES:
        section = text.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        rows = [line for line in section.splitlines() if line.startswith("| ") and line[2:3].isupper()]
        assert [row.split(" | ")[0][2:] for row in rows] == [rule.id for rule in rules]


def test_strict_turns_digest_pinning_on_in_the_doc():
    text = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    strict = text.split("## `strict`", 1)[1].split("\n## ", 1)[0]
    assert "| TF102 | base-not-digest-pinned | yes | warning | preset |" in strict
