"""Measure tfimage-lint's speed: start-up, one file, the whole corpus, and the parser alone.

Usage: python benchmarks/bench.py [--runs N]
Prints a Markdown table; the figures in the README come from this script. Each command runs once
untimed first, with byte-code caching on, so the figures are those of an installed tool.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CLI = [sys.executable, "-m", "tfimage_lint"]


#: Byte-code caching on, as for an installed tool (this sandbox sets PYTHONDONTWRITEBYTECODE).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, capture_output=True, check=False, env=ENV)  # warm-up: writes .pyc files
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, check=False, env=ENV)
        samples.append(time.perf_counter() - start)
        if completed.returncode not in (0, 1):
            sys.exit(f"{' '.join(command[:6])}... exited {completed.returncode}: {completed.stderr[-500:]!r}")
    return samples


def corpus_files() -> list[str]:
    files = sorted(p for p in (SHARED / "corpus" / "files").rglob("*") if p.is_file() and "__REQ__" not in p.name)
    return [str(p) for p in files]


def parse_only(path: Path, repeats: int) -> float:
    sys.path.insert(0, str(ROOT))
    from tfimage_lint.model.build import build_model
    from tfimage_lint.syntax.parser import parse_dockerfile

    data = path.read_bytes()
    start = time.perf_counter()
    for _ in range(repeats):
        build_model(parse_dockerfile(data))
    return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    startup = timed([*CLI, "--version"], args.runs * 2)
    rows.append(
        ("start-up (`--version`)", f"{statistics.median(startup) * 1000:.0f} ms", f"min {min(startup) * 1000:.0f} ms")
    )
    example = ROOT / "examples" / "ngc-multi-gpu-inference" / "Dockerfile"
    one = timed([*CLI, str(example)], args.runs * 2)
    rows.append(
        ("lint one file (whole process)", f"{statistics.median(one) * 1000:.0f} ms", f"min {min(one) * 1000:.0f} ms")
    )
    if (SHARED / "corpus" / "files").is_dir():
        files = corpus_files()
        corpus = timed([*CLI, "--format", "json", "--fail-on", "never", *files], args.runs)
        median = statistics.median(corpus)
        rows.append((f"lint the corpus ({len(files)} files, one invocation)", f"{median:.2f} s",
                     f"min {min(corpus):.2f} s, {len(files) / median:.0f} files/s"))  # fmt: skip
    bench_file = SHARED / "vectors" / "bench_200_lines.Dockerfile"
    if bench_file.is_file():
        per_parse = parse_only(bench_file, 200)
        rows.append(("parse + model, 200-line file (in process)", f"{per_parse * 1000:.2f} ms", "mean of 200"))
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.runs} runs\n")
    print("| measurement | median | notes |\n|---|---|---|")
    for name, value, note in rows:
        print(f"| {name} | {value} | {note} |")


if __name__ == "__main__":
    main()
