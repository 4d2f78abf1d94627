"""Known differences between tfimage-lint's parser and the ``dockerfile`` package (BuildKit v0.12.5).

tfimage-lint follows *current* BuildKit (the vectors in ``../shared/vectors`` are from moby/buildkit
``73ed6825``).  The ``dockerfile`` package 3.4.0 vendors BuildKit v0.12.5 (see the module paths in
its ``dockerfile.abi3.so``) and hands results to Python through C strings.  Every disagreement the
differential test finds must be one of these, each with:

* ``id`` and a one-line ``explanation``;
* ``evidence``: the BuildKit change, source line, shared vector or documentation that shows it;
* a recogniser: either an emulation, ``patch`` (a context manager that makes our parser behave
  the old way) and/or ``transform`` (the text as the package really hands it to Go), with
  ``applies`` as a cheap pre-check: a disagreement that disappears under it is explained; or a
  ``predicate`` on one :class:`Disagreement`;
* ``example``, a minimal input, and ``expected``, the ``(field, index)`` pairs on which the two
  parsers disagree for it; ``tests/conformance/test_differential.py`` checks that they really do,
  and that nothing else explains them, so this list cannot rot.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

from tests.conformance.differential import (
    PACKAGE_DECODE_ERROR,
    Comparison,
    Disagreement,
    Shape,
)
from tfimage_lint.syntax import directives as directives_module
from tfimage_lint.syntax import line_parsers as line_parsers_module
from tfimage_lint.syntax import parser as parser_module
from tfimage_lint.syntax.heredoc import HeredocWord, parse_heredoc_word
from tfimage_lint.syntax.line_parsers import _go_number, _reject_constant
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

Predicate = Callable[[Disagreement, Comparison], bool]


@dataclass(frozen=True)
class KnownDifference:
    """One documented reason for the two parsers to disagree."""

    id: str
    explanation: str
    evidence: str
    example: str
    expected: frozenset[tuple[str, int | None]]
    predicate: Predicate | None = None
    patch: Callable[[], contextlib.AbstractContextManager[object]] | None = None
    transform: Callable[[str], str] | None = None
    applies: Callable[[str], bool] = lambda text: True

    @property
    def emulates(self) -> bool:
        """Whether this difference is recognised by emulating the old behaviour."""
        return self.patch is not None or self.transform is not None


# -- emulations of BuildKit v0.12.5 (or of what the package passes to it) ----------------------------


def _without_check_directive() -> contextlib.AbstractContextManager[object]:
    """v0.12.5's validDirectives: only ``escape`` and ``syntax``."""
    return mock.patch.object(directives_module, "VALID_DIRECTIVES", frozenset({"syntax", "escape"}))


#: v0.12.5's reHeredoc: no blank allowed between ``<<`` (or ``<<-``) and the name.
_OLD_HEREDOC_RE = re.compile(r"^([0-9]*)<<(-?)([^<]*)$", re.DOTALL)


def _old_heredocs_from_line(line: str) -> list[HeredocWord]:
    """v0.12.5's heredocsFromLine: its lexer did not keep ``<< EOF`` together as one word."""
    try:
        words = ShellLex(raw_quotes=True, raw_escapes=True, skip_unset_env=True).process_words(line)
    except ShellError:
        return []
    found = []
    for word in words:
        match = _OLD_HEREDOC_RE.match(word)
        if match is None or match.group(3)[:1] in ("", " ", "\t", "\n", "\f", "\r"):
            continue
        heredoc = parse_heredoc_word(word)
        if heredoc is not None:
            found.append(heredoc)
    return found


def _tight_heredoc_opener() -> contextlib.AbstractContextManager[object]:
    return mock.patch.object(parser_module, "heredocs_from_line", _old_heredocs_from_line)


def _decode_first_json_value(text: str) -> object:
    """v0.12.5's ``json.NewDecoder(...).Decode``: the first value; what follows it is ignored."""
    decoder = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_go_number, parse_int=_go_number)
    value, _ = decoder.raw_decode(text)
    return value


def _json_decoder_ignores_trailing() -> contextlib.AbstractContextManager[object]:
    return mock.patch.object(line_parsers_module, "_decode_json", _decode_first_json_value)


def _cut_at_first_nul(text: str) -> str:
    """The package passes the text to Go through ``C.GoString``, which stops at the first NUL."""
    return text[: text.index("\x00")]


# -- predicates -------------------------------------------------------------------------------------


def _effective_keyword(shape: Shape | None) -> str | None:
    if shape is None:
        return None
    return shape.sub_keyword if shape.keyword == "ONBUILD" else shape.keyword


def _separators_dropped(disagreement: Disagreement, comparison: Comparison) -> bool:
    if disagreement.field != "value" or _effective_keyword(disagreement.ours_shape) not in ("ENV", "LABEL"):
        return False
    values = disagreement.ours
    if len(values) % 3 or any(sep not in ("=", "") for sep in values[2::3]):
        return False
    kept = tuple(v for i, v in enumerate(values) if i % 3 != 2)
    return kept == disagreement.theirs


