"""TensorFlow and Python release and end-of-life dates (``tf_knowledge.yaml`` section 5)."""

from __future__ import annotations

import re
from typing import Any

from .common import Json, clean, fact, flag_level, unknown, version_key, weakest
from .sources import Sources

_DATE_RE = re.compile(r"^~?(\d{4}-\d{2})(-\d{2})?(.*)$")


def _release_fact(entry: dict[str, Any], sources: Sources) -> Json | None:
    if "released" not in entry:
        return None
    ids = sources.refs(entry.get("evidence")) or ["kb_tf_knowledge"]
    match = _DATE_RE.match(entry["released"])
    if match is None:
        raise ValueError(f"unparsed date {entry['released']!r}")
    month, day, rest = match.groups()
    approx = bool(entry.get("approx"))
    value = month if approx or not day else month + day
    level = weakest("inferred" if approx else "verified", flag_level(entry), sources.cap(ids))
    note = f"approximate: {entry['released']}" if approx else rest.strip("() ") or None
    return fact(value, level, ids, note)


def build_tf_releases(knowledge: dict[str, Any], sources: Sources) -> list[Json]:
    """Per TF version: release date, Cloud TPU support start, end of life (none published)."""
    section = knowledge["tf_eol"]["tensorflow"]
    policy = fact(None, "unknown", [], None)
    policy_note = clean(section["note"]).split(";")[0]
    older = section["older_release_dates_unverified"]
    rows: dict[str, Json] = {}

    def row(version: str) -> Json:
        return rows.setdefault(
            version,
            {
                "version": version,
                "released": unknown(),
                "tpu_support_start": None,
                "end_of_life": dict(policy, note=policy_note, sources=["tf_security_md"]),
                "notes": [],
            },
        )

    for entry in section["releases"]:
        version = entry["version"]
        if version.endswith(".x"):
            continue  # the 1.15.x line note goes to end_of_life below
        record = row(version)
        released = _release_fact(entry, sources)
        if released:
            record["released"] = released
        if "tpu_support_start" in entry:
            record["tpu_support_start"] = fact(
                entry["tpu_support_start"],
                "verified",
                ["gcloud_tpu_supported_tf"],
                "Cloud TPU support start, not a release date",
            )
        if "note" in entry:
            record["notes"].append(clean(entry["note"]))
    for version, date in older["dates"].items():
        record = row(version)
        memory = fact(date, "unverified", ["kb_tf_knowledge"], clean(older["note"]))
        if record["released"]["value"] is None:
            record["released"] = memory
        else:
            record["released"] = dict(record["released"], candidates=[memory])
    for entry in knowledge["tf_tested_gpu_configs"]["linux_gpu"]:
        row(entry["tf"])
    never = row("2.16.0")
    never["released"] = unknown("never released: TF 2.16 shipped as 2.16.1", ["tf_rel_2161"])
    for entry in knowledge["dockerhub_tensorflow"]["tags_without_images"]:
        row(entry["tf"])
    _eol_notes(rows, section, sources)
    return sorted(rows.values(), key=lambda r: version_key(r["version"]))


def _eol_notes(rows: dict[str, Json], section: dict[str, Any], sources: Sources) -> None:
    line_notes = {}
    for entry in section["releases"]:
        if entry["version"] == "1.15.x":
            line_notes["1."] = (clean(entry["note"]), sources.refs(entry["evidence"]))
        if entry["version"] == "2.6.5":
            line_notes["2.6."] = ("2.6.5 is the final 2.6.x release", sources.refs(entry["evidence"]))
    for version, record in rows.items():
        for prefix, (note, ids) in line_notes.items():
            if version.startswith(prefix):
                eol = record["end_of_life"]
                record["end_of_life"] = dict(eol, note=f"{eol['note']}; {note}", sources=[*eol["sources"], *ids])


def build_python_eol(knowledge: dict[str, Any], sources: Sources) -> list[Json]:
    """Python branches: first release and end of life (python/devguide)."""
    section = knowledge["tf_eol"]["python"]
    ids = sources.refs(section["evidence"])
    rows = []
    for entry in section["rows"]:
        record: Json = {"version": entry["version"]}
        for key, name in (("first_release", "first_release"), ("end_of_life", "end_of_life")):
            value, _, rest = entry[key].partition(" ")
            record[name] = fact(value, sources.cap(ids), ids, rest.strip("() ") or None)
        rows.append(record)
    return sorted(rows, key=lambda r: version_key(r["version"]))
