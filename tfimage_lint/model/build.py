"""Build the :class:`Dockerfile` model from a parse result: scopes, bases, references."""

from __future__ import annotations

from collections.abc import Mapping

from tfimage_lint.model.dockerfile import BaseImage, BaseKind, CopyFromRef, Dockerfile, Stage, VariableUse
from tfimage_lint.model.imageref import ImageRefError, parse_image_ref
from tfimage_lint.model.semantics import instruction_errors
from tfimage_lint.model.variables import Scope, is_predefined_arg, may_come_from_base_image
from tfimage_lint.syntax.nodes import Instruction, ParseIssue, ParseResult
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

_PLATFORM_ARGS = ("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
                  "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT")  # fmt: skip
_EXPANDED_ARGS = frozenset({"expose", "volume", "user", "workdir", "stopsignal"})


def _mount_from(flag_value: str) -> str | None:
    for field in flag_value.split(","):
        key, _, value = field.partition("=")
        if key.strip().lower() == "from":
            return value.strip()
    return None


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

    # -- expansion --------------------------------------------------------------------------

    def expand(
        self, text: str, ins: Instruction, scope: Scope, stage: int | None, base_may_define: bool
    ) -> tuple[str | None, tuple[str, ...]]:
        """Expand ``text``; returns (value or None when unresolved, the unresolved names)."""
        if "$" not in text and "'" not in text and '"' not in text and self.escape not in text:
            return text, ()
        try:
            result = ShellLex(self.escape).process(text, scope.values)
        except ShellError as exc:
            self.errors.append(ParseIssue(f"failed to process {text!r}: {exc}", ins.start_line, ins.end_line))
            return None, ()
        unresolved: list[str] = []
        for ref in result.references:
            if not ref.name or not (ref.name[0].isalpha() or ref.name[0] == "_"):
                continue
            origin = scope.origin(ref.name)
            hint = None
            if origin is None and is_predefined_arg(ref.name):
                origin = "predefined build arg"
            if origin is None and base_may_define and may_come_from_base_image(ref.name):
                origin = "base image environment (assumed)"
            if origin is None and stage is not None and ref.name in self.global_scope.origins:
                hint = f"the global ARG {ref.name} is not visible inside a stage; add `ARG {ref.name}` after FROM"
            if ref.name not in scope.values and not ref.tolerates_unset:
                unresolved.append(ref.name)
            position = ins.find("${" + ref.name) or ins.find("$" + ref.name) or (ins.start_line, 1)
            self.uses.append(
                VariableUse(ref.name, ins, stage, position[0], position[1], origin, ref.tolerates_unset, hint)
            )
        if unresolved:
            return None, tuple(dict.fromkeys(unresolved))
        return result.result, ()

    # -- declarations -----------------------------------------------------------------------

    def declare_args(self, ins: Instruction, scope: Scope, stage: int | None, base_may_define: bool) -> None:
        for word in ins.args:
            name, eq, default = word.partition("=")
            if name in self.build_args:
                scope.define(name, self.build_args[name], "ARG (--build-arg)")
                if eq:
                    self.expand(default, ins, scope, stage, base_may_define)
            elif eq:
                value, _ = self.expand(default, ins, scope, stage, base_may_define)
                scope.define(name, value, "ARG" if stage is not None else "global ARG")
            elif stage is not None and name in self.global_scope.origins:
                scope.define(name, self.global_scope.values.get(name), "ARG (from global ARG)")
            else:
                scope.define(name, None, "ARG" if stage is not None else "global ARG")

    def declare_env(self, ins: Instruction, scope: Scope, stage: int, base_may_define: bool) -> None:
        before = scope.copy()
        triplets = [ins.args[i : i + 3] for i in range(0, len(ins.args) - 2, 3)]
        for key, value, _sep in triplets:
            name, _ = self.expand(key, ins, before, stage, base_may_define)
            expanded, _ = self.expand(value, ins, before, stage, base_may_define)
            scope.define(name if name is not None else key, expanded, "ENV")

    # -- references -------------------------------------------------------------------------

    def resolve_reference(self, text: str | None, written: str) -> tuple[BaseKind, int | None, object, str | None]:
        if text is None:
            return BaseKind.UNRESOLVED, None, None, None
        if text == "":
            return BaseKind.INVALID, None, None, f"base name ({written}) should not be blank"
        lowered = text.lower()
        if lowered == "scratch":
            return BaseKind.SCRATCH, None, None, None
        if lowered in self.stage_names:
            return BaseKind.STAGE, self.stage_names[lowered], None, None
        try:
            return BaseKind.IMAGE, None, parse_image_ref(text), None
        except ImageRefError as exc:
            return BaseKind.INVALID, None, None, str(exc)

    def resolve_from(self, ins: Instruction) -> BaseImage:
        written = ins.args[0] if ins.args else ""
        value, unresolved = self.expand(written, ins, self.global_scope, None, False)
        platform_flag = ins.flag_value("platform")
        platform = None
        if platform_flag:
            platform, _ = self.expand(platform_flag, ins, self.global_scope, None, False)
        kind, stage_index, image, error = self.resolve_reference(value, written)
        return BaseImage(written, value, kind, image, stage_index, unresolved, error, platform)  # type: ignore[arg-type]

    def note_from_ref(self, ins: Instruction, written: str, scope: Scope, stage: int, may: bool) -> None:
        value, _ = self.expand(written, ins, scope, stage, may)
        if value is not None and value.isdigit():
            kind, target = BaseKind.STAGE, int(value)
        else:
            kind, target, _image, _error = self.resolve_reference(value, written)
        self.copy_from.append(CopyFromRef(ins, stage, written, value, kind, target))

    # -- stages -----------------------------------------------------------------------------

    def stage_body(self, ins: Instruction, scope: Scope, stage: int, may: bool) -> None:
        keyword = ins.keyword
        if keyword == "arg":
            self.declare_args(ins, scope, stage, may)
        elif keyword == "env":
            self.declare_env(ins, scope, stage, may)
        elif keyword == "label":
            for part in ins.args[: len(ins.args) - len(ins.args) % 3]:
                self.expand(part, ins, scope, stage, may)
        elif keyword in ("copy", "add"):
            for arg in ins.args:
                if not arg.startswith("<<"):
                    self.expand(arg, ins, scope, stage, may)
            for flag in ("chown", "chmod"):
                value = ins.flag_value(flag)
                if value:
                    self.expand(value, ins, scope, stage, may)
            source = ins.flag_value("from")
            if source:
                self.note_from_ref(ins, source, scope, stage, may)
        elif keyword in _EXPANDED_ARGS:
            for arg in ins.args:
                self.expand(arg, ins, scope, stage, may)
        elif keyword == "run":
            for flag in ins.flags:
                if flag.startswith("--mount="):
                    spec = flag[len("--mount=") :]
                    expanded, _ = self.expand(spec, ins, scope, stage, may)
                    source = _mount_from(expanded if expanded is not None else spec)
                    if source:
                        self.note_from_ref(ins, source, scope, stage, may)

    def build(self) -> Dockerfile:
        instructions = self.syntax.instructions
        for ins in instructions:
            for message in instruction_errors(ins):
                self.errors.append(ParseIssue(message, ins.start_line, ins.end_line))
        self.global_scope = Scope()
        for name in _PLATFORM_ARGS:
            self.global_scope.define(name, self.build_args.get(name), "predefined build arg")
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
                    self.declare_args(ins, self.global_scope, None, False)
        for index, (from_ins, _) in enumerate(groups):
            args = from_ins.args
            if len(args) == 3 and args[1].lower() == "as":
                self.stage_names.setdefault(args[2].lower(), index)
        stages: list[Stage] = []
        final_scopes: list[Scope] = []
        for index, (from_ins, body) in enumerate(groups):
            base = self.resolve_from(from_ins)
            name = from_ins.args[2].lower() if len(from_ins.args) == 3 else None
            parent_ok = base.kind is BaseKind.STAGE and base.stage_index is not None and base.stage_index < index
            scope = final_scopes[base.stage_index].env_only() if parent_ok else Scope()  # type: ignore[index]
            root = stages[base.stage_index].root if parent_ok else base  # type: ignore[index]
            may = root.kind in (BaseKind.IMAGE, BaseKind.UNRESOLVED, BaseKind.INVALID)
            for ins in body:
                self.stage_body(ins, scope, index, may)
            final_scopes.append(scope)
            stages.append(Stage(index, name, from_ins, base, root, tuple(body)))
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
