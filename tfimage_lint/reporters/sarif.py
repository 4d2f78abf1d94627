"""SARIF 2.1.0 output (``--format sarif``), ready for GitHub code scanning.

One run per invocation. The choices made here, and why:

* **Rules** (``tool.driver.rules[]``): every rule that ran (``RenderContext.rules``), sorted by id, plus any
  rule a result names that is not among them. Texts come from the rule's docs: ``shortDescription`` is the
  summary line, ``fullDescription`` the "What it does" section, ``help`` the whole page (What it does, Why is
  this bad?, Example, Use instead, See also) as text and as Markdown, ``helpUri`` the rule's page under
  ``docs/rules/`` of the project repository (:data:`PROJECT_URL`).
* **Tags, precision, security severity** come from one table, :data:`RULE_TAXONOMY`: a few category words per
  built-in rule, then ``tensorflow`` (TF1xx-TF4xx), ``policy`` (TF5xx) or ``hygiene`` (DF rules), the base
  families the rule is about, and ``dockerfile``; most specific first, because GitHub shows only 10 of the 20
  tags it accepts. ``precision`` is ``very-high`` for what BuildKit itself rejects, ``medium`` where a finding
  rests on knowledge-base facts that may be inferred or incomplete (release tables, tested configurations,
  minimum drivers, GPU architectures) or on variables a base image may define unseen (DF020), ``high``
  otherwise; ``medium`` for rules of plugins, which the table does not know. Security rules (tag
  ``security``) carry ``security-severity``: TF305 secrets 8.0 (anyone who can pull the image reads them),
  TF502 untrusted registry 6.0 (supply chain), DF008 final user root 5.0, DF007 sudo 4.0 (a setuid sudo
  lets a compromised process become root), TF203 driver in the image 4.0 (a frozen copy of the driver's
  user-space libraries shadows the host's patched ones); other rules carry ``problem.severity`` instead.
* **Locations**: one ``physicalLocation`` per result, its URI relative to ``%SRCROOT%`` (``RenderContext.root``,
  given in ``originalUriBaseIds`` as a ``file:`` URI), percent-encoded with ``/`` separators. A file outside
  the root gets an absolute ``file:`` URI. Standard input (``-``) gets the relative URI ``stdin`` without a
  base: no file of the repository holds it (use ``--stdin-filename`` to name the real file for GitHub).
  Regions are complete: columns count Unicode code points (``columnKind``), ``endColumn`` is exclusive, and
  a finding without an end column ends at the end of its last line.
* **Fingerprints**: ``partialFingerprints.primaryLocationLineHash`` is computed with GitHub's algorithm
  (github/codeql-action ``src/fingerprints.ts``, :func:`line_hashes`) over the file as it is on disk, so
  it is the value ``upload-sarif`` would compute; when the file cannot be read or no longer matches what
  was linted (standard input, ``--stdin-filename``), over the linted lines.
* **Suppressed findings** are left out unless ``RenderContext.include_suppressed``; then they are results with
  ``suppressions: [{"kind": "inSource"}]`` and every other result has ``suppressions: []``.
* **GitHub's limits** (docs.github.com, "SARIF support for code scanning" and its limits table): at most
  25,000 results per run (the most important are kept: unsuppressed before suppressed, then by severity,
  path and line; a ``toolExecutionNotifications`` warning says how many were left out), 20 tags per rule,
  255 characters for a rule ``name``, 1,024 for ``shortDescription``/``fullDescription`` (older pages: 1,000
  for ``fullDescription``; 1,000 is used for both), and one location per result. A shortened text ends by
  saying so. GitHub documents no limit for ``message.text`` or ``help``: they are not shortened.
* **Invocation**: ``executionSuccessful`` is ``exitCode < 2`` (1 only means findings); the run's errors
  (unreadable files, crashed rules) are ``toolExecutionNotifications`` of level ``error``.
* Output is deterministic: keys sorted, results in file then line order, ASCII-only JSON.
"""

from __future__ import annotations

import array
import json
import os
import re
import shlex
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from tfimage_lint import __version__
from tfimage_lint.engine import FileReport
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.reporters.context import RenderContext
from tfimage_lint.reporters.escape import escape_control
from tfimage_lint.rule import DOC_SECTIONS, Rule

