"""Split a script into simple commands with tree-sitter-bash (a real, error-tolerant bash parser).

The parser is loaded on first use. When tree-sitter is not installed, or the script has a
syntax error, :func:`parse_script` returns None and the caller falls back to a best-effort split.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from typing import Any

from tfimage_lint.shell.raw import RawCommand, RawWord

#: Child nodes of a ``command`` that are not its words.
_NOT_WORDS = frozenset({"variable_assignment", "file_redirect", "heredoc_redirect", "herestring_redirect", "comment"})
#: Nodes whose commands run in a subshell whose output becomes a word.
SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
#: Commands inside deeper substitutions are not collected: each level's word holds the text of all
#: the levels inside it, so following every level of ``$(…$(…))`` costs time and memory quadratic in
#: the depth. Real scripts nest two or three levels; the outer words stay unknown (``known=False``).
MAX_SUBSTITUTION_DEPTH = 16


@cache
def bash_parser() -> Any:
    """The tree-sitter-bash parser (None when tree-sitter is not installed)."""
    try:
        import tree_sitter_bash
        from tree_sitter import Language, Parser
    except ImportError:  # pragma: no cover - tree-sitter is a dependency; this keeps a broken install usable
        return None
    return Parser(Language(tree_sitter_bash.language()))


class ByteOffsets:
    """Byte offsets of the UTF-8 script back to character offsets.

    Offsets are asked for mostly in increasing order: each answer is kept as a checkpoint, and the
    next one decodes only the bytes after the nearest checkpoint, so a whole script costs linear time.
    """

    def __init__(self, text: str, data: bytes) -> None:
        self._ascii = len(text) == len(data)
        self._data = data
        self._bytes = [0]
        self._chars = [0]

    def char(self, byte_offset: int) -> int:
        """The character offset of a byte offset."""
        if self._ascii:
            return byte_offset
        index = bisect_right(self._bytes, byte_offset) - 1
        start = self._bytes[index]
        chars = self._chars[index] + len(self._data[start:byte_offset].decode("utf-8", errors="replace"))
        at_boundary = byte_offset >= len(self._data) or (self._data[byte_offset] & 0xC0) != 0x80
        if index == len(self._bytes) - 1 and byte_offset > start and at_boundary:
            self._bytes.append(byte_offset)
            self._chars.append(chars)
        return chars


def parse_script(text: str) -> list[RawCommand] | None:
    """The simple commands of ``text`` in source order, or None when it cannot be parsed exactly."""
    parser = bash_parser()
    if parser is None:
        return None
    data = text.encode("utf-8", errors="surrogatepass")
    tree = parser.parse(data)
    if tree.root_node.has_error:
        return None
    offsets = ByteOffsets(text, data)
    found: list[RawCommand] = []
    _walk(tree.root_node, found, offsets, nested=False)
    return found


def _word(node: Any, offsets: ByteOffsets) -> RawWord:
    return RawWord(node.text.decode("utf-8", errors="replace"), offsets.char(node.start_byte))


def _walk(root: Any, found: list[RawCommand], offsets: ByteOffsets, *, nested: bool) -> None:
    """Collect commands in source order; iterative, so deeply nested substitutions cannot overflow."""
    # (node, nested, only_substitutions, piped, depth): inside a command's words only substitutions
    # hold commands; piped marks commands of a pipeline; depth counts the substitutions around the
    # node; a str item is a scope marker emitted when reached
    stack: list[tuple[Any, bool, bool, bool, int] | str] = [(root, nested, False, False, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(RawCommand(0, scope=item))
            continue
        node, inside, only_substitutions, piped, depth = item
        kind = node.type
        if kind == "subshell" and not only_substitutions:
            found.append(RawCommand(offsets.char(node.start_byte), scope="enter"))
            stack.append("leave")
            stack.extend((child, inside, False, piped, depth) for child in reversed(node.children))
            continue
        if only_substitutions and kind not in SUBSTITUTIONS:
            stack.extend((child, inside, True, False, depth) for child in reversed(node.children))
            continue
        command = _command_of(node, offsets, inside)
        if command is not None:
            command.piped = piped
            found.append(command)
            stack.extend((child, inside, True, False, depth) for child in reversed(node.children))
            continue
        substitution = kind in SUBSTITUTIONS
        if substitution and depth >= MAX_SUBSTITUTION_DEPTH:
            continue
        inner = inside or substitution
        child_piped = (piped or kind == "pipeline") and not substitution
        stack.extend((child, inner, False, child_piped, depth + substitution) for child in reversed(node.children))


def _command_of(node: Any, offsets: ByteOffsets, nested: bool) -> RawCommand | None:
    """A command for ``command``, assignment and ``export``-style nodes; None for other nodes."""
    kind = node.type
    if kind not in ("command", "variable_assignment", "variable_assignments", "declaration_command"):
        return None
    command = RawCommand(offsets.char(node.start_byte), nested=nested)
    if kind == "variable_assignment":
        command.assignments.append(_word(node, offsets))
        return command
    if kind == "declaration_command" and node.children:  # export / declare / readonly / local
        command.words.append(_word(node.children[0], offsets))
    for child in node.named_children:
        if child.type == "variable_assignment":
            command.assignments.append(_word(child, offsets))
        elif child.type not in _NOT_WORDS:
            command.words.append(_word(child, offsets))
    return command
