"""NGC TensorFlow (``nvcr.io/nvidia/tensorflow``): the release table and the catalogue.

The catalogue holds the first and last release, the end of TF1, months without a release, the
tag forms per era and notes. See ``ngc_fields`` for the evidence mapping.
"""

from __future__ import annotations

from typing import Any

from .common import Json, bool_fact, clean, dedupe, fact, month_key, unknown
from .ngc_fields import LAST_RELEASE, NAV_GAPS, SUPERSEDED_FROM, TF1_LAST
from .ngc_rows import knowledge_row, legacy_rows, nav_rows, ngc_row
from .sources import Sources


def _period(first: str, last: str, exists: bool | None, evidence: str, ids: list[str], note: str) -> Json:
    return {"first": first, "last": last, "exists": bool_fact(exists, evidence, ids, note)}


def _tag_forms() -> list[Json]:
    legacy = ["nv_tf_rn_legacy", "nv_rn_1812", "nv_rn_1902"]
    split = ["nv_tf_rn_legacy", "nv_rn_2003"]
    tf1_end = ["nv_tf_github_releases", "nv_tf1_github_releases"]
    before_split = "NVIDIA notes up to 19.10 name only -py2/-py3 images"
    after_legacy = "no evidence of un-prefixed tags after 19.10 (NVIDIA notes from 20.03 name only -tf1-/-tf2-)"
    tf1_ended = "TF1 monthly releases ended with 23.03"
    forms = []
    for variant, python in (("py2", "2.7"), ("py3", "3")):
        forms.append(
            {
                "variant": variant,
                "tf_major": "1",
                "python": python,
                "periods": [
                    _period("17.01", "19.10", True, "verified", legacy, "legacy tag form of TF1 releases"),
                    _period("19.11", LAST_RELEASE, None, "unknown", [], after_legacy),
                ],
            }
        )
    forms.append(
        {
            "variant": "tf1-py2",
            "tf_major": "1",
            "python": "2.7",
            "periods": [
                _period("16.12", "19.10", False, "verified", legacy, before_split),
                _period("19.11", "19.11", True, "verified", ["nv_tf_rn_legacy"], "19.11 notes list 19.11-tf1-py2"),
                _period("19.12", TF1_LAST, None, "unknown", [], "not named in later NVIDIA notes"),
                _period("23.04", "99.12", False, "verified", tf1_end, tf1_ended),
            ],
        }
    )
    forms.append(
        {
            "variant": "tf1-py3",
            "tf_major": "1",
            "python": "3",
            "periods": [
                _period("16.12", "19.10", False, "verified", legacy, before_split),
                _period("19.11", "23.02", True, "verified", split, "tf1/tf2 split began with 19.11"),
                _period(
                    "23.03",
                    "23.03",
                    None,
                    "unknown",
                    ["nv_tf_github_releases"],
                    "23.03 is the last TF1 release but its text names 23.02-tf1-py3; 23.03-tf1-py3 is unconfirmed",
                ),
                _period("23.04", "99.12", False, "verified", tf1_end, tf1_ended),
            ],
        }
    )
    forms.append(
        {
            "variant": "tf2-py3",
            "tf_major": "2",
            "python": "3",
            "periods": [
                _period("16.12", "19.10", False, "verified", legacy, before_split),
                _period(
                    "19.11",
                    LAST_RELEASE,
                    True,
                    "inferred",
                    [*split, "triton_issue_923"],
                    "tag form of every TF2 release from 19.11 (19.11 itself: third party)",
                ),
            ],
        }
    )
    forms.append(
        {
            "variant": "tf2-py3-igpu",
            "tf_major": "2",
            "python": "3",
            "periods": [
                _period(
                    "16.12",
                    LAST_RELEASE,
                    None,
                    "unknown",
                    ["igpu_refs"],
                    "no NVIDIA statement; only the months listed as tags were seen in use (arm64 only)",
                ),
            ],
        }
    )
    return forms


