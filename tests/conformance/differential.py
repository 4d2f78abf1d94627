"""Differential parsing: tfimage-lint's parser against BuildKit's Go parser (the ``dockerfile`` package).

The ``dockerfile`` package (asottile/dockerfile 3.4.0) compiles BuildKit's parser, v0.12.5, into a
Python extension.  Both parsers' output is reduced to one comparable :class:`Shape` per top-level
instruction, holding what the package exposes:

* ``keyword``, upper-cased (the package keeps the case as written), and ``sub_keyword`` for ONBUILD;
* ``flags`` of the top-level node (the package does not expose the flags of an ONBUILD's inner
  instruction);
* ``value``: BuildKit's node values: the arguments as BuildKit splits them, for ONBUILD those of
  the inner instruction (an inner ONBUILD shows as one empty value, the node holding its child);
* ``json`` (of the inner instruction for ONBUILD), ``start_line``, ``end_line``, ``original``;
* ``heredocs``: name, file descriptor and content (the package hides ``Expand`` and ``Chomp``).

A parse error is compared as "errors or not", then by message.  Our parser is error-tolerant,
BuildKit stops at the first error; so when ours reports errors only its first one (in line order)
counts, and its instructions are not compared.

:func:`compare` lists the :class:`Disagreement` s for one input; :func:`explain` sorts them into
the known differences of ``known_differences.py`` and the unexplained rest.  :func:`dockerfiles`
is a hypothesis strategy that writes Dockerfiles from a small grammar.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import dockerfile
from hypothesis import strategies as st

from tfimage_lint.syntax.nodes import Instruction
from tfimage_lint.syntax.parser import parse_dockerfile

#: Prefix of the error recorded when the package itself fails to hand a result back to Python.
PACKAGE_DECODE_ERROR = "package could not decode the Go parser's result: "


@dataclass(frozen=True)
class Heredoc:
    """A heredoc as both parsers expose it."""

    name: str
    file_descriptor: int
    content: str


@dataclass(frozen=True)
class Shape:
    """One top-level instruction, reduced to the fields both parsers expose."""

    keyword: str
    sub_keyword: str | None
    flags: tuple[str, ...]
    value: tuple[str, ...]
    json: bool
    start_line: int
    end_line: int
    original: str
    heredocs: tuple[Heredoc, ...] = ()


#: The fields of :class:`Shape`, in the order they are compared.
FIELDS = ("keyword", "sub_keyword", "flags", "value", "json", "start_line", "end_line", "original", "heredocs")


@dataclass(frozen=True)
class Outcome:
    """What one parser made of one input: its instructions, or its (first) error message."""

    shapes: tuple[Shape, ...]
    error: str | None


@dataclass(frozen=True)
class Disagreement:
    """One field on which the two parsers disagree.

    ``field`` is a :class:`Shape` field, or for the whole file ``error`` (one side fails, the
    other does not), ``error_message`` (both fail, differently) or ``count`` (of instructions);
    ``index`` is the instruction's position (None for whole-file fields).  ``ours_shape`` and
    ``theirs_shape`` are the two instructions, for predicates; they are left out of equality.
    """

    field: str
    index: int | None
    ours: Any
    theirs: Any
    ours_shape: Shape | None = field(default=None, compare=False)
    theirs_shape: Shape | None = field(default=None, compare=False)

    def describe(self) -> str:
        """One line for a failure message."""
        where = "file" if self.index is None else f"instruction {self.index}"
        return f"{where} {self.field}: ours={self.ours!r} theirs={self.theirs!r}"


@dataclass(frozen=True)
class Comparison:
    """Both outcomes for one input and every disagreement between them."""

    text: str
    ours: Outcome
    theirs: Outcome
    disagreements: tuple[Disagreement, ...]


@dataclass
class Explanation:
    """The disagreements of one comparison, sorted: by known-difference id, and unexplained."""

    comparison: Comparison
    known: dict[str, list[Disagreement]] = field(default_factory=dict)
    unexplained: list[Disagreement] = field(default_factory=list)


# -- our parser ---------------------------------------------------------------------------------


def _node_values(instruction: Instruction) -> tuple[str, ...]:
    """The values of BuildKit's ``node.Next`` chain for one (inner or outer) instruction."""
    if instruction.keyword == "onbuild":
        return ("",) if instruction.sub is not None else ()
    return tuple(instruction.args)


