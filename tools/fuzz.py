"""The long fuzz run: the properties of tests/fuzz over many random examples, with a printed seed.

    python tools/fuzz.py --examples 100000 [--seed N] [--cli-every 20] [--write-docs]

Two phases run the same property functions as the test suite (``tests/fuzz/properties.py``) on the
same strategies (``tests/fuzz/strategies.py``), but random instead of derandomized:

* ``pipeline``: ``--examples`` inputs; each one is parsed (``check_parser``) and linted with every
  built-in rule, with or without a generated build context and build args (``check_pipeline``);
* ``cli``: one input in ``--cli-every`` of those runs the real CLI with every output format
  (``check_cli``), which costs about ten times as much.

The run is split into chunks of ``--chunk`` examples, each seeded from the run's seed, so memory stays
flat, progress is printed, and a failure in one chunk (reported with hypothesis's minimal
reproducer) does not stop the others. The same ``--seed`` and counts replay the same inputs.
``--write-docs`` writes the result between ``<!-- fuzz:begin -->`` and ``<!-- fuzz:end -->``
in docs/robustness.md. The exit status is 1 when any property failed.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import platform
import random
import re
import shlex
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import hypothesis  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.fuzz import LONG_PROFILE  # noqa: E402
from tests.fuzz.properties import check_cli, check_parser, check_pipeline  # noqa: E402
from tests.fuzz.strategies import FuzzInput, build_args, build_contexts, dockerfiles, fuzz_inputs  # noqa: E402

DOC = ROOT / "docs" / "robustness.md"
BEGIN, END = "<!-- fuzz:begin -->", "<!-- fuzz:end -->"
MAX_FAILURES = 10


@dataclass
class Failure:
    """One failing property: where, the minimal input hypothesis shrank to, and the error."""

    phase: str
    chunk_seed: int
    kind: str
    reproducer: str
    error: str


@dataclass
class Phase:
    """Counts of one phase of the run."""

    name: str
    requested: int
    examples: int = 0
    per_kind: collections.Counter[str] = field(default_factory=collections.Counter)
    seconds: float = 0.0


def _pipeline_strategy() -> st.SearchStrategy[tuple]:
    return st.tuples(fuzz_inputs(), st.one_of(st.none(), build_contexts()), build_args())


def _pipeline_check(args: tuple) -> None:
    case, context, build = args
    check_parser(case.data)
    check_pipeline(case.data, context, build)


def _cli_strategy() -> st.SearchStrategy[tuple]:
    return st.tuples(
        st.one_of(dockerfiles(valid=True).map(lambda data: FuzzInput("grammar-valid", data)), fuzz_inputs()),
        st.one_of(st.none(), build_contexts()),
        build_args(),
        st.booleans(),
        st.sampled_from(("error", "warning", "info", "never")),
        st.booleans(),
    )


def _cli_check(args: tuple) -> None:
    case, context, build, stdin, fail_on, include_suppressed = args
    check_cli(case.data, context, build, stdin=stdin, fail_on=fail_on, include_suppressed=include_suppressed)


def _reproducer(args: tuple) -> str:
    """The failing arguments as Python literals, the input bytes first."""
    case, *rest = args
    text = f"kind={case.kind!r}\ndata={case.data!r}\nother arguments={rest!r}"
    return text if len(text) <= 4000 else text[:4000] + "... (cut)"


def run_chunk(
    phase: Phase,
    strategy: st.SearchStrategy[tuple],
    check: Callable[[tuple], None],
    count: int,
    chunk_seed: int,
    failures: list[Failure],
) -> None:
    """Run ``count`` random examples of one property under ``chunk_seed``; record a failure, if any."""
    state: dict[str, object] = {"failing": False}

    @hypothesis.seed(chunk_seed)
    @settings(settings.get_profile(LONG_PROFILE), max_examples=count, report_multiple_bugs=False)
    @given(strategy)
    def prop(args: tuple) -> None:
        if not state["failing"]:  # after the first failure hypothesis shrinks: those calls are not new examples
            phase.examples += 1
            phase.per_kind[args[0].kind] += 1
        try:
            check(args)
        except BaseException as exc:
            state["failing"] = True
            state["last"] = (args, exc)
            raise

    try:
        prop()
    except Exception:
        args, exc = state.get("last", ((FuzzInput("?", b""),), None))  # type: ignore[misc]
        error = "".join(traceback.format_exception(exc)) if isinstance(exc, BaseException) else "unknown"
        failures.append(Failure(phase.name, chunk_seed, args[0].kind, _reproducer(args), error[-3000:]))
        print(f"FAILURE in {phase.name} (chunk seed {chunk_seed}):\n{_reproducer(args)}\n{error[-3000:]}", flush=True)


def run_phase(
    phase: Phase,
    strategy: st.SearchStrategy[tuple],
    check: Callable[[tuple], None],
    seed: int,
    chunk: int,
    failures: list[Failure],
) -> None:
    """Run one phase in chunks, printing progress."""
    started = time.monotonic()
    done = 0
    index = 0
    while done < phase.requested and len(failures) < MAX_FAILURES:
        count = min(chunk, phase.requested - done)
        chunk_seed = random.Random(f"{seed}:{phase.name}:{index}").getrandbits(64)
        run_chunk(phase, strategy, check, count, chunk_seed, failures)
        done += count
        index += 1
        elapsed = time.monotonic() - started
        rate = phase.examples / elapsed if elapsed else 0.0
        left = (phase.requested - done) / rate if rate else 0.0
        print(
            f"[{phase.name}] {phase.examples}/{phase.requested} examples, {rate:.1f}/s, "
            f"{elapsed:.0f} s elapsed, ~{left:.0f} s left, {len(failures)} failure(s)",
            flush=True,
        )
    phase.seconds = time.monotonic() - started


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            match = re.search(r"^model name\s*:\s*(.+)$", handle.read(), re.MULTILINE)
            model = match.group(1).strip() if match else ""
    except OSError:
        pass
    return f"{platform.platform()}, {model or cpu}, {os.cpu_count()} CPUs (one used)"


def render_section(
    phases: list[Phase], failures: list[Failure], seed: int, command: str, started: datetime.datetime, seconds: float
) -> str:
    """The Markdown between the fuzz markers of docs/robustness.md."""
    total = sum(phase.examples for phase in phases)
    lines = [
        BEGIN,
        FUZZ_INTRO,
        "### The last long run",
        "",
        "| | |",
        "| --- | --- |",
        f"| date | {started.strftime('%Y-%m-%d %H:%M UTC')} |",
        f"| machine | {_machine()} |",
        f"| Python | {platform.python_version()} ({platform.python_implementation()}) |",
        f"| hypothesis | {hypothesis.__version__} |",
        f"| command | `{command}` |",
        f"| seed | {seed} |",
        f"| examples | {total:,} ({', '.join(f'{p.name}: {p.examples:,}' for p in phases)}) |",
        f"| duration | {seconds / 60:.1f} min |",
        f"| failures | {len(failures) or 'none'} |",
        "",
        "| phase | strategy | examples |",
        "| --- | --- | ---: |",
    ]
    for phase in phases:
        for kind, count in sorted(phase.per_kind.items()):
            lines.append(f"| {phase.name} | {kind} | {count:,} |")
        lines.append(f"| {phase.name} | **all** ({phase.seconds / 60:.1f} min) | **{phase.examples:,}** |")
    lines.append("")
    if failures:
        lines.append("Failures (minimal reproducers as hypothesis shrank them):")
        lines.append("")
        for failure in failures:
            last_line = failure.error.strip().splitlines()[-1] if failure.error.strip() else "?"
            lines += [f"* {failure.phase}, chunk seed {failure.chunk_seed}: `{last_line}`", "", "  ```"]
            lines += [f"  {line}" for line in failure.reproducer.splitlines()]
            lines += ["  ```", ""]
    else:
        lines.append("No property failed: no exception escaped, every unparseable input got DF000, the CLI exited")
        lines.append("0 or 1 and every report format stayed valid.")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


FUZZ_INTRO = """## Fuzzing

