"""DF013 pipe-without-pipefail.

The shared shell analysis (``tfimage_lint.shell``) does not record pipelines, so this rule
reads the RUN's shell code itself with tree-sitter-bash (the parser the shared analysis uses),
following ``sh -c`` strings and heredoc bodies fed to a shell, and a quote-aware scan where
tree-sitter cannot parse the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell.command import Word
from tfimage_lint.shell.script import DEFAULT_SHELL, POSIX_SHELLS, text_locator
from tfimage_lint.shell.treesitter import MAX_SUBSTITUTION_DEPTH, SUBSTITUTIONS, ByteOffsets, bash_parser
from tfimage_lint.shell.wrappers import unwrap
from tfimage_lint.syntax.nodes import Heredoc, Instruction

Locator = Callable[[int], tuple[int, int]]
#: ``sh -c`` strings are followed this deep.
_MAX_DEPTH = 8
#: Nodes whose commands run in a subshell that inherits the shell's options.
_SUBSHELLS = frozenset({"subshell", "command_substitution", "process_substitution"})
#: Children of a ``command`` node that are not its words.
_NOT_WORDS = frozenset({"variable_assignment", "file_redirect", "heredoc_redirect", "herestring_redirect", "comment"})
_SET_PIPEFAIL_RE = re.compile(r"(?<![\w-])set\s+(?:[-+][A-Za-z]+\s+)*-[A-Za-z]*o\s+pipefail\b")
_SNIPPET = 60
_BASH_SHELL = '`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`'


@dataclass(frozen=True, slots=True)
class _Shell:
    """The shell that runs shell-form RUNs: a ``SHELL`` instruction's words, or the default."""

    words: tuple[str, ...] = DEFAULT_SHELL
    line: int | None = None

    @property
    def name(self) -> str:
        """``bash`` for ``/bin/bash`` (and for ``/usr/bin/env bash``)."""
        words = self.words
        if words and _basename(words[0]) == "env" and len(words) > 1:
            words = words[1:]
        return _basename(words[0]) if words else ""

    @property
    def pipefail(self) -> bool:
        """The shell is started with ``-o pipefail``."""
        return _pipefail_option(self.words[1:]) is True

    def describe(self) -> str:
        """How the message names the shell."""
        if self.line is None:
            return "the default shell (`/bin/sh -c`)"
        return f"the shell `{' '.join(self.words)}` (SHELL at line {self.line})"


@dataclass(frozen=True, slots=True)
class _Pipe:
    """A pipeline that runs without pipefail: where its first command starts, and in which shell."""

    line: int
    column: int
    text: str
    #: "" for the RUN's own shell, else the child shell it runs in (e.g. "a `bash -c` string").
    child: str = ""
    #: How to fix it in that child shell.
    fix: str = ""


@dataclass(slots=True)
class _Scope:
    pipefail: bool


