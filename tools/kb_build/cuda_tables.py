"""CUDA toolkit -> minimum Linux driver and minor-version-compatibility floors (``tf_knowledge.yaml`` section 4)."""

from __future__ import annotations

import re
from typing import Any

from .common import Json, clean
from .sources import Sources

_LABEL_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?: (GA|RC|Update (\d+)))?$")
_PAREN_RE = re.compile(r"^(\d+\.\d+) \((\d+)\.(\d+)\.(\d+)(?: (.*))?\)$")


def _toolkit_version(label: str) -> tuple[str, str]:
    """``"12.0 Update 1"`` -> ``("12.0.1", "update")``; ``"9.2 (9.2.148 Update 1)"`` -> ``("9.2.148", ...)``."""
    match = _PAREN_RE.match(label)
    if match:
        return ".".join(match.group(2, 3, 4)), "update" if "Update" in (match.group(5) or "") else "ga"
    match = _LABEL_RE.match(label)
    if match is None:
        raise ValueError(f"unparsed CUDA label {label!r}")
    major, minor, patch, kind, update = match.groups()
    if update:
        return f"{major}.{minor}.{patch or update}", "update"
    return f"{major}.{minor}.{patch or 0}", (kind or "GA").lower()


def _driver(text: str) -> str:
    return text.removeprefix(">=")


def build_cuda_min_driver(knowledge: dict[str, Any], sources: Sources) -> Json:
    """Toolkit -> minimum Linux driver, the minor-version-compatibility floors, and notes."""
    section = knowledge["cuda_driver_minimums"]
    toolkit_ids = sources.refs(section["toolkit_driver"]["evidence"])
    toolkit = []
    for row in section["toolkit_driver"]["rows"]:
        version, kind = _toolkit_version(row["cuda"])
        toolkit.append(
            {
                "cuda": version,
                "label": row["cuda"],
                "release": kind,
                "linux": _driver(row["linux"]),
                "windows": _driver(row["windows"]),
                "evidence": sources.cap(toolkit_ids),
                "sources": toolkit_ids,
            }
        )
    compat = section["minor_version_compatibility"]
    compat_ids = sources.refs(compat["evidence"])
    floors = []
    for row in compat["rows"]:
        exact = row.get("exact_min_linux")
        value, _, note = exact.partition(" ") if exact else (None, "", "")
        floors.append(
            {
                "cuda_major": row["cuda_major"].removesuffix(".x"),
                "min_driver": _driver(row["min_driver"]),
                "exact_min_linux": value,
                "upper_range": row["upper_range"],
                "note": clean(
                    " ".join(
                        filter(
                            None,
                            [
                                note.strip("() "),
                                row.get("exact_min_windows") and f"Windows: {row['exact_min_windows']}",
                            ],
                        )
                    )
                )
                or None,
                "evidence": sources.cap(compat_ids),
                "sources": compat_ids,
            }
        )
    image = section["nvidia_cuda_image_requirements"]
    image_ids = sources.refs(image["evidence"])
    notes = [
        {
            "id": "minor-compat-caveat",
            "text": clean(compat["caveat"]),
            "evidence": sources.cap(compat_ids),
            "sources": compat_ids,
        },
        {
            "id": "toolkit-gaps",
            "text": clean(section["toolkit_driver"]["gaps"]),
            "evidence": "unverified",
            "sources": toolkit_ids,
        },
        {
            "id": "nvidia-require-cuda",
            "text": clean(image["mechanism"]),
            "evidence": "unverified",
            "sources": image_ids,
        },
        {
            "id": "nvidia-require-cuda-12.2-branches",
            "text": "nvidia/cuda 12.2 images accept branches "
            + ", ".join(image["example_cuda_12_2_branches"])
            + " (first entries of a truncated copy)",
            "evidence": "unverified",
            "sources": ["nvidia_cuda_image_env"],
        },
        {
            "id": "disable-require",
            "text": clean(image["override_env"]),
            "evidence": "unverified",
            "sources": ["nvct_152"],
        },
    ]
    return {"toolkit": toolkit, "minor_version_compat": floors, "notes": notes}
