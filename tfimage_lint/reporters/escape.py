"""Make text from a Dockerfile safe to print: no control characters or ANSI escapes get through."""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """Replace control, bidi and other invisible characters with visible escapes."""
    return _UNSAFE.sub(_escape_char, text)


def escape_source_line(text: str) -> str:
    """Like :func:`escape_control`, but a tab becomes one space so markers stay aligned."""
    return escape_control(text.replace("\t", " "))
