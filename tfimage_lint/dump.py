"""The parsed model as JSON-ready data, for ``tfimage-lint parse``."""

from __future__ import annotations

from typing import Any

from tfimage_lint.model.dockerfile import BaseImage, Dockerfile
from tfimage_lint.syntax.directives import detect_syntax
from tfimage_lint.syntax.nodes import Instruction, ParseIssue


def instruction_to_dict(ins: Instruction) -> dict[str, Any]:
    """``cmd``/``flags``/``args``/``sub`` as BuildKit's dump, plus spans, heredocs and text."""
    return {
        "cmd": ins.keyword,
        "keyword": ins.keyword_text,
        "flags": list(ins.flags),
        "args": list(ins.args),
        "sub": instruction_to_dict(ins.sub) if ins.sub is not None else None,
        "json": ins.is_json,
        "heredocs": [
            {
                "name": h.name,
                "file_descriptor": h.file_descriptor,
                "expand": h.expand,
                "chomp": h.chomp,
                "content": h.content,
                "start_line": h.start_line,
                "end_line": h.end_line,
            }
            for h in ins.heredocs
        ],
        "start_line": ins.start_line,
        "end_line": ins.end_line,
        "lines": list(ins.instruction_lines),
        "original": ins.original,
        "raw": ins.raw,
    }


def base_to_dict(base: BaseImage) -> dict[str, Any]:
    """A base image as written and as resolved."""
    image = None
    if base.image is not None:
        image = {
            "registry": base.image.registry,
            "repository": base.image.repository,
            "tag": base.image.tag,
            "digest": base.image.digest,
            "canonical": base.image.canonical,
            "familiar_name": base.image.familiar_name,
        }
    return {
        "written": base.written,
        "resolved": base.resolved,
        "kind": base.kind.value,
        "image": image,
        "stage_index": base.stage_index,
        "unresolved_variables": list(base.unresolved_variables),
        "error": base.error,
        "platform": base.platform,
        "shadowed_stage": base.shadowed_stage,
    }


def _issue(issue: ParseIssue) -> dict[str, Any]:
    return {"message": issue.message, "line": issue.line, "end_line": issue.end_line, "column": issue.column}


def _frontend(lines: tuple[str, ...]) -> str | None:
    """The frontend image the ``syntax`` directive selects (BuildKit's ``DetectSyntax``), if any."""
    found = detect_syntax("\n".join(lines))
    return found[0] if found else None


def dockerfile_to_dict(df: Dockerfile) -> dict[str, Any]:
    """The whole model."""
    syntax = df.syntax
    return {
        "path": df.path,
        "escape": syntax.escape_token,
        "syntax": _frontend(syntax.source_lines),
        "directives": [{"name": d.name, "value": d.value, "line": d.line} for d in syntax.directives],
        "errors": [_issue(issue) for issue in (*syntax.errors, *df.semantic_errors)],
        "warnings": [_issue(issue) for issue in syntax.warnings],
        "build_args": dict(df.build_args),
        "global_args": [{"name": name, "value": value} for name, value in df.global_args],
        "stages": [
            {
                "index": stage.index,
                "name": stage.name,
                "start_line": stage.start_line,
                "end_line": stage.end_line,
                "base": base_to_dict(stage.base),
                "root": base_to_dict(stage.root),
            }
            for stage in df.stages
        ],
        "instructions": [instruction_to_dict(ins) for ins in syntax.instructions],
    }
