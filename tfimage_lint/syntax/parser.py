"""The Dockerfile parser: BuildKit's ``parser.Parse`` loop, made error-tolerant for linting.

Where BuildKit stops at the first error, this parser records it (with its lines) and goes on
with the next instruction, so a linter can still report everything else in the file.
"""

from __future__ import annotations

import re
from dataclasses import replace

from tfimage_lint.syntax.directives import DirectiveError, DirectiveParser
from tfimage_lint.syntax.gotext import is_comment_line, trim_left_space, trim_newline, trim_space
from tfimage_lint.syntax.heredoc import HEREDOC_KEYWORDS, HeredocError, heredocs_from_line
from tfimage_lint.syntax.line_parsers import LINE_PARSERS, LineParseError, parse_ignore
from tfimage_lint.syntax.nodes import (
    Comment,
    Directive,
    Heredoc,
    Instruction,
    ParseIssue,
    ParseResult,
    SourceSegment,
)
from tfimage_lint.syntax.split_command import split_command

MAX_LINE_BYTES = 65535
#: ``ONBUILD ONBUILD ...`` levels parsed into :attr:`Instruction.sub`; deeper ones are left unparsed.
MAX_ONBUILD_NESTING = 32
#: Larger files are not parsed: no Dockerfile is this big, and reading it would only cost memory.
MAX_FILE_BYTES = 16 * 1024 * 1024
_BOM = "\ufeff"
_CONTINUATION_RE = {
    "\\": re.compile(r"([^\\])\\[ \t]*\Z|^\\[ \t]*\Z", re.DOTALL),
    "`": re.compile(r"([^`])`[ \t]*\Z|^`[ \t]*\Z", re.DOTALL),
}


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """Remove a trailing continuation token; the bool says whether the line ends the instruction."""
    match = _CONTINUATION_RE[escape].search(line)
    if match is None:
        return line, True
    return line[: match.start()] + (match.group(1) or ""), False


