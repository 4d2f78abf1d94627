"""NGC release rows.

``tf_knowledge.yaml`` up to 23.01, ``ngc_2302_2502.yaml`` for 23.02-25.02, and rows for months
only NVIDIA's notes or docs navigation name.
"""

from __future__ import annotations

from typing import Any

from .common import Json, bool_fact, clean, fact, flag_level, unknown, weakest
from .ngc_fields import (
    ATTESTED_LABELS,
    FALLBACK_SOURCES,
    NAV_MONTHS,
    WHEEL_NOTE,
    NgcFields,
    branches,
    cuda_version,
    driver,
    new_row,
    status_evidence,
    tag_record,
    tf_version,
)
from .sources import Sources

# ---------------------------------------------------------------- tf_knowledge.yaml rows
_KNOWLEDGE_ROW_KEYS = {
    "release",
    "tags",
    "tensorflow",
    "tensorflow_unverified",
    "os",
    "python",
    "cuda",
    "cublas",
    "cudnn",
    "nccl",
    "tensorrt",
    "horovod",
    "min_driver",
    "datacenter_drivers",
    "not_forward_compatible",
    "min_compute_capability",
    "evidence",
    "note",
    "tensorboard_tf2",
    "tensorboard_tf1_line",
    "unverified",
    "inferred",
}
_COMPONENTS = ("cublas", "horovod", "tensorboard_tf2", "tensorboard_tf1_line")


def knowledge_row(raw: dict[str, Any], sources: Sources) -> Json:
    """A release row of tf_knowledge.yaml (flags and source kinds set the evidence)."""
    unexpected = set(raw) - _KNOWLEDGE_ROW_KEYS
    if unexpected:
        raise ValueError(f"NGC row {raw['release']}: unhandled keys {sorted(unexpected)}")
    release = raw["release"]
    ids = sources.refs(raw.get("evidence")) or ["kb_tf_knowledge"]
    level = weakest(flag_level(raw), sources.cap(ids))
    row = new_row(release, bool_fact(True, level, ids))
    row["tags"] = [tag_record(tag, bool_fact(True, level, ids)) for tag in raw.get("tags", ())]

    def make(value: str | None, note: str | None = None, evidence: str = level) -> Json:
        return fact(value, evidence, ids if value is not None else [], note)

    tensorflow = raw.get("tensorflow")
    if isinstance(tensorflow, str):
        tf_level = "unverified" if raw.get("tensorflow_unverified") else level
        for variant in row["variants"]:
            row["variants"][variant]["tensorflow"] = make(*tf_version(tensorflow), evidence=tf_level)
    elif isinstance(tensorflow, dict):
        for major in ("tf1", "tf2"):
            if major in tensorflow:
                tf_level = "unverified" if tensorflow.get(f"{major}_unverified") else level
                for variant in row["variants"]:
                    if variant.startswith(major):
                        row["variants"][variant]["tensorflow"] = make(*tf_version(tensorflow[major]), evidence=tf_level)
    python = raw.get("python")
    # NVIDIA's TF1 GitHub release text describes the TF1 pip build, not the containers.
    wheel_only = ids == ["nv_tf1_github_releases"]
    for variant in row["variants"]:
        if wheel_only and isinstance(python, str):
            if variant.startswith("tf1"):
                row["variants"][variant]["python"] = unknown(candidates=[make(python, WHEEL_NOTE)])
        elif isinstance(python, str):
            row["variants"][variant]["python"] = make(python)
        elif isinstance(python, dict) and variant in python:
            row["variants"][variant]["python"] = make(python[variant])
    if "os" in raw:
        ubuntu = make(raw["os"].removeprefix("Ubuntu "), WHEEL_NOTE if wheel_only else None)
        row["ubuntu"] = unknown(candidates=[ubuntu]) if wheel_only else ubuntu
    if "cuda" in raw:
        row["cuda"] = make(*cuda_version(raw["cuda"]))
    for name in ("cudnn", "nccl", "min_compute_capability"):
        if name in raw:
            row[name] = make(raw[name])
    if isinstance(raw.get("tensorrt"), dict):
        trt = raw["tensorrt"]
        row["tensorrt"] = make(trt["x86_64"], f"x86_64; ARM SBSA: {trt['arm_sbsa']}")
    elif "tensorrt" in raw:
        row["tensorrt"] = make(raw["tensorrt"])
    if "min_driver" in raw:
        row["min_driver"] = make(*driver(raw["min_driver"]))
    if "datacenter_drivers" in raw:
        row["forward_compat"] = make(branches(raw["datacenter_drivers"]))
    if "not_forward_compatible" in raw:
        row["not_forward_compatible"] = make(", ".join(raw["not_forward_compatible"]))
    for name in _COMPONENTS:
        if name in raw:
            value, _, rest = raw[name].partition(" ")
            row["components"][name] = make(value, rest.strip() or None)
    if "note" in raw:
        row["notes"].append(clean(raw["note"]))
    apply_label(row, release)
    return row


