"""Baselines: record the findings of today so that only new ones are reported tomorrow.

A baseline file lists findings by file, rule and *fingerprint*. The fingerprint hashes the rule id, the
normalised text of the instruction that holds the finding (its logical line with whitespace runs collapsed,
plus its heredoc bodies), the text the finding points at inside that instruction (its span, or the word at
its column) and an occurrence index that tells identical findings apart. Line numbers and messages are
stored for humans but never matched, so entries survive lines moving (blank lines, comments, instructions
added above) and rewording of messages, and die when the instruction itself changes.

Typical use (the CLI's ``--baseline``, ``--write-baseline`` and ``--baseline-report``)::

    Baseline.from_reports(reports).write("tfimage-lint-baseline.json")
    outcome = Baseline.load("tfimage-lint-baseline.json").filter(reports, checked_rules={"DF017", ...})
    outcome.reports  # the reports without the recorded findings
    outcome.hidden   # how many findings were hidden
    outcome.stale    # recorded entries no longer found (see :func:`format_stale`)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, NamedTuple

from tfimage_lint.syntax.parser import parse_text

if TYPE_CHECKING:
    from tfimage_lint.engine import FileReport
    from tfimage_lint.findings import Finding
    from tfimage_lint.syntax.nodes import Instruction

#: The version of the file format this module reads and writes.
BASELINE_VERSION = 1
TOOL = "tfimage-lint"
#: Hex digits of the sha256 kept in a fingerprint (64 bits: ample for the findings of one rule in one file).
FINGERPRINT_LENGTH = 16
STDIN_PATH = "-"

_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
_MISSING = object()


class BaselineError(Exception):
    """A baseline file cannot be read, parsed or written; the message names the file."""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One recorded finding. Only ``path``, ``rule`` and ``fingerprint`` are matched."""

    path: str
    rule: str
    fingerprint: str
    #: Where the finding was when the baseline was written (for humans; not matched).
    line: int | None = None
    #: The finding's message when the baseline was written (for humans; not matched).
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """What a finding must share with this entry to be hidden by it."""
        return (self.path, self.rule, self.fingerprint)

    def to_json(self) -> dict[str, Any]:
        """The entry as it is stored in a baseline file."""
        data: dict[str, Any] = {"path": self.path, "rule": self.rule, "fingerprint": self.fingerprint}
        if self.line is not None:
            data["line"] = self.line
        data["message"] = self.message
        return data


class BaselineOutcome(NamedTuple):
    """What :meth:`Baseline.filter` returns."""

    #: New reports, in the same order, without the findings the baseline records.
    reports: tuple[FileReport, ...]
    #: How many findings were hidden.
    hidden: int
    #: Entries recorded for a linted file and a checked rule that match no finding any more, sorted.
    stale: tuple[BaselineEntry, ...]


# -- paths -------------------------------------------------------------------------------------


def baseline_path(path: str, root: str | os.PathLike[str] | None = None) -> str:
    """How ``path`` (a report's path) is written in a baseline.

    Relative to ``root`` (by default the current directory) with ``/`` separators when it is under it,
    else absolute (with ``/`` separators). Standard input (``-``) stays ``-``.
    """
    if path == STDIN_PATH:
        return path
    base = os.path.abspath(os.fspath(root) if root is not None else os.getcwd())
    full = os.path.abspath(path)  # report paths are relative to the current directory
    try:
        relative = os.path.relpath(full, base)
    except ValueError:  # another drive on Windows
        return PurePath(full).as_posix()
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return PurePath(full).as_posix()
    return PurePath(relative).as_posix()


# -- fingerprints ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and strip both ends."""
    return _WHITESPACE.sub(" ", text).strip()


def instruction_text(instruction: Instruction) -> str:
    """The normalised text of an instruction: its logical line (keyword lower-cased) and heredoc bodies."""
    words = normalise(instruction.original).split(" ", 1)
    words[0] = words[0].lower()
    parts = [" ".join(words)]
    for heredoc in instruction.heredocs:
        parts.append(f"<<{heredoc.name}\n{normalise(heredoc.content)}")
    return "\n".join(parts)


