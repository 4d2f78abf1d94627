"""Build the :class:`Dockerfile` model from a parse result: scopes, bases, references.

Scoping follows BuildKit's ``dockerfile2llb``: global ARGs are visible in ``FROM`` lines only,
unless a stage declares them again; ENV values are expanded with the environment from before
the instruction; a ``--build-arg`` replaces an ARG's default (which is then not evaluated); a
stage built ``FROM`` an earlier stage starts with that stage's ARGs and ENV; every stage has a
``PATH``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from tfimage_lint.model.dockerfile import BaseImage, BaseKind, CopyFromRef, Dockerfile, Stage, VariableUse
from tfimage_lint.model.imageref import ImageRef, ImageRefError, parse_image_ref
from tfimage_lint.model.semantics import instruction_errors
from tfimage_lint.model.variables import Scope, is_predefined_arg, may_come_from_base_image
from tfimage_lint.syntax.nodes import Heredoc, Instruction, ParseIssue, ParseResult
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex, ShellResult, VariableReference

_PLATFORM_ARGS = ("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
                  "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT")  # fmt: skip
_EXPANDED_ARGS = frozenset({"expose", "volume", "user", "workdir", "stopsignal"})
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class _Reference(NamedTuple):
    kind: BaseKind
    stage_index: int | None = None
    image: ImageRef | None = None
    error: str | None = None


@dataclass(frozen=True)
class _Site:
    """Where an expansion happens: the instruction, the scope, the stage and base assumptions."""

    ins: Instruction
    scope: Scope
    stage: int | None
    base_may_define: bool


class _Finder:
    """Finds successive words of an instruction in its logical line, for exact columns."""

    def __init__(self, ins: Instruction) -> None:
        self.text = ins.original
        rest = ins.rest
        self.cursor = self.text.rfind(rest) if rest else len(self.text)

    def next(self, word: str) -> int | None:
        index = self.text.find(word, max(self.cursor, 0))
        if index < 0:
            return None
        self.cursor = index + len(word)
        return index


def _mount_from(flag_value: str) -> str | None:
    for field in flag_value.split(","):
        key, _, value = field.partition("=")
        if key.strip().lower() == "from":
            return value.strip()
    return None


def _is_name(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] == "_")


class _Builder:
    """Walks the instructions once, tracking scopes the way BuildKit does."""

    def __init__(self, syntax: ParseResult, path: str, build_args: Mapping[str, str]) -> None:
        self.syntax = syntax
        self.path = path
        self.build_args = dict(build_args)
        self.escape = syntax.escape_token
        self.uses: list[VariableUse] = []
        self.errors: list[ParseIssue] = []
        self.copy_from: list[CopyFromRef] = []
        self.stage_names: dict[str, int] = {}
        self.global_scope = Scope()
        for name in _PLATFORM_ARGS:
            self.global_scope.define(name, self.build_args.get(name), "predefined build arg")

    # -- expansion --------------------------------------------------------------------------

    def _lex(self, text: str, site: _Site, *, raw: bool = False) -> ShellResult | None:
        try:
            return ShellLex(self.escape, skip_process_quotes=raw).process(text, site.scope.values)
        except ShellError as exc:
            ins = site.ins
            self.errors.append(ParseIssue(f"failed to process {text!r}: {exc}", ins.start_line, ins.end_line))
            return None

    def _record(
        self, result: ShellResult, site: _Site, locate: Callable[[VariableReference], tuple[int, int]]
    ) -> tuple[str, ...]:
        """Record every variable use; return the names that leave the value unresolved."""
        unresolved: list[str] = []
        for ref in result.references:
            if not _is_name(ref.name):
                continue
            origin = site.scope.origin(ref.name)
            hint = None
            if origin is None and is_predefined_arg(ref.name):
                origin = "predefined build arg"
            if origin is None and site.base_may_define and may_come_from_base_image(ref.name):
                origin = "base image environment (assumed)"
            if origin is None and site.stage is not None and ref.name in self.global_scope.origins:
                hint = f"the global ARG {ref.name} is not visible inside a stage; add `ARG {ref.name}` after FROM"
            if ref.name not in site.scope.values and not ref.tolerates_unset:
                unresolved.append(ref.name)
            line, column = locate(ref)
            self.uses.append(
                VariableUse(ref.name, site.ins, site.stage, line, column, origin, ref.tolerates_unset, hint)
            )
        return tuple(dict.fromkeys(unresolved))

    def expand(self, text: str, site: _Site, offset: int | None = None) -> tuple[str | None, tuple[str, ...]]:
        """Expand ``text`` found at ``offset`` of the logical line; (value or None, unresolved names)."""
        if "$" not in text and "'" not in text and '"' not in text and self.escape not in text:
            return text, ()
        result = self._lex(text, site)
        if result is None:
            return None, ()
        ins = site.ins

        def locate(ref: VariableReference) -> tuple[int, int]:
            if offset is not None:
                return ins.locate(offset + ref.offset)
            return ins.find("${" + ref.name) or ins.find("$" + ref.name) or (ins.start_line, 1)

        unresolved = self._record(result, site, locate)
        return (None, unresolved) if unresolved else (result.result, ())

    def expand_heredoc(self, heredoc: Heredoc, site: _Site) -> None:
        """COPY/ADD heredoc bodies are expanded (quotes kept) unless the name was quoted."""
        if not heredoc.expand or "$" not in heredoc.content:
            return
        result = self._lex(heredoc.content, site, raw=True)
        if result is None:
            return
        content = heredoc.content

        def locate(ref: VariableReference) -> tuple[int, int]:
            before = content[: ref.offset]
            return heredoc.start_line + before.count("\n"), ref.offset - (before.rfind("\n") + 1) + 1

        self._record(result, site, locate)

    def expand_flag(self, site: _Site, name: str) -> str | None:
        """Expand the value of ``--name=`` and return it (None when absent or unresolved)."""
        value = site.ins.flag_value(name)
        if not value:
            return value
        prefix = f"--{name}="
        index = site.ins.original.find(prefix + value)
        expanded, _ = self.expand(value, site, index + len(prefix) if index >= 0 else None)
        return expanded

    # -- declarations -----------------------------------------------------------------------

    def declare_args(self, site: _Site) -> None:
        scope = site.scope
        finder = _Finder(site.ins)
        origin = "ARG" if site.stage is not None else "global ARG"
        for word in site.ins.args:
            word_offset = finder.next(word)
            name, eq, default = word.partition("=")
            if name in self.build_args:
                scope.define(name, self.build_args[name], f"{origin} (--build-arg)")
            elif eq:
                offset = word_offset + len(name) + 1 if word_offset is not None else None
                value, _ = self.expand(default, site, offset)
                scope.define(name, value, origin)
            elif site.stage is not None and name in self.global_scope.origins:
                scope.define(name, self.global_scope.values.get(name), "ARG (from global ARG)")
            elif name in scope.values:
                scope.define(name, scope.values[name], origin)
            else:
                scope.define(name, None, origin)

    def declare_env(self, site: _Site) -> None:
        before = _Site(site.ins, site.scope.copy(), site.stage, site.base_may_define)
        finder = _Finder(site.ins)
        args = site.ins.args
        for index in range(0, len(args) - 2, 3):
            key, value = args[index], args[index + 1]
            name, _ = self.expand(key, before, finder.next(key))
            expanded, _ = self.expand(value, before, finder.next(value))
            site.scope.define(name if name is not None else key, expanded, "ENV")

    # -- references -------------------------------------------------------------------------

    def resolve_reference(self, text: str | None, written: str, stage: int) -> _Reference:
        if text is None:
            return _Reference(BaseKind.UNRESOLVED)
        if text == "":
            return _Reference(BaseKind.INVALID, error=f"base name ({written}) should not be blank")
        if text.lower() == "scratch":
            return _Reference(BaseKind.SCRATCH)
        target = self.stage_names.get(text)
        if target is not None and target < stage:
            return _Reference(BaseKind.STAGE, target)
        try:
            return _Reference(BaseKind.IMAGE, image=parse_image_ref(text))
        except ImageRefError as exc:
            return _Reference(BaseKind.INVALID, error=str(exc))

    def resolve_from(self, ins: Instruction, stage: int) -> BaseImage:
        written = ins.args[0] if ins.args else ""
        site = _Site(ins, self.global_scope, None, False)
        value, unresolved = self.expand(written, site, _Finder(ins).next(written))
        platform = self.expand_flag(site, "platform")
        ref = self.resolve_reference(value, written, stage)
        later = self.stage_names.get(value) if value is not None and ref.kind is BaseKind.IMAGE else None
        if ref.kind is BaseKind.INVALID:
            message = f"invalid base image {written!r}: {ref.error}"
            if value != written:
                message += " (the value comes from ARG defaults; set the ARGs with --build-arg)"
            self.errors.append(ParseIssue(message, ins.start_line, ins.end_line))
        return BaseImage(written, value, ref.kind, ref.image, ref.stage_index, unresolved, ref.error, platform, later)

    def note_from_ref(self, written: str, site: _Site, offset: int | None) -> None:
        """A ``--from`` of COPY/ADD or ``from=`` of a RUN mount: a stage (name or index) or an image."""
        value, _ = self.expand(written, site, offset)
        stage = site.stage if site.stage is not None else 0
        if value is None:
            ref = _Reference(BaseKind.UNRESOLVED)
        elif value.lstrip("-").isdigit():
            ref = _Reference(BaseKind.STAGE, int(value))
        elif value.lower() in self.stage_names:
            ref = _Reference(BaseKind.STAGE, self.stage_names[value.lower()])
        else:
            try:
                ref = _Reference(BaseKind.IMAGE, image=parse_image_ref(value))
            except ImageRefError as exc:
                ref = _Reference(BaseKind.INVALID, error=str(exc))
                ins = site.ins
                self.errors.append(
                    ParseIssue(f"invalid image in --from={written}: {exc}", ins.start_line, ins.end_line)
                )
        self.copy_from.append(CopyFromRef(site.ins, stage, written, value, ref.kind, ref.stage_index))

    # -- stages -----------------------------------------------------------------------------

    def stage_body(self, site: _Site) -> None:
        ins = site.ins
        keyword = ins.keyword
        if keyword == "arg":
            self.declare_args(site)
        elif keyword == "env":
            self.declare_env(site)
        elif keyword in ("label", "copy", "add") or keyword in _EXPANDED_ARGS:
            finder = _Finder(ins)
            words = ins.args[: len(ins.args) - len(ins.args) % 3] if keyword == "label" else ins.args
            for word in words:
                offset = finder.next(word)
                if not (keyword in ("copy", "add") and word.startswith("<<")):
                    self.expand(word, site, offset)
        if keyword in ("copy", "add"):
            for heredoc in ins.heredocs:
                self.expand_heredoc(heredoc, site)
            self.expand_flag(site, "chown")
            self.expand_flag(site, "chmod")
            source = ins.flag_value("from")
            if source:
                index = ins.original.find("--from=" + source)
                self.note_from_ref(source, site, index + len("--from=") if index >= 0 else None)
        elif keyword == "run":
            for flag in ins.flags:
                if flag.startswith("--mount="):
                    spec = flag[len("--mount=") :]
                    index = ins.original.find(flag)
                    expanded, _ = self.expand(spec, site, index + len("--mount=") if index >= 0 else None)
                    source = _mount_from(expanded if expanded is not None else spec)
                    if source:
                        text_index = ins.original.find("from=" + source, max(index, 0))
                        self.note_from_ref(source, site, text_index + len("from=") if text_index >= 0 else None)

    def _initial_scope(self, base: BaseImage, final_scopes: list[Scope]) -> Scope:
        if base.kind is BaseKind.STAGE and base.stage_index is not None:
            return final_scopes[base.stage_index].copy()
        scope = Scope()
        scope.define(
            "PATH", DEFAULT_PATH if base.kind is BaseKind.SCRATCH else None, "PATH (image or BuildKit default)"
        )
        return scope

    def build(self) -> Dockerfile:
        instructions = self.syntax.instructions
        for ins in instructions:
            for message in instruction_errors(ins):
                self.errors.append(ParseIssue(message, ins.start_line, ins.end_line))
        preamble: list[Instruction] = []
        groups: list[tuple[Instruction, list[Instruction]]] = []
        for ins in instructions:
            if ins.keyword == "from":
                groups.append((ins, []))
            elif groups:
                groups[-1][1].append(ins)
            else:
                preamble.append(ins)
                if ins.keyword == "arg":
                    self.declare_args(_Site(ins, self.global_scope, None, False))
        for index, (from_ins, _) in enumerate(groups):
            args = from_ins.args
            if len(args) == 3 and args[1].lower() == "as":
                self.stage_names.setdefault(args[2].lower(), index)
        stages: list[Stage] = []
        final_scopes: list[Scope] = []
        for index, (from_ins, body) in enumerate(groups):
            base = self.resolve_from(from_ins, index)
            name = from_ins.args[2].lower() if len(from_ins.args) == 3 else None
            scope = self._initial_scope(base, final_scopes)
            root = stages[base.stage_index].root if base.stage_index is not None else base
            may = root.kind in (BaseKind.IMAGE, BaseKind.UNRESOLVED, BaseKind.INVALID)
            environments: list[Mapping[str, str]] = []
            snapshot: Mapping[str, str] = dict(scope.values)
            for ins in body:
                environments.append(snapshot)
                self.stage_body(_Site(ins, scope, index, may))
                if ins.keyword in ("arg", "env"):
                    snapshot = dict(scope.values)
            environments.append(snapshot)  # after the last instruction
            final_scopes.append(scope)
            stages.append(Stage(index, name, from_ins, base, root, tuple(body), tuple(environments)))
        global_args = tuple(
            (name, self.global_scope.values.get(name))
            for name, origin in self.global_scope.origins.items()
            if origin != "predefined build arg"
        )
        return Dockerfile(
            path=self.path,
            syntax=self.syntax,
            build_args=tuple(sorted(self.build_args.items())),
            global_args=global_args,
            preamble=tuple(preamble),
            stages=tuple(stages),
            variable_uses=tuple(self.uses),
            copy_from=tuple(self.copy_from),
            semantic_errors=tuple(self.errors),
        )


def build_model(syntax: ParseResult, path: str = "-", build_args: Mapping[str, str] | None = None) -> Dockerfile:
    """Resolve stages, bases and variable scopes for a parsed file."""
    return _Builder(syntax, path, build_args or {}).build()
