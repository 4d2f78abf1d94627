"""BuildKit-faithful Dockerfile syntax: lexing, directives, heredocs and the instruction parser."""

from tfimage_lint.syntax.nodes import (
    Comment,
    Directive,
    Heredoc,
    Instruction,
    ParseIssue,
    ParseResult,
    SourceSegment,
)
from tfimage_lint.syntax.parser import parse_dockerfile, parse_text

__all__ = [
    "Comment",
    "Directive",
    "Heredoc",
    "Instruction",
    "ParseIssue",
    "ParseResult",
    "SourceSegment",
    "parse_dockerfile",
    "parse_text",
]
