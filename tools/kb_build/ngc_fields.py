"""NGC builders, shared pieces: status vocabulary, row skeletons, value normalisers, field records.

Rows up to 23.01 come from ``tf_knowledge.yaml``; 23.02-25.02 come only from
``ngc_2302_2502.yaml`` (it supersedes the first file's rows for those months and carries its
``corrections_to_existing_kb``). Status vocabulary of the second file -> evidence:

* ``nvidia_verified`` -> verified (NVIDIA's own publication about this release).
* ``nvidia_docs`` (NVIDIA docs text transported by a third-party scrape) -> inferred.
* ``nvidia_generated_quoted`` -> inferred: NVIDIA-generated text (banner, pip label) copied by a
  third party -- authoritative content, third-party transport.
* ``nvidia_org_indirect`` -> inferred: follows from NVIDIA-owned data by a stated inference step,
  which is exactly this KB's meaning of "inferred".
* ``nvidia_artifact_jetson`` -> unverified: a Jetson build of the same NVIDIA month; says what the
  build line carried, not what the x86 container ships.
* ``nvidia_sibling``, ``third_party`` -> unverified; ``conflicting`` -> conflicting (no value, all
  candidates listed); ``unknown`` -> unknown (no value). Sibling "month base" values are kept only
  as candidates, never as the TF container's value.
"""

from __future__ import annotations

import re
from typing import Any

from .common import Json, clean, fact, month_key, unknown, weakest
from .sources import Sources

