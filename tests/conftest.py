"""Shared fixtures: lint text through the real engine, run the real CLI, find ../shared."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

# hypothesis keeps a storage folder (`.hypothesis/`) in the working directory even without an example
# database; tests/fuzz/__init__.py moves it to the temporary folder, for every test that uses hypothesis
import tests.fuzz  # noqa: F401
from tfimage_lint.analysis.context import DirectoryContext
from tfimage_lint.cli import main
from tfimage_lint.engine import Linter, LintOptions
from tfimage_lint.findings import Finding
from tfimage_lint.fleet import Fleet
from tfimage_lint.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

LintFn = Callable[..., list[Finding]]


def lint_text(
    text: str | bytes,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    build_args: dict[str, str] | None = None,
    fleet: Fleet | None = None,
    rule_options: dict[str, dict] | None = None,
    context: str | Path | None = None,
) -> list[Finding]:
    """Lint one Dockerfile's content with the built-in rules.

    ``context`` is a build-context folder (e.g. a ``tmp_path`` holding requirements files);
    without it no file of a build context can be read.
    """
    registry = load_registry(include_plugins=False)
    selected = registry.select(select, ignore)
    options = LintOptions(build_args=build_args or {}, fleet=fleet or Fleet(), rule_options=rule_options or {})
    linter = Linter(registry, selected, options)
    data = text.encode("utf-8") if isinstance(text, str) else text
    build_context = DirectoryContext(str(context)) if context is not None else None
    return list(linter.lint_bytes(data, "Dockerfile", build_context).findings)


@pytest.fixture
def lint() -> LintFn:
    """``lint(text, select=..., ignore=..., build_args=...)`` -> findings."""
    return lint_text


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the real click CLI in-process: ``cli(["--format", "json", path], input=None)``."""
    runner = CliRunner()

    def run(args: Sequence[str], input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, env=env, catch_exceptions=False)

    return run


@pytest.fixture
def shared() -> Path:
    """The ../shared folder; tests that need it are skipped (and reported as skipped) without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present next to the project")
    return SHARED


def ids_and_lines(findings: Sequence[Finding], rule_id: str | None = None) -> list[tuple[str, int]]:
    """``[(rule_id, line), ...]`` in report order, optionally for one rule."""
    return [(f.rule_id, f.line) for f in findings if rule_id is None or f.rule_id == rule_id]