def shape_of_instruction(instruction: Instruction) -> Shape:
    """Our instruction in the package's terms (ENV/LABEL separators are kept: a known difference)."""
    sub = instruction.sub
    inner = sub if sub is not None else instruction
    return Shape(
        keyword=instruction.keyword_text.upper(),
        sub_keyword=sub.keyword_text.upper() if sub is not None else None,
        flags=tuple(instruction.flags),
        value=_node_values(inner),
        json=inner.is_json,
        start_line=instruction.start_line,
        end_line=instruction.end_line,
        original=instruction.original,
        heredocs=tuple(Heredoc(h.name, h.file_descriptor, h.content) for h in instruction.heredocs),
    )


def ours(text: str) -> Outcome:
    """Parse with tfimage-lint's parser (``parse_dockerfile`` on the UTF-8 bytes)."""
    result = parse_dockerfile(text.encode("utf-8", "surrogatepass"))
    if result.errors:
        return Outcome((), min(result.errors, key=lambda issue: issue.line).message)
    return Outcome(tuple(shape_of_instruction(i) for i in result.instructions), None)


# -- the package ------------------------------------------------------------------------------------


def shape_of_command(command: Any) -> Shape:
    """One ``dockerfile.Command`` as a :class:`Shape`."""
    return Shape(
        keyword=(command.cmd or "").upper(),
        sub_keyword=command.sub_cmd.upper() if command.sub_cmd is not None else None,
        flags=tuple(command.flags),
        value=tuple(command.value),
        json=bool(command.json),
        start_line=command.start_line,
        end_line=command.end_line,
        original=command.original or "",
        heredocs=tuple(Heredoc(h.name, h.file_descriptor, h.content) for h in command.heredocs),
    )


def theirs(text: str) -> Outcome:
    """Parse with BuildKit's Go parser through the ``dockerfile`` package."""
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        return Outcome((), str(exc))
    except UnicodeDecodeError as exc:
        return Outcome((), PACKAGE_DECODE_ERROR + str(exc))
    return Outcome(tuple(shape_of_command(c) for c in commands), None)


# -- comparing --------------------------------------------------------------------------------------


def compare_outcomes(mine: Outcome, other: Outcome) -> tuple[Disagreement, ...]:
    """Every field on which two outcomes differ."""
    if (mine.error is None) != (other.error is None):
        return (Disagreement("error", None, mine.error, other.error),)
    if mine.error is not None:
        return () if mine.error == other.error else (Disagreement("error_message", None, mine.error, other.error),)
    found: list[Disagreement] = []
    if len(mine.shapes) != len(other.shapes):
        found.append(Disagreement("count", None, len(mine.shapes), len(other.shapes)))
    for index, (a, b) in enumerate(zip(mine.shapes, other.shapes, strict=False)):
        for name in FIELDS:
            va, vb = getattr(a, name), getattr(b, name)
            if va != vb:
                found.append(Disagreement(name, index, va, vb, a, b))
    return tuple(found)


def compare(text: str) -> Comparison:
    """Parse ``text`` with both parsers and list the disagreements."""
    mine, other = ours(text), theirs(text)
    return Comparison(text, mine, other, compare_outcomes(mine, other))


def _emulated(text: str, differences: Sequence[Any]) -> Outcome:
    """Our parser's outcome with the old behaviours of ``differences`` switched on together."""
    with contextlib.ExitStack() as stack:
        for difference in differences:
            if difference.transform is not None:
                text = difference.transform(text)
            if difference.patch is not None:
                stack.enter_context(difference.patch())
        return ours(text)


def explain(comparison: Comparison, known: Sequence[Any] | None = None) -> Explanation:
    """Sort the disagreements of ``comparison`` by the known difference that accounts for each.

    Known differences that *emulate* the old parser (or what the package feeds it) go first: a
    disagreement is theirs when it disappears once our parser behaves the old way.  Where one
    alone does not clear it, all that apply are switched on together (two old behaviours can
    meet on one line), and what then disappears counts for each of them.  Field predicates
    take what is left.
    """
    if known is None:
        from tests.conformance.known_differences import KNOWN_DIFFERENCES

        known = KNOWN_DIFFERENCES
    explanation = Explanation(comparison)
    left = list(comparison.disagreements)
    if not left:
        return explanation

    def attribute(ids: Sequence[str], outcome: Outcome) -> None:
        nonlocal left
        remaining = set(compare_outcomes(outcome, comparison.theirs))
        gone = [d for d in left if d not in remaining]
        for ident in ids if gone else ():
            explanation.known.setdefault(ident, []).extend(gone)
        left = [d for d in left if d in remaining]

    def by_predicate(disagreement: Disagreement) -> str | None:
        for difference in known:
            if difference.predicate is not None and difference.predicate(disagreement, comparison):
                return difference.id
        return None

    # Emulating costs a parse or two: skip it where the predicates account for everything.
    if any(by_predicate(d) is None for d in left):
        emulating = [d for d in known if d.emulates and d.applies(comparison.text)]
        for difference in emulating:
            if left:
                attribute([difference.id], _emulated(comparison.text, [difference]))
        if left and len(emulating) > 1:
            attribute([d.id for d in emulating], _emulated(comparison.text, emulating))
    for disagreement in left:
        ident = by_predicate(disagreement)
        if ident is None:
            explanation.unexplained.append(disagreement)
        else:
            explanation.known.setdefault(ident, []).append(disagreement)
    return explanation