def build_ngc(knowledge: dict[str, Any], ngc: dict[str, Any], sources: Sources) -> tuple[Json, list[Json]]:
    """The NGC catalogue (last release, tag forms, notes) and one row per release."""
    rows = {}
    for raw in knowledge["ngc_tensorflow"]["releases"]:
        if month_key(raw["release"]) < month_key(SUPERSEDED_FROM):
            rows[raw["release"]] = knowledge_row(raw, sources)
    for raw in ngc["releases"]:
        rows[raw["release"]] = ngc_row(raw, sources)
    for row in [*legacy_rows(sources), *nav_rows()]:
        rows.setdefault(row["release"], row)
    _add_candidate_2301(rows["23.01"])
    for row in rows.values():
        if row["last_release"] is None:
            del row["last_release"]
    eol = ngc["end_of_life"]
    k_eol = knowledge["ngc_tensorflow"]["end_of_life"]
    catalog = {
        "repository": knowledge["ngc_tensorflow"]["tag_scheme"]["repository"],
        "first_release": fact("16.12", "inferred", ["nv_docs_nav_2026_03"], "oldest TensorFlow release note listed"),
        "last_release": fact(
            LAST_RELEASE,
            "inferred",
            ["nv_docs_nav_2026_03", "nv_triton_pr_8068", "odh_arch_pr_29", "third_party_tag_refs"],
            clean(f"{eol['answer']} {eol['not_found']}"),
        ),
        "tf1_last_release": fact(
            k_eol["tf1_containers"]["last_monthly_release"],
            "verified",
            [*sources.refs(k_eol["tf1_containers"]["evidence"]), "nv_tf_github_releases"],
            clean(f"{k_eol['tf1_containers']['statement']} {eol['tf1_line']}"),
        ),
        "months_without_release": [
            {
                "release": month,
                "exists": bool_fact(
                    False, "inferred", ["nv_docs_nav_2026_03"], "NVIDIA's navigation lists 20.06 right after 20.03"
                ),
            }
            for month in NAV_GAPS
        ],
        "tag_forms": _tag_forms(),
        "notes": _catalog_notes(knowledge, ngc, sources),
    }
    return catalog, [rows[release] for release in sorted(rows, key=month_key)]


def _add_candidate_2301(row: Json) -> None:
    """The Jetson 2.11.0+nv23.01 wheel (ngc_2302_2502.yaml ``jetson_wheels``) as a 23.01 TF2 hint."""
    row["variants"]["tf2-py3"]["tensorflow"] = unknown(
        candidates=[
            fact("2.11.0", "unverified", ["jetson_wheels"], "Jetson wheel 2.11.0+nv23.01 of the same NVIDIA month"),
        ]
    )


def _correction(ngc: dict[str, Any], prefix: str) -> str:
    (text,) = (entry for entry in ngc["corrections_to_existing_kb"] if entry.startswith(prefix))
    return text


def _catalog_notes(knowledge: dict[str, Any], ngc: dict[str, Any], sources: Sources) -> list[Json]:
    scheme = knowledge["ngc_tensorflow"]["tag_scheme"]
    variants = ngc["variants"]
    notes = [
        (
            "version-label",
            scheme["version_string_note"] + " " + _correction(ngc, "Version-label form"),
            "inferred",
            ["nv_tf1_github_releases", "kb_ngc_2302_2502"],
        ),
        ("install-location", scheme["install_location"], "verified", ["nv_tf_user_guide"]),
        (
            "forward-compat",
            knowledge["ngc_tensorflow"]["field_notes"]["data_center_forward_compat"],
            "verified",
            ["nv_rn_2003", "nv_rn_2206", "nv_rn_2210", "nv_rn_2301"],
        ),
        (
            "igpu",
            f"Architecture: {variants['igpu']['architecture']}. NVIDIA statement: "
            f"{variants['igpu']['nvidia_statement']}. Months without a reference: "
            f"{variants['igpu']['per_month_unknown']}",
            "unverified",
            ["shpc_issue_672", "igpu_refs"],
        ),
        (
            "arm64-main-tag",
            f"{variants['arm64_sbsa_in_main_tag']['nvidia_statement']} {variants['arm64_sbsa_in_main_tag']['note']}",
            "unverified",
            ["arm64_refs"],
        ),
        ("legacy-untagged", ngc["legacy_tags"][2]["note"], "unknown", []),
        (
            "triton-tf-version",
            "Triton's TensorFlow backend uses the TF version of the same month's NGC TF image.",
            "verified",
            ["nv_triton_issue_2929"],
        ),
    ]
    for index, hint in enumerate(knowledge["ngc_tensorflow"]["lint_hints"]):
        notes.append((f"lint-hint-{index + 1}", hint, "unverified", ["kb_tf_knowledge"]))
    return [
        {"id": note_id, "text": clean(text), "evidence": evidence, "sources": dedupe(ids)}
        for note_id, text, evidence, ids in notes
    ]
