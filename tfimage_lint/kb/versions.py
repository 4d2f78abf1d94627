"""Version strings as the knowledge base writes them.

``2.17.0``, ``2.16`` (minor only), ``2.15.0.post1``, NGC's ``2.17.0+nv25.02`` (pip shows
``+nv25.2``), NGC months ``25.02``.
"""

from __future__ import annotations

import re
from functools import lru_cache

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:\.post(\d+))?(?:\+nv(\d{2})\.(\d{1,2}))?$")


@lru_cache(maxsize=4096)
def parse(text: str) -> tuple[int, int, int | None, int] | None:
    """``(major, minor, patch or None, post)``, or None for anything else (``2.16.0rc0``).

    Cached: knowledge-base queries parse the same few hundred versions over and over.
    """
    match = _VERSION_RE.match(text.strip())
    if match is None:
        return None
    major, minor, patch, post = match.group(1, 2, 3, 4)
    return int(major), int(minor), None if patch is None else int(patch), int(post or 0)


def key(text: str) -> tuple[int, ...]:
    """Sort key; minor-only versions sort as ``X.Y.0``; unparsable text sorts first."""
    parsed = parse(text)
    if parsed is None:
        return (-1,)
    major, minor, patch, post = parsed
    return major, minor, patch or 0, post


def base(text: str) -> str:
    """The public version without NVIDIA's local label: ``2.17.0+nv25.02`` -> ``2.17.0``."""
    return text.split("+", 1)[0].strip()


def minor(text: str) -> str | None:
    """``2.17.0`` -> ``2.17``."""
    parsed = parse(text)
    return None if parsed is None else f"{parsed[0]}.{parsed[1]}"


def same_release(value: str, query: str) -> int | None:
    """How a KB value matches a queried TF version: 0 same patch, 1 same minor only, None no match.

    A minor-only value (``2.16``) or query matches every patch of that minor at level 1.
    """
    left, right = parse(base(value)), parse(base(query))
    if left is None or right is None or left[:2] != right[:2]:
        return None
    if left[2] is not None and left[2:] == right[2:]:
        return 0
    return 1


def month_index(release: str) -> int | None:
    """NGC ``YY.MM`` -> months since 2000 (None when not a month)."""
    match = re.match(r"^(\d{2})\.(\d{2})$", release)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return year * 12 + month - 1 if 1 <= month <= 12 else None
