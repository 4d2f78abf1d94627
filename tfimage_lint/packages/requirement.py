"""One Python requirement as pip reads it, parsed with ``packaging`` (imported on first use)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_NAME_RE = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_URL_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_WHEEL_RE = re.compile(r"^(?P<name>[^-/]+)-(?P<version>[^-/]+)(?:-[^-/]+)?-[^-/]+-[^-/]+-[^-/]+\.whl$")
_SDIST_RE = re.compile(r"^(?P<name>.+?)-(?P<version>\d[^-/]*)\.(?:tar\.gz|tar\.bz2|zip|tgz)$")
_EGG_RE = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")
_EXTRAS_RE = re.compile(r"^(?P<path>.+?)\[(?P<extras>[A-Za-z0-9._,\s-]*)\]$")
_PEP508_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
#: ``name[extra,...] op version, ...``: the plain form most requirements take (no marker, URL or parentheses).
_SIMPLE_RE = re.compile(
    rf"^(?P<name>{_PEP508_NAME})\s*"
    rf"(?:\[\s*(?P<extras>{_PEP508_NAME}(?:\s*,\s*{_PEP508_NAME})*)?\s*\])?\s*"
    r"(?P<spec>(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9_.*+!-]+"
    r"(?:\s*,\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9_.*+!-]+)*)?\s*$"
)


def canonical_name(name: str) -> str:
    """PEP 503 normalised name: ``TensorFlow_GPU`` -> ``tensorflow-gpu``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True, slots=True)
class Requirement:
    """A requirement: name (PEP 503 normalised, ``""`` when unknown), extras, specifier, marker.

    ``url`` is a direct reference (``name @ url``, a URL, a wheel file), ``path`` a local
    project or archive (``.``, ``./pkg``, ``dist/x.whl``). ``line``/``column`` point at the
    Dockerfile word (or the RUN command for a requirement read from a file); ``file`` and
    ``file_line`` name the requirements file and its line when it came from one.
    ``known`` is False when a variable in it has no value; ``valid`` is False when it does not
    parse as a requirement.
    """

    name: str
    raw: str
    extras: frozenset[str] = frozenset()
    specifier: str = ""
    marker: str | None = None
    url: str | None = None
    path: str | None = None
    editable: bool = False
    valid: bool = True
    known: bool = True
    line: int = 0
    column: int = 1
    file: str | None = None
    file_line: int | None = None

    @property
    def where(self) -> str:
        """``requirements.txt:3`` for a requirement read from a file, else ``""``."""
        return f"{self.file}:{self.file_line}" if self.file else ""

    @property
    def pinned_version(self) -> str | None:
        """The exact version of an ``==X`` (no wildcard) or ``===X`` pin, else None."""
        parts = [part.strip() for part in self.specifier.split(",") if part.strip()]
        pins = [part for part in parts if part.startswith("==") and "*" not in part]
        if len(pins) != 1:
            return None
        return pins[0].lstrip("=").strip()

    def specifier_set(self) -> Any:
        """The specifier as a ``packaging`` SpecifierSet (None when it does not parse)."""
        return _specifier_set(self.specifier)

    def allows(self, version: str) -> bool | None:
        """Whether ``version`` satisfies the specifier (pre-releases allowed); None when unknowable."""
        if not self.valid or not self.known or self.url:
            return None
        return _allows(self.specifier, version)

    def located(self, **changes: Any) -> Requirement:
        """A copy with other location fields."""
        from dataclasses import replace

        return replace(self, **changes)


@lru_cache(maxsize=1024)
def _specifier_set(text: str) -> Any:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


@lru_cache(maxsize=8192)
def _allows(specifier: str, version: str) -> bool | None:
    """Whether ``version`` satisfies ``specifier``; cached, as rules ask it for every known release."""
    specifiers = _specifier_set(specifier)
    if specifiers is None:
        return None
    from packaging.version import InvalidVersion, Version

    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    return specifiers.contains(parsed, prereleases=True)


