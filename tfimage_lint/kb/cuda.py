"""CUDA: the minimum-driver table and the ``nvidia/cuda`` tag grammar.

Tag grammar (not in the YAML knowledge base, so encoded here): ``<cuda>-<flavour>-<os>``,
``<cuda>`` = ``X.Y`` or ``X.Y.Z``; flavours ``base``, ``runtime``, ``devel``, ``cudnn-runtime``,
``cudnn-devel``, older tags naming the cuDNN major (``cudnn8-runtime``); ``<os>`` such as
``ubuntu22.04``, ``ubi9``, ``rockylinux8``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tfimage_lint.kb.facts import Fact, unknown, weakest

GRAMMAR_SOURCE = "nvidia_cuda_tag_grammar"
_TAG_RE = re.compile(
    r"^(?P<cuda>\d+\.\d+(?:\.\d+)?)"
    r"(?:-(?P<flavour>base|runtime|devel|cudnn(?P<cudnn>\d+)?-(?:runtime|devel)))?"
    r"(?:-(?P<os>[a-z]+\d+(?:\.\d+)?))?$"
)
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+)| Update (\d+))?")


@dataclass(frozen=True)
class CudaTag:
    """A parsed ``nvidia/cuda`` tag."""

    cuda: str
    flavour: str | None
    cudnn_major: str | None
    os: str | None

    @property
    def variant(self) -> str | None:
        """The flavour with the cuDNN major dropped: ``cudnn8-runtime`` -> ``cudnn-runtime``."""
        return re.sub(r"^cudnn\d+", "cudnn", self.flavour) if self.flavour else None

    @property
    def has_cudnn(self) -> bool:
        """The flavour includes cuDNN."""
        return bool(self.flavour and self.flavour.startswith("cudnn"))


def parse_cuda_tag(tag: str) -> CudaTag | None:
    """Parse ``12.2.0-cudnn8-runtime-ubuntu22.04``; None when the tag does not follow the grammar."""
    match = _TAG_RE.match(tag)
    if match is None:
        return None
    return CudaTag(match["cuda"], match["flavour"], match["cudnn"], match["os"])


def _cuda_parts(version: str) -> tuple[int, int, int | None] | None:
    match = _VERSION_RE.match(version.strip())
    if match is None:
        return None
    patch = match.group(3) or match.group(4)
    return int(match.group(1)), int(match.group(2)), None if patch is None else int(patch)


class DriverTable:
    """CUDA toolkit -> minimum Linux driver, and the minor-version-compatibility floors."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._rows: dict[tuple[int, int], list[tuple[int, dict[str, Any]]]] = {}
        for row in data["toolkit"]:
            major, minor, patch = _cuda_parts(row["cuda"]) or (0, 0, 0)
            self._rows.setdefault((major, minor), []).append((patch or 0, row))
        for rows in self._rows.values():
            rows.sort(key=lambda item: item[0])
        self._floors = {row["cuda_major"]: row for row in data["minor_version_compat"]}

    def toolkit_minimum(self, cuda_version: str) -> Fact:
        """Full-feature minimum Linux driver of a CUDA toolkit version."""
        parts = _cuda_parts(cuda_version)
        rows = self._rows.get(parts[:2]) if parts else None
        if parts is None or not rows:
            return unknown(f"CUDA {cuda_version} is not in the KB's driver table")
        patch = parts[2]
        if patch is None:
            ga = [row for _, row in rows if row["release"] == "ga"] or [row for _, row in rows]
            return self._fact(ga[0], f"no update given: minimum of {ga[0]['label']}; later updates may need more")
        exact = [row for p, row in rows if p == patch]
        if exact:
            return self._fact(exact[0])
        below = [row for p, row in rows if p < patch]
        if below and "and updates" in below[-1]["label"]:
            return self._fact(below[-1], f"{below[-1]['label']} covers CUDA {cuda_version}")
        row = below[-1] if below else rows[0]
        bound = "lower bound" if below else "nearest listed release"
        return self._fact(row, f"CUDA {cuda_version} is not listed; {row['label']} gives a {bound}").weakened(
            "unverified"
        )

    def minor_compat_floor(self, cuda_version: str) -> Fact:
        """Minimum driver under CUDA minor-version compatibility (reduced features)."""
        parts = _cuda_parts(cuda_version)
        row = self._floors.get(str(parts[0])) if parts else None
        if row is None:
            return unknown("the KB lists minor-version compatibility only for CUDA 11.x, 12.x and 13.x")
        note = f"minor-version compatibility floor for CUDA {row['cuda_major']}.x (limited features)"
        if row.get("note"):
            note += f"; {row['note']}"
        return Fact(row["exact_min_linux"] or row["min_driver"], row["evidence"], tuple(row["sources"]), note)

    @staticmethod
    def _fact(row: dict[str, Any], note: str | None = None) -> Fact:
        text = f"CUDA {row['label']} (Linux x86_64)" + (f"; {note}" if note else "")
        return Fact(row["linux"], row["evidence"], tuple(row["sources"]), text)


def derived_min_driver(table: DriverTable, cuda: Fact, what: str) -> Fact:
    """The toolkit minimum for the CUDA in an image, no stronger than the CUDA fact itself."""
    if cuda.value is None or not cuda.value[:1].isdigit():
        return unknown(f"CUDA of {what} not known")
    minimum = table.toolkit_minimum(cuda.value)
    if minimum.value is None:
        return minimum
    floor = table.minor_compat_floor(cuda.value)
    note = f"toolkit minimum for the CUDA {cuda.value} in {what}"
    if floor.value is not None:
        note += f"; >= {floor.value} may run it under minor-version compatibility"
    return Fact(
        minimum.value,
        weakest(minimum.evidence, cuda.evidence),
        tuple(dict.fromkeys((*cuda.sources, *minimum.sources))),
        f"{note}; {minimum.note}",
    )
