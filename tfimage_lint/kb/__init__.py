"""The offline knowledge base of TensorFlow images (NGC, Docker Hub) and CUDA compatibility.

Built by ``tools/build_kb.py`` from ``../shared/kb`` into ``data.json``; loaded lazily with the
standard library's ``json`` (no YAML or pydantic at run time; ``models.py`` is for tests).
Every answer is a :class:`Fact` with an evidence level and source ids (see
:meth:`KnowledgeBase.source`):

* ``verified``: stated by an authoritative source (NVIDIA/TensorFlow/Python docs, release notes,
  repositories, package metadata, maintainers, a recorded observation).
* ``inferred``: derived from such sources by a stated step, or authoritative content carried by a
  third party (ngc_2302_2502.yaml's ``nvidia_docs`` transported, ``nvidia_generated_quoted`` and
  ``nvidia_org_indirect``; user reports quoting an image's own output).
* ``unverified``: third-party claims, sibling NGC containers (``nvidia_sibling``), NVIDIA Jetson
  wheels (``nvidia_artifact_jetson``), memory; shown as such, never as fact.
* ``conflicting``: no value; the disagreeing values are ``candidates``. ``unknown``: no value.

Only ``verified`` values should back hard findings.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from tfimage_lint.kb.facts import EVIDENCE_LEVELS, Fact, ImageFacts, KnownProblem
from tfimage_lint.kb.knowledge import DOCKERHUB_TENSORFLOW, NGC_TENSORFLOW, NVIDIA_CUDA, GpuBuildConfig, KnowledgeBase

DATA_PATH = Path(__file__).with_name("data.json")

__all__ = [
    "DATA_PATH",
    "DOCKERHUB_TENSORFLOW",
    "EVIDENCE_LEVELS",
    "NGC_TENSORFLOW",
    "NVIDIA_CUDA",
    "Fact",
    "GpuBuildConfig",
    "ImageFacts",
    "KnowledgeBase",
    "KnownProblem",
    "load_kb",
]


@lru_cache(maxsize=1)
def load_kb() -> KnowledgeBase:
    """The knowledge base (read once per process)."""
    with DATA_PATH.open(encoding="utf-8") as handle:
        return KnowledgeBase(json.load(handle))
