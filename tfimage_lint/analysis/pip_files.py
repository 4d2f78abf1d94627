"""Follow the files a pip install names: ``-r``/``-c`` files, nested includes, ``pip install .``.

Image paths are mapped back to the build context through the stage's COPY/ADD sources; a file
that cannot be mapped or read is kept as *not found* so rules can say the install is unknown.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    line for nested includes. ``problem`` says what is wrong beyond "not there": why an existing
    file was not read (too large, not a regular file, a symbolic link out of the context), or
    that a file found again includes itself (pip refuses such a cycle) or nests too deep. It is
    an explanation, left out of comparisons.
    """

    written: str
    context_path: str | None
    found: bool
    constraint: bool = False
    project: bool = False
    via: str | None = None
    problem: str | None = field(default=None, compare=False)


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
        self._read(written, image_path, constraint=constraint, line=line, column=column, via=None, depth=0, chain=())

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
        chain: tuple[tuple[str, str], ...],
    ) -> None:
        """Read one file; ``chain`` holds the (image path, label) of the files that include it, outermost first."""
        context_path = self.files.context_path(image_path) if image_path else None
        text = self.context.read_text(context_path) if (self.context is not None and context_path) else None
        label = self.context.label(context_path) if (self.context is not None and context_path) else written
        problem = None
        if text is None and context_path is not None:
            problem = self._why_unreadable(context_path)
        elif text is not None and image_path in (path for path, _ in chain):
            cycle = [name for path, name in chain[[path for path, _ in chain].index(image_path) :]] + [label]
            problem = (
                f"it includes itself ({' -> '.join(cycle)}): pip stops with an error "
                "(it 'recursively references itself'; before pip 24.3, a RecursionError)"
            )
        elif text is not None and depth >= MAX_INCLUDE_DEPTH:
            problem = f"it is nested more than {MAX_INCLUDE_DEPTH} includes deep: not followed further"
        self.followed.append(
            FollowedFile(written, context_path, text is not None, constraint, via=via, problem=problem)
        )
        if text is None or context_path is None or image_path is None or problem is not None:
            return
        chain = (*chain, (image_path, label))
        parsed = parse_requirements_text(text, self.env)
        target = self.constraints if constraint else self.requirements
        for requirement in parsed.requirements:
            target.append(requirement.located(file=label, line=line, column=column))
        folder = posixpath.dirname(image_path)
        for include in parsed.includes:  # pip reads nested files relative to the including file, in the image
            nested = posixpath.normpath(posixpath.join(folder, include.path))
            self._read(
                include.path, nested, constraint=constraint or include.constraint, line=line, column=column,
                via=f"{label}:{include.line}", depth=depth + 1, chain=chain,
            )  # fmt: skip

    def _why_unreadable(self, context_path: str) -> str | None:
        """Why the context could not give an existing file (None when it is just not there)."""
        explain = getattr(self.context, "unreadable_reason", None)
        return explain(context_path) if explain is not None else None

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