def check(text: str) -> Explanation:
    """Compare and explain one input."""
    return explain(compare(text))


def summarise(explanations: Iterable[Explanation]) -> tuple[dict[str, int], list[Explanation]]:
    """How many inputs hit each known difference, and the explanations with something unexplained."""
    hits: dict[str, int] = {}
    failing: list[Explanation] = []
    for explanation in explanations:
        for ident in explanation.known:
            hits[ident] = hits.get(ident, 0) + 1
        if explanation.unexplained:
            failing.append(explanation)
    return hits, failing


def report(failing: Sequence[Explanation], limit: int = 5) -> str:
    """A readable account of the first unexplained disagreements."""
    lines = []
    for explanation in failing[:limit]:
        lines.append(f"input {explanation.comparison.text[:300]!r}:")
        lines.extend("    " + d.describe()[:400] for d in explanation.unexplained[:6])
    return "\n".join(lines)


# -- generated Dockerfiles ----------------------------------------------------------------------

KEYWORDS = (
    "FROM", "RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "ENV", "LABEL", "ARG", "EXPOSE", "VOLUME",
    "WORKDIR", "USER", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER", "ONBUILD", "FOO",
)  # fmt: skip
FLAGS = (
    "--from=build", "--chown=app:app", "--mount=type=cache,target=/root/.cache", "--link", "--interval=5s",
    '--x="a b"', "--y='c'", "--", "--z=\\ q", "--chmod=0755", "--n=é", "--m=à", "--",
)  # fmt: skip
#: Pieces of words: plain text, quotes, escapes, '#', JSON-ish brackets, '=' and a few non-ASCII
#: characters (U+2000 and U+00A0 are blanks for Go's unicode.IsSpace; 'à' holds the byte 0xA0).
WORD_PIECES = (
    "a", "b1", "/usr/bin", "x.py", "$HOME", "${V:-d}", "k=v", "=", '"q r"', "'s t'", '"', "'", "\\", "`",
    "#", "[", "]", '"a",', "{", "é", "à", "\u2000", "\u00a0", "\t", "&&", "|", ";", "<", "<<", ">", "--opt",
)  # fmt: skip
HEREDOC_LINES = ("echo hi", "\tindented", "", "# not a comment", "RUN x", "$V")
HEREDOC_OPENERS = ("<<EOF", "<<-EOF", "<<'EOF'", '<<"EOF"', "3<<EOF", "<<E\\OF", "<< EOF", "<<-  EOF", '<<"E"OF')


def _case(draw: st.DrawFn, keyword: str) -> str:
    style = draw(st.sampled_from(("upper", "upper", "lower", "title")))
    return {"upper": keyword, "lower": keyword.lower(), "title": keyword.title()}[style]


@st.composite
def _word(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.sampled_from(WORD_PIECES), min_size=1, max_size=3)))


@st.composite
def _json_array(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.one_of(_word(), st.sampled_from(("", "\\u00e9", "sh -c", "a\x00b"))), max_size=3))
    text = json.dumps(items, ensure_ascii=draw(st.booleans()))
    broken = draw(st.sampled_from(("", "", "", "trail", "single", "number", "unclosed")))
    if broken == "trail":
        return text + " x"
    if broken == "single":
        return text.replace('"', "'")
    if broken == "number":
        return text[:-1] + (", 1]" if items else "1]")
    if broken == "unclosed":
        return text[:-1]
    return text


