"""DF003 apt-lists-not-cleaned."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.packages import parse_system
from tfimage_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.model.dockerfile import Stage
    from tfimage_lint.shell import Command
    from tfimage_lint.shell.command import Word
    from tfimage_lint.syntax.nodes import Instruction

_LISTS = "/var/lib/apt/lists"
#: Paths whose removal takes the package lists with it (after ``/*`` and trailing ``/`` are dropped).
_REMOVES_LISTS = frozenset({_LISTS, "/var/lib/apt"})
#: ``--mount`` types that keep what is written under their target out of the layer.
_MOUNT_TYPES = frozenset({"cache", "tmpfs", "bind"})
#: Ubuntu code names older than 18.04 (``ubuntu:xenial``).
_UBUNTU_NAMES = {"xenial": "16.04", "trusty": "14.04", "precise": "12.04", "zesty": "17.04", "artful": "17.10",
                 "yakkety": "16.10", "wily": "15.10", "vivid": "15.04", "utopic": "14.10"}  # fmt: skip


def _refreshes_lists(command: Command, old_ubuntu: bool) -> bool:
    """``apt-get update`` / ``apt update`` / ``aptitude update``, or ``add-apt-repository`` that updates.

    ``add-apt-repository`` updates the lists unless given ``-n``; before Ubuntu 18.04 only with ``-u``.
    """
    if command.name == "add-apt-repository":
        texts = [word.text for word in command.args]
        if old_ubuntu:
            return any(text in ("-u", "--update") for text in texts)
        return not any(text in ("-n", "--no-update") for text in texts)
    system = parse_system(command)
    return system is not None and system.family == "apt" and system.action == "update"


def _covers_lists(path: str, cwd: str | None) -> bool:
    """Whether removing ``path`` removes the package lists."""
    if not path.startswith("/"):
        if cwd is None or not cwd.startswith("/"):
            return False
        path = posixpath.join(cwd, path)
    path = posixpath.normpath(path)
    if path.endswith("/*"):
        path = path[:-2]
    return path in _REMOVES_LISTS


def _removes_lists(command: Command) -> bool | None:
    """True when the command removes the lists, None when it may (an unknown path), False otherwise."""
    if command.name == "rm":
        paths = [word for word in command.args if word.text == "--" or not word.text.startswith("-")]
    elif command.name == "find":
        texts = command.texts()
        if "-delete" not in texts and not ("-exec" in texts and "rm" in texts):
            return False
        paths = [word for word in command.args if word.text.startswith("/")]
    else:
        system = parse_system(command)
        # apt 2.7.8+: ``apt-get distclean`` removes the lists too.
        return system is not None and system.family == "apt" and system.subcommand == "distclean"
    if any(_covers_lists(word.text, command.cwd) for word in paths if word.known):
        return True
    return None if any(_may_cover_lists(word) for word in paths if not word.known) else False


def _may_cover_lists(word: Word) -> bool:
    """An unknown path (``$LISTS``, ``/var/lib/apt/$X``) that may be the lists; ``/tmp/$X`` cannot."""
    prefix = word.raw.lstrip("\"'").split("$", 1)[0]
    return not prefix or _LISTS.startswith(prefix) or prefix.startswith(_LISTS)


def _old_ubuntu(ctx: RuleContext, stage: Stage) -> bool:
    """Whether the stage's root base is known to be Ubuntu older than 18.04 (16.04, 14.04...)."""
    release: str | None = None
    image = ctx.stage_facts.of(stage).image
    if image is not None and image.familiar_name == "ubuntu" and image.tag:
        release = _UBUNTU_NAMES.get(image.tag.split("-", 1)[0], image.tag.split("-", 1)[0])
    else:
        known = ctx.stage_facts.image_facts(stage)
        release = known.ubuntu.value if known is not None else None
    match = re.match(r"^(\d+)\.(\d+)", release or "")
    return match is not None and (int(match[1]), int(match[2])) < (18, 4)


def _mounts_lists(instruction: Instruction) -> bool:
    """A ``--mount`` whose target is the lists folder or a folder above it (``/var/lib/apt``)."""
    for flag in instruction.flags:
        if not flag.startswith("--mount="):
            continue
        fields = dict(part.partition("=")[::2] for part in flag.removeprefix("--mount=").split(","))
        kind = fields.get("type", "bind")
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if kind not in _MOUNT_TYPES or not target:
            continue
        target = posixpath.normpath(target.strip("\"'"))
        if target == _LISTS or _LISTS.startswith(target.rstrip("/") + "/"):
            return True
    return False


