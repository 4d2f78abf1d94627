"""Go's notion of white space and trimming, so the parser splits text exactly as BuildKit does.

Python's ``str.isspace`` and ``str.strip`` accept more characters than Go's ``unicode.IsSpace``
(for example the ASCII separators U+001C..U+001F), so they must not be used on Dockerfile text.
"""

from __future__ import annotations

import re

GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACE_SET = frozenset(GO_SPACE)

#: BuildKit's ``reWhitespace`` / ``tokenWhitespace``: ASCII blanks only, no newline.
RE_WHITESPACE = re.compile(r"[\t\v\f\r ]+")


def is_go_space(ch: str) -> bool:
    """``unicode.IsSpace`` for one character."""
    return ch in _GO_SPACE_SET


def trim_left_space(text: str) -> str:
    """``strings.TrimLeftFunc(s, unicode.IsSpace)``."""
    return text.lstrip(GO_SPACE)


def trim_space(text: str) -> str:
    """``strings.TrimSpace``."""
    return text.strip(GO_SPACE)


def byte_view(text: str) -> str:
    """One character per UTF-8 byte (its Latin-1 reading): what Go's ``rune(s[i])`` loops see."""
    return text if text.isascii() else text.encode("utf-8", "surrogatepass").decode("latin-1")


def from_byte_view(view: str) -> str:
    """Undo :func:`byte_view`; a character cut in two by the byte loop becomes U+FFFD."""
    return view if view.isascii() else view.encode("latin-1").decode("utf-8", "replace")


def trim_newline(text: str) -> str:
    """``bytes.TrimRight(s, "\\r\\n")``: drops every trailing CR and LF."""
    return text.rstrip("\r\n")


def is_comment_line(text: str) -> bool:
    """BuildKit's ``isComment``: the first non-blank character is ``#``."""
    return trim_left_space(text).startswith("#")


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote`` (``%q``): double quotes, Go escapes for the non-printable."""
    out = ['"']
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)