class _FileText:
    """The instructions of one report's source, found again by parsing its source lines."""

    def __init__(self, source_lines: Sequence[str]) -> None:
        self.lines = tuple(source_lines)
        self._by_line: dict[int, str] = {}
        if not self.lines:
            return
        try:
            instructions = parse_text("\n".join(self.lines) + "\n").instructions
        except Exception:  # a baseline must never crash on odd input: fall back to the lines
            instructions = ()
        for instruction in instructions:
            text = instruction_text(instruction)
            for line in range(instruction.start_line, instruction.end_line + 1):
                self._by_line.setdefault(line, text)

    def context_of(self, line: int) -> str:
        """The normalised instruction holding ``line``, or else the normalised line itself."""
        found = self._by_line.get(line)
        if found is not None:
            return found
        if 1 <= line <= len(self.lines):
            return normalise(self.lines[line - 1])
        return ""

    def anchor_of(self, finding: Finding) -> str:
        """The normalised text the finding points at: its one-line span, else the word at its column."""
        if not 1 <= finding.line <= len(self.lines):
            return ""
        text = self.lines[finding.line - 1]
        start = max(finding.column - 1, 0)
        same_line = finding.end_line in (None, finding.line)
        if same_line and finding.end_column is not None and finding.end_column - 1 > start:
            return normalise(text[start : finding.end_column - 1])
        match = _WORD.match(text, start)
        return match.group(0) if match else ""


def _digest(*parts: str) -> str:
    payload = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(payload).hexdigest()[:FINGERPRINT_LENGTH]


def fingerprints(report: FileReport) -> tuple[str, ...]:
    """The fingerprint of each finding of ``report``, in the order of ``report.findings``.

    The n-th finding (in report order) with the same rule, instruction text and anchor gets
    occurrence index n, so identical findings in identical instructions stay distinct.
    """
    text = _FileText(report.source_lines)
    seen: Counter[tuple[str, str, str]] = Counter()
    result = []
    for finding in report.findings:
        identity = (finding.rule_id, text.context_of(finding.line), text.anchor_of(finding))
        index = seen[identity]
        seen[identity] += 1
        result.append(_digest(*identity, str(index)))
    return tuple(result)


# -- the baseline ------------------------------------------------------------------------------