A linter that crashes on a strange file blocks a team, so tfimage-lint is fuzzed: any input must give
findings or a DF000 parse-error finding, never an exception, a traceback or an exit code above 2.

`tests/fuzz/` holds property-based tests (hypothesis). The inputs come from `tests/fuzz/strategies.py`:
Dockerfiles generated from a grammar (every instruction in any case, builder flags valid and bogus,
`\\` and backtick continuations with comments and blank lines inside, heredocs, parser directives, JSON
forms valid and broken, ARG/ENV substitutions, multi-stage builds with ARG-resolved bases, RUN bodies
with pip/apt/conda installs, `&&`, `||`, pipes, subshells, `$(...)`, quotes and `sh -c`), the same
grammar kept to what BuildKit accepts, mutations of those and of real Dockerfiles (inserted bytes,
deletions, truncation), random text (lone surrogates, CR/LF mixes, a BOM, other encodings) and random
bytes. Build contexts hold generated requirements files (recursive `-r` includes, binary junk).

The properties (`tests/fuzz/properties.py`): the parser never raises, is deterministic and keeps its
line numbers inside the file; the whole lint pipeline with every built-in rule (default-off ones too)
never raises or reports an internal error, and reports DF000 exactly when the input does not parse;
the CLI exits 0 or 1 (1 exactly when a finding reaches `--fail-on`), never prints a traceback, and its
reports stay valid in every format: JSON and GitLab JSON parse, SARIF validates against the official
2.1.0 schema, JUnit and Checkstyle XML parse, GitHub output is workflow commands only, no report prints
a control character raw, and all reports agree on the number of findings.

