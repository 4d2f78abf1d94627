"""Value types of the knowledge base: facts with evidence, known problems, image facts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

#: Evidence levels, strongest first. Only ``verified`` facts are established; ``inferred`` and
#: ``unverified`` values are shown as such; ``conflicting`` and ``unknown`` facts carry no value.
EVIDENCE_LEVELS = ("verified", "inferred", "unverified", "conflicting", "unknown")


def weakest(*levels: str) -> str:
    """The weakest of evidence levels."""
    return max(levels, key=EVIDENCE_LEVELS.index)


@dataclass(frozen=True)
class Fact:
    """A value with its evidence level and source ids; ``value`` None means not established.

    ``candidates`` lists values seen but not established (conflicting claims, sibling-container
    values, hints), each a fact of its own.
    """

    value: str | None
    evidence: str
    sources: tuple[str, ...]
    note: str | None = None
    candidates: tuple[Fact, ...] = ()

    @property
    def is_known(self) -> bool:
        """A value is stated (at any evidence level short of conflicting/unknown)."""
        return self.value is not None

    @property
    def is_verified(self) -> bool:
        """A value backed by an authoritative source."""
        return self.value is not None and self.evidence == "verified"

    def weakened(self, evidence: str, note: str | None = None) -> Fact:
        """The same fact with at most ``evidence`` and an extra note."""
        notes = "; ".join(n for n in (self.note, note) if n) or None
        level = weakest(self.evidence, evidence) if self.value is not None else self.evidence
        return replace(self, evidence=level, note=notes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data: dict[str, Any] = {"value": self.value, "evidence": self.evidence, "sources": list(self.sources)}
        if self.note:
            data["note"] = self.note
        if self.candidates:
            data["candidates"] = [candidate.to_dict() for candidate in self.candidates]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fact:
        """Build from a data.json record (``value`` may be a bool for yes/no facts)."""
        value = data["value"]
        return cls(
            value=None if value is None else (str(value).lower() if isinstance(value, bool) else value),
            evidence=data["evidence"],
            sources=tuple(data["sources"]),
            note=data.get("note"),
            candidates=tuple(cls.from_json(c) for c in data.get("candidates", ())),
        )


def unknown(note: str | None = None, sources: tuple[str, ...] = (), candidates: tuple[Fact, ...] = ()) -> Fact:
    """A fact the knowledge base cannot establish."""
    return Fact(None, "unknown", sources, note, candidates)


UNKNOWN = unknown()


def tag_fact(exists: bool | None, evidence: str, sources: tuple[str, ...] | list[str], note: str | None) -> Fact:
    """Whether a tag exists, as a fact: ``exists`` / ``not published`` / unknown."""
    if exists is None:
        return unknown(note, tuple(sources))
    return Fact("exists" if exists else "not published", evidence, tuple(sources), note)


def tag_fact_from_json(data: dict[str, Any], note: str | None = None) -> Fact:
    """``tag_fact`` of a data.json yes/no record, with an extra note."""
    notes = "; ".join(n for n in (data.get("note"), note) if n) or None
    return tag_fact(data["value"], data["evidence"], data["sources"], notes)


def tag_known(status: Fact) -> bool | None:
    """A ``tag_fact`` as True / False / None."""
    return {"exists": True, "not published": False}.get(status.value or "")


@dataclass(frozen=True)
class KnownProblem:
    """A known problem of specific images, how to fix it, and its sources."""

    id: str
    title: str
    detail: str
    fix: str
    sources: tuple[str, ...]
    evidence: str = "unverified"
    #: What installs the fix, as ``pip:<requirement>`` / ``apt:<package>``.
    fixed_by: tuple[str, ...] = ()
    #: The id in tf_pitfalls.md (``P04``).
    pitfall: str | None = None
    #: ``broken-gpu`` (the image cannot use the GPU), ``platform`` or ``maintenance``.
    kind: str = "other"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "title": self.title,
            "detail": self.detail,
            "fix": self.fix,
            "evidence": self.evidence,
            "sources": list(self.sources),
            "fixed_by": list(self.fixed_by),
            "pitfall": self.pitfall,
            "kind": self.kind,
        }


_STACK = (
    "tensorflow",
    "cuda",
    "cudnn",
    "tensorrt",
    "nccl",
    "python",
    "ubuntu",
    "min_driver",
    "release_date",
    "end_of_life",
    "forward_compat",
    "min_compute_capability",
    "build_archs",
)


@dataclass(frozen=True)
class ImageFacts:
    """What the knowledge base knows about one image reference.

    ``tag_known`` is True when the tag exists per the KB, False when the KB says it was never
    published, None when the KB cannot tell; ``tag_status`` gives the evidence for that answer.
    """

    family: str
    tag_known: bool | None
    tensorflow: Fact
    cuda: Fact
    cudnn: Fact
    tensorrt: Fact
    nccl: Fact
    python: Fact
    ubuntu: Fact
    min_driver: Fact
    release_date: Fact
    end_of_life: Fact
    gpu: bool | None
    jupyter: bool
    variant: str | None
    problems: tuple[KnownProblem, ...]
    sources: tuple[str, ...]
    tag_status: Fact = UNKNOWN
    #: Data-centre forward-compatible driver branches, e.g. ``"R470>=470.57, R525>=525.85"``.
    forward_compat: Fact = UNKNOWN
    min_compute_capability: Fact = UNKNOWN
    #: Compute capabilities / PTX of the TF build, e.g. ``"sm_60 sm_70 sm_80 sm_89 compute_90"``.
    build_archs: Fact = UNKNOWN
    notes: tuple[str, ...] = ()

    def stack(self) -> dict[str, Fact]:
        """The facts by name, in display order."""
        return {name: getattr(self, name) for name in _STACK}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "family": self.family,
            "tag_known": self.tag_known,
            "tag_status": self.tag_status.to_dict(),
            "gpu": self.gpu,
            "jupyter": self.jupyter,
            "variant": self.variant,
            **{name: fact.to_dict() for name, fact in self.stack().items()},
            "problems": [problem.to_dict() for problem in self.problems],
            "notes": list(self.notes),
            "sources": list(self.sources),
        }


def blank_facts(family: str, tag_known: bool | None, **fields: Any) -> ImageFacts:
    """Facts with every stack value unknown, no problems and no sources, except the ``fields`` given."""
    defaults: dict[str, Any] = dict.fromkeys(_STACK, UNKNOWN)
    defaults.update(gpu=None, jupyter=False, variant=None, problems=(), sources=())
    return finish(ImageFacts(family=family, tag_known=tag_known, **{**defaults, **fields}))


def collect_sources(facts: ImageFacts) -> tuple[str, ...]:
    """Every source id the facts and problems cite (candidates included), sorted."""
    ids: set[str] = set(facts.tag_status.sources)
    pending = list(facts.stack().values())
    while pending:
        fact = pending.pop()
        ids.update(fact.sources)
        pending.extend(fact.candidates)
    for problem in facts.problems:
        ids.update(problem.sources)
    return tuple(sorted(ids))


def finish(facts: ImageFacts) -> ImageFacts:
    """The facts with ``sources`` filled in."""
    return replace(facts, sources=collect_sources(facts))
