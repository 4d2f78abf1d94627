"""The knowledge base: tables from data.json and the queries rules and commands use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

from tfimage_lint.kb import versions
from tfimage_lint.kb.cuda import DriverTable
from tfimage_lint.kb.facts import Fact, ImageFacts, KnownProblem, unknown

if TYPE_CHECKING:
    from tfimage_lint.model.imageref import ImageRef

NGC_TENSORFLOW = "ngc-tensorflow"
DOCKERHUB_TENSORFLOW = "dockerhub-tensorflow"
NVIDIA_CUDA = "nvidia-cuda"

#: Family -> the class (``module:name``) that answers for its images, imported on first use.
FAMILY_MODULES = {
    NGC_TENSORFLOW: "tfimage_lint.kb.ngc:NgcKnowledge",
    DOCKERHUB_TENSORFLOW: "tfimage_lint.kb.dockerhub:DockerHubKnowledge",
    NVIDIA_CUDA: "tfimage_lint.kb.nvcuda:CudaKnowledge",
}


class FamilyKnowledge(Protocol):
    """What the KB knows about the images of one family."""

    def facts(self, ref: ImageRef) -> ImageFacts:
        """Facts for one reference of this family."""

    def known_tags(self) -> list[str]:
        """Tags that exist per the KB."""

    def closest_tags(self, tag: str, n: int) -> list[str]:
        """Existing tags nearest to ``tag``."""

    def newest_pinned_tag(self, variant: str) -> str | None:
        """The newest pinned tag of a variant without known problems."""

    def counterparts(self, tf_version: str) -> list[tuple[str, Fact]]:
        """Tags carrying a TF version, each with the TF fact that matched."""


@dataclass(frozen=True)
class GpuBuildConfig:
    """A tested GPU build configuration of TensorFlow (tensorflow.org/install/source)."""

    tf: str
    platform: str
    python: str
    python_ranges: tuple[tuple[str, str], ...]
    cuda: str
    cudnn: str
    evidence: str
    sources: tuple[str, ...]


class KnowledgeBase:
    """Read-only queries over the data of ``tfimage_lint/kb/data.json``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.as_of: str = data["as_of"]
        self._families: dict[str, FamilyKnowledge] = {}

    # ------------------------------------------------------------ images
    def _family(self, family: str) -> FamilyKnowledge | None:
        if family not in self._families:
            where = FAMILY_MODULES.get(family)
            if where is None:
                return None
            module, _, name = where.partition(":")
            self._families[family] = getattr(import_module(module), name)(self)
        return self._families[family]

    def facts_for(self, ref: ImageRef, family: str) -> ImageFacts | None:
        """What the KB knows about ``ref`` read as an image of ``family``; None for other families."""
        handler = self._family(family)
        return None if handler is None else handler.facts(ref)

    def known_tags(self, family: str) -> list[str]:
        """Tags that exist according to the KB (for suggestions); [] for families without a tag list."""
        handler = self._family(family)
        return [] if handler is None else handler.known_tags()

    def closest_tags(self, family: str, tag: str, n: int = 3) -> list[str]:
        """Up to ``n`` existing tags nearest to ``tag`` (same variant first)."""
        handler = self._family(family)
        return [] if handler is None else handler.closest_tags(tag, n)

    def newest_pinned_tag(self, family: str, variant: str) -> str | None:
        """Newest pinned tag of ``variant`` whose GPU support is not known to be broken.

        Variants: Docker Hub ``gpu``, ``gpu-jupyter``, ``""`` (CPU); NGC ``tf2-py3`` (also ``""``).
        """
        handler = self._family(family)
        return None if handler is None else handler.newest_pinned_tag(variant)

    # ------------------------------------------------------------ problems and sources
    @cached_property
    def _problems(self) -> list[tuple[KnownProblem, list[tuple[str, re.Pattern[str]]]]]:
        problems = []
        for row in self.data["known_problems"]:
            problem = KnownProblem(
                row["id"],
                row["title"],
                row["detail"],
                row["fix"],
                tuple(row["sources"]),
                row["evidence"],
                tuple(row["fixed_by"]),
                row["pitfall"],
                row["kind"],
            )
            patterns = [(rule["family"], re.compile(rule["tag_pattern"])) for rule in row["applies_to"]]
            problems.append((problem, patterns))
        return problems

    def problems_for(self, family: str, tag: str | None) -> tuple[KnownProblem, ...]:
        """Known problems of images of ``family`` with ``tag``."""
        if tag is None:
            return ()
        return tuple(
            problem
            for problem, patterns in self._problems
            if any(fam == family and pattern.search(tag) for fam, pattern in patterns)
        )

    def known_problem(self, problem_id: str) -> KnownProblem | None:
        """A known problem by id."""
        return next((problem for problem, _ in self._problems if problem.id == problem_id), None)

    def source(self, source_id: str) -> dict[str, Any] | None:
        """The record of a source id: ``kind``, ``url``, ``note``, ``defined_in``."""
        return self.data["sources"].get(source_id)

    # ------------------------------------------------------------ CUDA and drivers
    @cached_property
    def drivers(self) -> DriverTable:
        """The CUDA minimum-driver table."""
        return DriverTable(self.data["cuda_min_driver"])

    def cuda_min_driver(self, cuda_version: str) -> tuple[Fact, Fact]:
        """(toolkit minimum driver, minor-version-compatibility floor) for a CUDA version, Linux."""
        return self.drivers.toolkit_minimum(cuda_version), self.drivers.minor_compat_floor(cuda_version)

    # ------------------------------------------------------------ TensorFlow and Python
    @cached_property
    def _tf_releases(self) -> dict[str, dict[str, Any]]:
        return {row["version"]: row for row in self.data["tf_releases"]}

    def _tf_row(self, version: str) -> dict[str, Any] | None:
        plain = versions.base(version)
        if plain in self._tf_releases:
            return self._tf_releases[plain]
        parsed = versions.parse(plain)
        if parsed is None or parsed[2] is not None:
            return None
        same_minor = [v for v in self._tf_releases if versions.minor(v) == plain]
        released = [v for v in same_minor if self._tf_releases[v]["released"]["value"] is not None]
        candidates = released or same_minor
        return self._tf_releases[min(candidates, key=versions.key)] if candidates else None

    def newest_tf_release(self) -> tuple[str, tuple[str, ...]]:
        """The newest TF version with a known release date, and the sources of that date."""
        dated = [row for row in self._tf_releases.values() if row["released"]["value"] is not None]
        newest = max(dated, key=lambda row: versions.key(row["version"]))
        return newest["version"], tuple(newest["released"]["sources"])

    def tf_release(self, version: str) -> tuple[Fact, Fact]:
        """(release date, end of life) of a TF version (``X.Y`` means its first release with a known date)."""
        row = self._tf_row(version)
        if row is None:
            return unknown(f"TensorFlow {version} is not in the KB"), unknown()
        return Fact.from_json(row["released"]), Fact.from_json(row["end_of_life"])

    def tf_minor_versions(self) -> list[str]:
        """Every TF minor the KB knows (``1.0`` .. ``2.21``), oldest first."""
        minors = {versions.minor(v) for v in self._tf_releases}
        return sorted((m for m in minors if m), key=versions.key)

    def python_eol(self, version: str) -> Fact:
        """End-of-life date of a Python version (``3.11`` or ``3.11.4``)."""
        minor = versions.minor(version)
        for row in self.data["python_eol"]:
            if row["version"] == minor:
                return Fact.from_json(row["end_of_life"])
        return unknown(f"Python {version} is not in the KB")

    def tested_gpu_config(self, tf_version: str, platform: str = "linux") -> GpuBuildConfig | None:
        """The tested build configuration of a TF minor (Python range, CUDA, cuDNN)."""
        minor = versions.minor(versions.base(tf_version))
        for row in self.data["tf_gpu_configs"]:
            if row["platform"] == platform and versions.minor(row["tf"]) == minor:
                return GpuBuildConfig(
                    row["tf"],
                    platform,
                    row["python"],
                    tuple((low, high) for low, high in row["python_ranges"]),
                    row["cuda"],
                    row["cudnn"],
                    row["evidence"],
                    tuple(row["sources"]),
                )
        return None

    def and_cuda_pins(self, tf_version: str) -> dict[str, str] | None:
        """``tensorflow[and-cuda]`` Requires-Dist pins of a TF version (None when not read)."""
        plain = versions.base(tf_version)
        for row in self.data["and_cuda_pins"]:
            if row["tf"] == plain:
                return dict(row["pins"]) if row["pins"] else None
        return None

    def tf_build_archs(self, tf_version: str) -> Fact:
        """Compute capabilities / PTX of the official TF build, if the KB knows them."""
        plain = versions.base(tf_version)
        parsed = versions.parse(plain)
        if parsed is None:
            return unknown(f"not a TensorFlow version: {tf_version}")
        wanted = plain if parsed[2] is not None else f"{plain}.0"
        for row in self.data["tf_build_archs"]["builds"]:
            if row["tf"] == wanted:
                return Fact.from_json(row["archs"])
        minor_key = versions.key(f"{parsed[0]}.{parsed[1]}")
        notes, ids = [], []
        for row in self.data["tf_build_archs"]["notes"]:
            if versions.key(row["tf_min"]) <= minor_key and (
                row["tf_max"] is None or minor_key <= versions.key(row["tf_max"])
            ):
                notes.append(f"{row['note']} ({row['evidence']})")
                ids.extend(row["sources"])
        return unknown("; ".join(notes) or "build architectures not in the KB", tuple(dict.fromkeys(ids)))

    # ------------------------------------------------------------ NGC
    def ngc_last_release(self) -> Fact:
        """The last NGC TensorFlow release (``25.02``), with its evidence level."""
        return Fact.from_json(self.data["ngc_catalog"]["last_release"])

    def counterparts(self, family: str, tf_version: str) -> list[tuple[str, Fact]]:
        """Tags of ``family`` carrying ``tf_version``, each with the TF fact that matched.

        Same patch first, then same minor.
        """
        handler = self._family(family)
        return [] if handler is None else handler.counterparts(tf_version)

    def ngc_counterpart(self, tf_version: str) -> list[str]:
        """NGC tags carrying that TF version (patch matches first, then same minor; newest first)."""
        return [tag for tag, _ in self.counterparts(NGC_TENSORFLOW, tf_version)]

    def dockerhub_counterpart(self, tf_version: str) -> list[str]:
        """Docker Hub tags of that TF version (GPU tags first); same-minor tags when no exact match."""
        return [tag for tag, _ in self.counterparts(DOCKERHUB_TENSORFLOW, tf_version)]


def nearest(tag: str, candidates: list[str], n: int) -> list[str]:
    """Fallback suggestion: the most similar strings."""
    import difflib

    return difflib.get_close_matches(tag, candidates, n=n, cutoff=0.0)
