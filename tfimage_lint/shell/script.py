"""From a RUN instruction to the simple commands it runs, each with its own line.

Shell form (and heredoc bodies fed to a shell, and ``sh -c '...'`` strings) go through
tree-sitter-bash; text it cannot parse goes through a best-effort split. Exec form is taken
word for word. Variables are expanded from the ARG/ENV values known at the RUN and from shell
assignments earlier in the same RUN; ``cd`` moves the working directory of later commands.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence

from tfimage_lint.shell.command import Command, Word
from tfimage_lint.shell.fallback import split_script
from tfimage_lint.shell.raw import RawCommand, RawWord
from tfimage_lint.shell.treesitter import parse_script
from tfimage_lint.shell.wrappers import basename, unwrap
from tfimage_lint.syntax.nodes import Heredoc, Instruction
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex, ShellResult

#: Shells whose ``-c`` strings and stdin scripts are shell code.
POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
DEFAULT_SHELL = ("/bin/sh", "-c")
#: Nested ``sh -c`` strings are followed this deep.
_MAX_DEPTH = 8
_ASSIGNMENT_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\+?=(.*)$", re.DOTALL)

Locator = Callable[[int], tuple[int, int]]


class _Context:
    """State carried through one RUN: variables, working directory, the instruction."""

    def __init__(self, instruction: Instruction, env: Mapping[str, str], cwd: str | None, onbuild: bool) -> None:
        self.instruction = instruction
        self.env = dict(env)
        self.cwd = cwd
        self.onbuild = onbuild
        self.commands: list[Command] = []
        #: A ``cd``'s operands, applied once the command's own substitutions have run.
        self.pending_cd: tuple[Word, ...] | None = None
        self.scopes: list[tuple[str | None, dict[str, str]]] = []

    def settle(self) -> None:
        """Apply a pending ``cd``."""
        if self.pending_cd is not None:
            operands, self.pending_cd = self.pending_cd, None
            _change_directory(self, operands)


def run_commands(
    instruction: Instruction,
    env: Mapping[str, str] | None = None,
    *,
    shell: Sequence[str] = DEFAULT_SHELL,
    cwd: str | None = None,
    onbuild: bool = False,
) -> list[Command]:
    """The simple commands a RUN executes, in order (``instruction`` is the RUN, not its ONBUILD)."""
    ctx = _Context(instruction, env or {}, cwd, onbuild)
    if instruction.is_json:
        _exec_form(ctx)
    elif not shell or basename_of(shell[0]) not in POSIX_SHELLS:
        _script(ctx, instruction.rest, _logical_locator(instruction), exact=False)
    else:
        _shell_form(ctx)
    return ctx.commands


def basename_of(path: str) -> str:
    """``/bin/bash`` -> ``bash``."""
    return path.rsplit("/", 1)[-1]


# -- the three forms ---------------------------------------------------------------------------


def _exec_form(ctx: _Context) -> None:
    ins = ctx.instruction
    start = len(ins.original) - len(ins.rest)
    line, column = ins.locate(start)
    words = tuple(Word(arg, arg, line, column, origin=_json_origin(ins, arg, start)) for arg in ins.args)
    script = _dash_c_script(words)
    if script is not None:
        _script(ctx, script.text, _word_locator(script), depth=1)
        return
    _emit(ctx, words, (), line, column, nested=False, exact=True, depth=0)


def _json_origin(ins: Instruction, arg: str, start: int) -> Locator | None:
    """Where a JSON array element's text lies in the source, when it is written without escapes."""
    index = ins.original.find(f'"{arg}"', start)
    if index < 0 or "\\" in arg:
        return None
    return lambda offset: ins.locate(index + 1 + offset)


def _shell_form(ctx: _Context) -> None:
    ins = ctx.instruction
    text = ins.rest
    if ins.heredocs:
        text = _blank_heredoc_markers(text, ins.heredocs)
    before = len(ctx.commands)
    _script(ctx, text, _logical_locator(ins))
    first = ctx.commands[before] if len(ctx.commands) > before else None
    for heredoc in ins.heredocs:
        if heredoc.file_descriptor == 0 and _feeds_shell(first, heredoc, bool(text.strip())):
            _script(ctx, heredoc.content, _heredoc_locator(heredoc))


def _script(ctx: _Context, text: str, locate: Locator, *, exact: bool = True, depth: int = 0) -> None:
    raw = parse_script(text) if exact else None
    commands = raw if raw is not None else split_script(text)
    for command in commands:
        if command.scope:
            ctx.settle()
            if command.scope == "enter":
                ctx.scopes.append((ctx.cwd, dict(ctx.env)))
            elif ctx.scopes:
                ctx.cwd, ctx.env = ctx.scopes.pop()
            continue
        if not command.nested:
            ctx.settle()
        _evaluate(ctx, command, locate, depth)
    ctx.settle()