The test suite runs a few hundred examples, derandomized (the same ones on every run, and no
`.hypothesis/` folder). The long run is a script with a random seed it prints:

```sh
python tools/fuzz.py --examples 100000 --write-docs   # --seed N replays a run
```

What the fuzzing found, all fixed, each with a regression test in `tests/fuzz/`:

* a NUL (or a lone surrogate) in a COPY source, `COPY \\x00requirements.txt .`: every rule that reads the
  build context crashed with `ValueError: embedded null byte` from `os.path.realpath`. `DirectoryContext`
  now treats a path no file can have as absent;
* `ONBUILD ONBUILD ... RUN x`, about 1,000 levels: `RecursionError` in the parser. Levels past 32 are left
  unparsed (BuildKit's error, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", is on the first);
* `${A:-${A:-...}}` nested about 330 deep: `RecursionError` in the variable lexer while building the
  model. Nesting past 100 levels is now a lexer error, which DF000 reports;
* `CMD [ [ [ ... ["x"]`, about 1,000 unbalanced brackets: DF010 crashed with `RecursionError` from
  `json.loads` in its almost-JSON check, which now treats it as not JSON.

It also found two inputs that did not crash but took about a minute, because some rules did work
quadratic in the input; both are linear now and measured in docs/performance.md (`and-chain`,
`stage-chain`):

* one RUN of 3,000 `pip install` commands joined by `&&` (68 s, now 0.6 s): DF004 looked for a later
  cache removal by re-reading the rest of the RUN for each install;
* 1,500 stages each built on the previous one, each installing TensorFlow (55 s, now 2 s): the stack
  analysis and several rules walked every stage's whole ancestry; they now keep per-stage results.
"""


def write_docs(section: str) -> None:
    """Put ``section`` between the fuzz markers of docs/robustness.md (creating the file if needed)."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Robustness\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + section + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the long fuzz run; exit 1 when a property failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100_000, help="pipeline examples (default 100000)")
    parser.add_argument("--cli-every", type=int, default=20, help="one CLI example per this many (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="replay a run (default: random, printed)")
    parser.add_argument("--chunk", type=int, default=2000, help="examples per hypothesis run (default 2000)")
    parser.add_argument("--write-docs", action="store_true", help=f"write the result into {DOC.relative_to(ROOT)}")
    options = parser.parse_args(argv)
    seed = options.seed if options.seed is not None else random.SystemRandom().getrandbits(32)
    command = "python tools/fuzz.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    print(f"fuzz seed {seed} (replay: python tools/fuzz.py --examples {options.examples} --seed {seed})", flush=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.monotonic()
    failures: list[Failure] = []
    phases = [
        Phase("pipeline", options.examples),
        Phase("cli", max(1, options.examples // max(1, options.cli_every))),
    ]
    run_phase(phases[0], _pipeline_strategy(), _pipeline_check, seed, options.chunk, failures)
    run_phase(phases[1], _cli_strategy(), _cli_check, seed, max(1, options.chunk // 4), failures)
    seconds = time.monotonic() - clock
    section = render_section(phases, failures, seed, command, started, seconds)
    print(section)
    if options.write_docs:
        write_docs(section)
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
