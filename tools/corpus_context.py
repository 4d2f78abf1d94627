"""The corpus's build contexts, mapped onto its requirement files.

``../shared/corpus`` keeps each Dockerfile's requirement files next to it as
``<dockerfile>__REQ__<basename>`` (or ``__REQ__<path with / as __>`` when two share a
basename). :class:`CorpusContext` maps context paths onto those files, so a corpus run
follows ``-r`` files the way a real build context would.
"""

from __future__ import annotations

import os

from tfimage_lint.analysis.context import DirectoryContext, normalise


class CorpusContext(DirectoryContext):
    """The build context of one corpus Dockerfile."""

    def __init__(self, dockerfile: str) -> None:
        super().__init__(os.path.dirname(dockerfile))
        self.prefix = os.path.basename(dockerfile) + "__REQ__"
        self.names = {name[len(self.prefix) :] for name in os.listdir(self.root) if name.startswith(self.prefix)}

    def _corpus_name(self, path: str) -> str | None:
        relative = normalise(path)
        if relative is None or relative == ".":
            return None
        mangled = relative.replace("/", "__")
        for candidate in (mangled, os.path.basename(relative)):
            if candidate in self.names:
                return self.prefix + candidate
        return None

    def read_text(self, path: str) -> str | None:
        """The corpus file standing for a context path (None when the corpus has none)."""
        name = self._corpus_name(path)
        return super().read_text(name) if name else None

    def is_dir(self, path: str) -> bool:
        """The root, and (the corpus keeps no folders) a path with no file extension that is no requirement file."""
        relative = normalise(path)
        if relative == ".":
            return True
        return relative is not None and "." not in os.path.basename(relative) and self._corpus_name(relative) is None

    def glob(self, pattern: str) -> list[str]:
        """Requirement files of this Dockerfile whose base name matches the pattern."""
        import fnmatch

        relative = normalise(pattern)
        if relative is None:
            return []
        folder, _, name = relative.rpartition("/")
        found = sorted(entry for entry in self.names if "__" not in entry and fnmatch.fnmatchcase(entry, name))
        return [f"{folder}/{entry}" if folder else entry for entry in found]

    def label(self, path: str) -> str:
        """The context path (as the Dockerfile's author wrote it)."""
        return normalise(path) or path
