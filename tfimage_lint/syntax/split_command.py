"""Split a logical line into keyword, builder flags and the rest (BuildKit's ``splitCommand``)."""

from __future__ import annotations

from tfimage_lint.syntax.gotext import RE_WHITESPACE, byte_view, from_byte_view, is_go_space, trim_space


def split_command(line: str) -> tuple[str, str, list[str], str]:
    """Return ``(keyword_text, keyword_lower, flags, rest)`` for a logical line."""
    parts = RE_WHITESPACE.split(trim_space(line), maxsplit=1)
    keyword = parts[0]
    flags: list[str] = []
    rest = ""
    if len(parts) == 2:
        rest, flags = extract_builder_flags(parts[1])
    return keyword, keyword.lower(), flags, trim_space(rest)


def extract_builder_flags(line: str) -> tuple[str, list[str]]:
    """Leading ``--flag[=value]`` words; a bare ``--`` ends the flags and is dropped.

    BuildKit scans this part of the line byte by byte (``rune(line[pos])``): each byte of a
    non-ASCII character becomes a character of its own in the flag (``é`` turns into ``Ã©``),
    and the bytes 0x85 and 0xA0 count as blanks.  So does this, on the Latin-1 view of the
    UTF-8 bytes.
    """
    rest, words = _extract_builder_flags(byte_view(line))
    return from_byte_view(rest), words


def _extract_builder_flags(line: str) -> tuple[str, list[str]]:
    in_spaces, in_word, in_quote = 0, 1, 2
    words: list[str] = []
    phase = in_spaces
    word: list[str] = []
    quote = ""
    blank_ok = False
    length = len(line)
    pos = 0
    while pos <= length:
        ch = line[pos] if pos < length else ""
        if phase == in_spaces:
            if pos == length:
                break
            if is_go_space(ch):
                pos += 1
                continue
            if ch != "-" or pos + 1 == length or line[pos + 1] != "-":
                return line[pos:], words
            phase = in_word
        if pos == length:
            text = "".join(word)
            if text != "--" and (blank_ok or text):
                words.append(text)
            break
        if phase == in_word:
            if is_go_space(ch):
                phase = in_spaces
                text = "".join(word)
                if text == "--":
                    return line[pos:], words
                if blank_ok or text:
                    words.append(text)
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = in_quote
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == length:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1
            continue
        # in_quote
        if ch == quote:
            phase = in_word
            pos += 1
            continue
        if ch == "\\":
            if pos + 1 == length:
                phase = in_word
                pos += 1
                continue
            pos += 1
            ch = line[pos]
        word.append(ch)
        pos += 1
    return "", words
