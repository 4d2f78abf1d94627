"""Print how tfimage-lint's parser and BuildKit's Go parser (the ``dockerfile`` package) disagree.

Usage: ``python tools/differential.py [--generated N] [--seed S] [--show ID] [FILES...]``.

Without FILES it compares every Dockerfile of ``../shared/corpus/files``; ``--generated N`` adds N
Dockerfiles from the grammar in ``tests/conformance/differential.py``.  For each known difference
(``tests/conformance/known_differences.py``) it prints how many inputs hit it, then every
unexplained disagreement.  Exit status 1 when something is unexplained.  Needs the test extras.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conformance.differential import Explanation, check, corpus_files, dockerfiles, report  # noqa: E402
from tests.conformance.known_differences import KNOWN_DIFFERENCES  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "files"


def generated(count: int, seed: int) -> list[str]:
    """``count`` Dockerfiles from the grammar, reproducibly for one seed."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as with_seed

    texts: list[str] = []

    @with_seed(seed)
    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(dockerfiles())
    def collect(text: str) -> None:
        texts.append(text)

    collect()
    return texts


def main(argv: list[str] | None = None) -> int:
    """Compare, print the summary; 1 when a disagreement is unexplained."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="Dockerfiles (default: the shared corpus)")
    parser.add_argument("--generated", type=int, default=0, metavar="N", help="also compare N generated files")
    parser.add_argument("--seed", type=int, default=0, help="seed for --generated")
    parser.add_argument("--show", metavar="ID", help="list the inputs that hit this known difference")
    args = parser.parse_args(argv)

    inputs: list[tuple[str, str]] = []
    for path in args.files or corpus_files(CORPUS):
        try:
            inputs.append((str(path), path.read_bytes().decode("utf-8")))
        except UnicodeDecodeError:
            print(f"skipped {path}: not UTF-8 (the package takes text)")
    inputs.extend((f"generated #{i}", text) for i, text in enumerate(generated(args.generated, args.seed)))

    results: list[tuple[str, Explanation]] = [(name, check(text)) for name, text in inputs]
    agree = sum(1 for _, e in results if not e.comparison.disagreements)
    print(f"{len(results)} inputs compared, {agree} parsed identically by both parsers")
    print("known differences (inputs hit):")
    for difference in KNOWN_DIFFERENCES:
        names = [name for name, e in results if difference.id in e.known]
        print(f"  {len(names):6d}  {difference.id}: {difference.explanation}")
        if args.show == difference.id:
            print("".join(f"            {name}\n" for name in names), end="")
    failing = [(name, e) for name, e in results if e.unexplained]
    print(f"unexplained: {len(failing)} inputs")
    for name, explanation in failing:
        print(f"  {name}\n{report([explanation], limit=1)}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
