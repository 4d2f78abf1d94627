"""Render a run in one of the output formats; each reporter module is imported only when used."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module

from tfimage_lint.engine import FileReport
from tfimage_lint.reporters.context import RenderContext

#: format name -> (module, function). Every renderer takes (reports, ctx) except text and json.
FORMATS: dict[str, tuple[str, str]] = {
    "text": ("tfimage_lint.reporters.text", "render_text"),
    "json": ("tfimage_lint.reporters.json_report", "render_json"),
    "sarif": ("tfimage_lint.reporters.sarif", "render_sarif"),
    "github": ("tfimage_lint.reporters.github", "render_github"),
    "junit": ("tfimage_lint.reporters.junit", "render_junit"),
    "gitlab": ("tfimage_lint.reporters.gitlab", "render_gitlab"),
    "checkstyle": ("tfimage_lint.reporters.checkstyle", "render_checkstyle"),
}


def render(name: str, reports: Sequence[FileReport], ctx: RenderContext) -> str:
    """The report of the run in format ``name``."""
    module, function = FORMATS[name]
    renderer = getattr(import_module(module), function)
    if name == "text":
        return renderer(reports, color=ctx.color, quiet=ctx.quiet)
    if name == "json":
        return renderer(reports)
    return renderer(reports, ctx)
