"""Evidence levels, fact records and the source registry shared by the table builders.

Evidence levels, strongest first: ``verified`` > ``inferred`` > ``unverified``; ``conflicting``
and ``unknown`` carry no value. A fact built from ``tf_knowledge.yaml`` gets the weakest of
(a) its row's flags (``unverified: true`` -> unverified, ``inferred: true`` -> inferred, none ->
verified) and (b) the strongest level any of its cited sources can support (see ``KIND_CAP``):
a claim backed only by third-party sources is never "verified", whatever the flags say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

EVIDENCE_ORDER = ("unknown", "conflicting", "unverified", "inferred", "verified")

#: The strongest evidence level a source of each kind can support.
KIND_CAP = {
    "nvidia_docs": "verified",
    "nvidia_github": "verified",
    "nvidia_maintainer": "verified",
    "nvidia_verified": "verified",
    "tensorflow_docs": "verified",
    "tensorflow_repo": "verified",
    "tensorflow_release_notes": "verified",
    "tensorflow_maintainer": "verified",
    "package_metadata": "verified",
    "python_docs": "verified",
    "google_docs": "verified",
    "observation": "verified",
    "nvidia_docs_transported": "inferred",
    "nvidia_generated_quoted": "inferred",
    "nvidia_org_indirect": "inferred",
    "nvidia_issue": "inferred",
    "tensorflow_issue": "inferred",
    "quoted_official": "inferred",
    "convention": "inferred",
    "nvidia_artifact_jetson": "unverified",
    "nvidia_sibling": "unverified",
    "third_party": "unverified",
    "kb_file": "unverified",
}

Json = dict[str, Any]


def weakest(*levels: str) -> str:
    """The weakest of evidence levels."""
    return min(levels, key=EVIDENCE_ORDER.index)


def strongest(*levels: str) -> str:
    """The strongest of evidence levels."""
    return max(levels, key=EVIDENCE_ORDER.index)


def dedupe(items: Iterable[str]) -> list[str]:
    """Items in first-seen order, without repeats."""
    return list(dict.fromkeys(items))


def fact(
    value: str | None,
    evidence: str,
    sources: Sequence[str],
    note: str | None = None,
    candidates: Sequence[Json] = (),
) -> Json:
    """A fact record; a value-less fact is ``unknown`` unless it is ``conflicting``."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"fact value must be a string: {value!r}")
    if evidence not in EVIDENCE_ORDER:
        raise ValueError(f"unknown evidence level {evidence!r}")
    if value is None and evidence != "conflicting":
        evidence = "unknown"
    if value is not None and evidence in ("unknown", "conflicting"):
        raise ValueError(f"{evidence} fact with a value {value!r}")
    record: Json = {"value": value, "evidence": evidence, "sources": dedupe(sources)}
    if note:
        record["note"] = note
    if candidates:
        record["candidates"] = list(candidates)
    return record


def unknown(note: str | None = None, sources: Sequence[str] = (), candidates: Sequence[Json] = ()) -> Json:
    """A fact the sources do not establish."""
    return fact(None, "unknown", sources, note, candidates)


def bool_fact(value: bool | None, evidence: str, sources: Sequence[str], note: str | None = None) -> Json:
    """A yes/no fact (a tag or image exists, a release happened); None = unknown."""
    if value is None:
        evidence = "unknown"
    record: Json = {"value": value, "evidence": evidence, "sources": dedupe(sources)}
    if note:
        record["note"] = note
    return record


def flag_level(row: dict[str, Any], prefix: str = "") -> str:
    """Evidence a YAML row claims through its ``unverified``/``inferred`` flags."""
    if row.get(f"{prefix}unverified") or row.get("unverified"):
        return "unverified"
    if row.get(f"{prefix}inferred") or row.get("inferred"):
        return "inferred"
    return "verified"


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A lowercase identifier made from ``text``."""
    return _SLUG_RE.sub("_", text.lower()).strip("_")


def clean(text: str) -> str:
    """Collapse YAML line folding and runs of white space."""
    return " ".join(text.split())


_VERSION_RE = re.compile(r"^(\d+(?:\.\d+)*)(.*)$")


def split_version(text: str) -> tuple[str, str]:
    """``"3.11 (deadsnakes PPA)"`` -> ``("3.11", "(deadsnakes PPA)")``."""
    match = _VERSION_RE.match(text.strip())
    if not match:
        raise ValueError(f"no leading version in {text!r}")
    return match.group(1), match.group(2).strip()


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a dotted version with an optional ``.postN``."""
    main, _, post = version.partition(".post")
    parts = [int(part) for part in main.split(".")]
    while len(parts) < 3:
        parts.append(0)
    return (*parts, int(post) if post else 0)


def month_key(release: str) -> tuple[int, ...]:
    """Sort key of an NGC release ``YY.MM`` or ``YY.MM.N``."""
    return tuple(int(part) for part in release.split("."))
