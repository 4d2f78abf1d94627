"""Follow the files a pip install names: ``-r``/``-c`` files, nested includes, ``pip install .``.

Image paths are mapped back to the build context through the stage's COPY/ADD sources; a file
that cannot be mapped or read is kept as *not found* so rules can say the install is unknown.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass

from tfimage_lint.analysis.context import BuildContext
from tfimage_lint.analysis.filesystem import ImageFiles
from tfimage_lint.packages.requirement import Requirement, parse_requirement
from tfimage_lint.packages.requirements_file import parse_requirements_text

#: Nested ``-r`` includes are followed this deep (pip has no limit; cycles are cut).
MAX_INCLUDE_DEPTH = 10


@dataclass(frozen=True, slots=True)
class FollowedFile:
    """A requirements/constraints file or a local project named by an install.

    ``written`` is the path as written, ``context_path`` the build-context file it maps to
    (None when not mapped), ``found`` whether it could be read, ``via`` the including file and
    line for nested includes.
    """

    written: str
    context_path: str | None
    found: bool
    constraint: bool = False
    project: bool = False
    via: str | None = None


class FileFollower:
    """Reads requirement files of one stage, relative to where the install runs."""

    def __init__(self, files: ImageFiles, context: BuildContext | None, env: Mapping[str, str]) -> None:
        self.files = files
        self.context = context
        self.env = env
        self.followed: list[FollowedFile] = []
        self.requirements: list[Requirement] = []
        self.constraints: list[Requirement] = []

    def follow(self, written: str, cwd: str | None, *, constraint: bool, line: int, column: int) -> None:
        """Follow a file named on a pip command line (nested includes are looked up in the image too)."""
        image_path = self.files.absolute(written, cwd)
        self._read(written, image_path, constraint=constraint, line=line, column=column, via=None, depth=0, seen=set())

    def _read(
        self,
        written: str,
        image_path: str | None,
        *,
        constraint: bool,
        line: int,
        column: int,
        via: str | None,
        depth: int,
        seen: set[str],
    ) -> None:
        context_path = self.files.context_path(image_path) if image_path else None
        text = self.context.read_text(context_path) if (self.context is not None and context_path) else None
        self.followed.append(FollowedFile(written, context_path, text is not None, constraint, via=via))
        if text is None or context_path is None or image_path is None or image_path in seen:
            return
        if depth >= MAX_INCLUDE_DEPTH:
            return
        seen = seen | {image_path}
        label = self.context.label(context_path) if self.context is not None else context_path
        parsed = parse_requirements_text(text, self.env)
        target = self.constraints if constraint else self.requirements
        for requirement in parsed.requirements:
            target.append(requirement.located(file=label, line=line, column=column))
        folder = posixpath.dirname(image_path)
        for include in parsed.includes:  # pip reads nested files relative to the including file, in the image
            nested = posixpath.normpath(posixpath.join(folder, include.path))
            self._read(
                include.path, nested, constraint=constraint or include.constraint, line=line, column=column,
                via=f"{label}:{include.line}", depth=depth + 1, seen=seen,
            )  # fmt: skip

    def follow_project(self, requirement: Requirement, cwd: str | None) -> None:
        """``pip install .`` / ``-e ./pkg``: read ``[project].dependencies`` of its pyproject.toml."""
        if requirement.path is None or requirement.path.endswith((".whl", ".zip", ".gz", ".tgz", ".bz2")):
            return
        image_path = self.files.absolute(requirement.path, cwd)
        pyproject = self.files.context_path(posixpath.join(image_path, "pyproject.toml")) if image_path else None
        text = self.context.read_text(pyproject) if (self.context is not None and pyproject) else None
        dependencies = _project_dependencies(text) if text is not None else None
        self.followed.append(FollowedFile(requirement.path, pyproject, dependencies is not None, project=True))
        if dependencies is None:
            return
        label = self.context.label(pyproject) if (self.context is not None and pyproject) else "pyproject.toml"
        for dependency, number in dependencies:
            parsed = parse_requirement(dependency)
            self.requirements.append(
                parsed.located(file=label, file_line=number, line=requirement.line, column=requirement.column)
            )


def _project_dependencies(text: str) -> list[tuple[str, int | None]] | None:
    """``[project].dependencies`` with the line of each entry (None when unreadable)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: tomli when installed, else unknown
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            return None
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeError):
        return None
    project = data.get("project")
    dependencies = project.get("dependencies") if isinstance(project, dict) else None
    if not isinstance(dependencies, list):
        return [] if isinstance(project, dict) else None
    lines = text.splitlines()
    found: list[tuple[str, int | None]] = []
    for dependency in dependencies:
        if not isinstance(dependency, str):
            continue
        number = next((index for index, line in enumerate(lines, 1) if f'"{dependency}"' in line
                       or f"'{dependency}'" in line), None)  # fmt: skip
        found.append((dependency, number))
    return found