#: The project's home; ``informationUri`` and the base of every rule's ``helpUri``.
PROJECT_URL = "https://github.com/tfimage-lint/tfimage-lint"
TOOL_NAME = "tfimage-lint"
SARIF_VERSION = "2.1.0"
#: The schema URI GitHub's documentation uses.
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
#: Artifact URI of standard input (a relative reference with no base: no repository file holds it).
STDIN_URI = "stdin"
STDIN_PATH = "-"

#: GitHub rejects a run with more results than this.
MAX_RESULTS = 25_000
#: GitHub rejects a rule with more tags than this (and shows only the first 10).
MAX_TAGS = 20
#: GitHub's limit on ``reportingDescriptor.name``.
MAX_RULE_NAME = 255
#: GitHub's limit on ``shortDescription.text`` and ``fullDescription.text`` (1,024 now, 1,000 on older pages).
MAX_DESCRIPTION = 1_000

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: ``properties.problem.severity`` of non-security rules.
PROBLEM_SEVERITIES = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}

_SEMVER_RE = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
_HADOLINT_RE = re.compile(r"^hadolint (DL\d{4}|SC\d{4})$")
_FENCE_RE = re.compile(r"```[A-Za-z]*\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Taxonomy:
    """How GitHub should file a rule: category tags, precision and (security rules) a severity score."""

    tags: tuple[str, ...]
    precision: str = "high"
    security_severity: str | None = None


_CWE_PRIVILEGE = "external/cwe/cwe-250"
_CWE_CREDENTIALS = "external/cwe/cwe-798"

#: The one table of SARIF metadata per built-in rule (tests require an entry for every built-in rule).
RULE_TAXONOMY: dict[str, Taxonomy] = {
    "DF000": Taxonomy(("correctness", "buildkit"), "very-high"),
    "DF001": Taxonomy(("correctness", "apt")),
    "DF002": Taxonomy(("image-size", "apt")),
    "DF003": Taxonomy(("image-size", "apt")),
    "DF004": Taxonomy(("image-size", "pip")),
    "DF005": Taxonomy(("maintainability", "apt")),
    "DF006": Taxonomy(("maintainability",)),
    "DF007": Taxonomy(("security", _CWE_PRIVILEGE), security_severity="4.0"),
    "DF008": Taxonomy(("security", _CWE_PRIVILEGE), security_severity="5.0"),
    "DF009": Taxonomy(("maintainability",)),
    "DF010": Taxonomy(("correctness", "runtime")),
    "DF011": Taxonomy(("maintainability",)),
    "DF012": Taxonomy(("maintainability", "deprecated")),
    "DF013": Taxonomy(("correctness", "shell")),
    "DF014": Taxonomy(("maintainability",)),
    "DF015": Taxonomy(("maintainability",)),
    "DF016": Taxonomy(("image-size",)),
    "DF017": Taxonomy(("reproducibility", "pip")),
    "DF018": Taxonomy(("reproducibility", "apt")),
    "DF019": Taxonomy(("image-size",)),
    "DF020": Taxonomy(("correctness", "buildkit"), "medium"),
    "DF021": Taxonomy(("correctness", "buildkit"), "very-high"),
    "DF022": Taxonomy(("correctness", "buildkit"), "very-high"),
    "DF023": Taxonomy(("correctness", "pip")),
    "DF900": Taxonomy(("suppressions",)),
    "DF901": Taxonomy(("suppressions",)),
    "TF101": Taxonomy(("reproducibility", "base-image")),
    "TF102": Taxonomy(("reproducibility", "supply-chain", "base-image")),
    "TF103": Taxonomy(("correctness", "base-image"), "medium"),
    "TF104": Taxonomy(("maintainability", "end-of-life", "base-image"), "medium"),
    "TF105": Taxonomy(("gpu", "cudnn", "performance", "base-image"), "medium"),
    "TF106": Taxonomy(("image-size", "base-image")),
    "TF108": Taxonomy(("gpu", "ngc", "observability")),
    "TF201": Taxonomy(("gpu", "cuda", "pip")),
    "TF202": Taxonomy(("gpu", "cuda", "cudnn")),
    "TF203": Taxonomy(("security", "gpu", "driver"), security_severity="4.0"),
    "TF204": Taxonomy(("reproducibility", "gpu", "pip")),
    "TF205": Taxonomy(("reproducibility", "gpu", "cuda", "apt")),
    "TF206": Taxonomy(("correctness", "pip", "deprecated")),
    "TF207": Taxonomy(("correctness", "pip"), "medium"),
    "TF208": Taxonomy(("correctness", "python", "pip"), "medium"),
    "TF209": Taxonomy(("gpu", "cuda", "cudnn"), "medium"),
    "TF301": Taxonomy(("gpu", "runtime")),
    "TF302": Taxonomy(("gpu", "cuda", "runtime")),
    "TF303": Taxonomy(("gpu", "runtime")),
    "TF304": Taxonomy(("gpu", "correctness")),
    "TF305": Taxonomy(("security", "secrets", _CWE_CREDENTIALS), security_severity="8.0"),
    "TF306": Taxonomy(("gpu", "observability")),
    "TF401": Taxonomy(("gpu", "cuda", "driver", "fleet"), "medium"),
    "TF402": Taxonomy(("gpu", "performance", "fleet"), "medium"),
    "TF501": Taxonomy(("policy", "base-image")),
    "TF502": Taxonomy(("security", "supply-chain", "policy"), security_severity="6.0"),
    "TF503": Taxonomy(("policy",)),
    "TF504": Taxonomy(("policy", "labels")),
    "TF505": Taxonomy(("policy", "base-image")),
}
#: Rules the table does not know (plugins): no category words, and no claim of high precision.
UNKNOWN_TAXONOMY = Taxonomy((), "medium")


def help_uri(rule_id: str) -> str:
    """The rule's documentation page in the project repository."""
    return f"{PROJECT_URL}/blob/main/docs/rules/{rule_id}.md"


def rule_tags(rule: type[Rule]) -> list[str]:
    """Tags of a rule, most specific first, at most :data:`MAX_TAGS`."""
    words = list(RULE_TAXONOMY.get(rule.id, UNKNOWN_TAXONOMY).tags)
    if rule.id.startswith("DF"):
        words.append("hygiene")
    elif rule.id.startswith("TF5"):
        words.append("policy")
    elif rule.id.startswith("TF"):
        words.append("tensorflow")
    words.extend(sorted(str(getattr(family, "value", family)) for family in rule.families))
    words.append("dockerfile")
    return list(dict.fromkeys(words))[:MAX_TAGS]


# -- GitHub's primaryLocationLineHash ---------------------------------------------------------------------

_FP_BLOCK_SIZE = 100
_FP_MOD = 37
_FP_MASK = (1 << 64) - 1
_FP_FIRST_MOD = pow(_FP_MOD, _FP_BLOCK_SIZE, 1 << 64)
_FP_EOF = 65535
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13


def line_hashes(text: str) -> dict[int, str]:
    """GitHub's ``primaryLocationLineHash`` of every line of ``text``, by 1-based line number.

    A port of ``hash`` in github/codeql-action ``src/fingerprints.ts`` (what ``upload-sarif`` runs on
    results without fingerprints): a rolling hash (base 37, 64-bit wrap-around) over the next 100
    UTF-16 code units from the start of each line, skipping spaces and tabs, with CR, LF and CRLF all
    read as LF, a 65535 marker at the end of the text and zeros after it. Equal hashes get an occurrence
    counter: ``<hex>:1``, ``<hex>:2``...
    """
    units = array.array("H")
    units.frombytes(text.encode("utf-16-le", "surrogatepass"))
    if sys.byteorder == "big":  # pragma: no cover - the tests run on little-endian machines
        units.byteswap()
    window = [0] * _FP_BLOCK_SIZE
    line_numbers = [-1] * _FP_BLOCK_SIZE
    counts: dict[str, int] = {}
    hashes: dict[int, str] = {}
    state = {"hash": 0, "index": 0}

    def output() -> None:
        index = state["index"]
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        hashes[line_numbers[index]] = f"{value}:{counts[value]}"
        line_numbers[index] = -1

    def update(current: int) -> None:
        index = state["index"]
        begin = window[index]
        window[index] = current
        state["hash"] = (_FP_MOD * state["hash"] + current - _FP_FIRST_MOD * begin) & _FP_MASK
        state["index"] = (index + 1) % _FP_BLOCK_SIZE

    line_number = 0
    line_start = True
    prev_cr = False
    for current in [*units, _FP_EOF]:
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            continue
        if current == _CR:
            current = _LF
            prev_cr = True
        else:
            prev_cr = False
        if line_numbers[state["index"]] != -1:
            output()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[state["index"]] = line_number
        if current == _LF:
            line_start = True
        update(current)
    for _ in range(_FP_BLOCK_SIZE):
        if line_numbers[state["index"]] != -1:
            output()
        update(0)
    return hashes


def _parsed_lines(text: str) -> tuple[str, ...]:
    """The lines the parser makes of ``text`` (BOM dropped, split on LF, trailing CR/LF trimmed)."""
    text = text.removeprefix("\ufeff")
    parts = text.split("\n")
    if not parts[-1]:
        parts.pop()
    return tuple(part.rstrip("\r\n") for part in parts)


def _hashed_text(report: FileReport, absolute: str | None) -> str:
    """The text GitHub would hash: the file on disk if it is what was linted, else the linted lines."""
    if absolute is not None:
        try:
            with open(absolute, "rb") as handle:
                data = handle.read()
        except OSError:
            data = None
        if data is not None:
            text = data.decode("utf-8", "replace")
            if not report.source_lines or _parsed_lines(text) == tuple(report.source_lines):
                return text
    # the ending of the last line is lost: assume the usual final newline
    return "".join(f"{line}\n" for line in report.source_lines)


# -- locations ------------------------------------------------------------------------------------------


def _file_uri(path: str, directory: bool = False) -> str:
    uri = Path(path).as_uri()
    return uri + "/" if directory and not uri.endswith("/") else uri


@dataclass(frozen=True)
class _Artifact:
    location: dict[str, Any]
    absolute: str | None


class _Locator:
    """Artifact locations of reported paths, relative to the root where possible."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.real_root = os.path.realpath(self.root)

    def root_uri(self) -> str:
        return _file_uri(self.root, directory=True)

    def _relative(self, absolute: str) -> str | None:
        for path, root in ((os.path.realpath(absolute), self.real_root), (absolute, self.root)):
            try:
                relative = os.path.relpath(path, root)
            except ValueError:  # another drive on Windows
                continue
            if relative != os.curdir and relative != os.pardir and not relative.startswith(os.pardir + os.sep):
                return relative
        return None

    def locate(self, path: str) -> _Artifact:
        if path == STDIN_PATH:
            location = {"uri": STDIN_URI, "description": {"text": "standard input"}}
            return _Artifact(location, None)
        absolute = os.path.normpath(os.path.join(self.root, path))
        relative = self._relative(absolute)
        if relative is None:
            return _Artifact({"uri": _file_uri(absolute)}, absolute)
        posix = PurePosixPath(*Path(relative).parts).as_posix()
        return _Artifact({"uri": quote(posix, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}, absolute)


def _region(finding: Finding, lines: Sequence[str]) -> dict[str, int]:
    """A complete SARIF region: 1-based columns in code points, ``endColumn`` exclusive."""

    def line_end(number: int) -> int:
        return len(lines[number - 1]) + 1 if 0 < number <= len(lines) else 1

    start_line = max(finding.line, 1)
    start_column = max(finding.column, 1)
    end_line = max(finding.end_line or start_line, start_line)
    end_column = finding.end_column if finding.end_column is not None else line_end(end_line)
    if end_line == start_line:
        end_column = max(end_column, start_column)
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


# -- rules ------------------------------------------------------------------------------------------------


def _shorten(text: str, limit: int, where: str) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, saying it was cut and where to read on."""
    text = text.strip()
    if len(text) <= limit:
        return text
    note = f" [... shortened to fit GitHub's limit; the full text is in {where}]"
    cut = text[: max(limit - len(note), 0)]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + note


_LIST_ITEM_RE = re.compile(r"^\s*(?:[*-]|\d+\.)\s")


def _flatten(text: str) -> str:
    """A docs section as plain text: lines wrapped inside a paragraph or a list item are joined."""
    out: list[str] = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            if out and out[-1]:
                out.append("")
        elif not out or not out[-1] or _LIST_ITEM_RE.match(raw):
            out.append(line)
        else:
            out[-1] += " " + line
    return "\n".join(out).strip()


def _indent_code(text: str) -> str:
    """Markdown code fences turned into indented blocks, for the plain-text help."""
    return _FENCE_RE.sub(lambda m: "\n".join("    " + line for line in m.group(1).rstrip("\n").splitlines()), text)


def _see_also_markdown(item: str) -> str:
    match = _HADOLINT_RE.match(item)
    if match and match.group(1).startswith("DL"):
        return f"[{item}](https://github.com/hadolint/hadolint/wiki/{match.group(1)})"
    return item


def _help(rule: type[Rule]) -> dict[str, str]:
    sections = rule.sections()
    ordered = [name for name in DOC_SECTIONS if name in sections] + [n for n in sections if n not in DOC_SECTIONS]
    summary = rule.summary().strip() or f"{rule.id} {rule.name}"
    text_parts = [summary]
    markdown_parts = [f"**{rule.id} {rule.name}**: {summary}"]
    for name in ordered:
        body = sections[name].strip()
        if not body:
            continue
        text_parts.append(f"{name}\n{_indent_code(body)}")
        markdown_parts.append(f"## {name}\n\n{body}")
    see_also = list(rule.see_also)
    if see_also:
        text_parts.append("See also\n" + "\n".join(f"- {item}" for item in see_also))
    links = [*map(_see_also_markdown, see_also), f"[{rule.id} documentation]({help_uri(rule.id)})"]
    markdown_parts.append("## See also\n\n" + "\n".join(f"- {link}" for link in links))
    return {"text": "\n\n".join(text_parts) + "\n", "markdown": "\n\n".join(markdown_parts) + "\n"}


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    """A ``reportingDescriptor`` for a rule, from its metadata and docs."""
    where = f"the rule's help and {help_uri(rule.id)}"
    summary = rule.summary().strip() or f"{rule.id} {rule.name}"
    what = _flatten(rule.sections().get("What it does", "")) or summary
    taxonomy = RULE_TAXONOMY.get(rule.id, UNKNOWN_TAXONOMY)
    properties: dict[str, Any] = {"tags": rule_tags(rule), "precision": taxonomy.precision}
    if taxonomy.security_severity is not None:
        properties["security-severity"] = taxonomy.security_severity
    else:
        properties["problem.severity"] = PROBLEM_SEVERITIES[rule.severity]
    if rule.see_also:
        properties["see_also"] = list(rule.see_also)
    return {
        "id": rule.id,
        "name": rule.name[:MAX_RULE_NAME],
        "shortDescription": {"text": _shorten(summary, MAX_DESCRIPTION, where)},
        "fullDescription": {"text": _shorten(what, MAX_DESCRIPTION, where)},
        "help": _help(rule),
        "helpUri": help_uri(rule.id),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _placeholder_descriptor(rule_id: str, rule_name: str) -> dict[str, Any]:
    """A descriptor for a result whose rule is unknown to this process (it still needs non-empty texts)."""
    name = rule_name or rule_id
    text = f"{rule_id} {name}"
    return {
        "id": rule_id,
        "name": name[:MAX_RULE_NAME],
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "help": {"text": text},
        "properties": {"tags": ["dockerfile"], "precision": UNKNOWN_TAXONOMY.precision},
    }


def _builtin_rule(rule_id: str) -> type[Rule] | None:
    try:
        from tfimage_lint.registry import load_registry

        return load_registry(include_plugins=False).lookup(rule_id)
    except Exception:
        return None


def _descriptors(ctx: RenderContext, rule_ids: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {rule.id: rule_descriptor(rule) for rule in ctx.rules}
    for rule_id, rule_name in rule_ids:
        if rule_id not in by_id:
            rule = _builtin_rule(rule_id)
            by_id[rule_id] = rule_descriptor(rule) if rule else _placeholder_descriptor(rule_id, rule_name)
    return [by_id[rule_id] for rule_id in sorted(by_id)]


# -- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """A finding to report, with where it sits in the output order."""

    order: int
    report_index: int
    finding: Finding
    suppressed: bool

    def priority(self, path: str) -> tuple[int, int, str, int, int, str]:
        f = self.finding
        return (int(self.suppressed), -f.severity.rank, path, f.line, f.column, f.rule_id)


def _entries(reports: Sequence[FileReport], include_suppressed: bool) -> list[_Entry]:
    entries: list[_Entry] = []
    for report_index, report in enumerate(reports):
        findings = [(finding, False) for finding in report.findings]
        if include_suppressed:
            findings += [(finding, True) for finding in report.suppressed]
        findings.sort(key=lambda pair: (*pair[0].sort_key, pair[1]))
        for finding, suppressed in findings:
            entries.append(_Entry(len(entries), report_index, finding, suppressed))
    return entries


def _message(text: str) -> str:
    return escape_control(text).strip() or "(no message)"


def _notification(level: str, text: str, location: dict[str, Any] | None = None) -> dict[str, Any]:
    notification: dict[str, Any] = {"level": level, "message": {"text": _message(text)}}
    if location is not None:
        notification["locations"] = [{"physicalLocation": {"artifactLocation": location}}]
    return notification


def _sarif_log(reports: Sequence[FileReport], ctx: RenderContext) -> dict[str, Any]:
    locator = _Locator(ctx.root)
    artifact_index: dict[str, int] = {}
    for report in reports:
        artifact_index.setdefault(report.path, len(artifact_index))
    artifacts = [locator.locate(path) for path in artifact_index]

    entries = _entries(reports, ctx.include_suppressed)
    dropped = 0
    if len(entries) > MAX_RESULTS:
        kept = sorted(entries, key=lambda e: e.priority(reports[e.report_index].path))[:MAX_RESULTS]
        dropped = len(entries) - len(kept)
        entries = sorted(kept, key=lambda e: e.order)

    descriptors = _descriptors(ctx, ((e.finding.rule_id, e.finding.rule_name) for e in entries))
    rule_index = {descriptor["id"]: index for index, descriptor in enumerate(descriptors)}

    hashes: dict[int, dict[int, str]] = {}
    results = []
    for entry in entries:
        report, finding = reports[entry.report_index], entry.finding
        index = artifact_index[report.path]
        if entry.report_index not in hashes:
            hashes[entry.report_index] = line_hashes(_hashed_text(report, artifacts[index].absolute))
        location = dict(artifacts[index].location, index=index)
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "ruleIndex": rule_index[finding.rule_id],
            "level": LEVELS[finding.severity],
            "message": {"text": _message(finding.message)},
            "locations": [
                {"physicalLocation": {"artifactLocation": location, "region": _region(finding, report.source_lines)}}
            ],
        }
        line_hash = hashes[entry.report_index].get(max(finding.line, 1))
        if line_hash is not None:
            result["partialFingerprints"] = {"primaryLocationLineHash": line_hash}
        if ctx.include_suppressed:
            result["suppressions"] = [{"kind": "inSource"}] if entry.suppressed else []
        results.append(result)

    notifications = [_notification("error", error) for error in ctx.errors]
    known_errors = set(ctx.errors)
    for report in reports:
        for error in report.internal_errors:
            if f"{report.path}: {error}" not in known_errors and error not in known_errors:
                location = artifacts[artifact_index[report.path]].location
                notifications.append(_notification("error", f"{report.path}: {error}", location))
    if dropped:
        total = len(entries) + dropped
        notifications.append(
            _notification(
                "warning",
                f"GitHub code scanning accepts at most {MAX_RESULTS:,} results per run: {dropped:,} of {total:,} "
                "results were left out of this SARIF file (unsuppressed before suppressed, most severe first)",
            )
        )

    invocation: dict[str, Any] = {
        "executionSuccessful": ctx.exit_code < 2,
        "exitCode": ctx.exit_code,
        "toolExecutionNotifications": notifications,
        "workingDirectory": {"uri": locator.root_uri()},
        "properties": {"failOn": ctx.fail_on},
    }
    if ctx.command_line:
        invocation["commandLine"] = shlex.join(ctx.command_line)
        invocation["arguments"] = list(ctx.command_line[1:])
    if ctx.start_time:
        invocation["startTimeUtc"] = ctx.start_time
    if ctx.end_time:
        invocation["endTimeUtc"] = ctx.end_time

    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": __version__,
        "informationUri": PROJECT_URL,
        "rules": descriptors,
    }
    if _SEMVER_RE.match(__version__):
        driver["semanticVersion"] = __version__

    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": locator.root_uri()}},
        "artifacts": [
            {"location": artifact.location, "roles": ["analysisTarget"], "sourceLanguage": "dockerfile"}
            for artifact in artifacts
        ],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    category = ctx.sarif_category.strip()
    if category:
        # GitHub reads `category/run-id`: a trailing slash keeps the whole value as the category
        run["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(reports: Sequence[FileReport], ctx: RenderContext) -> str:
    """The run as one SARIF 2.1.0 log (deterministic, ASCII-only JSON)."""
    return json.dumps(_sarif_log(reports, ctx), indent=2, sort_keys=True, ensure_ascii=True) + "\n"