# -- one command -----------------------------------------------------------------------------


def _evaluate(ctx: _Context, raw: RawCommand, locate: Locator, depth: int) -> None:
    assignments = tuple(_assignment(ctx, word) for word in raw.assignments)
    words = tuple(word for raw_word in raw.words for word in _expand(ctx, raw_word, locate))
    line, column = locate(raw.offset)
    if not raw.words or (words and words[0].text in ("export", "declare", "typeset", "readonly", "local")):
        for name, value in assignments:  # a standalone assignment changes later commands' variables
            _set_variable(ctx, name, value)
        for word in words[1:]:
            match = _ASSIGNMENT_RE.match(word.text)
            if match and word.known:
                _set_variable(ctx, match.group(1), match.group(2))
    _emit(ctx, words, assignments, line, column, nested=raw.nested, exact=raw.exact, depth=depth, piped=raw.piped)


def _emit(
    ctx: _Context,
    words: tuple[Word, ...],
    assignments: tuple[tuple[str, str | None], ...],
    line: int,
    column: int,
    *,
    nested: bool,
    exact: bool,
    depth: int,
    piped: bool = False,
) -> None:
    inner, wrappers = unwrap(words)
    command = Command(
        inner, ctx.instruction, line, column, wrappers, assignments, ctx.cwd, nested, exact, ctx.onbuild, piped
    )
    ctx.commands.append(command)
    if not inner:
        return
    name = basename(inner[0])
    if name == "cd" and not nested:
        ctx.pending_cd = inner[1:]
    elif depth < _MAX_DEPTH:
        script = _dash_c_script(inner)
        if script is not None:  # a child shell: its cd and variables do not come back
            saved = ctx.cwd, dict(ctx.env), ctx.pending_cd
            ctx.pending_cd = None
            _script(ctx, script.text, _word_locator(script), exact=script.known, depth=depth + 1)
            ctx.cwd, ctx.env, ctx.pending_cd = saved


def _dash_c_script(words: Sequence[Word]) -> Word | None:
    """The script word of ``sh -c 'script'`` / ``bash -ec "..."`` / ``su user -c "..."``."""
    if not words or basename(words[0]) not in (*POSIX_SHELLS, "su", "runuser"):
        return None
    shell = basename(words[0]) in POSIX_SHELLS
    seen_c = skip = options_done = False
    for word in words[1:]:
        text = word.text
        if skip:  # the argument of ``-o``/``-O``: ``bash -o pipefail -c '...'``
            skip = False
            continue
        option = shell and not options_done and len(text) > 1 and text[0] in "-+"
        if seen_c and not option and not (shell and text == "--" and not options_done):
            return word  # options may follow -c: ``bash -c -o pipefail '...'``
        if shell and text == "--":
            options_done = True
        elif text == "--command" or (text.startswith("-") and not text.startswith("--") and "c" in text[1:]):
            seen_c = True
        if option and not text.startswith("--") and ("o" in text[1:] or "O" in text[1:]):
            skip = True
        elif shell and not option and text != "--":
            return None  # ``bash script.sh``: a file, not a string
    return None


def _change_directory(ctx: _Context, args: tuple[Word, ...]) -> None:
    operands = [word for word in args if not (word.text.startswith("-") and len(word.text) > 1)]
    if not operands or not operands[0].known or operands[0].text == "-":
        ctx.cwd = None
        return
    target = operands[0].text
    if target.startswith("/"):
        ctx.cwd = posixpath.normpath(target)
    elif ctx.cwd is not None and not target.startswith("~"):
        ctx.cwd = posixpath.normpath(posixpath.join(ctx.cwd, target))
    else:
        ctx.cwd = None


# -- words and variables ---------------------------------------------------------------------


def _expand(ctx: _Context, raw: RawWord, locate: Locator) -> list[Word]:
    """The words one written word becomes (unquoted variables may split into several or none)."""
    line, column = locate(raw.offset)
    if raw.dynamic:
        return [Word(_strip_quotes(raw.raw), raw.raw, line, column, known=False)]
    if "$" not in raw.raw and "\\" not in raw.raw:
        if "'" not in raw.raw and '"' not in raw.raw:
            return [Word(raw.raw, raw.raw, line, column)]
        unquoted = _remove_quotes(raw.raw)
        if unquoted is not None:
            origin = None
            if raw.raw[0] in "'\"" and raw.raw[-1] == raw.raw[0] and len(raw.raw) == len(unquoted) + 2:
                origin = _shifted(locate, raw.offset + 1)
            return [Word(unquoted, raw.raw, line, column, origin=origin)]
    try:
        result = ShellLex().process(raw.raw, ctx.env)
    except ShellError:
        return [Word(_strip_quotes(raw.raw), raw.raw, line, column, known=False)]
    if missing_variables(result):
        return [Word(_strip_quotes(raw.raw), raw.raw, line, column, known=False)]
    return [Word(text, raw.raw, line, column) for text in result.words]