def parse_requirement(
    text: str, *, editable: bool = False, known: bool = True, line: int = 0, column: int = 1
) -> Requirement:
    """Parse one requirement as pip would read it on a command line or in a file (at ``line``/``column``)."""
    text = text.strip()
    if not text:
        return Requirement("", text, valid=False, known=known, editable=editable, line=line, column=column)
    if _URL_RE.match(text) or (text.startswith(("git+", "hg+", "svn+", "bzr+")) and "://" in text):
        return _from_location(text, url=True, editable=editable, known=known, line=line, column=column)
    path, extras = _split_extras(text)
    if editable or _looks_like_path(path):  # pip reads -e as a folder (or a VCS URL, handled above)
        found = _from_location(path, url=False, editable=editable, known=known, line=line, column=column)
        return found.located(raw=text, extras=extras) if extras else found.located(raw=text)
    simple = _parse_simple(text)
    if simple is not None:
        name, simple_extras, specifier = simple
        return Requirement(name, text, simple_extras, specifier, editable=editable, known=known, line=line,
                           column=column)  # fmt: skip
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Parsed

    try:
        parsed = Parsed(text)
    except InvalidRequirement:
        match = _NAME_RE.match(text)
        return Requirement(canonical_name(match.group(1)) if match else "", text, valid=False, known=known,
                           editable=editable, line=line, column=column)  # fmt: skip
    return Requirement(
        canonical_name(parsed.name),
        text,
        frozenset(extra.lower() for extra in parsed.extras),
        str(parsed.specifier),
        str(parsed.marker) if parsed.marker else None,
        parsed.url,
        editable=editable,
        known=known,
        line=line,
        column=column,
    )


def _parse_simple(text: str) -> tuple[str, frozenset[str], str] | None:
    """(name, extras, specifier) of a plain ``name[extras]>=1,<2`` requirement, else None.

    The common case, parsed without :mod:`packaging.requirements`, whose import (markers, platform
    tags, logging, subprocess) costs more start-up than the rest of a small file's lint. The
    specifier still goes through ``packaging.specifiers``, so versions are validated and written
    exactly as ``packaging`` writes them; anything else falls through to the full parser.
    """
    match = _SIMPLE_RE.match(text)
    if match is None:
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifier = str(SpecifierSet(match["spec"] or ""))
    except InvalidSpecifier:
        return None
    extras = frozenset(part.strip().lower() for part in (match["extras"] or "").split(",") if part.strip())
    return canonical_name(match["name"]), extras, specifier


def _split_extras(text: str) -> tuple[str, frozenset[str]]:
    """``dist/x.whl[all]`` -> (``dist/x.whl``, {``all``}); other text unchanged."""
    match = _EXTRAS_RE.match(text)
    if match is None:
        return text, frozenset()
    extras = frozenset(part.strip().lower() for part in match["extras"].split(",") if part.strip())
    return match["path"], extras


def _looks_like_path(text: str) -> bool:
    if text in (".", ".."):
        return True
    if text.startswith(("./", "../", "/", "~")):
        return True
    lowered = text.lower()
    return lowered.endswith((".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2")) and "@" not in text


def _from_location(text: str, *, url: bool, editable: bool, known: bool, line: int, column: int) -> Requirement:
    """A URL or a local path: the name (and version) from ``#egg=`` or an archive's file name."""
    egg = _EGG_RE.search(text)
    filename = text.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    name, specifier = "", ""
    for pattern in (_WHEEL_RE, _SDIST_RE):
        match = pattern.match(filename)
        if match:
            name, specifier = canonical_name(match["name"]), f"=={match['version']}"
            break
    if egg:
        name = canonical_name(egg.group(1))
    return Requirement(
        name,
        text,
        specifier=specifier,
        url=text if url else None,
        path=None if url else text,
        editable=editable,
        known=known,
        line=line,
        column=column,
    )