class Baseline:
    """A set of recorded findings, keyed by (path, rule, fingerprint)."""

    def __init__(self, entries: Iterable[BaselineEntry] = (), root: str | os.PathLike[str] | None = None) -> None:
        """``root`` is the folder report paths are made relative to (by default the current directory)."""
        unique: dict[tuple[str, str, str], BaselineEntry] = {}
        for entry in entries:
            unique.setdefault(entry.key, entry)
        self.entries: tuple[BaselineEntry, ...] = tuple(sorted(unique.values(), key=_entry_order))
        self.root = root
        self._by_key = {entry.key: entry for entry in self.entries}

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Baseline({len(self.entries)} entries)"

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_reports(cls, reports: Iterable[FileReport], root: str | os.PathLike[str] | None = None) -> Baseline:
        """Record every finding of ``reports``."""
        return cls(_entries_of(reports, root), root)

    def updated(self, reports: Iterable[FileReport]) -> Baseline:
        """A copy with the entries of the files in ``reports`` replaced by their current findings.

        Entries of files not in ``reports`` are kept (for writing a baseline over part of a repository).
        """
        reports = list(reports)
        linted = {baseline_path(report.path, self.root) for report in reports}
        kept = [entry for entry in self.entries if entry.path not in linted]
        return Baseline([*kept, *_entries_of(reports, self.root)], self.root)

    # -- files ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> Baseline:
        """Read a baseline file; :class:`BaselineError` (naming the file) when it is not a valid one."""
        name = os.fspath(path)
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise BaselineError(f"{name}: cannot read the baseline: {exc.strerror or exc}") from exc
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BaselineError(f"{name}: not a baseline: invalid UTF-8 at byte {exc.start + 1}") from exc
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{name}:{exc.lineno}:{exc.colno}: not a baseline: invalid JSON: {exc.msg}") from exc
        return cls(_parse_document(document, name), root)

    def dumps(self) -> str:
        """The baseline file's text: stable (sorted, fixed key order) so that diffs stay small."""
        document = {
            "version": BASELINE_VERSION,
            "tool": TOOL,
            "entries": [entry.to_json() for entry in self.entries],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the baseline file (UTF-8, LF line ends); :class:`BaselineError` when it cannot be written."""
        name = os.fspath(path)
        try:
            Path(name).write_bytes(self.dumps().encode("utf-8"))
        except OSError as exc:
            raise BaselineError(f"{name}: cannot write the baseline: {exc.strerror or exc}") from exc

    # -- matching ---------------------------------------------------------------------------

    def filter(self, reports: Iterable[FileReport], checked_rules: Collection[str] | None = None) -> BaselineOutcome:
        """Hide the recorded findings of ``reports`` and find the stale entries.

        An entry is stale when it matches no finding although its file was linted in this run (without
        an internal error, which could hide findings) and, when ``checked_rules`` is given, its rule is
        one of them: entries of files or rules not checked in this run are never stale.
        """
        used: set[tuple[str, str, str]] = set()
        linted: set[str] = set()
        kept_reports = []
        hidden = 0
        for report in reports:
            path = baseline_path(report.path, self.root)
            if not report.internal_errors:
                linted.add(path)
            kept: list[Finding] = []
            for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True):
                key = (path, finding.rule_id, fingerprint)
                if key in self._by_key:
                    used.add(key)
                    hidden += 1
                else:
                    kept.append(finding)
            kept_reports.append(report if len(kept) == len(report.findings) else replace(report, findings=tuple(kept)))
        checked = None if checked_rules is None else set(checked_rules)
        stale = tuple(
            entry
            for entry in self.entries
            if entry.key not in used and entry.path in linted and (checked is None or entry.rule in checked)
        )
        return BaselineOutcome(tuple(kept_reports), hidden, stale)


def format_stale(entry: BaselineEntry) -> str:
    """One line for ``--baseline-report``: ``path:line: RULE stale baseline entry ...: message``."""
    where = f"{entry.path}:{entry.line}" if entry.line is not None else entry.path
    text = f"{where}: {entry.rule} stale baseline entry {entry.fingerprint} (no longer reported)"
    return f"{text}: {entry.message}" if entry.message else text


def format_stale_report(stale: Sequence[BaselineEntry], hidden: int | None = None) -> str:
    """The ``--baseline-report`` text: one line per stale entry and a summary line."""
    lines = [format_stale(entry) for entry in stale]
    count = len(stale)
    summary = f"{count} stale baseline {'entry' if count == 1 else 'entries'}"
    if hidden is not None:
        summary += f", {hidden} {'finding' if hidden == 1 else 'findings'} hidden by the baseline"
    lines.append(summary)
    return "\n".join(lines) + "\n"


# -- helpers -----------------------------------------------------------------------------------


def _entry_order(entry: BaselineEntry) -> tuple[str, int, str, str, str]:
    return (entry.path, entry.line or 0, entry.rule, entry.fingerprint, entry.message)


def _entries_of(reports: Iterable[FileReport], root: str | os.PathLike[str] | None) -> list[BaselineEntry]:
    entries = []
    for report in reports:
        path = baseline_path(report.path, root)
        for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True):
            entries.append(BaselineEntry(path, finding.rule_id, fingerprint, finding.line, finding.message))
    return entries


def _parse_document(document: object, name: str) -> list[BaselineEntry]:
    if not isinstance(document, Mapping):
        raise BaselineError(f"{name}: not a baseline: expected a JSON object, got {_kind(document)}")
    tool = document.get("tool", TOOL)
    if tool != TOOL:
        raise BaselineError(f"{name}: not a {TOOL} baseline: tool is {tool!r}")
    version = document.get("version", _MISSING)
    if version is _MISSING:
        raise BaselineError(f"{name}: not a baseline: no `version` key")
    if type(version) is not int or version != BASELINE_VERSION:
        raise BaselineError(
            f"{name}: unsupported baseline version {version!r}: this {TOOL} reads version {BASELINE_VERSION}"
        )
    entries = document.get("entries", _MISSING)
    if not isinstance(entries, list):
        raise BaselineError(f"{name}: entries: expected a list, got {_kind(entries)}")
    return [_parse_entry(raw, f"entries[{index}]", name) for index, raw in enumerate(entries)]


def _parse_entry(raw: object, where: str, name: str) -> BaselineEntry:
    if not isinstance(raw, Mapping):
        raise BaselineError(f"{name}: {where}: expected an object, got {_kind(raw)}")
    values: dict[str, str] = {}
    for key in ("path", "rule", "fingerprint"):
        value = raw.get(key, _MISSING)
        if not isinstance(value, str) or not value:
            raise BaselineError(f"{name}: {where}.{key}: expected a non-empty string, got {_kind(value)}")
        values[key] = value
    line = raw.get("line")
    if line is not None and (type(line) is not int or line < 1):
        raise BaselineError(f"{name}: {where}.line: expected a positive integer, got {_kind(line)}")
    message = raw.get("message", "")
    if not isinstance(message, str):
        raise BaselineError(f"{name}: {where}.message: expected a string, got {_kind(message)}")
    return BaselineEntry(values["path"], values["rule"], values["fingerprint"], line, message)


def _kind(value: object) -> str:
    if value is _MISSING:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value!r}"
    if isinstance(value, str):
        return f"string {value!r}" if value else "an empty string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