def missing_variables(result: ShellResult) -> bool:
    """A variable without a value was used where its value matters.

    ``${V:+==${V}}`` with V unset never evaluates the inner ``${V}``: a name that has a
    reference tolerating unset is not missing.
    """
    tolerant = {ref.name for ref in result.references if ref.tolerates_unset}
    return any(ref.name in result.unmatched and ref.name not in tolerant for ref in result.references)


def _shifted(locate: Locator, base: int) -> Locator:
    return lambda offset: locate(base + offset)


def _assignment(ctx: _Context, raw: RawWord) -> tuple[str, str | None]:
    match = _ASSIGNMENT_RE.match(raw.raw)
    if match is None:
        return raw.raw, None
    value_text = match.group(2)
    if not value_text:
        return match.group(1), ""
    if "$(" in value_text or "`" in value_text:
        return match.group(1), None
    try:
        result = ShellLex().process(value_text, ctx.env)
    except ShellError:
        return match.group(1), None
    if missing_variables(result):
        return match.group(1), None
    return match.group(1), result.result


def _set_variable(ctx: _Context, name: str, value: str | None) -> None:
    if value is None:
        ctx.env.pop(name, None)
    else:
        ctx.env[name] = value


def _remove_quotes(text: str) -> str | None:
    """Quote removal for a word with no ``$`` or backslash; None when a quote is left open."""
    parts: list[str] = []
    quote = ""
    start = 0
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                parts.append(text[start:index])
                quote, start = "", index + 1
        elif char in ("'", '"'):
            parts.append(text[start:index])
            quote, start = char, index + 1
    if quote:
        return None
    parts.append(text[start:])
    return "".join(parts)


def _strip_quotes(text: str) -> str:
    return text.replace('"', "").replace("'", "")


# -- heredocs and locations ------------------------------------------------------------------


def _blank_heredoc_markers(text: str, heredocs: Sequence[Heredoc]) -> str:
    """``bash <<EOF`` -> ``bash      ``: the marker blanked, offsets kept."""
    for heredoc in heredocs:
        pattern = re.compile(r"\d*<<-?\s*([\"']?)" + re.escape(heredoc.name) + r"\1")
        text = pattern.sub(lambda match: " " * len(match.group(0)), text, count=1)
    return text


def _feeds_shell(first: Command | None, heredoc: Heredoc, has_command: bool) -> bool:
    """Whether a stdin heredoc is shell code.

    It is when it is the whole RUN (unless a ``#!`` names another language) or when the
    command reading it is a shell without ``-c``.
    """
    if not has_command:
        if heredoc.content.startswith("#!"):
            interpreter = heredoc.content[2:].split("\n", 1)[0].split()
            if not interpreter:
                return False
            name = basename_of(interpreter[0])
            if name == "env" and len(interpreter) > 1:
                name = basename_of(interpreter[1])
            return name in POSIX_SHELLS
        return True
    if first is None or not first.words or basename(first.words[0]) not in POSIX_SHELLS:
        return False
    return not any(word.text.startswith("-") and "c" in word.text[1:] for word in first.args)


def _logical_locator(instruction: Instruction) -> Locator:
    rest = instruction.rest
    original = instruction.original
    base = len(original) - len(rest) if original.endswith(rest) else max(original.find(rest), 0)
    return lambda offset: instruction.locate(base + offset)


def _heredoc_locator(heredoc: Heredoc) -> Locator:
    return text_locator(heredoc.content, heredoc.start_line, 1)


def _word_locator(word: Word) -> Locator:
    if word.origin is not None:
        return word.origin
    return text_locator(word.text, word.line, word.column)


def text_locator(text: str, first_line: int, first_column: int) -> Locator:
    """Offsets in ``text`` -> lines counted from ``first_line`` (columns exact after a newline).

    Line starts are found once, on the first call, so locating every word of a long heredoc stays linear.
    """
    starts: list[int] = []

    def locate(offset: int) -> tuple[int, int]:
        if not starts:
            starts.append(0)
            found = text.find("\n")
            while found != -1:
                starts.append(found + 1)
                found = text.find("\n", found + 1)
        newlines = bisect_right(starts, offset) - 1
        if newlines == 0:
            return first_line, first_column + offset
        return first_line + newlines, offset - starts[newlines] + 1

    return locate
