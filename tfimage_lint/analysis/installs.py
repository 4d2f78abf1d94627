"""What each stage's RUN instructions install and remove, computed once per file.

Stages built ``FROM`` an earlier stage inherit its working directory, copies, shell and
installs. ``COPY --from`` of a Python ``site-packages``/``dist-packages`` folder is noted,
not guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from tfimage_lint.analysis.context import BuildContext
from tfimage_lint.analysis.filesystem import ImageFiles, expand_word
from tfimage_lint.analysis.pip_files import FileFollower, FollowedFile
from tfimage_lint.model.dockerfile import BaseKind, Dockerfile, Stage
from tfimage_lint.packages import (
    CondaCommand,
    PipCommand,
    Requirement,
    SystemCommand,
    parse_conda,
    parse_pip,
    parse_system,
)
from tfimage_lint.shell import Command, run_commands
from tfimage_lint.shell.script import DEFAULT_SHELL
from tfimage_lint.syntax.nodes import Instruction

_SITE_PACKAGES_RE = re.compile(r"(site|dist)-packages")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PipInstall:
    """A pip command with everything it names: command-line requirements, followed files' requirements.

    Requirements read from a file carry ``file``/``file_line``; their ``line`` is the pip
    command's. ``constraints`` come from ``-c`` files and ``PIP_CONSTRAINT``.
    """

    pip: PipCommand
    requirements: tuple[Requirement, ...]
    constraints: tuple[Requirement, ...]
    files: tuple[FollowedFile, ...]
    #: ``PIP_NO_CACHE_DIR`` is set in the stage's environment (ENV/ARG) when the command runs.
    env_no_cache_dir: bool = False

    @property
    def no_cache_dir(self) -> bool:
        """Pip keeps no cache: ``--no-cache-dir`` / ``PIP_NO_CACHE_DIR`` on the command or in the environment."""
        return self.pip.no_cache_dir or self.env_no_cache_dir

    @property
    def command(self) -> Command:
        """The shell command."""
        return self.pip.command

    @property
    def missing_files(self) -> tuple[FollowedFile, ...]:
        """Followed files that could not be read (their content is unknown)."""
        return tuple(followed for followed in self.files if not followed.found)


@dataclass(frozen=True)
class StageInstalls:
    """The commands and package operations of one stage, in order, and those it inherits."""

    stage: Stage
    commands: tuple[Command, ...]
    onbuild_commands: tuple[Command, ...]
    pip: tuple[PipInstall, ...]
    system: tuple[SystemCommand, ...]
    conda: tuple[CondaCommand, ...]
    site_packages_copies: tuple[Instruction, ...]
    parent: StageInstalls | None = None
    #: Answers computed once per stage by shared helpers (e.g. where apt.conf settings are written).
    memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def chain(self) -> list[StageInstalls]:
        """The stages this one is built on, oldest first, ending with this one."""
        chain: list[StageInstalls] = []
        current: StageInstalls | None = self
        while current is not None:
            chain.append(current)
            current = current.parent
        return chain[::-1]

    def fold(self, key: object, initial: T, step: Callable[[T, StageInstalls], T]) -> T:
        """``step`` applied from ``initial`` over the chain, oldest stage first: the value after this stage.

        Each stage keeps its value in :attr:`memo` under ``key`` (which must name ``initial`` and
        ``step``), so asking every stage of a long chain (``FROM s1 AS s2``, ``FROM s2 AS s3``...)
        walks each stage once, not once per stage built on it.
        """
        pending: list[StageInstalls] = []
        current: StageInstalls | None = self
        value = initial
        while current is not None:
            if key in current.memo:
                value = current.memo[key]  # type: ignore[assignment]
                break
            pending.append(current)
            current = current.parent
        for stage in reversed(pending):
            value = step(value, stage)
            stage.memo[key] = value
        return value

    def all_pip(self) -> list[PipInstall]:
        """Pip operations of this stage and of the stages it is built on, in build order."""
        return [install for stage in self.chain() for install in stage.pip]

    def all_system(self) -> list[SystemCommand]:
        """OS package operations of this stage and the stages it is built on."""
        return [command for stage in self.chain() for command in stage.system]

    def all_conda(self) -> list[CondaCommand]:
        """Conda operations of this stage and the stages it is built on."""
        return [command for stage in self.chain() for command in stage.conda]


@dataclass
class _StageState:
    files: ImageFiles = field(default_factory=ImageFiles)
    shell: Sequence[str] = DEFAULT_SHELL


def analyse_installs(dockerfile: Dockerfile, context: BuildContext | None) -> tuple[StageInstalls, ...]:
    """The installs of every stage (indexed like ``dockerfile.stages``)."""
    results: list[StageInstalls] = []
    states: list[_StageState] = []
    for stage in dockerfile.stages:
        parent_index = stage.base.stage_index if stage.base.kind is BaseKind.STAGE else None
        if parent_index is not None and parent_index < len(states):
            parent_state = states[parent_index]
            state = _StageState(parent_state.files.child(), parent_state.shell)
            parent = results[parent_index]
        else:
            state, parent = _StageState(), None
        results.append(_analyse_stage(stage, state, context, parent, dockerfile.syntax.escape_token))
        states.append(state)
    return tuple(results)


def _analyse_stage(
    stage: Stage, state: _StageState, context: BuildContext | None, parent: StageInstalls | None, escape: str = "\\"
) -> StageInstalls:
    commands: list[Command] = []
    onbuild: list[Command] = []
    pip: list[PipInstall] = []
    system: list[SystemCommand] = []
    conda: list[CondaCommand] = []
    site_packages: list[Instruction] = []
    for position, ins in enumerate(stage.instructions):
        env = stage.environment_at(position)
        keyword = ins.keyword
        if keyword == "workdir":
            state.files.set_workdir(_expanded_workdir(ins, env, escape))
        elif keyword == "shell" and ins.is_json and ins.args:
            state.shell = ins.args
        elif keyword in ("copy", "add"):
            state.files.copy(ins, env, context, escape)
            if ins.flag_value("from") and any(_SITE_PACKAGES_RE.search(arg) for arg in ins.args):
                site_packages.append(ins)
        elif keyword == "onbuild" and ins.sub is not None and ins.sub.keyword == "run":
            onbuild.extend(run_commands(ins.sub, env, shell=state.shell, cwd=state.files.workdir, onbuild=True))
        elif keyword == "run":
            cwd = state.files.workdir if state.files.workdir_known else None
            found = run_commands(ins, env, shell=state.shell, cwd=cwd)
            commands.extend(found)
            for command in found:
                _classify(command, env, state.files, context, pip, system, conda)
    return StageInstalls(stage, tuple(commands), tuple(onbuild), tuple(pip), tuple(system), tuple(conda),
                         tuple(site_packages), parent)  # fmt: skip


def _classify(
    command: Command,
    env: Mapping[str, str],
    files: ImageFiles,
    context: BuildContext | None,
    pip: list[PipInstall],
    system: list[SystemCommand],
    conda: list[CondaCommand],
) -> None:
    parsed_pip = parse_pip(command)
    if parsed_pip is not None:
        pip.append(_follow(parsed_pip, env, files, context))
        return
    parsed_system = parse_system(command)
    if parsed_system is not None:
        system.append(parsed_system)
        return
    parsed_conda = parse_conda(command)
    if parsed_conda is not None:
        conda.append(parsed_conda)


def _follow(pip: PipCommand, env: Mapping[str, str], files: ImageFiles, context: BuildContext | None) -> PipInstall:
    environment = dict(env)
    environment.update({name: value for name, value in pip.command.assignments if value is not None})
    follower = FileFollower(files, context, environment)
    cwd = pip.command.cwd
    line, column = pip.command.line, pip.command.column
    if pip.is_install or pip.is_uninstall:
        for word in pip.requirement_files:
            if word.known:
                follower.follow(word.text, cwd, constraint=False, line=line, column=column)
            else:
                follower.followed.append(FollowedFile(word.raw, None, False))
        for word in pip.constraint_files:
            if word.known:
                follower.follow(word.text, cwd, constraint=True, line=line, column=column)
        for path in environment.get("PIP_CONSTRAINT", "").split():
            follower.follow(path, cwd, constraint=True, line=line, column=column)
        for requirement in pip.requirements:
            if requirement.path is not None and pip.is_install:
                follower.follow_project(requirement, cwd)
    return PipInstall(pip, (*pip.requirements, *follower.requirements), tuple(follower.constraints),
                      tuple(follower.followed), bool(environment.get("PIP_NO_CACHE_DIR")))  # fmt: skip


def _expanded_workdir(ins: Instruction, env: Mapping[str, str], escape: str) -> str | None:
    return expand_word(ins.args[0], env, escape) if ins.args else None