@st.composite
def _arguments(draw: st.DrawFn, keyword: str) -> str:
    upper = keyword.upper()
    if upper in ("ENV", "LABEL", "ARG") and draw(st.integers(0, 3)):
        pairs = draw(st.lists(st.tuples(st.sampled_from(("A", "b_2", "", "c d")), _word()), min_size=1, max_size=3))
        if draw(st.booleans()):
            return " ".join(f"{k}={v}" for k, v in pairs)
        return " ".join(f"{k} {v}" for k, v in pairs)
    if upper in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME", "HEALTHCHECK") and draw(st.booleans()):
        prefix = draw(st.sampled_from(("CMD ", "NONE", "cmd "))) if upper == "HEALTHCHECK" else ""
        return prefix + draw(st.sampled_from(("", " ", "  "))) + draw(_json_array())
    words = draw(st.lists(_word(), max_size=4))
    separators = draw(st.lists(st.sampled_from((" ", " ", "  ", "\t", "\u2000", "\u00a0")), min_size=len(words)))
    return "".join(sep + word for sep, word in zip(separators, words, strict=False)).lstrip(" ")


@st.composite
def _instruction(draw: st.DrawFn, escape: str, newline: str, depth: int = 0) -> str:
    """One instruction: keyword, flags, arguments, maybe continuation lines and heredocs."""
    keyword = draw(st.sampled_from((*KEYWORDS, "RUN", "COPY")))
    if keyword == "ONBUILD" and depth > 0:
        keyword = "RUN"
    flags = draw(st.lists(st.sampled_from(FLAGS), max_size=2))
    if keyword == "ONBUILD":
        body = draw(_instruction(escape, "", depth + 1)) if draw(st.integers(0, 5)) else ""
    else:
        body = draw(_arguments(keyword))
    heredocs: list[str] = []
    if depth == 0 and (keyword in ("RUN", "COPY", "ADD") or (keyword == "ONBUILD" and draw(st.booleans()))):
        heredocs = draw(st.lists(st.sampled_from(HEREDOC_OPENERS), max_size=2))
        body = " ".join([*heredocs, body] if draw(st.booleans()) else [body, *heredocs]).strip()
    line = " ".join(part for part in [_case(draw, keyword), *flags, body] if part)
    if depth:
        return line
    text = _continue(draw, line, escape, newline) + newline
    for opener in heredocs:
        name = opener.split("<<", 1)[1].lstrip("- ").replace("'", "").replace('"', "").replace("\\", "")
        lines = draw(st.lists(st.sampled_from(HEREDOC_LINES), max_size=3))
        terminator = draw(st.sampled_from((name,) * 6 + ("\t" + name, name + " ", "")))
        text += "".join(body_line + newline for body_line in lines) + (terminator + newline if terminator else "")
    return text


def _continue(draw: st.DrawFn, line: str, escape: str, newline: str) -> str:
    """Break ``line`` over continuation lines, with comments and empty lines between them."""
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(line))), max_size=3))))
    if not cuts or len(line) < 2:
        return line
    pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=False) if line[a:b]]
    out = pieces[0]
    for piece in pieces[1:]:
        out += escape + draw(st.sampled_from(("", "", " ", "\t "))) + newline
        extra = draw(st.lists(st.sampled_from(("# inner comment", "  # indented", "", "   ", "#")), max_size=2))
        out += "".join(e + newline for e in extra)
        out += draw(st.sampled_from(("", "", "  ", "\t"))) + piece
    return out


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    """A Dockerfile from a small grammar: directives, instructions with flags, continuations
    (with comments and empty lines inside), JSON forms, heredocs, ONBUILD, comments and blanks."""
    directives = draw(
        st.lists(
            st.sampled_from(("# syntax=docker/dockerfile:1", "# escape=`", "# escape=\\", "# check=skip=all", "#x")),
            max_size=2,
        )
    )
    escape = "\\"
    for directive in directives:
        if directive.startswith("# escape="):
            escape = directive[-1]
            break
    newline = draw(st.sampled_from(("\n", "\n", "\n", "\r\n")))
    parts = [d + newline for d in directives]
    for _ in range(draw(st.integers(1, 5))):
        parts.append(draw(st.sampled_from(("", "", "", newline, "# comment" + newline, "  " + newline))))
        parts.append(draw(_instruction(escape, newline)))
    text = "".join(parts)
    if draw(st.integers(0, 9)) == 0:
        text = text.rstrip("\r\n")
    return text


def corpus_files(folder: Any) -> list[Any]:
    """The Dockerfiles of the corpus folder (requirements files left out), sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__REQ__" not in p.name)
