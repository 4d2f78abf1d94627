"""``tfimage-lint base`` and ``compare``: what the knowledge base knows about image references."""

from __future__ import annotations

from typing import Any

from tfimage_lint.kb import Fact, ImageFacts, load_kb
from tfimage_lint.model.families import Family, classify
from tfimage_lint.model.imageref import ImageRef, parse_image_ref
from tfimage_lint.reporters.escape import escape_control

#: Rows shown by ``base`` and ``compare``, in order.
STACK_ROWS = ("tensorflow", "cuda", "cudnn", "tensorrt", "nccl", "python", "ubuntu", "min_driver",
              "forward_compat", "release_date", "end_of_life")  # fmt: skip


def describe(text: str) -> dict[str, Any]:
    """Family and knowledge-base facts of one image reference (raises ImageRefError when invalid)."""
    ref = parse_image_ref(text)
    family = classify(ref)
    kb = load_kb()
    facts = kb.facts_for(ref, family.value)
    sources = []
    if facts is not None:
        for source_id in facts.sources:
            source = kb.source(source_id) or {}
            sources.append({"id": source_id, "url": source.get("url"), "note": source.get("note")})
    return {
        "image": ref.canonical,
        "input": text,
        "family": family.value,
        "known": facts is not None,
        "facts": facts.to_dict() if facts is not None else None,
        "sources": sources,
        "as_of": kb.as_of,
        "_facts": facts,
        "_ref": ref,
    }


def public(document: dict[str, Any]) -> dict[str, Any]:
    """The JSON-ready part of :func:`describe`'s result."""
    return {key: value for key, value in document.items() if not key.startswith("_")}


def fact_text(fact: Fact) -> str:
    """``12.0.1 (verified)``, ``unknown``, or the candidates of a conflicting or unknown fact."""
    if fact.value is not None:
        text = f"{fact.value} ({fact.evidence})"
    else:
        text = "conflicting" if fact.evidence == "conflicting" else "unknown"
        if fact.candidates:
            shown = ", ".join(f"{c.value} ({c.evidence})" for c in fact.candidates if c.value is not None)
            text += f"; candidates: {shown}" if shown else ""
    return text


def render_base(document: dict[str, Any]) -> str:
    """Text report of one image."""
    facts: ImageFacts | None = document["_facts"]
    lines = [escape_control(document["image"]), f"  {'family':<15} {document['family']}"]
    if facts is None:
        lines.append("  the knowledge base has no facts about this image family")
    else:
        lines.append(f"  {'tag':<15} {fact_text(facts.tag_status)}")
        lines.append(
            f"  {'variant':<15} {facts.variant or '-'}; gpu: {_yes_no(facts.gpu)}; jupyter: {_yes_no(facts.jupyter)}"
        )
        stack = facts.stack()
        lines.extend(f"  {name:<15} {fact_text(stack[name])}" for name in STACK_ROWS if name in stack)
        for problem in facts.problems:
            lines.append(f"  problem: {problem.title} ({problem.evidence})")
            lines.append(f"    {problem.detail}")
            lines.append(f"    fix: {problem.fix}")
        lines.extend(f"  note: {note}" for note in facts.notes)
        if document["sources"]:
            lines.append("  sources:")
            lines.extend(f"    {s['id']}: {s['url'] or _shorten(s['note'] or '')}" for s in document["sources"])
    lines.append(f"(knowledge base as of {document['as_of']}; evidence: verified > inferred > unverified)")
    return "\n".join(lines) + "\n"


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def counterpart(ref: ImageRef, family: Family, facts: ImageFacts | None) -> str | None:
    """The closest image in the other family: same TF version, NGC <-> Docker Hub."""
    if facts is None:
        return None
    version = facts.tensorflow.value or next((c.value for c in facts.tensorflow.candidates if c.value), None)
    if not version:
        return None
    version = version.split("+", 1)[0]
    kb = load_kb()
    if family is Family.DOCKERHUB_TENSORFLOW:
        tags = kb.ngc_counterpart(version)
        return f"nvcr.io/nvidia/tensorflow:{tags[0]}" if tags else None
    if family is Family.NGC_TENSORFLOW:
        tags = kb.dockerhub_counterpart(version)
        preferred = [tag for tag in tags if tag.endswith("-gpu")] or tags
        return f"tensorflow/tensorflow:{preferred[0]}" if preferred else None
    return None


def compare(left_text: str, right_text: str | None) -> dict[str, Any]:
    """Two images side by side; with one image, its closest counterpart in the other family."""
    left = describe(left_text)
    chosen_by = None
    if right_text is None:
        right_text = counterpart(left["_ref"], Family(left["family"]), left["_facts"])
        if right_text is None:
            raise LookupError(f"no counterpart with the same TensorFlow version is known for {left_text}")
        chosen_by = "same TensorFlow version in the other family"
    right = describe(right_text)
    rows = []
    for name in ("family", *STACK_ROWS):
        a, b = _row_value(left, name), _row_value(right, name)
        rows.append({"field": name, "left": a, "right": b, "differs": a != b})
    return {"left": left, "right": right, "counterpart": chosen_by, "rows": rows}


def _row_value(document: dict[str, Any], name: str) -> str:
    if name == "family":
        return document["family"]
    facts: ImageFacts | None = document["_facts"]
    if facts is None:
        return "unknown"
    fact = facts.stack().get(name)
    return fact_text(fact) if fact is not None else "unknown"


def render_compare(result: dict[str, Any], color: bool = False) -> str:
    """Side-by-side text, differing rows marked with ``*``."""
    left, right = result["left"]["image"], result["right"]["image"]
    width = max(len(left), 24)
    lines = []
    if result["counterpart"]:
        lines.append(f"counterpart of {escape_control(left)}: {escape_control(right)} ({result['counterpart']})")
    lines.append(f"  {'':<15} {escape_control(left):<{width}}  {escape_control(right)}")
    for row in result["rows"]:
        mark = "*" if row["differs"] else " "
        line = f"{mark} {row['field']:<15} {row['left']:<{width}}  {row['right']}"
        lines.append(f"\x1b[1m{line}\x1b[0m" if color and row["differs"] else line)
    lines.append(f"(* = differs; knowledge base as of {result['left']['as_of']})")
    return "\n".join(lines) + "\n"


def compare_public(result: dict[str, Any]) -> dict[str, Any]:
    """The JSON-ready comparison."""
    return {
        "left": public(result["left"]),
        "right": public(result["right"]),
        "counterpart": result["counterpart"],
        "rows": result["rows"],
    }
