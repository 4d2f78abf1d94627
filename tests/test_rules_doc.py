"""docs/rules/ is generated from the rule metadata and docs (tools/rules_doc.py) and must stay current."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conftest import ROOT
from tfimage_lint.config.loading import load_config
from tfimage_lint.registry import load_registry
from tfimage_lint.rule import DOC_SECTIONS
from tools.rules_doc import BASE_URL, DOCS, INDEX, help_uri, problems, render

RULES = load_registry(include_plugins=False).rules


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render()


def test_rule_pages_are_current(pages):
    found = problems(pages)
    assert not found, "run: python tools/rules_doc.py\n" + "\n".join(found)


def test_every_rule_has_a_page_and_every_page_a_rule():
    on_disk = {path.name for path in DOCS.glob("*.md")} - {INDEX}
    assert on_disk == {f"{rule.id}.md" for rule in RULES}


def test_check_command_passes_on_this_tree():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "rules_doc.py"), "--check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_problems_reports_stale_missing_and_orphan_pages(pages, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(DOCS, folder)
    assert problems(pages, folder) == []
    (folder / "TF101.md").write_text(pages["TF101.md"] + "edited by hand\n", encoding="utf-8")
    (folder / "DF001.md").unlink()
    (folder / "TF999.md").write_text("# TF999 removed-rule\n", encoding="utf-8")
    assert problems(pages, folder) == [
        "docs/rules/DF001.md: missing",
        "docs/rules/TF101.md: out of date",
        "docs/rules/TF999.md: no such rule",
    ]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_page_carries_the_metadata_and_docs(rule, pages):
    page = pages[f"{rule.id}.md"]
    assert page.startswith(f"# {rule.id} {rule.name}\n")
    assert rule.summary() in page
    assert f"| default severity | {rule.severity.value} |" in page
    for family in rule.families:
        assert f"`{family}`" in page
    for item in rule.see_also:
        assert item in page
    headings = re.findall(r"^## (.+)$", page, re.MULTILINE)
    assert headings[: len(DOC_SECTIONS)] == list(DOC_SECTIONS)
    for section in ("Example", "Use instead"):
        for block in rule.example_blocks(section):
            assert f"```dockerfile\n{block}```" in page
    for name, spec in rule.option_specs.items():
        row = next(line for line in page.splitlines() if line.startswith(f"| `{name}` |"))
        assert spec.help.replace("|", "\\|") in row
    assert ("## Options" in page) is bool(rule.option_specs)
    assert f"tfimage-lint: ignore={rule.id}" in page or not rule.suppressible
    for preset in ("default", "strict", "ngc", "workstation"):
        assert f"[`{preset}`](../policies.md#{preset})" in page


def test_off_by_default_and_strict_turns_digest_pinning_on(pages):
    page = pages["TF102.md"]
    assert "| on by default | no:" in page
    assert "| [`default`](../policies.md#default) | no (off by default" in page
    assert "| [`strict`](../policies.md#strict) | yes | warning |" in page


def test_option_table_shows_types_defaults_and_policy_keys(pages):
    page = pages["TF104.md"]
    assert "| `max_ngc_age_days` | `max-base-age-days` | `int` | `730` |" in page
    assert "| `today` | - | `date` | `null` |" in page
    assert "`dict[str, str \\| None]`" in pages["TF504.md"]  # a pipe inside a table cell is escaped


@pytest.mark.parametrize("rule", [r for r in RULES if r.example_options or r.example_fleet], ids=lambda r: r.id)
def test_settings_snippet_is_a_valid_configuration(rule, pages, tmp_path):
    """The "Settings the example assumes" YAML loads and gives the options and fleet the docs' examples use."""
    page = pages[f"{rule.id}.md"]
    snippet = page.split("## Settings the example assumes\n\n```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / ".tfimage-lint.yaml"
    path.write_text(snippet, encoding="utf-8")
    config = load_config(path, load_registry(include_plugins=False))
    for name, value in (rule.example_options or {}).items():
        assert config.rule_options[rule.id][name] == value
    if rule.example_fleet is not None:
        assert config.fleet.driver == rule.example_fleet.driver
        assert tuple(config.fleet.compute_capabilities) == tuple(rule.example_fleet.compute_capabilities)
    assert yaml.safe_load(snippet)


@pytest.mark.parametrize("rule", [r for r in RULES if r.example_files], ids=lambda r: r.id)
def test_build_context_section_shows_every_example_file(rule, pages):
    """The "Build context for the examples" section gives each file the docs' examples are linted with."""
    page = pages[f"{rule.id}.md"]
    section = page.split("## Build context for the examples\n\n", 1)[1].split("\n## ", 1)[0]
    shown = dict(re.findall(r"^`([^`]+)`:\n\n```text\n(.*?)```$", section, re.MULTILINE | re.DOTALL))
    assert shown == dict(rule.example_files)


def test_pages_without_example_files_have_no_build_context_section(pages):
    assert [r.id for r in RULES if "## Build context for the examples" in pages[f"{r.id}.md"]] == [
        r.id for r in RULES if r.example_files
    ]
    assert "DF023" in [r.id for r in RULES if r.example_files]


def test_index_links_every_rule_once(pages):
    index = pages[INDEX]
    links = re.findall(r"\[([A-Z]+[0-9]{3})\]\(([A-Z]+[0-9]{3})\.md\)", index)
    assert [text for text, _ in links] == [target for _, target in links]
    assert sorted(target for _, target in links) == sorted(rule.id for rule in RULES)
    assert f"{len(RULES)} built-in rules" in index


def test_help_uri_is_the_published_page():
    for rule in RULES:
        assert help_uri(rule) == f"{BASE_URL}{rule.id}.md"
    assert BASE_URL == "https://github.com/tfimage-lint/tfimage-lint/blob/main/docs/rules/"


def test_sarif_help_uris_point_at_existing_pages(cli, tmp_path):
    """The SARIF reporter links each rule to its page here: the address and the page must both exist."""
    report = tmp_path / "report.sarif"
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM tensorflow/tensorflow:latest-gpu\n", encoding="utf-8")
    result = cli(["--format", "sarif", "--output", str(report), "--select", "ALL", str(dockerfile)])
    assert result.exit_code == 1, result.output
    rules = json.loads(report.read_text(encoding="utf-8"))["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    by_id = {rule.id: rule for rule in RULES}
    for entry in rules:
        assert entry["helpUri"] == help_uri(by_id[entry["id"]])
        assert (DOCS / f"{entry['id']}.md").is_file()