def _original_with_heredoc_bodies(disagreement: Disagreement, comparison: Comparison) -> bool:
    if disagreement.field != "original" or disagreement.theirs_shape is None:
        return False
    bodies = "".join(h.content + h.name + "\n" for h in disagreement.theirs_shape.heredocs)
    return bool(bodies) and disagreement.theirs == disagreement.ours + "\n" + bodies


def _onbuild_heredocs_hidden(disagreement: Disagreement, comparison: Comparison) -> bool:
    return (
        disagreement.field == "heredocs"
        and disagreement.ours_shape is not None
        and disagreement.ours_shape.keyword == "ONBUILD"
        and bool(disagreement.ours)
        and disagreement.theirs == ()
    )


def _cut_at_nul(value: object) -> object:
    if isinstance(value, str):
        return value.split("\x00", 1)[0]
    if isinstance(value, tuple):
        return tuple(_cut_at_nul(v) for v in value)
    return value


def _nul_in_output(disagreement: Disagreement, comparison: Comparison) -> bool:
    return (
        disagreement.field in ("value", "flags", "original")
        and disagreement.ours != _cut_at_nul(disagreement.ours)
        and _cut_at_nul(disagreement.ours) == disagreement.theirs
    )


def _fd_as_signed(disagreement: Disagreement, comparison: Comparison) -> bool:
    if disagreement.field != "heredocs" or len(disagreement.ours) != len(disagreement.theirs):
        return False
    return all(
        (mine.name, mine.content) == (other.name, other.content)
        and mine.file_descriptor == other.file_descriptor % 2**64
        for mine, other in zip(disagreement.ours, disagreement.theirs, strict=True)
    )


def _invalid_utf8_in_result(disagreement: Disagreement, comparison: Comparison) -> bool:
    return (
        disagreement.field == "error"
        and disagreement.ours is None
        and str(disagreement.theirs).startswith(PACKAGE_DECODE_ERROR)
        and "\ufffd" not in comparison.text
        and any("\ufffd" in repr(shape) for shape in comparison.ours.shapes)
    )


def _unterminated_heredoc_named(disagreement: Disagreement, comparison: Comparison) -> bool:
    return (
        disagreement.field == "error_message"
        and disagreement.theirs == "unterminated heredoc"
        and str(disagreement.ours).startswith("unterminated heredoc ")
    )


