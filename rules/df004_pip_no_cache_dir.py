"""DF004 pip-no-cache-dir."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import Stage
from tfimage_lint.packages import PipCommand, parse_pip
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command
from tfimage_lint.syntax.nodes import Instruction

#: The cache of root or of a user with a home under /home.
_HOME_CACHE_RE = re.compile(r"^/(?:root|home/[^/]+)/\.cache(?:/pip)?$")
#: Options that tell pip not to download or build anything it could cache.
_OFFLINE = ("--no-deps", "--no-index")


class PipNoCacheDir(Rule):
    """Install Python packages with pip's cache turned off.

    ## What it does
    Reports a `pip install` (`pip`, `pip3`, `pip3.11`, `/opt/venv/bin/pip`, `python -m pip`, also
    behind `sudo`/`env`, inside `sh -c '...'` strings, heredoc RUNs and `ONBUILD RUN`) that keeps
    pip's cache. Handled, and not reported, when:

    - the command has `--no-cache-dir` (or its abbreviation `--no-cache`, which pip accepts), or
      `PIP_NO_CACHE_DIR` is set, on the command (`PIP_NO_CACHE_DIR=1 pip install ...`) or by an
      `ENV`/`ARG` of the stage or of a stage it is built on;
    - the RUN has a BuildKit cache mount on the pip cache: `--mount=type=cache,target=...` with a
      target ending in `.cache/pip` or `.cache`, or equal to the `--cache-dir`/`PIP_CACHE_DIR` in
      use (the cache then lives outside the image);
    - the same RUN removes the cache after the install (`rm -rf /root/.cache/pip`,
      `rm -rf ~/.cache`, the `--cache-dir`/`PIP_CACHE_DIR` folder, or `pip cache purge`). A
      relative path counts when the command's folder makes it `/root/.cache[/pip]` or
      `/home/<user>/.cache[/pip]` (or when the folder is unknown): `rm -rf .cache` in `/` or
      in a `WORKDIR /app` removes another folder, and the install is reported;
    - it installs only local wheel files (`pip install /tmp/*.whl`) with `--no-deps` or
      `--no-index`: nothing is downloaded or built, so nothing is cached. Without one of those
      options local wheels are reported too: pip still downloads their dependencies from the
      index, and keeps those downloads in its HTTP cache.

    `pip uninstall`, `pip download` and `pip wheel` are not installs and are not reported.
    `uv pip install` is not reported: `--no-cache-dir` is not one of its options, and uv links
    installed files from its cache (hard links on the same file system) instead of storing a
    second copy, so its cache costs the image far less; `uv --no-cache` / `UV_NO_CACHE=1`
    remain the way to drop it.

    Compared with hadolint DL3042, which matches the bare names `pip`/`pip3`/`python -m pip`:
    this rule also reports pips called by path (a virtualenv's `bin/pip` caches just the same),
    and it treats as handled a cache mount on `/root/.cache`, a cache removed in the same RUN,
    `--no-cache`, and offline installs of local wheels, which hadolint reports. It reports
    each pip command (hadolint reports a RUN once) and points at the physical line where the
    command starts inside a multi-line RUN; pips named through a variable that is set
    (`ENV PIP_CMD="python3.9 -m pip"`, `${PYTHON} -m pip`) and pips called with options
    before `install` (`python -m pip --no-cache-dir install`) are read correctly, and
    `pipwin install` is not pip.

    ## Why is this bad?
    pip keeps every wheel it downloads or builds in its cache (`~/.cache/pip`). Inside a RUN
    that cache is written into the image layer: the image carries a second, useless copy of
    every package (hundreds of megabytes for TensorFlow or PyTorch wheels), and a later
    `rm` in another RUN cannot make the layer smaller.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install numpy==1.26.4
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir numpy==1.26.4
    ```

    or keep the cache outside the image with a BuildKit cache mount:

    ```dockerfile
    FROM python:3.11-slim
    RUN --mount=type=cache,target=/root/.cache/pip pip install numpy==1.26.4
    ```
    """

    id = "DF004"
    name = "pip-no-cache-dir"
    severity = Severity.WARNING
    see_also = ("hadolint DL3042",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            installs = ctx.stage_facts.installs(stage)
            removals, onbuild_removals = _CacheRemovals(installs.commands), _CacheRemovals(installs.onbuild_commands)
            for install in installs.pip:
                if install.pip.tool == "pip" and install.pip.is_install and not install.no_cache_dir:
                    env = _environment(stage, install.command)
                    if not _handled(install.pip, env, removals):
                        yield self._finding(ctx, install.pip)
            for command in installs.onbuild_commands:
                pip = parse_pip(command)
                if pip is None or pip.tool != "pip" or not pip.is_install or pip.no_cache_dir:
                    continue
                env = _environment(stage, command)
                if env.get("PIP_NO_CACHE_DIR") or _handled(pip, env, onbuild_removals):
                    continue
                yield self._finding(ctx, pip)

    def _finding(self, ctx: RuleContext, pip: PipCommand) -> Finding:
        command = pip.command
        return self.finding(
            ctx, command.line,
            f"`{_shown(pip)}` without --no-cache-dir: pip writes every wheel it downloads or builds into its "
            "cache (~/.cache/pip) in this image layer. Add --no-cache-dir, set PIP_NO_CACHE_DIR=1, or keep the "
            "cache outside the image with `RUN --mount=type=cache,target=/root/.cache/pip`",
            column=command.column,
        )  # fmt: skip


def _shown(pip: PipCommand) -> str:
    """The command up to its subcommand: ``python3 -m pip install``."""
    texts = pip.command.texts()
    end = texts.index(pip.action) + 1 if pip.action in texts else len(texts)
    return " ".join(texts[:end])


def _environment(stage: Stage, command: Command) -> dict[str, str]:
    """ARG/ENV values at the command's RUN (or ONBUILD), overridden by its ``NAME=value`` prefixes."""
    env: dict[str, str] = dict(stage.environment_before(command.instruction, onbuild=True))
    env.update({name: value for name, value in command.assignments if value is not None})
    return env


def _handled(pip: PipCommand, env: Mapping[str, str], removals: _CacheRemovals) -> bool:
    """A cache mount, a cache removed later in the same RUN, or an offline install of local wheels."""
    cache_dir = _cache_dir(pip, env)
    if any(_is_cache_path(target, cache_dir) for target in _cache_mounts(pip.command.instruction, env)):
        return True
    if _offline_wheels(pip):
        return True
    return removals.removed_later(pip.command, cache_dir)


def _cache_dir(pip: PipCommand, env: Mapping[str, str]) -> str | None:
    """The cache folder set with ``--cache-dir`` or ``PIP_CACHE_DIR`` (None for the default)."""
    words = pip.command.words
    for index, word in enumerate(words):
        if word.text.startswith("--cache-dir="):
            return _normal(word.text.split("=", 1)[1]) if word.known else None
        if word.text == "--cache-dir" and index + 1 < len(words):
            return _normal(words[index + 1].text) if words[index + 1].known else None
    value = env.get("PIP_CACHE_DIR")
    return _normal(value) if value else None


def _normal(path: str) -> str:
    path = path.strip()
    return posixpath.normpath(path) if path else path


def _is_cache_path(path: str, cache_dir: str | None) -> bool:
    """``/root/.cache/pip``, ``~/.cache``, ``$HOME/.cache/pip/*`` or the configured cache folder."""
    path = _trimmed(path)
    if not path:
        return False
    normal = _normal(path)
    if cache_dir is not None and normal == cache_dir:
        return True
    return normal == ".cache" or normal.endswith(("/.cache", "/.cache/pip")) or normal == ".cache/pip"


def _removes_cache(path: str, cwd: str | None, cache_dir: str | None) -> bool:
    """An ``rm`` operand that is the pip cache; a relative one is resolved against the command's folder."""
    if path.startswith(("/", "~", "$")):
        return _is_cache_path(path, cache_dir)
    if path.startswith("-") or not path:
        return False
    if cwd is None:  # unknown folder: it may be the home folder
        return _is_cache_path(path, cache_dir)
    resolved = _normal(posixpath.join(cwd, _trimmed(path)))
    return resolved == cache_dir or bool(_HOME_CACHE_RE.match(resolved))


def _trimmed(path: str) -> str:
    """``/root/.cache/pip/*`` -> ``/root/.cache/pip``."""
    while path.endswith(("/*", "/")) and len(path) > 1:
        path = path[:-2] if path.endswith("/*") else path[:-1]
    return path


def _cache_mounts(ins: Instruction, env: Mapping[str, str]) -> list[str]:
    """Targets of the RUN's ``--mount=type=cache`` flags (variables expanded where known)."""
    targets: list[str] = []
    for flag in ins.flags:
        if not flag.startswith("--mount="):
            continue
        fields: dict[str, str] = {}
        for part in flag[len("--mount=") :].split(","):
            key, _, value = part.partition("=")
            fields[key.strip().lower()] = value.strip()
        if fields.get("type") != "cache":
            continue
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        targets.append(_expand(target, env))
    return targets


def _expand(text: str, env: Mapping[str, str]) -> str:
    if "$" not in text:
        return text
    from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

    try:
        return ShellLex().process(text, env).result
    except ShellError:
        return text


def _offline_wheels(pip: PipCommand) -> bool:
    """Only local ``.whl`` files, with ``--no-deps`` or ``--no-index``: nothing to download or build."""
    if pip.requirement_files or not pip.requirements or not any(option in pip.options for option in _OFFLINE):
        return False
    return all(
        requirement.known and requirement.path is not None and requirement.path.lower().endswith(".whl")
        for requirement in pip.requirements
    )


class _CacheRemovals:
    """Which commands of a RUN remove pip's cache, answered once per RUN and cache folder.

    Asking "does a later command of the same RUN remove the cache?" for every install by scanning
    the rest of the RUN would take time quadratic in the number of commands of a long ``&&`` chain.
    """

    def __init__(self, commands: Sequence[Command]) -> None:
        self.commands = commands
        self._position = {id(command): index for index, command in enumerate(commands)}
        self._last: dict[tuple[int, str | None], int] = {}

    def removed_later(self, command: Command, cache_dir: str | None) -> bool:
        """A later command of the same RUN removes the cache (``rm -rf ~/.cache/pip``, ``pip cache purge``)."""
        position = self._position.get(id(command))
        if position is None:
            return False
        key = (id(command.instruction), cache_dir)
        if key not in self._last:
            self._last[key] = max(
                (index for index, other in enumerate(self.commands)
                 if other.instruction is command.instruction and _removes_pip_cache(other, cache_dir)),
                default=-1,
            )  # fmt: skip
        return self._last[key] > position


def _removes_pip_cache(command: Command, cache_dir: str | None) -> bool:
    if command.name == "rm" and any(_removes_cache(word.text, command.cwd, cache_dir) for word in command.args):
        return True
    pip = parse_pip(command)
    if pip is not None and pip.tool == "pip" and pip.action == "cache":
        texts = command.texts()
        return "purge" in texts[texts.index("cache") + 1 :]
    return False
