"""Lint many targets: in this process, or in a pool of worker processes when there are enough files.

Each target gets the settings of the configuration that governs it; results keep the order of the
targets whichever way they were computed, so output never depends on the number of workers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfimage_lint.config.chooser import ConfigChooser
    from tfimage_lint.engine import FileReport
    from tfimage_lint.settings import CommandLine, RunSettings

#: Below this many files one process is faster: starting workers costs about as much as linting ~20 files.
POOL_MIN_FILES = 24
#: ``TFIMAGE_LINT_JOBS`` sets the number of processes when ``--jobs`` is not given (1: no pool).
JOBS_ENV = "TFIMAGE_LINT_JOBS"


class BatchError(Exception):
    """A configuration or settings problem that stops the whole run (exit code 2)."""


@dataclass
class BatchResult:
    """What linting the targets produced, in target order."""

    #: ``(report, fail-on threshold)`` per file that could be read.
    results: list[tuple[FileReport, str]] = field(default_factory=list)
    #: Messages for files that could not be read and for internal errors.
    errors: list[str] = field(default_factory=list)
    #: Ids of the rules that ran on at least one file.
    ran: set[str] = field(default_factory=set)
    #: How many processes linted the files (1: no pool).
    processes: int = 1


def default_jobs() -> int:
    """``TFIMAGE_LINT_JOBS`` if set to a positive number, else the CPUs this process may use."""
    value = os.environ.get(JOBS_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def pool_size(jobs: int, files: int, min_files: int = POOL_MIN_FILES) -> int:
    """The number of worker processes for ``files`` files (0: lint in this process)."""
    if jobs <= 1 or files < min_files:
        return 0
    return min(jobs, max(2, files // max(1, min_files // 2)))


def _min_files() -> int:
    """``POOL_MIN_FILES``, or ``TFIMAGE_LINT_POOL_MIN_FILES`` (for the benchmark that measures it)."""
    value = os.environ.get("TFIMAGE_LINT_POOL_MIN_FILES", "").strip()
    return int(value) if value.isdigit() and int(value) > 1 else POOL_MIN_FILES


class _Batch:
    """Settings per configuration, shared by this process and (inherited or rebuilt) by workers."""

    def __init__(self, chooser: ConfigChooser, cli: CommandLine, stdin_filename: str | None) -> None:
        self.chooser = chooser
        self.cli = cli
        self.stdin_filename = stdin_filename
        self._settings: dict[int, RunSettings] = {}

    def settings_for(self, path: str | None) -> RunSettings:
        """The settings of the configuration governing ``path``; raises :class:`BatchError`."""
        from tfimage_lint.config.errors import ConfigError
        from tfimage_lint.settings import SettingsError, run_settings

        try:
            config = self.chooser.for_path(path)
            key = id(config)
            if key not in self._settings:
                self._settings[key] = run_settings(self.chooser.registry, config, self.cli)
        except (ConfigError, SettingsError) as exc:
            raise BatchError(str(exc)) from None
        return self._settings[key]

    def lint(self, target: str) -> tuple[FileReport, str, frozenset[str]] | str:
        """``(report, fail-on, ids of the rules that ran)`` for one target, or the message why it was not read."""
        from tfimage_lint.inputs import STDIN, InputError, read_input

        path = None if target == STDIN else target
        run = self.settings_for(path)
        try:
            data = read_input(target)
        except InputError as exc:
            return str(exc)
        linter = run.linter
        name = (self.stdin_filename or STDIN) if path is None else target
        report = linter.lint_bytes(data, name, linter.context_for(path))
        return report, run.fail_on, frozenset(rule.id for rule in linter.selected)


def lint_targets(
    chooser: ConfigChooser,
    cli: CommandLine,
    targets: Sequence[str],
    stdin_filename: str | None = None,
    jobs: int | None = None,
) -> BatchResult:
    """Lint every target with its configuration's settings; raises :class:`BatchError` on a bad configuration."""
    batch = _Batch(chooser, cli, stdin_filename)
    workers = pool_size(default_jobs() if jobs is None else jobs, len(targets), _min_files())
    result = BatchResult(processes=max(1, workers))
    if workers:
        # settings for every target first: a bad configuration stops the run before any worker starts
        for target in targets:
            batch.settings_for(None if target == "-" else target)
        outcomes = [batch.lint(targets[0]), *_pooled(batch, targets[1:], workers)]
    else:
        outcomes = (batch.lint(target) for target in targets)
    for outcome in outcomes:
        if isinstance(outcome, str):
            result.errors.append(outcome)
            continue
        report, fail_on, ran = outcome
        result.results.append((report, fail_on))
        result.errors.extend(f"{report.path}: {message}" for message in report.internal_errors)
        result.ran |= ran
    return result


#: The batch a worker process lints with (set in the parent before forking, or by the initializer).
_WORKER_BATCH: _Batch | None = None


def _recipe(batch: _Batch) -> tuple[object, ...]:
    """What a spawned worker needs to rebuild ``batch`` (settings hold unpicklable mapping proxies)."""
    chooser = batch.chooser
    return chooser.config_file, chooser.policy, chooser.isolated, batch.cli, batch.stdin_filename


def _init_worker(recipe: tuple[object, ...] | None) -> None:
    """Rebuild the batch in a spawned worker (a forked one inherits it)."""
    global _WORKER_BATCH
    if recipe is None:
        return
    from tfimage_lint.config.chooser import ConfigChooser
    from tfimage_lint.registry import load_registry

    config_file, policy, isolated, cli, stdin_filename = recipe
    chooser = ConfigChooser(load_registry(), config_file=config_file, policy=policy, isolated=isolated)  # type: ignore[arg-type]
    _WORKER_BATCH = _Batch(chooser, cli, stdin_filename)  # type: ignore[arg-type]


def _lint_in_worker(target: str) -> tuple[FileReport, str, frozenset[str]] | str:
    assert _WORKER_BATCH is not None
    return _WORKER_BATCH.lint(target)


def _pooled(
    batch: _Batch, targets: Sequence[str], workers: int, start_method: str | None = None
) -> list[tuple[FileReport, str, frozenset[str]] | str]:
    """Lint ``targets`` in ``workers`` processes; results in target order.

    On Linux the workers are forked after this process has loaded the rules and linted one file,
    so they start warm and inherit the settings; elsewhere they are spawned and unpickle them.
    If the pool breaks (a worker killed), the files are linted in this process instead.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _WORKER_BATCH
    if start_method is None:
        fork = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
        start_method = "fork" if fork else "spawn"
    context = multiprocessing.get_context(start_method)
    _WORKER_BATCH = batch
    chunk = max(1, len(targets) // (workers * 8))
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                 initargs=(None if start_method == "fork" else _recipe(batch),)) as pool:  # fmt: skip
            return list(pool.map(_lint_in_worker, targets, chunksize=chunk))
    except BrokenProcessPool:
        return [batch.lint(target) for target in targets]
    finally:
        _WORKER_BATCH = None
