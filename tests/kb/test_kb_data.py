"""data.json: valid against the pydantic models, consistent, and reproducible from ../shared/kb."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT
from tfimage_lint.kb import DATA_PATH

DATA = json.loads(DATA_PATH.read_text(encoding="utf-8"))
#: Source kinds that cannot back an inferred or verified value on their own.
WEAK_KINDS = {"third_party", "nvidia_sibling", "nvidia_artifact_jetson", "kb_file"}


def facts(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record with ``evidence`` and ``sources`` (facts, notes, table rows), with its path."""
    if isinstance(node, dict):
        if "evidence" in node and "sources" in node:
            yield path, node
        for key, value in node.items():
            if key != "sources":
                yield from facts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from facts(value, f"{path}[{index}]")


def test_data_validates_against_the_models():
    models = pytest.importorskip("tfimage_lint.kb.models")
    parsed = models.KnowledgeBaseData.model_validate_json(DATA_PATH.read_text(encoding="utf-8"))
    assert parsed.as_of == "2026-11-30"


def test_models_reject_unknown_keys_and_unsourced_values():
    models = pytest.importorskip("tfimage_lint.kb.models")
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        models.Fact.model_validate({"value": "1", "evidence": "verified", "sources": [], "extra": 1})
    with pytest.raises(ValidationError):
        models.Fact.model_validate({"value": "1", "evidence": "verified", "sources": []})
    with pytest.raises(ValidationError):
        models.Fact.model_validate({"value": "1", "evidence": "conflicting", "sources": ["x"]})


def test_every_cited_source_is_defined():
    missing = {(path, sid) for path, record in facts(DATA) for sid in record["sources"] if sid not in DATA["sources"]}
    assert not missing


def test_every_value_carries_a_source_and_an_evidence_level():
    for path, record in facts(DATA):
        assert record["evidence"] in DATA["evidence_levels"], path
        if record.get("value") is not None:
            assert record["sources"], path


def test_weak_sources_never_back_verified_values():
    # (NVIDIA-generated text quoted in third-party files may be "inferred": ngc_2302_2502.yaml's status says so.)
    for path, record in facts(DATA):
        kinds = {DATA["sources"][sid]["kind"] for sid in record["sources"]}
        if kinds and kinds <= WEAK_KINDS:
            assert record["evidence"] != "verified", path


def test_status_mapping_of_the_ngc_file():
    assert DATA["status_mapping"] == {
        "nvidia_verified": "verified",
        "nvidia_docs": "inferred",
        "nvidia_generated_quoted": "inferred",
        "nvidia_org_indirect": "inferred",
        "nvidia_artifact_jetson": "unverified",
        "nvidia_sibling": "unverified",
        "third_party": "unverified",
        "conflicting": "conflicting",
        "unknown": "unknown",
    }


def test_ngc_rows_2302_to_2502_come_from_the_finer_grained_file():
    rows = {row["release"]: row for row in DATA["ngc_releases"]}
    months = [f"{year}.{month:02d}" for year in (23, 24, 25) for month in range(1, 13)]
    assert all(month in rows for month in months[1 : months.index("25.02") + 1])
    assert all(month not in rows for month in months[months.index("25.03") :])
    tf_2310 = rows["23.10"]["variants"]["tf2-py3"]["tensorflow"]
    assert (tf_2310["value"], tf_2310["evidence"]) == (None, "conflicting")
    assert sorted(c["value"] for c in tf_2310["candidates"]) == ["2.13.0", "2.14.0"]
    assert rows["24.11"]["variants"]["tf2-py3"]["python"]["value"] is None  # correction: siblings disagree
    assert rows["24.06"]["variants"]["tf2-py3"]["tensorflow"]["value"] == "2.16"  # not 2.16.0
    assert rows["25.02"]["last_release"] == {
        "value": True,
        "evidence": "inferred",
        "sources": ["nv_docs_nav_2026_03", "nv_triton_pr_8068"],
        "note": "nvidia_docs (nav) + nvidia maintainer (Triton TF backend deprecated as of 25.03)",
    }
    assert DATA["ngc_catalog"]["last_release"]["value"] == "25.02"


def test_sibling_month_base_values_are_never_container_values():
    for row in DATA["ngc_releases"]:
        for name in ("cuda", "min_driver", "forward_compat"):
            fact = row[name]
            sibling = all(DATA["sources"][sid]["kind"] == "nvidia_sibling" for sid in fact["sources"])
            assert not (fact["value"] and fact["sources"] and sibling), (row["release"], name)


def test_output_is_deterministic_text():
    text = DATA_PATH.read_text(encoding="utf-8")
    assert text == json.dumps(DATA, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_build_script_reproduces_data_json(shared, tmp_path):
    pytest.importorskip("yaml")
    output = tmp_path / "data.json"
    build = [sys.executable, str(ROOT / "tools" / "build_kb.py"), str(shared / "kb"), "--output", str(output)]
    proc = subprocess.run(build, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert output.read_bytes() == DATA_PATH.read_bytes(), "data.json is stale: run tools/build_kb.py"
