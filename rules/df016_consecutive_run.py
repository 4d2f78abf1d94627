"""DF016 consecutive-run."""

from __future__ import annotations

from collections.abc import Iterator

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command
from tfimage_lint.syntax.nodes import Instruction


class ConsecutiveRun(Rule):
    """Join consecutive single-command `RUN` instructions into one.

    ## What it does
    Reports a `RUN` that directly follows another `RUN` of the same stage when each of the two
    runs at most one command and both have the same builder flags. The finding points at the
    first line of the later `RUN`; in a row of such `RUN`s each one after the first is reported.
    Comments and blank lines between the two do not separate them; any other instruction
    (`ENV`, `COPY`, `WORKDIR`...) does.

    As in hadolint (DL3059), a `RUN` that already chains several commands (`a && b`, `a; b`,
    `a | b`, an `if`, a command substitution such as `echo $(date)`) is not reported, nor is one
    whose flags differ from its neighbour's (`--mount`, `--network`, `--security`: a
    `RUN --mount=type=cache,...` cannot simply be merged with a `RUN` without that cache). The
    order of flags, and of the options inside a `--mount`, does not matter. Assignments
    (`X=1`) and wrappers (`sudo`, `env`) are not commands of their own.

    Where this differs from hadolint, on purpose: commands in a `sh -c '...'` string, in a
    heredoc body run by the shell (`RUN <<EOF`), and in exec form are counted as the shell
    would run them: `RUN sh -c 'a && b'` runs two commands, and is not reported, while
    `RUN ["a", "&&", "b"]` runs one (`&&` is a plain argument in exec form). A command whose
    name is a variable (`${PIP} install ... && ${PIP} install ...`) counts like any other
    (hadolint leaves such commands out of its count). Heredoc `RUN`s
    are read correctly where hadolint fails to parse the file. `ONBUILD RUN`s are not `RUN`s of
    this image and are not compared.

    ## Why is this bad?
    Every `RUN` adds a layer and a build step. Several trivial `RUN`s in a row make the image
    bigger and slower to pull and build than one `RUN` that chains the commands with `&&`; a
    file removed in a later `RUN` still ships in the earlier layer.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN mkdir -p /app/data
    RUN useradd --create-home app
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    RUN mkdir -p /app/data \\
        && useradd --create-home app
    ```
    """

    id = "DF016"
    name = "consecutive-run"
    severity = Severity.INFO
    families = frozenset()
    see_also = ("hadolint DL3059",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            counts: dict[int, int] = {}
            for command in ctx.stage_facts.installs(stage).commands:
                if _is_command(command):
                    counts[id(command.instruction)] = counts.get(id(command.instruction), 0) + 1
            previous: Instruction | None = None
            for ins in stage.instructions:
                if ins.keyword != "run":
                    previous = None
                    continue
                if (
                    previous is not None
                    and counts.get(id(previous), 0) <= 1
                    and counts.get(id(ins), 0) <= 1
                    and _flags(previous) == _flags(ins)
                ):
                    yield self.finding(
                        ctx,
                        ins,
                        f"this RUN and the RUN at line {previous.start_line} each run at most one command: "
                        "join them into one RUN with `&&` (one layer and one build step instead of two)",
                    )
                previous = ins


def _is_command(command: Command) -> bool:
    """A command the shell runs (not a bare ``X=1`` assignment)."""
    return bool(command.words)


def _flags(ins: Instruction) -> tuple[tuple[str, str], ...]:
    """The builder flags, order-free; the options of a ``--mount`` order-free too."""
    normalised: list[tuple[str, str]] = []
    for flag in ins.flags:
        name, _, value = flag.lstrip("-").partition("=")
        name = name.lower()
        if name == "mount":
            value = ",".join(sorted(part.strip() for part in value.split(",") if part.strip()))
        normalised.append((name, value))
    return tuple(sorted(normalised))