def _uncleaned_refresh(commands: Sequence[Command], old_ubuntu: bool) -> Command | None:
    """The first list refresh of one RUN's commands when no removal of the lists follows the last one."""
    first: Command | None = None
    cleaned: bool | None = False
    for command in commands:
        if _refreshes_lists(command, old_ubuntu):
            first = first or command
            cleaned = False
        elif first is not None and cleaned is not True:
            removes = _removes_lists(command)
            if removes is not False:
                cleaned = removes
    return first if cleaned is False else None


class AptListsNotCleaned(Rule):
    """Remove the apt package lists in the RUN that downloads them.

    ## What it does
    Reports a RUN of the final image that refreshes the apt package lists (`apt-get update`,
    `apt update`, `aptitude update`, or `add-apt-repository` without `-n`, which runs an update
    since Ubuntu 18.04; on a base known to be older, only with `-u`)
    and does not remove them in the same RUN, after the last refresh: `rm -rf /var/lib/apt/lists/*`
    (or `/var/lib/apt/lists`, `/var/lib/apt/lists/`, `/var/lib/apt`, among other paths),
    `find /var/lib/apt/lists ... -delete` or `apt-get distclean`. `apt-get clean` alone does not
    count: it empties `/var/cache/apt/archives`, not the lists. Reported once per RUN, at the first
    refresh command (its own line inside a multi-line RUN or heredoc).

    Only the stages whose layers end up in the final image are checked: the last stage of the
    file and the stages it is built `FROM` (the lists of a stage that is only copied from with
    `COPY --from` do not reach the final image). A build with `--target` may end on another
    stage; a linter cannot know which, so the last stage counts as the final image, as in
    hadolint. Not reported either when the RUN mounts the lists
    (`--mount=type=cache,target=/var/lib/apt/lists`, or a cache, tmpfs or bind mount on
    `/var/lib/apt`): they never reach the layer. A cache mount on `/var/cache/apt` alone does not
    cover the lists. `ONBUILD RUN` is not checked (it runs in another build). A removal
    through an unknown variable (`rm -rf $LISTS`, `rm -rf /var/lib/apt/$X`) is taken as a removal
    (`rm -rf /tmp/$X` is not).

    Differences from hadolint DL3009: a removal before the refresh does not count; a mount on
    `/var/lib/apt`, `find ... -delete` and `apt-get distclean` count; `add-apt-repository`, `sudo`
    and `sh -c` refreshes are seen; the finding points at the refresh's line.
    An `apt-get install` with no refresh in the same RUN is not reported: it does not download
    lists, and removing them in a later RUN than the one that downloaded them saves nothing.

    ## Why is this bad?
    `apt-get update` downloads the package lists of every configured repository, tens of
    megabytes (more with NVIDIA's CUDA repository), into `/var/lib/apt/lists`. Left there they
    are part of the layer and of every image built on it, and a later `RUN rm` cannot shrink an
    earlier layer.

    ## Example
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12.5
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    """

    id = "DF003"
    name = "apt-lists-not-cleaned"
    severity = Severity.INFO
    see_also = ("hadolint DL3009",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        stages = ctx.dockerfile.stages
        if not stages:
            return
        for installs in ctx.stage_facts.installs(stages[-1]).chain():
            old_ubuntu = _old_ubuntu(ctx, installs.stage)
            by_run: dict[int, list[Command]] = {}
            runs: dict[int, Instruction] = {}
            for command in installs.commands:
                by_run.setdefault(id(command.instruction), []).append(command)
                runs[id(command.instruction)] = command.instruction
            for key, commands in by_run.items():
                if _mounts_lists(runs[key]):
                    continue
                refresh = _uncleaned_refresh(commands, old_ubuntu)
                if refresh is None:
                    continue
                if refresh.name == "add-apt-repository":
                    label = "add-apt-repository (it runs apt-get update)"
                else:
                    label = f"{refresh.name} update"
                message = (
                    f"{label} downloads the package lists into /var/lib/apt/lists and this RUN does not remove "
                    "them: they stay in the final image (a later RUN cannot shrink this layer); end the same RUN "
                    "with && rm -rf /var/lib/apt/lists/* (or use a cache mount on /var/lib/apt/lists)"
                )
                yield self.finding(ctx, refresh.line, message, column=refresh.column)