class PipeWithoutPipefail(Rule):
    """Set `pipefail` before a `RUN` that pipes one command into another.

    ## What it does
    Reports a `RUN` with a pipe (`a | b`, `a |& b`) that runs in a POSIX shell without the
    `pipefail` option, pointing at the first command of the first such pipe: its physical line
    inside a multi-line `RUN` or heredoc, and its column. One finding per `RUN`; the message
    counts the others.

    Counted as handled (no finding):
    - a `SHELL` with `-o pipefail` earlier in the stage (also `-eo pipefail`, `-euxo pipefail`,
      `-c -o pipefail`), including one set in the stage it is built `FROM`; a later
      `SHELL` without it undoes it;
    - `set -o pipefail` (or `set -eo pipefail`, `set -euo pipefail`, `shopt -so pipefail`)
      earlier in the same shell of the `RUN`, before the pipe; one inside a `( ... )` subshell
      or after the pipe does not count. With `/bin/sh` being dash (Debian, Ubuntu), that
      `set` fails the build loudly instead of hiding failures;
    - a `SHELL` that is not a POSIX shell (`pwsh`, `powershell`, `cmd`, `fish`, `python`...):
      its pipes have no `pipefail` to set.

    Not reported either: a pipe fed only by `yes` (`yes | apt-get install ...`): `yes` is
    killed by SIGPIPE when the reader exits, so under `pipefail` that pipe would fail the build.

    Pipes inside `$(...)` and `<(...)` are reported (they run with the shell's options, and
    `VAR=$(curl ... | sha256sum)` hides a failed `curl` the same way). `||` is not a pipe, nor
    is a quoted `|` (`echo 'a | b'`), nor a `|` word of an exec-form `RUN ["a", "|", "b"]`
    (no shell runs it). Heredoc bodies run by the shell (`RUN <<EOF`) are read as shell code,
    with the line of the pipe inside them.

    More precise than hadolint (DL4006), on purpose: child shells do not inherit `pipefail`
    from `SHELL`, so a pipe inside `bash -c "..."` / `sh -c '...'` / `su -c`, in a heredoc fed
    to `bash` (`RUN bash <<EOF`) or in a `#!/bin/bash` heredoc script (BuildKit runs it
    directly, not through `SHELL`) is reported unless that shell gets `-o pipefail` itself or
    runs `set -o pipefail` first. A `SHELL` set in the stage a stage is built `FROM` counts,
    and `set -o pipefail` in the `RUN` counts. An `ONBUILD RUN` is checked with the stage's
    last `SHELL`, the one its child build runs it with. A `SHELL` set inside an external base
    image is not known, and Windows images (whose default shell is `cmd`) are not recognised:
    set `SHELL` explicitly there.

    ## Why is this bad?
    A pipeline's exit status is that of its last command. In `curl -fsSL URL | tar -xz` a
    failed download still lets the `RUN` (and the build) succeed, with an empty or partial
    result baked into the image; `wget -qO- URL | bash` can run half a script. With
    `pipefail` the pipeline fails when any of its commands fails.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN pip freeze | grep -i numpy > /numpy-version.txt
    ```

    ```dockerfile
    FROM python:3.11-slim
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN bash -c "curl -fsSL https://example.com/install.sh | sh"
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN pip freeze | grep -i numpy > /numpy-version.txt
    RUN bash -o pipefail -c "curl -fsSL https://example.com/install.sh | sh"
    ```
    """

    id = "DF013"
    name = "pipe-without-pipefail"
    severity = Severity.WARNING
    families = frozenset()
    see_also = ("hadolint DL4006",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        final_shells: list[_Shell] = []
        for stage in ctx.dockerfile.stages:
            shell = _Shell()
            parent = stage.base.stage_index if stage.base.kind is BaseKind.STAGE else None
            if parent is not None and 0 <= parent < len(final_shells):
                shell = final_shells[parent]
            runs: list[tuple[Instruction, _Shell]] = []
            onbuild: list[Instruction] = []
            for ins in stage.instructions:
                if ins.keyword == "shell" and ins.is_json and ins.args:
                    shell = _Shell(tuple(ins.args), ins.start_line)
                elif ins.keyword == "run":
                    runs.append((ins, shell))
                elif ins.keyword == "onbuild" and ins.sub is not None and ins.sub.keyword == "run":
                    onbuild.append(ins.sub)
            final_shells.append(shell)
            for ins, run_shell in runs:
                yield from self._run(ctx, ins, run_shell, onbuild=False)
            for ins in onbuild:  # the child build runs it with this image's SHELL
                yield from self._run(ctx, ins, shell, onbuild=True)

    def _run(self, ctx: RuleContext, ins: Instruction, shell: _Shell, *, onbuild: bool) -> Iterator[Finding]:
        try:
            pipes = _run_pipes(ins, shell)
        except (RecursionError, ValueError, UnicodeError):  # odd input: nothing we can know
            return
        if not pipes:
            return
        pipes.sort(key=lambda pipe: (pipe.line, pipe.column))
        first = pipes[0]
        run = "ONBUILD RUN" if onbuild else "RUN"
        if first.child:
            message = (
                f"`{first.text}` is a pipe in {first.child} without `pipefail` (SHELL's options do not reach that "
                f"shell): the {run} succeeds even when a command before the last `|` fails; {first.fix}"
            )
        else:
            message = (
                f"`{first.text}` is a pipe run by {shell.describe()} without `pipefail`: the {run} succeeds even "
                f"when a command before the last `|` fails; put {_BASH_SHELL} before it (`/bin/ash` on Alpine), or "
                "start the RUN with `set -o pipefail &&` (bash, ash)"
            )
        if len(pipes) > 1:
            lines = ", ".join(str(line) for line in dict.fromkeys(pipe.line for pipe in pipes[1:]))
            message += f" (and {len(pipes) - 1} more pipe(s) without pipefail in this {run}, line {lines})"
        yield self.finding(ctx, first.line, message, column=first.column)


# -- the units of shell code of one RUN ----------------------------------------------------------


def _run_pipes(ins: Instruction, shell: _Shell) -> list[_Pipe]:
    """Every pipeline of the RUN that runs without pipefail."""
    if ins.is_json:
        args = [word.text for word in unwrap(tuple(Word(arg, arg, 0, 0) for arg in ins.args))[0]]
        child = _dash_c(args)
        if child is None:
            return []  # exec form: no shell, a `|` word is an argument
        index, pipefail, label, fix = child
        start = len(ins.original) - len(ins.rest)
        return _scan(args[index], _json_locator(ins, args[index], start), pipefail, label, fix, 1)[0]
    if shell.name not in POSIX_SHELLS:
        return []
    text = ins.rest
    blanked = _blank_heredoc_markers(text, ins.heredocs) if ins.heredocs else text
    pipes, commands = _scan(blanked, _logical_locator(ins), shell.pipefail, "", "", 0, shown=text)
    for heredoc in ins.heredocs:
        if heredoc.file_descriptor != 0:
            continue
        unit = _heredoc_unit(heredoc, text, blanked, commands, shell)
        if unit is not None:
            pipefail, label, fix = unit
            locate = text_locator(heredoc.content, heredoc.start_line, 1)
            pipes.extend(_scan(heredoc.content, locate, pipefail, label, fix, 1)[0])
    return pipes


def _heredoc_unit(
    heredoc: Heredoc, text: str, blanked: str, commands: list[tuple[int, tuple[str, ...]]], shell: _Shell
) -> tuple[bool, str, str] | None:
    """(pipefail at its start, child label, fix) when the heredoc body is shell code; None otherwise."""
    if not blanked.strip():  # the whole RUN: BuildKit runs it with SHELL, or a #! script directly
        if not heredoc.content.startswith("#!"):
            return shell.pipefail, "", ""
        shebang = heredoc.content.split("\n", 1)[0]
        interpreter = shebang[2:].split()
        split = False  # the kernel passes `#!/bin/bash -o pipefail` as one argument; `env -S` splits it
        if interpreter and _basename(interpreter[0]) == "env":
            interpreter = interpreter[1:]
            while interpreter and interpreter[0].startswith("-"):
                split = split or interpreter[0].startswith(("-S", "--split-string"))
                interpreter = interpreter[1:]
        if not interpreter or _basename(interpreter[0]) not in POSIX_SHELLS:
            return None
        return (
            split and _pipefail_option(interpreter[1:]) is True,
            f"the `{_short(shebang)}` heredoc script, which BuildKit runs directly,",
            "add `set -o pipefail` at the top of the script",
        )
    match = re.search(r"\d*<<-?\s*([\"']?)" + re.escape(heredoc.name) + r"\1", text)
    if match is None:
        return None
    readers = [(offset, words) for offset, words in commands if offset <= match.start()]
    if not readers:
        return None
    words = list(unwrap(tuple(Word(word, word, 0, 0) for word in max(readers)[1]))[0])
    if not words or _basename(words[0].text) not in POSIX_SHELLS:
        return None
    options = _shell_options([word.text for word in words])
    if options is None:
        return None
    name = _basename(words[0].text)
    return (
        _pipefail_option(options) is True,
        f"a heredoc run by `{name}`",
        f"use `{name} -o pipefail <<{heredoc.name}` or make `set -o pipefail` the heredoc's first line",
    )


def _scan(
    text: str, locate: Locator, pipefail: bool, child: str, fix: str, depth: int, *, shown: str | None = None
) -> tuple[list[_Pipe], list[tuple[int, tuple[str, ...]]]]:
    """Pipelines without pipefail in one script, and its commands as (offset, words).

    ``shown`` is the text as written, when ``text`` had its heredoc markers blanked.
    """
    parser = bash_parser()
    data = text.encode("utf-8", errors="surrogatepass")
    tree = parser.parse(data) if parser is not None else None
    if tree is None or tree.root_node.has_error:
        return _fallback(text, locate, pipefail, child, fix), []
    offsets = ByteOffsets(text, data)
    pipes: list[_Pipe] = []
    commands: list[tuple[int, tuple[str, ...]]] = []
    # (node, scope, substitutions around it): deeper substitutions are skipped, as the shell analysis does
    stack: list[tuple[Any, _Scope, int]] = [(tree.root_node, _Scope(pipefail), 0)]
    while stack:  # iterative: deep `&&` chains cannot overflow
        node, scope, nesting = stack.pop()
        kind = node.type
        if kind in _SUBSHELLS:  # options are inherited, a `set` inside does not come back
            if kind in SUBSTITUTIONS:
                nesting += 1
                if nesting > MAX_SUBSTITUTION_DEPTH:
                    continue
            inner = _Scope(scope.pipefail)
            stack.extend((node_child, inner, nesting) for node_child in reversed(node.children))
            continue
        if kind == "pipeline" and not scope.pipefail and not _fed_by_yes(node):
            start = offsets.char(_pipeline_start(node))
            line, column = locate(start)
            source = (shown or text)[start : offsets.char(node.end_byte)]
            pipes.append(_Pipe(line, column, _snippet(source), child, fix))
        elif kind == "command":
            texts, nodes = _words(node)
            if texts:
                commands.append((offsets.char(node.start_byte), tuple(texts)))
                pipes.extend(_command(texts, nodes, scope, locate, offsets, depth))
        stack.extend((node_child, scope, nesting) for node_child in reversed(node.children))
    return pipes, commands


def _command(
    texts: list[str], nodes: list[Any], scope: _Scope, locate: Locator, offsets: ByteOffsets, depth: int
) -> list[_Pipe]:
    """Apply a ``set``/``shopt`` to the scope; scan the script of a ``sh -c``."""
    inner = unwrap(tuple(Word(text, text, 0, 0) for text in texts))[0]
    skipped = len(texts) - len(inner)
    words = [word.text for word in inner]
    if not words:
        return []
    name = _basename(words[0])
    if name == "set":
        state = _pipefail_option(words[1:])
        if state is not None:
            scope.pipefail = state
        return []
    if name == "shopt":
        state = _shopt_pipefail(words[1:])
        if state is not None:
            scope.pipefail = state
        return []
    child = _dash_c(words) if depth < _MAX_DEPTH else None
    if child is None:
        return []
    index, pipefail, label, fix = child
    script = _script_of(nodes[skipped + index])
    if script is None:
        return []
    content, base = script
    start = offsets.char(base)
    return _scan(content, lambda offset: locate(start + offset), pipefail, label, fix, depth + 1)[0]


# -- shells and their options --------------------------------------------------------------------


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _pipefail_option(words: Sequence[str]) -> bool | None:
    """The last ``-o pipefail`` (True) / ``+o pipefail`` (False) among shell or ``set`` options, else None."""
    state: bool | None = None
    for index, word in enumerate(words[:-1]):
        if len(word) > 1 and word[0] in "-+" and word[1] != "-" and "o" in word[1:] and words[index + 1] == "pipefail":
            state = word[0] == "-"
    return state


def _shopt_pipefail(words: Sequence[str]) -> bool | None:
    """``shopt -s -o pipefail`` / ``shopt -so pipefail`` -> True, ``-u`` -> False."""
    options = "".join(word[1:] for word in words if word.startswith("-"))
    if "pipefail" not in words or "o" not in options:
        return None
    if "s" in options:
        return True
    return False if "u" in options else None


def _shell_options(words: Sequence[str]) -> list[str] | None:
    """The options of a shell that reads its script from stdin (``bash -o pipefail``); None for ``-c`` or a file."""
    options: list[str] = []
    index = 1
    while index < len(words):
        word = words[index]
        if word in ("-", "--") or len(word) < 2 or word[0] not in "-+":
            break
        options.append(word)
        if word.startswith("--"):
            index += 2 if word in ("--rcfile", "--init-file") else 1
            continue
        if word[0] == "-" and "c" in word[1:]:
            return None
        if ("o" in word[1:] or "O" in word[1:]) and index + 1 < len(words):
            options.append(words[index + 1])
            index += 1
        index += 1
    reads_stdin = any(option[0] == "-" and not option.startswith("--") and "s" in option[1:] for option in options)
    if index < len(words) and words[index] not in ("-", "--") and not reads_stdin:
        return None  # ``bash script.sh``: the heredoc is the script's stdin, not shell code
    return options


def _dash_c(words: Sequence[str]) -> tuple[int, bool, str, str] | None:
    """(index of the script word, pipefail at its start, label, fix) for ``sh -c '...'`` / ``su -c '...'``."""
    if not words:
        return None
    name = _basename(words[0])
    if name in ("su", "runuser"):
        for index, word in enumerate(words[1:-1], start=1):
            if word in ("-c", "--command"):
                return index + 1, False, f"a `{name} -c` string", "start the string with `set -o pipefail;`"
        return None
    if name not in POSIX_SHELLS:
        return None
    options: list[str] = []
    seen_c = False
    index = 1
    while index < len(words):
        word = words[index]
        if word == "--":
            index += 1
            break
        if len(word) < 2 or word[0] not in "-+":
            break
        options.append(word)
        if word.startswith("--"):
            index += 2 if word in ("--rcfile", "--init-file") else 1
            continue
        if word[0] == "-" and "c" in word[1:]:
            seen_c = True
        if ("o" in word[1:] or "O" in word[1:]) and index + 1 < len(words):
            options.append(words[index + 1])
            index += 2
            continue
        index += 1
    if not seen_c or index >= len(words):
        return None
    shell = "bash" if name in ("sh", "dash") else name  # dash, often /bin/sh, has no pipefail
    return (
        index,
        _pipefail_option(options) is True,
        f"a `{name} -c` string",
        f"use `{shell} -o pipefail -c`, or start the string with `set -o pipefail;` (bash, ash)",
    )


# -- tree-sitter ---------------------------------------------------------------------------------


def _words(node: Any) -> tuple[list[str], list[Any]]:
    """A ``command`` node's words (quotes removed where simple) and their nodes."""
    texts: list[str] = []
    nodes: list[Any] = []
    for child in node.named_children:
        if child.type in _NOT_WORDS:
            continue
        word = child.named_children[0] if child.type == "command_name" and child.named_children else child
        raw = word.text.decode("utf-8", errors="replace")
        if word.type in ("raw_string", "string") and len(raw) >= 2:
            raw = raw[1:-1]
        texts.append(raw)
        nodes.append(word)
    return texts, nodes


def _script_of(node: Any) -> tuple[str, int] | None:
    """The text of a ``-c`` script word as written, and the byte offset where it starts."""
    raw = node.text.decode("utf-8", errors="replace")
    if node.type in ("raw_string", "string") and len(raw) >= 2:
        return raw[1:-1], node.start_byte + 1
    if node.type == "word":
        return raw, node.start_byte
    return None


def _fed_by_yes(node: Any) -> bool:
    """Every command before the last ``|`` is ``yes`` (which pipefail would turn into a failure)."""
    parts = [child for child in node.named_children if child.type != "comment"]
    if len(parts) < 2:
        return False
    for part in parts[:-1]:
        if part.type != "command":
            return False
        texts = _words(part)[0]
        inner = unwrap(tuple(Word(text, text, 0, 0) for text in texts))[0]
        if not inner or _basename(inner[0].text) != "yes":
            return False
    return True


def _pipeline_start(node: Any) -> int:
    """Where a pipeline's first command starts (for ``cat <<X | sh``, the statement holding the heredoc)."""
    if node.children and node.children[0].type in ("|", "|&"):
        parent = node.parent
        while parent is not None and parent.type != "redirected_statement":
            parent = parent.parent
        if parent is not None:
            return parent.start_byte
    return node.start_byte


# -- text that tree-sitter cannot parse ----------------------------------------------------------


def _fallback(text: str, locate: Locator, pipefail: bool, child: str, fix: str) -> list[_Pipe]:
    """The first unquoted ``|`` (not ``||``), unless ``set -o pipefail`` comes before it."""
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "'":
            end = text.find("'", index + 1)
            index = length if end < 0 else end + 1
            continue
        if char == '"':
            index = _closing_double_quote(text, index + 1)
            continue
        if char == "#" and (index == 0 or text[index - 1] in " \t\n;&|("):
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        if char == "|":
            if text.startswith("||", index):
                index += 2
                continue
            if index > 0 and text[index - 1] == ">":  # `>|` overwrites a file
                index += 1
                continue
            if pipefail or _SET_PIPEFAIL_RE.search(text, 0, index):
                return []
            start = _statement_start(text, index)
            if re.fullmatch(r"yes(?:\s+\S+)*\s*", text[start:index]):
                index += 1
                continue
            end = re.compile(r";|&&|\|\||(?<!\\)\n").search(text, index + 1)
            line, column = locate(start)
            return [_Pipe(line, column, _snippet(text[start : end.start() if end else length]), child, fix)]
        index += 1
    return []


def _closing_double_quote(text: str, index: int) -> int:
    length = len(text)
    while index < length:
        if text[index] == "\\":
            index += 2
        elif text[index] == '"':
            return index + 1
        else:
            index += 1
    return length


def _statement_start(text: str, pipe: int) -> int:
    """The start of the command before the ``|`` at ``pipe`` (best effort)."""
    index = pipe
    while index > 0:
        char = text[index - 1]
        if char in ";&|(" or (char == "\n" and not text[: index - 1].endswith("\\")):
            break
        index -= 1
    while True:
        while index < pipe and text[index] in " \t\r\n\\":
            index += 1
        word = re.match(r"(?:then|do|else|elif|if|while|until|!|\{)(?=\s)", text[index:pipe])
        if word is None:
            return index
        index += word.end()


# -- locations and snippets ----------------------------------------------------------------------


def _snippet(text: str) -> str:
    """One line of at most ``_SNIPPET`` characters (continuations joined)."""
    flat = " ".join(text.replace("\\\n", " ").split())
    return _short(flat)


def _short(text: str) -> str:
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 3] + "..."


def _blank_heredoc_markers(text: str, heredocs: Sequence[Heredoc]) -> str:
    """``bash <<EOF`` -> ``bash      ``: the marker blanked, offsets kept."""
    for heredoc in heredocs:
        pattern = re.compile(r"\d*<<-?\s*([\"']?)" + re.escape(heredoc.name) + r"\1")
        text = pattern.sub(lambda match: " " * len(match.group(0)), text, count=1)
    return text


def _logical_locator(ins: Instruction) -> Locator:
    rest, original = ins.rest, ins.original
    base = len(original) - len(rest) if original.endswith(rest) else max(original.find(rest), 0)
    return lambda offset: ins.locate(base + offset)


def _json_locator(ins: Instruction, arg: str, start: int) -> Locator:
    """Offsets in an exec-form argument to the file, when it is written without escapes."""
    quoted = json.dumps(arg, ensure_ascii=False)
    index = ins.original.find(quoted, start)
    if index < 0 or quoted != f'"{arg}"':
        first = ins.locate(start)
        return lambda offset: first
    return lambda offset: ins.locate(index + 1 + offset)