def ngc_row(raw: dict[str, Any], sources: Sources) -> Json:
    """A release row of ngc_2302_2502.yaml (its per-field statuses set the evidence)."""
    release = raw["release"]
    convert = NgcFields(sources, release).convert
    page = raw["release_notes_page_exists"]
    exists = bool_fact(
        page["value"],
        status_evidence(page["status"]),
        sources.refs(page["sources"]),
        "NVIDIA lists a TensorFlow release note for this month",
    )
    row = new_row(release, exists)
    for tag in raw["tags"]:
        evidence = status_evidence(tag["status"])
        ids = sources.refs(tag.get("sources")) or (
            FALLBACK_SOURCES.get((release, "tags"), ["kb_ngc_2302_2502"]) if evidence != "unknown" else []
        )
        notes = [tag.get("note")]
        if tag.get("arch_seen"):
            notes.append("architectures seen: " + ", ".join(tag["arch_seen"]))
        note = "; ".join(n for n in notes if n) or None
        row["tags"].append(
            tag_record(tag["tag"], bool_fact(None if evidence == "unknown" else True, evidence, ids, note))
        )
    tensorflow = raw["tensorflow"]
    if "tf1" in tensorflow or "tf2" in tensorflow:
        for major, record in tensorflow.items():
            for variant in row["variants"]:
                if variant.startswith(major):
                    row["variants"][variant]["tensorflow"] = convert("tensorflow", record)
    else:
        row["variants"]["tf2-py3"]["tensorflow"] = convert("tensorflow", tensorflow)
    python = convert("python", raw["python"]) if "python" in raw else unknown()
    for variant in row["variants"]:
        if "tf1_wheel" in raw.get("python", {}) and variant.startswith("tf2"):
            continue  # the TF1 wheel's Python says nothing about the TF2 container
        row["variants"][variant]["python"] = python
    for name in ("cuda", "cudnn", "tensorrt", "nccl", "ubuntu", "min_driver"):
        if name in raw:
            row[name] = convert(name, raw[name])
    if "datacenter_drivers" in raw:
        drivers = raw["datacenter_drivers"]
        row["forward_compat"] = convert("datacenter_drivers", drivers)
        nfc = drivers.get("month_base", {}).get("not_forward_compatible")
        if nfc:
            base = drivers["month_base"]
            record = {
                "value": None,
                "status": "unknown",
                "month_base": {"value": ", ".join(nfc), "status": base["status"], "note": base.get("note")},
                "sources": drivers.get("sources"),
            }
            row["not_forward_compatible"] = convert("not_forward_compatible", record)
    for name in ("keras", "horovod", "dali", "cuda_compat_driver_in_image"):
        if name in raw:
            row["components"][name] = convert(name, raw[name])
    if "final_release" in raw:
        final = raw["final_release"]
        row["last_release"] = bool_fact(
            final["value"], status_evidence(final["status"]), sources.refs(final["sources"]), clean(final["status"])
        )
    apply_label(row, release)
    return row


def apply_label(row: Json, release: str) -> None:
    """Write the TF value as NGC's ``X.Y.Z+nvYY.MM`` where the month's label is attested."""
    for (month, variant), label in ATTESTED_LABELS.items():
        if month != release:
            continue
        tensorflow = row["variants"][variant]["tensorflow"]
        if tensorflow["value"] != label.split("+")[0]:
            raise ValueError(f"{release}: attested label {label} does not match {tensorflow['value']}")
        tensorflow["value"] = f"{tensorflow['value']}+nv{release}"
        note = f"pip shows the normalised label {label}" if label != tensorflow["value"] else "label attested"
        tensorflow["note"] = "; ".join(n for n in (tensorflow.get("note"), note) if n)


# ---------------------------------------------------------------- curated rows and catalogue
def legacy_rows(sources: Sources) -> list[Json]:
    """19.09-19.11 from the NVIDIA notes quoted in ngc_2302_2502.yaml (``nv_tf_rn_legacy``)."""
    ids = ["nv_tf_rn_legacy"]
    rows = []
    for release in ("19.09", "19.10"):
        row = new_row(release, bool_fact(True, "verified", ids))
        row["tags"] = [tag_record(f"{release}-{v}", bool_fact(True, "verified", ids)) for v in ("py2", "py3")]
        row["variants"]["py2"]["python"] = fact("2.7", "verified", ids)
        row["variants"]["py3"]["python"] = fact("3.6", "verified", ids)
        row["ubuntu"] = fact("18.04", "verified", ids)
        row["cuda"] = fact("10.1.243", "verified", ids)
        row["components"]["tensorboard"] = fact("1.14.0+nv", "verified", ids)
        rows.append(row)
    row = new_row("19.11", bool_fact(True, "verified", ids))
    row["tags"] = [
        tag_record("19.11-tf1-py2", bool_fact(True, "verified", ids)),
        tag_record("19.11-tf1-py3", bool_fact(True, "verified", ids)),
        tag_record("19.11-tf2-py3", bool_fact(True, "unverified", ["triton_issue_923"])),
    ]
    row["cuda"] = fact("10.2.89", "verified", ids)
    row["min_driver"] = fact("440.30", "verified", ids)
    rows.append(row)
    return rows


def nav_rows() -> list[Json]:
    """Rows for months only NVIDIA's docs navigation lists."""
    ids = ["nv_docs_nav_2026_03"]
    return [
        new_row(release, bool_fact(True, "inferred", ids, "listed in NVIDIA's TensorFlow release notes navigation"))
        for release in NAV_MONTHS
    ]
