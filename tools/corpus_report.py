"""Lint every corpus Dockerfile with its requirement files mapped; print findings per rule.

Usage: ``python tools/corpus_report.py [--select IDS] [--show RULE] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tfimage_lint.engine import Linter, LintOptions  # noqa: E402
from tfimage_lint.registry import load_registry  # noqa: E402
from tools.corpus_context import CorpusContext  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "files"


def corpus_dockerfiles(corpus: Path = CORPUS) -> list[Path]:
    """Every Dockerfile of the corpus (requirement files left out), sorted."""
    return sorted(path for path in corpus.rglob("*") if path.is_file() and "__REQ__" not in path.name)


def lint_corpus(select: list[str] | None = None) -> list[tuple[Path, object]]:
    """(path, FileReport) for every corpus Dockerfile."""
    registry = load_registry(include_plugins=False)
    linter = Linter(registry, registry.select(select), LintOptions())
    reports = []
    for path in corpus_dockerfiles():
        reports.append((path, linter.lint_bytes(path.read_bytes(), str(path), CorpusContext(str(path)))))
    return reports


def main() -> int:
    """Run the report; exit 1 when a rule crashed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--select", help="comma-separated rule ids (default: the default rules)")
    parser.add_argument("--show", action="append", default=[], help="print every finding of this rule")
    parser.add_argument("--json", help="write per-rule counts to this file")
    args = parser.parse_args()
    reports = lint_corpus(args.select.split(",") if args.select else None)
    counts = collections.Counter(f.rule_id for _, report in reports for f in report.findings)
    errors = [(path, error) for path, report in reports for error in report.internal_errors]
    for rule_id, count in sorted(counts.items()):
        print(f"{rule_id}\t{count}")
    print(f"files\t{len(reports)}\tinternal errors\t{len(errors)}")
    for path, error in errors:
        print(f"INTERNAL {path}: {error}")
    for rule_id in args.show:
        for path, report in reports:
            for finding in report.findings:
                if finding.rule_id == rule_id:
                    print(f"{path.relative_to(CORPUS)}:{finding.line}:{finding.column} {rule_id} {finding.message}")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(sorted(counts.items())), indent=2) + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