KNOWN_DIFFERENCES: tuple[KnownDifference, ...] = (
    KnownDifference(
        id="check-directive",
        explanation="`# check=` is a parser directive since Dockerfile 1.8 (BuildKit v0.14): it does not end the "
        "directive block and is validated; v0.12.5 reads it as a comment that ends the block, so a later "
        "`# escape=` is ignored there.",
        evidence="docs.docker.com/reference/dockerfile/#check ('check', Dockerfile v1.8.0 and later); BuildKit "
        'directives.go validDirectives gained "check"; v0.12.5 parser.go validDirectives is {escape, syntax}.',
        example="# check=skip=all\n# escape=`\nFROM a\nRUN a `\n b\n",
        expected=frozenset({("count", None), ("value", 1), ("end_line", 1), ("original", 1)}),
        patch=_without_check_directive,
        applies=lambda text: "check" in text.lower(),
    ),
    KnownDifference(
        id="heredoc-blank-after-operator",
        explanation="Current BuildKit allows blanks between `<<`/`<<-` and the heredoc name (`RUN << EOF`); "
        "v0.12.5 does not see a heredoc there, and parses the body lines as instructions.",
        evidence="moby/buildkit#5817 'dockerfile: allow whitespace in heredocs' (fixes #5778, in v0.22.0): reHeredoc "
        "became ^(\\d*)<<(-?)\\s*([^<]*)$; shared vector buildkit_unit_vectors.json heredoc_extract has `RUN <<  EOF`.",
        example="FROM a\nRUN << EOF\nx\nEOF\n",
        expected=frozenset({("count", None), ("end_line", 1), ("heredocs", 1)}),
        patch=_tight_heredoc_opener,
        applies=lambda text: "<" in text,  # "<<" may be formed by joining continuation lines
    ),
    KnownDifference(
        id="json-trailing-content",
        explanation="Current BuildKit reads a JSON form with json.Unmarshal, so text after the array makes it shell "
        "form; v0.12.5 used json.NewDecoder().Decode, which stops after the array and ignores the rest.",
        evidence="moby/buildkit#5107 'fix incorrect usage of json.NewDecoder' (merged 2024-07-01, v0.15): "
        "parseJSON now calls json.Unmarshal([]byte(rest), &myJSON).",
        example='FROM a\nCMD ["a"] b\n',
        expected=frozenset({("value", 1), ("json", 1)}),
        patch=_json_decoder_ignores_trailing,
        applies=lambda text: "[" in text,
    ),
    KnownDifference(
        id="package-nul-truncates-input",
        explanation="The package hands the text to Go as a C string, so the parser sees nothing from the first NUL "
        "on; tfimage-lint parses it all and reports the NUL as an error (no process can take it).",
        evidence="asottile/dockerfile pylib/main.go goStringFromArgs: C.GoString(C.PyBytes_AsString(...)) stops at "
        "NUL; BuildKit itself reads the bytes with bufio.Scanner, NUL included.",
        example="FROM a\nRUN x\x00y\nRUN z\n",
        expected=frozenset({("error", None)}),
        transform=_cut_at_first_nul,
        applies=lambda text: "\x00" in text,
    ),
    KnownDifference(
        id="env-label-separator",
        explanation="Current BuildKit adds a separator node after each ENV/LABEL key and value ('=' or '' for the "
        "legacy `ENV k v` form); v0.12.5 has key/value pairs only.",
        evidence="../shared/vectors/README.md 'Version note: dumps from BuildKit <= v0.12.x had no ENV/LABEL "
        'separator tokens\'; vector buildkit_parser/env/result has (env "name" "value" "="); BuildKit '
        "line_parsers.go newKeyValueNode(key, value, sep).",
        example="FROM a\nENV k=v\nLABEL x y\n",
        expected=frozenset({("value", 1), ("value", 2)}),
        predicate=_separators_dropped,
    ),
    KnownDifference(
        id="package-original-has-heredoc-bodies",
        explanation="The package's `original` of an instruction with heredocs carries each body and terminator "
        "after the logical line; tfimage-lint's `original` is the logical line (BuildKit's Node.Original), the "
        "bodies are in `heredocs`.",
        evidence="BuildKit parser.go newNodeFromLine sets Original: line; the package output for "
        "'RUN <<EOF\\nx\\nEOF' is original='RUN <<EOF\\nx\\nEOF\\n' (the ONBUILD case shows the bare line).",
        example="FROM a\nRUN <<EOF\nx\nEOF\n",
        expected=frozenset({("original", 1)}),
        predicate=_original_with_heredoc_bodies,
    ),
    KnownDifference(
        id="package-onbuild-heredocs-hidden",
        explanation="BuildKit attaches the heredocs of `ONBUILD RUN <<EOF` to the ONBUILD node, but the package "
        "reads heredocs from the inner node, so it shows none (the body lines are still consumed).",
        evidence="BuildKit parser.go: canContainHeredoc looks through ONBUILD to Next.Children[0], then "
        "child.Heredocs = append(...) on the outer node; asottile/dockerfile parse.go switches to "
        "child.Next.Children[0] before reading the command's fields.",
        example="FROM a\nONBUILD RUN <<EOF\nx\nEOF\n",
        expected=frozenset({("heredocs", 1)}),
        predicate=_onbuild_heredocs_hidden,
    ),
    KnownDifference(
        id="package-nul-truncates-output",
        explanation="A JSON `\\u0000` decodes to NUL in a value; the package returns values to Python as C strings, "
        "so they stop at the NUL.",
        evidence="asottile/dockerfile pylib/main.go stringToPy: C.CString + PyUnicode_FromString (NUL-terminated); "
        "Go's json.Unmarshal keeps the NUL.",
        example='FROM a\nCMD ["a\\u0000b"]\n',
        expected=frozenset({("value", 1)}),
        predicate=_nul_in_output,
    ),
    KnownDifference(
        id="package-fd-as-signed-long",
        explanation="A heredoc file descriptor beyond the int64 range (BuildKit saturates ParseUint at 2**64-1) "
        "comes back from the package as a signed C long (-1).",
        evidence="BuildKit parser.go heredocFromMatch: fd, _ := strconv.ParseUint(match[1], 10, 0) (ErrRange "
        "returns the max uint64); asottile/dockerfile converts the uint with PyLong_FromLong.",
        example="FROM a\nRUN 99999999999999999999<<EOF\nx\nEOF\n",
        expected=frozenset({("heredocs", 1), ("original", 1)}),
        predicate=_fd_as_signed,
    ),
    KnownDifference(
        id="package-invalid-utf8-result",
        explanation="BuildKit splits builder flags and the HEALTHCHECK type byte by byte, so a 0xA0/0x85 byte inside "
        "a character (as in 'à') ends a word mid-character; the package cannot decode that result (raises "
        "UnicodeDecodeError), tfimage-lint shows the cut character as U+FFFD.",
        evidence="BuildKit split_command.go extractBuilderFlags ch = rune(line[pos]); line_parsers.go "
        "parseHealthConfig unicode.IsSpace(rune(rest[sep])); U+00A0 and U+0085 are unicode.IsSpace.",
        example="FROM a\nHEALTHCHECK CMDà x\n",
        expected=frozenset({("error", None)}),
        predicate=_invalid_utf8_in_result,
    ),
    KnownDifference(
        id="unterminated-heredoc-message",
        explanation="tfimage-lint names the heredoc in BuildKit's 'unterminated heredoc' error (a clearer DF000 "
        "message); the failure itself is the same.",
        evidence='BuildKit parser.go: errors.New("unterminated heredoc"); tests/test_parser.py pins '
        "'unterminated heredoc EOF'.",
        example="FROM a\nRUN <<EOF\nx\n",
        expected=frozenset({("error_message", None)}),
        predicate=_unterminated_heredoc_named,
    ),
)

BY_ID = {difference.id: difference for difference in KNOWN_DIFFERENCES}
