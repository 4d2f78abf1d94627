"""How far the TensorFlow rules can reason about a pip requirement.

Whether its version can be judged at all, which TensorFlow releases it (with the install's
constraints) lets pip pick, and how findings name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfimage_lint.packages import Requirement

#: ``tensorflow-gpu`` releases from this one on are a stub that fails to install (TF206's finding).
GPU_STUB = (2, 12)


def _kb_tf_releases() -> list[str]:
    """Every TensorFlow release the knowledge base lists, oldest first."""
    from tfimage_lint.kb import load_kb, versions

    rows = load_kb().data.get("tf_releases", [])
    found = [row["version"] for row in rows if versions.parse(row["version"]) is not None]
    return sorted(found, key=versions.key)


def dated_tf_releases() -> set[str]:
    """The releases with a known release date (2.16.0, never released, has none)."""
    from tfimage_lint.kb import load_kb

    rows = load_kb().data.get("tf_releases", [])
    return {row["version"] for row in rows if (row.get("released") or {}).get("value")}


def tf_candidates(requirement: Requirement, constraints: Sequence[Requirement]) -> tuple[list[str], bool] | None:
    """The versions pip may install for a TF requirement; None when unknown.

    ``([pin], True)`` for an exact pin (on the command line, in a file or in a constraint), else
    ``(the KB releases the specifier and constraints allow, False)``.
    """
    same = [c for c in constraints if c.name == requirement.name and c.valid and c.known and not c.marker]
    pins = {pin for pin in (requirement.pinned_version, *(c.pinned_version for c in same)) if pin}
    if len(pins) > 1:
        return None
    if pins:
        pin = pins.pop()
        if requirement.allows(pin) is False:
            return None
        return [pin], True
    allowed = [v for v in _kb_tf_releases() if requirement.allows(v) and all(c.allows(v) for c in same)]
    return (allowed, False) if allowed else None


def judged_requirement(requirement: Requirement) -> bool:
    """A requirement whose version pip resolution can be reasoned about (no marker, URL, path, variable)."""
    return (
        requirement.valid
        and requirement.known
        and not requirement.marker
        and requirement.url is None
        and requirement.path is None
        and not requirement.editable
    )


def requirement_label(requirement: Requirement) -> str:
    """``tensorflow==2.15.0`` (``requirements.txt:3``) for messages."""
    text = f"`{requirement.raw.strip()}`"
    return f"{text} ({requirement.where})" if requirement.where else text
