"""Where files in the image came from: WORKDIR and the COPY/ADD sources of the build context.

Only copies from the build context are mapped; ``COPY --from`` and URLs are not (their
content is unknown). The last copy that covers a path wins, as in the image.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

from tfimage_lint.analysis.context import BuildContext, normalise
from tfimage_lint.shell.script import missing_variables
from tfimage_lint.syntax.nodes import Instruction
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class CopiedPath:
    """An image path filled from a context path (a folder when ``folder`` is True)."""

    image_path: str
    context_path: str
    folder: bool


@dataclass
class ImageFiles:
    """The working directory and the context copies of a stage so far (copied for child stages)."""

    workdir: str = "/"
    workdir_known: bool = True
    copies: list[CopiedPath] = field(default_factory=list)
    folders: set[str] = field(default_factory=lambda: {"/"})

    def child(self) -> ImageFiles:
        """An independent copy for a stage built on this one."""
        return ImageFiles(self.workdir, self.workdir_known, list(self.copies), set(self.folders))

    def absolute(self, path: str, cwd: str | None = None) -> str | None:
        """An image path made absolute against ``cwd`` (default: WORKDIR); None when unknown."""
        if path.startswith("/"):
            return posixpath.normpath(path)
        base = cwd if cwd is not None else (self.workdir if self.workdir_known else None)
        return None if base is None else posixpath.normpath(posixpath.join(base, path))

    def set_workdir(self, path: str | None) -> None:
        """Apply a WORKDIR (None: its value is unknown)."""
        if path is None:
            self.workdir_known = False
            return
        absolute = self.absolute(path) if self.workdir_known or path.startswith("/") else None
        self.workdir = absolute or "/"
        self.workdir_known = absolute is not None
        if absolute:
            self._add_folders(absolute)

    def _add_folders(self, path: str) -> None:
        while path not in self.folders:
            self.folders.add(path)
            path = posixpath.dirname(path)

    def copy(
        self, instruction: Instruction, env: Mapping[str, str], context: BuildContext | None, escape: str = "\\"
    ) -> None:
        """Record a COPY/ADD from the build context (``escape`` is the file's escape token)."""
        if instruction.flag_value("from") or instruction.heredocs:
            return
        words = [expand_word(arg, env, escape) for arg in instruction.args]
        if len(words) < 2 or any(word is None for word in words):
            return
        *sources, destination = [word for word in words if word is not None]
        target = self.absolute(destination)
        if target is None:
            return
        into_folder = destination.endswith("/") or destination in (".", "./") or len(sources) > 1
        into_folder = into_folder or target in self.folders
        for source in sources:
            if "://" in source or source.startswith("git@"):
                continue
            self._copy_one(source, target, into_folder, context)

    def _copy_one(self, source: str, target: str, into_folder: bool, context: BuildContext | None) -> None:
        relative = normalise(source)
        if relative is None:
            return
        if _GLOB_CHARS & set(relative):
            matches = context.glob(relative) if context is not None else []
            for match in matches:
                self._copy_one(match, target, True, context)
            return
        is_folder = relative == "." or source.endswith("/") or (context is not None and context.is_dir(relative))
        if is_folder:
            self.copies.append(CopiedPath(target, relative, True))
            self._add_folders(target)
            return
        image_path = posixpath.join(target, posixpath.basename(relative)) if into_folder else target
        self.copies.append(CopiedPath(image_path, relative, False))
        self._add_folders(posixpath.dirname(image_path))

    def context_path(self, image_path: str) -> str | None:
        """The context file an image path was copied from (None when not copied from the context)."""
        for copied in reversed(self.copies):
            if copied.folder:
                if image_path == copied.image_path:
                    return copied.context_path
                prefix = copied.image_path.rstrip("/") + "/"
                if image_path.startswith(prefix):
                    rest = image_path[len(prefix) :]
                    return rest if copied.context_path == "." else posixpath.join(copied.context_path, rest)
            elif copied.image_path == image_path:
                return copied.context_path
        return None


def expand_word(word: str, env: Mapping[str, str], escape: str = "\\") -> str | None:
    """A COPY/WORKDIR word as BuildKit reads it: quotes removed, variables expanded; None when unknown."""
    if "$" not in word and escape not in word and "'" not in word and '"' not in word:
        return word
    try:
        result = ShellLex(escape).process(word, env)
    except ShellError:
        return None
    return None if missing_variables(result) else result.result


#: Stands for the value of a variable the linter cannot know, in :func:`expand_marked` results.
UNKNOWN_MARK = "\x00"


def expand_marked(word: str, env: Mapping[str, str], escape: str) -> str | None:
    """``word`` after quote and variable processing, each unknown variable replaced by a NUL marker.

    A reference with a fallback (``${D:-/app}``) takes the fallback when ``D`` has no known value.
    None when BuildKit would refuse to expand the word.
    """
    try:
        result = ShellLex(escape).process(word, env)
    except ShellError:
        return None
    tolerant = {ref.name for ref in result.references if ref.tolerates_unset}
    missing = {name for name in result.unmatched if name not in tolerant}
    if not missing:
        return result.result
    marked = dict(env) | {name: UNKNOWN_MARK for name in missing}
    try:
        return ShellLex(escape).process(word, marked).result
    except ShellError:
        return None
