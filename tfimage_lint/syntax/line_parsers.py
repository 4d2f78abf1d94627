"""Per-instruction argument parsers: BuildKit's dispatch table in ``line_parsers.go``."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable

from tfimage_lint.syntax.gotext import RE_WHITESPACE, byte_view, from_byte_view, go_quote, is_go_space, trim_left_space


class LineParseError(ValueError):
    """An instruction BuildKit's parser rejects."""


NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"

#: (args, is_json) as produced by one line parser.
Parsed = tuple[list[str], bool]


GO_MAX_JSON_DEPTH = 10000


def _reject_constant(name: str) -> float:
    raise ValueError(f"invalid JSON constant {name}")


def _go_number(text: str) -> float:
    """Go decodes JSON numbers into float64 and fails on overflow; so do we."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text} out of range")
    return value


def _nesting_depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _decode_json(text: str) -> object:
    """``json.Unmarshal`` semantics: strict constants, float64 numbers, nesting up to 10000."""
    depth = _nesting_depth(text) if text.count("[") + text.count("{") > 400 else 0
    if depth > GO_MAX_JSON_DEPTH:
        raise ValueError("exceeded max depth")
    limit = sys.getrecursionlimit()
    if depth * 2 + 200 > limit:
        sys.setrecursionlimit(depth * 2 + 200)
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_go_number, parse_int=_go_number)
    finally:
        sys.setrecursionlimit(limit)


def _clean_surrogates(text: str) -> str:
    """Go decodes a lone ``\\ud800`` escape as U+FFFD; do the same."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def parse_json_array(rest: str) -> list[str] | None:
    """A JSON array of strings, None when ``rest`` is not JSON; raises for non-string elements."""
    rest = trim_left_space(rest)
    if not rest.startswith("["):
        return None
    try:
        value = _decode_json(rest)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(item, str) for item in value):
        raise LineParseError(NOT_STRING_ARRAY)
    return [_clean_surrogates(item) for item in value]


def parse_maybe_json(rest: str, escape: str) -> Parsed:
    """RUN, CMD, ENTRYPOINT, SHELL: a JSON array, or the whole text as one argument."""
    if rest == "":
        return [], False
    array = parse_json_array(rest)
    if array is not None:
        return array, True
    return [rest], False


def parse_maybe_json_to_list(rest: str, escape: str) -> Parsed:
    """ADD, COPY, VOLUME: a JSON array, or the text split on blanks (quotes not honoured)."""
    array = parse_json_array(rest)
    if array is not None:
        return array, True
    return parse_strings_whitespace_delimited(rest, escape)


def parse_strings_whitespace_delimited(rest: str, escape: str) -> Parsed:
    """FROM, EXPOSE: split on ``[\\t\\v\\f\\r ]+``."""
    if rest == "":
        return [], False
    return RE_WHITESPACE.split(rest), False


def parse_string(rest: str, escape: str) -> Parsed:
    """MAINTAINER, USER, WORKDIR, STOPSIGNAL: the rest of the line."""
    if rest == "":
        return [], False
    return [rest], False


def parse_ignore(rest: str, escape: str) -> Parsed:
    """Unknown instructions: BuildKit keeps the keyword and drops the arguments."""
    return [""], False


def parse_words(rest: str, escape: str) -> list[str]:
    """Quote-aware words with the quotes kept (``parseWords``)."""
    in_spaces, in_word, in_quote = 0, 1, 2
    words: list[str] = []
    phase = in_spaces
    quote = ""
    blank_ok = False
    builder: list[str] = []
    length = len(rest)
    pos = 0
    while pos <= length:
        ch = rest[pos] if pos < length else ""
        if phase == in_spaces:
            if pos == length:
                break
            if is_go_space(ch):
                pos += 1
                continue
            phase = in_word
        if pos == length:
            if blank_ok or builder:
                words.append("".join(builder))
            break
        if phase == in_word:
            if is_go_space(ch):
                phase = in_spaces
                if blank_ok or builder:
                    words.append("".join(builder))
                builder = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = in_quote
            if ch == escape:
                if pos + 1 == length:
                    pos += 1
                    continue
                builder.append(ch)
                pos += 1
                ch = rest[pos]
            builder.append(ch)
            pos += 1
            continue
        # in_quote
        if ch == quote:
            phase = in_word
        if ch == escape and quote != "'":
            if pos + 1 == length:
                phase = in_word
                pos += 1
                continue
            pos += 1
            builder.append(ch)
            ch = rest[pos]
        builder.append(ch)
        pos += 1
    return words


def _name_val(rest: str, escape: str, keyword: str) -> Parsed:
    words = parse_words(rest, escape)
    if not words:
        return [], False
    if "=" not in words[0]:
        parts = RE_WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise LineParseError(f"{keyword} must have two arguments")
        return [parts[0], parts[1], ""], False
    args: list[str] = []
    for word in words:
        if "=" not in word:
            raise LineParseError(f"Syntax error - can't find = in {go_quote(word)}. Must be of the form: name=value")
        key, value = word.split("=", 1)
        args.extend((key, value, "="))
    return args, False


def parse_env(rest: str, escape: str) -> Parsed:
    """ENV: key, value, separator triplets (legacy ``ENV k v`` has separator ``""``)."""
    return _name_val(rest, escape, "ENV")


def parse_label(rest: str, escape: str) -> Parsed:
    """LABEL: like ENV."""
    return _name_val(rest, escape, "LABEL")


def parse_name_or_name_val(rest: str, escape: str) -> Parsed:
    """ARG: quote-aware words, kept as written."""
    return parse_words(rest, escape), False


def parse_health_config(rest: str, escape: str) -> Parsed:
    """HEALTHCHECK: the type word (CMD, NONE), then the rest parsed like CMD.

    BuildKit finds the end of the type word byte by byte (``unicode.IsSpace(rune(rest[sep]))``):
    non-ASCII blanks such as U+2000 do not end it, but a 0x85 or 0xA0 byte inside a character
    does (the cut character becomes U+FFFD here).
    """
    view = byte_view(rest)
    sep = 0
    while sep < len(view) and not is_go_space(view[sep]):
        sep += 1
    following = sep
    while following < len(view) and is_go_space(view[following]):
        following += 1
    if sep == 0:
        return [], False
    command, is_json = parse_maybe_json(from_byte_view(view[following:]), escape)
    return [from_byte_view(view[:sep]), *command], is_json


LINE_PARSERS: dict[str, Callable[[str, str], Parsed]] = {
    "add": parse_maybe_json_to_list,
    "arg": parse_name_or_name_val,
    "cmd": parse_maybe_json,
    "copy": parse_maybe_json_to_list,
    "entrypoint": parse_maybe_json,
    "env": parse_env,
    "expose": parse_strings_whitespace_delimited,
    "from": parse_strings_whitespace_delimited,
    "healthcheck": parse_health_config,
    "label": parse_label,
    "maintainer": parse_string,
    "run": parse_maybe_json,
    "shell": parse_maybe_json,
    "stopsignal": parse_string,
    "user": parse_string,
    "volume": parse_maybe_json_to_list,
    "workdir": parse_string,
}

KNOWN_KEYWORDS = frozenset(LINE_PARSERS) | {"onbuild"}
