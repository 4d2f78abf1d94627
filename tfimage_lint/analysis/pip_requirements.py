"""How far the rules can reason about a pip requirement, and where to point at the files pip reads.

Whether its version can be judged at all, which TensorFlow releases it (with the install's
constraints) lets pip pick, how findings name it, and which word of a pip command names a
requirements/constraints file the analysis followed (and what is wrong with that file).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfimage_lint.analysis.installs import PipInstall
    from tfimage_lint.analysis.pip_files import FollowedFile
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


# -- followed requirements/constraints files ----------------------------------------------------

#: Kinds of :attr:`FollowedFile.problem <tfimage_lint.analysis.pip_files.FollowedFile.problem>`.
CYCLE, TOO_DEEP, UNREADABLE = "cycle", "too-deep", "unreadable"
#: How :mod:`tfimage_lint.analysis.pip_files` starts the problem of a file that includes itself.
_CYCLE_PREFIX = "it includes itself"


def file_problem_kind(followed: FollowedFile) -> str | None:
    """What kind of problem a followed file has: :data:`CYCLE`, :data:`TOO_DEEP`, :data:`UNREADABLE`, or None.

    An existing file the build context would not give (too large, not a regular file, a symbolic
    link out of the context) is *unreadable*; a file that was read but not followed further either
    closes an include cycle or is nested deeper than the analysis follows. A file that is simply
    not there has no problem.
    """
    if followed.problem is None:
        return None
    if not followed.found:
        return UNREADABLE
    return CYCLE if followed.problem.startswith(_CYCLE_PREFIX) else TOO_DEEP


def outermost_file(install: PipInstall, followed: FollowedFile) -> FollowedFile:
    """The file named on the command line (or by ``PIP_CONSTRAINT``) that leads to ``followed``.

    The analysis records a file before the files it includes, so the outermost file of a nested
    one is the last file before it that no file includes.
    """
    outermost = followed
    for candidate in install.files:
        if candidate.via is None:
            outermost = candidate
        if candidate is followed:
            return outermost
    return followed


def locate_followed(install: PipInstall, followed: FollowedFile) -> tuple[int, int]:
    """Line and column of the word that names a followed file on the command line (else of the pip command).

    A ``-r`` file is found among the command's requirement-file words, a ``-c`` file among its
    constraint-file words (the n-th time a path is named, its n-th word), a local project among
    its requirements. A nested file, or a ``PIP_CONSTRAINT`` one, is at the pip command.
    """
    if followed.via is None:
        if followed.project:
            for requirement in install.pip.requirements:
                if requirement.path == followed.written:
                    return requirement.line, requirement.column
        else:
            earlier = 0
            for other in install.files:
                if other is followed:
                    break
                if (
                    other.via is None
                    and not other.project
                    and (other.constraint, other.written) == (followed.constraint, followed.written)
                ):
                    earlier += 1
            words = install.pip.constraint_files if followed.constraint else install.pip.requirement_files
            named = [word for word in words if followed.written in (word.text, word.raw)]
            if earlier < len(named):
                return named[earlier].line, named[earlier].column
    return install.command.line, install.command.column