STATUS_EVIDENCE = {
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

SHARED_FIELDS = (
    "cuda",
    "cudnn",
    "tensorrt",
    "nccl",
    "ubuntu",
    "min_driver",
    "forward_compat",
    "not_forward_compatible",
    "min_compute_capability",
)
FIRST_SPLIT = "19.11"
LAST_RELEASE = "25.02"
TF1_LAST = "23.03"
SUPERSEDED_FROM = "23.02"
WHEEL_NOTE = "TF1 pip build (wheel), not the container"

#: Months where a pip/wheel label ``X.Y.Z+nvYY.M`` of the container's TF build is attested:
#: (release, variant) -> the attested (pip-normalised) label.
ATTESTED_LABELS = {
    ("22.09", "tf1-py3"): "1.15.5+nv22.09",  # NVIDIA/tensorflow tag v1.15.5+nv22.09
    ("23.08", "tf2-py3"): "2.13.0+nv23.8",
    ("23.11", "tf2-py3"): "2.14.0+nv23.11",
    ("24.12", "tf2-py3"): "2.17.0+nv24.12",
    ("25.02", "tf2-py3"): "2.17.0+nv25.2",
}

#: Facts ngc_2302_2502.yaml states without a source id: (release, field) -> ids it names in prose.
FALLBACK_SOURCES = {
    ("23.10", "tensorflow"): ["misc_third_party", "jetson_wheels"],
    ("24.01", "tags"): ["ctlearn_234"],
    ("24.06", "tags"): ["misc_third_party", "third_party_tag_refs"],
    ("24.06", "keras"): ["third_party_tag_refs"],
    ("24.06", "nccl"): ["third_party_tag_refs"],
    ("24.12", "tags"): ["third_party_tag_refs"],
    ("25.02", "nccl"): ["third_party_tag_refs"],
}

#: Months NVIDIA's docs navigation lists as TensorFlow releases (besides the rows of both files).
NAV_MONTHS = ("16.12", "19.12", "20.01", "20.02", "20.06", "22.10.1")
#: Months the navigation skips between listed neighbours ("20.06, 20.03").
NAV_GAPS = ("20.04", "20.05")


def variants_of(release: str) -> list[str]:
    """The tag variants (suffix after ``YY.MM-``) in use in a release's era (not ``-igpu``)."""
    key = month_key(release)[:2]
    if key < month_key(FIRST_SPLIT):
        return ["py2", "py3"]
    if key == month_key(FIRST_SPLIT):
        return ["tf1-py2", "tf1-py3", "tf2-py3"]
    if key <= month_key(TF1_LAST):
        return ["tf1-py3", "tf2-py3"]
    return ["tf2-py3"]


def month_of(release: str) -> str:
    """``"23.01"`` -> ``"2023-01"``."""
    year, month = release.split(".")[:2]
    return f"20{year}-{month}"


def new_row(release: str, exists: Json) -> Json:
    """An empty release row (every fact unknown) for a release whose existence is ``exists``."""
    sources = exists["sources"]
    return {
        "release": release,
        "release_exists": exists,
        "release_date": fact(
            month_of(release), weakest("inferred", exists["evidence"]), sources, "month of the YY.MM release name"
        ),
        "tags": [],
        "variants": {variant: {"tensorflow": unknown(), "python": unknown()} for variant in variants_of(release)},
        **{name: unknown() for name in SHARED_FIELDS},
        "components": {},
        "notes": [],
        "last_release": None,
    }


def tag_record(tag: str, exists: Json) -> Json:
    """A recorded tag with its existence fact."""
    _, _, variant = tag.partition("-")
    return {"tag": tag, "variant": variant, "exists": exists}


# ---------------------------------------------------------------- value normalisers
_BRANCH_RE = re.compile(r"^(?:>=)?(\d{3})(?:\.(xx|\d+(?:\.\d+)?))?(\+)?(?:\s*\((.*)\))?$")


def _branch(entry: str) -> str:
    """``">=450.51 (R450)"`` -> ``"R450>=450.51"``; ``"384 (Tesla ...)"`` -> ``"R384 (Tesla ...)"``."""
    match = _BRANCH_RE.match(entry.strip())
    if not match:
        raise ValueError(f"unrecognised driver branch {entry!r}")
    branch, minor, _, extra = match.groups()
    text = f"R{branch}"
    if minor and minor != "xx":
        text += f">={branch}.{minor}"
    if extra and not re.fullmatch(r"R\d{3}", extra):
        text += f" ({extra})"
    return text


def branches(entries: list[str]) -> str:
    """Forward-compatible driver branches in canonical form, comma-separated."""
    return ", ".join(_branch(entry) for entry in entries)


def driver(text: str) -> tuple[str, str | None]:
    """``"384.xx"`` -> ``("384", note)``."""
    if text.endswith(".xx"):
        return text[:-3], f"listed as {text}"
    return text, None


def cuda_version(text: str) -> tuple[str, str | None]:
    """``"11.7 Update 1 Preview"`` -> ``("11.7.1", note)``."""
    match = re.fullmatch(r"(\d+\.\d+) Update (\d+)(.*)", text)
    if match:
        return f"{match.group(1)}.{match.group(2)}", f"release notes: {text!r}"
    return text, None


def tf_version(text: str) -> tuple[str, str | None]:
    """``"2.4.x"`` -> ``("2.4", note)`` (minor only)."""
    if text.endswith(".x"):
        return text[:-2], f"release notes give {text}"
    return text, None


def display(value: Any) -> str:
    """A YAML value (a string or a list of driver branches) as a fact value."""
    if isinstance(value, list):
        return branches(value) if all(re.search(r"\d{3}", str(v)) for v in value) else ", ".join(map(str, value))
    return str(value)


# ---------------------------------------------------------------- ngc_2302_2502.yaml rows
_FIELD_KEYS = {
    "value",
    "status",
    "sources",
    "note",
    "candidates",
    "month_base",
    "corroboration",
    "tf1_wheel_release",
    "tf1_wheel",
    "build",
    "builds",
    "pip_version",
    "inference",
    "not_forward_compatible",
}


def status_evidence(status: str) -> str:
    """The evidence level of a status of ngc_2302_2502.yaml (its first word)."""
    token = re.match(r"[a-z_]+", status)
    if token is None or token.group(0) not in STATUS_EVIDENCE:
        raise ValueError(f"unknown status {status!r}")
    return STATUS_EVIDENCE[token.group(0)]


class NgcFields:
    """Converts one release's per-field records of ngc_2302_2502.yaml into facts."""

    def __init__(self, sources: Sources, release: str) -> None:
        self.sources = sources
        self.release = release

    def _pick(self, status: str, field_sources: list[str]) -> list[str]:
        """The field's sources whose kind matches a candidate's status (all when none match)."""
        token = re.match(r"[a-z_]+", status)
        kind = token.group(0) if token else ""
        matching = [sid for sid in field_sources if self.sources.kind(sid) == kind]
        return matching or field_sources

    def _candidate(self, raw: dict[str, Any], field_sources: list[str], prefix: str) -> Json:
        evidence = status_evidence(raw["status"])
        value = display(raw["value"]) if raw.get("value") is not None else None
        notes = [prefix, raw.get("note")]
        if raw.get("not_forward_compatible"):
            notes.append("not forward-compatible: " + ", ".join(raw["not_forward_compatible"]))
        if evidence in ("unknown", "conflicting"):  # pragma: no cover - not in the data
            raise ValueError(f"{self.release}: candidate without a value")
        named = [sid for sid in re.findall(r"[a-z][a-z0-9_]+", raw.get("note") or "") if sid in self.sources.records]
        picked = named or self._pick(raw["status"], field_sources)
        return fact(value, evidence, picked, "; ".join(n for n in notes if n))

    def convert(self, name: str, raw: dict[str, Any]) -> Json:
        """One field record -> fact (value, evidence, sources, note, candidates)."""
        unexpected = set(raw) - _FIELD_KEYS
        if unexpected:
            raise ValueError(f"{self.release}.{name}: unhandled keys {sorted(unexpected)}")
        ids = self.sources.refs(raw.get("sources"))
        evidence = status_evidence(raw["status"])
        if not ids and evidence != "unknown":
            ids = FALLBACK_SOURCES.get((self.release, name), ["kb_ngc_2302_2502"])
        candidates = [self._candidate(c, ids, "") for c in raw.get("candidates", ())]
        candidates += [self._candidate(c, ids, "corroboration") for c in raw.get("corroboration", ())]
        if "month_base" in raw:
            candidates.append(
                self._candidate(raw["month_base"], ids, "month base of a sibling container, not this container's value")
            )
        if "tf1_wheel_release" in raw:
            candidates.append(self._candidate(raw["tf1_wheel_release"], ids, "TF1 wheel release, not the container"))
        if "tf1_wheel" in raw:
            wheel = {"value": raw["tf1_wheel"], "status": raw["status"], "note": raw.get("note")}
            candidates.append(self._candidate(wheel, ids, WHEEL_NOTE))
            return fact(None, "unknown", [], None, candidates)
        notes = [raw.get("note"), raw.get("inference")]
        if "build" in raw:
            notes.append(f"build {raw['build']}")
        if "builds" in raw:
            notes.append("builds " + ", ".join(raw["builds"]))
        value = raw.get("value")
        if evidence in ("unknown", "conflicting"):
            value = None
        note = "; ".join(clean(n) for n in notes if n) or None
        return fact(
            display(value) if value is not None else None,
            evidence,
            ids if value is not None or evidence == "conflicting" else [],
            note,
            candidates,
        )
