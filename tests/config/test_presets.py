"""The shipped presets: each loads, is documented, and changes the findings on one Dockerfile as it says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import lint_text
from tfimage_lint.config.describe import describe, rule_states
from tfimage_lint.config.effective import EffectiveConfig
from tfimage_lint.config.loading import PRESET_NAMES, load_config, preset_config, preset_path
from tfimage_lint.findings import Severity
from tfimage_lint.registry import load_registry

REGISTRY = load_registry(include_plugins=False)
RANK = {"info": 0, "warning": 1, "error": 2, "never": 3}

DOCKERFILE = """\
FROM tensorflow/tensorflow:latest-gpu AS tools
RUN pip install --no-cache-dir requests==2.31.0

FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
RUN apt-get update && apt-get install curl
RUN pip install --no-cache-dir tensorflow-text
ENV TF_CPP_MIN_LOG_LEVEL=3
"""

DEFAULT_FINDINGS = {
    ("TF101", 1, "error"),
    ("TF104", 4, "warning"),
    ("DF001", 5, "warning"),
    ("DF002", 5, "info"),
    ("DF003", 5, "info"),
    ("DF017", 6, "warning"),
    ("TF204", 6, "warning"),
    ("TF306", 7, "info"),
}


def findings_under(config: EffectiveConfig) -> set[tuple[str, int, str]]:
    """Lint DOCKERFILE the way a run under ``config`` does: its rules, options and severities."""
    enabled = [state.rule.id for state in rule_states(config, REGISTRY) if state.enabled]
    options = {rule_id: dict(values) for rule_id, values in config.rule_options.items()}
    found = lint_text(DOCKERFILE, select=enabled, rule_options=options)
    return {(f.rule_id, f.line, config.severity_of(f.rule_id, f.severity).value) for f in found}


def fails(config: EffectiveConfig, findings: set[tuple[str, int, str]]) -> bool:
    return any(RANK[severity] >= RANK[config.fail_on] for _id, _line, severity in findings)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_loads_and_is_documented(name: str) -> None:
    path = preset_path(name)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# tfimage-lint preset: {name}\n#\n")
    config = preset_config(name, REGISTRY)
    assert config.path is None
    assert all(where.startswith(f"preset {name} (policies/{name}.yaml:") for where in config.provenance.values())
    assert describe(config, REGISTRY).startswith(
        f"# Effective configuration: {'preset ' + name if config.provenance else 'built-in defaults'}\n"
    )


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_by_extends_equals_preset_by_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / ".tfimage-lint.yaml"
    path.write_text(f"extends: {name}\n")
    by_file = load_config(path, REGISTRY)
    by_name = preset_config(name, REGISTRY)
    assert by_file.rules == by_name.rules
    assert by_file.rule_options == by_name.rule_options
    assert by_file.fail_on == by_name.fail_on
    assert by_file.provenance == by_name.provenance


def test_default_changes_nothing() -> None:
    config = preset_config("default", REGISTRY)
    assert config == EffectiveConfig()
    assert findings_under(config) == DEFAULT_FINDINGS
    assert findings_under(EffectiveConfig()) == DEFAULT_FINDINGS
    assert fails(config, DEFAULT_FINDINGS)


def test_strict_pins_digests_promotes_info_and_fails_on_warnings() -> None:
    config = preset_config("strict", REGISTRY)
    found = findings_under(config)
    assert found - DEFAULT_FINDINGS == {
        ("TF102", 1, "warning"),
        ("TF102", 4, "warning"),
        ("DF002", 5, "warning"),
        ("DF003", 5, "warning"),
        ("TF306", 7, "warning"),
    }
    assert DEFAULT_FINDINGS - found == {("DF002", 5, "info"), ("DF003", 5, "info"), ("TF306", 7, "info")}
    assert config.fail_on == "warning"
    states = {state.rule.id: state for state in rule_states(config, REGISTRY)}
    assert states["TF102"].enabled
    assert states["DF016"].severity is Severity.INFO  # style stays info
    assert not states["DF018"].enabled


def test_ngc_allows_only_ngc_families_and_makes_the_stack_rules_errors() -> None:
    config = preset_config("ngc", REGISTRY)
    assert config.rule_options["TF505"]["allowed_families"] == ["ngc-tensorflow", "ngc-framework"]
    for number in range(201, 210):
        assert config.severity_of(f"TF{number}", Severity.INFO) is Severity.ERROR
    found = findings_under(config)
    assert found - DEFAULT_FINDINGS == {("TF204", 6, "error"), ("TF505", 1, "error")}
    assert DEFAULT_FINDINGS - found == {("TF204", 6, "warning")}


def test_workstation_quiets_hygiene_and_fails_only_on_errors() -> None:
    config = preset_config("workstation", REGISTRY)
    found = findings_under(config)
    assert found - DEFAULT_FINDINGS == {
        ("TF101", 1, "warning"),
        ("DF001", 5, "info"),
        ("DF017", 6, "info"),
    }
    assert config.fail_on == "error"
    assert fails(EffectiveConfig(), DEFAULT_FINDINGS)
    assert not fails(config, found)
    states = {state.rule.id: state for state in rule_states(config, REGISTRY)}
    assert not states["DF018"].enabled  # off by default, and the preset leaves it off
    assert states["DF000"].severity is Severity.ERROR
    assert states["DF021"].severity is Severity.ERROR
    for number in (*range(1, 18), 19):
        assert states[f"DF{number:03d}"].severity is Severity.INFO


def test_a_file_can_loosen_a_preset(tmp_path: Path) -> None:
    path = tmp_path / ".tfimage-lint.yaml"
    path.write_text("extends: strict\nrules:\n  TF102: disable\nfail-on: error\n")
    config = load_config(path, REGISTRY)
    found = findings_under(config)
    assert not any(rule_id == "TF102" for rule_id, _line, _severity in found)
    assert ("DF002", 5, "warning") in found
    assert config.fail_on == "error"