def split_lines(text: str) -> list[str]:
    """Split on LF only, keeping terminators, like BuildKit's ``scanLines``."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _unparsed(issue: ParseIssue) -> ParseResult:
    return ParseResult((), (), (), (issue,), (), "\\", ())


def parse_dockerfile(data: bytes) -> ParseResult:
    """Parse raw bytes: strips a UTF-8 BOM, reports invalid UTF-8, UTF-16, binary and oversized content."""
    if len(data) > MAX_FILE_BYTES:
        return _unparsed(ParseIssue(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: not parsed", 1, 1))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _unparsed(ParseIssue("file is UTF-16 encoded: BuildKit reads Dockerfiles as UTF-8", 1, 1))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\x00" in data:
            line = data.count(b"\n", 0, exc.start) + 1
            return _unparsed(ParseIssue("not a Dockerfile: binary content (NUL bytes and invalid UTF-8)", line, line))
        return _parse_with_invalid_utf8(data)
    result = parse_text(text)
    return _with_nul_issue(text, result) if "\x00" in text else result


def _with_nul_issue(text: str, result: ParseResult) -> ParseResult:
    """Add an error at the first NUL byte of valid UTF-8 text: BuildKit parses it, but no process can take it."""
    text = text.removeprefix(_BOM)
    at = text.index("\x00")
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    issue = ParseIssue(
        f"NUL byte at column {column}: a Dockerfile is text, and no command or value can hold NUL", line, line, column
    )
    return replace(result, errors=tuple(sorted((issue, *result.errors), key=lambda i: i.line)))


def _parse_with_invalid_utf8(data: bytes) -> ParseResult:
    data = data.removeprefix(b"\xef\xbb\xbf")
    issues: list[ParseIssue] = []
    decoded: list[str] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            decoded.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
            issues.append(ParseIssue(f"invalid UTF-8 at byte {exc.start + 1} of the line", number, number, column))
            decoded.append(raw.decode("utf-8", "replace"))
    result = parse_text("\n".join(decoded))
    return replace(result, errors=tuple(sorted(issues + list(result.errors), key=lambda i: i.line)))


def _new_instruction(line: str, escape: str, depth: int = 0) -> Instruction:
    keyword_text, keyword, flags, rest = split_command(line)
    sub = None
    if keyword == "onbuild":
        args: list[str] = []
        is_json = False
        # BuildKit rejects `ONBUILD ONBUILD` on the first level; a cap keeps a long chain from exhausting the stack
        if rest and depth < MAX_ONBUILD_NESTING:
            sub = _new_instruction(rest, escape, depth + 1)
    else:
        parser = LINE_PARSERS.get(keyword, parse_ignore)
        args, is_json = parser(rest, escape)
    return Instruction(
        keyword=keyword,
        keyword_text=keyword_text,
        flags=tuple(flags),
        args=tuple(args),
        rest=rest,
        is_json=is_json,
        start_line=0,
        end_line=0,
        original=line,
        sub=sub,
    )


def _can_contain_heredoc(node: Instruction) -> bool:
    if node.keyword == "onbuild" and node.sub is not None:
        node = node.sub
    return node.keyword in HEREDOC_KEYWORDS and not node.is_json


def _shift_segments(segments: tuple[SourceSegment, ...], delta: int) -> tuple[SourceSegment, ...]:
    shifted = []
    for segment in segments:
        end = segment.offset + len(segment.text)
        if end <= delta:
            continue
        cut = max(0, delta - segment.offset)
        shifted.append(
            SourceSegment(segment.line, segment.column + cut, segment.offset + cut - delta, segment.text[cut:])
        )
    return tuple(shifted)


class _Parser:
    """One parse of one file; holds the scanning state."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0
        self.escape = "\\"
        self.directive_parser = DirectiveParser()
        self.instructions: list[Instruction] = []
        self.directives: list[Directive] = []
        self.comments: list[Comment] = []
        self.errors: list[ParseIssue] = []
        self.warnings: list[ParseIssue] = []
        self.prev_comments: list[str] = []

    def _scan(self) -> str | None:
        if self.pos >= len(self.lines):
            return None
        self.pos += 1
        return self.lines[self.pos - 1]

    def _note_comment(self, raw: str, number: int) -> None:
        text = trim_space(trim_left_space(raw)[1:])
        self.comments.append(Comment(number, text))

    def run(self) -> None:
        while (raw := self._scan()) is not None:
            self._parse_one(raw)

    def _parse_one(self, raw: str) -> None:
        number = self.pos
        no_newline = trim_newline(raw)
        token = trim_left_space(no_newline)
        is_directive = False
        try:
            found = self.directive_parser.parse_line(token)
        except DirectiveError as exc:
            self.errors.append(ParseIssue(str(exc), number, number))
            found = None
            is_directive = True
        if found is not None:
            is_directive = True
            self.directives.append(Directive(found[0], found[1], number))
            if found[0] == "escape":
                self.escape = found[1]
        comment = is_comment_line(token)
        if comment and not is_directive:
            self._note_comment(token, number)
            text = self.comments[-1].text
            self.prev_comments = [*self.prev_comments, text] if text else []
        body = "" if comment else token
        start_line = number
        body, end_of_line = _trim_continuation(body, self.escape)
        if end_of_line and body == "":
            return
        segments = [SourceSegment(number, len(no_newline) - len(token), 0, body)]
        parts = [body]
        offset = len(body)
        has_empty_line = False
        while not end_of_line and (raw := self._scan()) is not None:
            number = self.pos
            if is_comment_line(raw):
                self._note_comment(raw, number)
                continue
            piece = trim_newline(raw)
            if trim_left_space(piece) == "":
                has_empty_line = True
                continue
            piece, end_of_line = _trim_continuation(piece, self.escape)
            segments.append(SourceSegment(number, 0, offset, piece))
            parts.append(piece)
            offset += len(piece)
        line = "".join(parts)
        if has_empty_line:
            self.warnings.append(ParseIssue(f"Empty continuation line found in: {line}", start_line, self.pos))
        try:
            node = _new_instruction(line, self.escape)
        except LineParseError as exc:
            self.errors.append(ParseIssue(str(exc), start_line, self.pos))
            self.prev_comments = []
            return
        heredocs = self._read_heredocs(node, line, start_line)
        sub = node.sub
        if sub is not None:
            delta = line.find(sub.original)
            sub = replace(
                sub,
                start_line=start_line,
                end_line=self.pos,
                segments=_shift_segments(tuple(segments), max(delta, 0)),
                heredocs=heredocs,
            )
        self.instructions.append(
            replace(
                node,
                start_line=start_line,
                end_line=self.pos,
                segments=tuple(segments),
                heredocs=heredocs,
                sub=sub,
                comments=tuple(self.prev_comments),
                raw="".join(self.lines[start_line - 1 : self.pos]).rstrip("\n"),
            )
        )
        self.prev_comments = []

    def _read_heredocs(self, node: Instruction, line: str, start_line: int) -> tuple[Heredoc, ...]:
        if "<<" not in line or not _can_contain_heredoc(node):
            return ()
        try:
            words = heredocs_from_line(line)
        except HeredocError as exc:
            self.errors.append(ParseIssue(str(exc), start_line, self.pos))
            return ()
        heredocs: list[Heredoc] = []
        for word in words:
            body_start = self.pos + 1
            content: list[str] = []
            terminated = False
            while (raw := self._scan()) is not None:
                candidate = trim_newline(raw)
                if word.chomp:
                    candidate = candidate.lstrip("\t")
                if candidate == word.name:
                    terminated = True
                    break
                content.append(raw)
            if not terminated:
                self.errors.append(ParseIssue(f"unterminated heredoc {word.name}", start_line, self.pos))
                break
            heredocs.append(
                Heredoc(
                    name=word.name,
                    file_descriptor=word.file_descriptor,
                    expand=word.expand,
                    chomp=word.chomp,
                    content="".join(content),
                    start_line=body_start,
                    end_line=self.pos,
                )
            )
        return tuple(heredocs)


def _first_too_long_line(lines: list[str]) -> int | None:
    for index, raw in enumerate(lines):
        if (
            len(raw) > MAX_LINE_BYTES // 4
            and len(trim_newline_lf(raw).encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES
        ):
            return index
    return None


def trim_newline_lf(raw: str) -> str:
    """Drop only the LF terminator (a CR before it counts towards the line length)."""
    return raw[:-1] if raw.endswith("\n") else raw


def parse_text(text: str) -> ParseResult:
    """Parse decoded Dockerfile text."""
    if text.startswith(_BOM):
        text = text[1:]
    lines = split_lines(text)
    source_lines = tuple(trim_newline(line) for line in lines)
    too_long = _first_too_long_line(lines)
    if too_long is not None:
        lines = lines[:too_long]
    parser = _Parser(lines)
    parser.run()
    errors = parser.errors
    if too_long is not None:
        errors.append(
            ParseIssue(f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES}", too_long + 1, too_long + 1)
        )
    elif not parser.instructions and not errors:
        last = max(len(lines), 1)
        errors.append(ParseIssue("file with no instructions", last, last))
    return ParseResult(
        instructions=tuple(parser.instructions),
        directives=tuple(parser.directives),
        comments=tuple(parser.comments),
        errors=tuple(errors),
        warnings=tuple(parser.warnings),
        escape_token=parser.escape,
        source_lines=source_lines,
    )
