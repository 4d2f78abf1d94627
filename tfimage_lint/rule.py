"""The rule contract: metadata as class attributes, docs in the docstring, a pure ``check``."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tfimage_lint.facts import Facts, compute_facts
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.fleet import Fleet
from tfimage_lint.model.dockerfile import Dockerfile
from tfimage_lint.syntax.nodes import Instruction

RULE_ID_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
RULE_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
_SECTION_RE = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_FENCE_RE = re.compile(r"```(?:dockerfile|Dockerfile)?\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Option:
    """One option a rule accepts from a configuration.

    ``type`` is any annotation pydantic validates (``int``, ``list[str]``,
    ``dict[str, str | None]``), ``default`` its value when not set, ``help`` one line.
    """

    type: Any
    default: Any
    help: str


@dataclass(frozen=True)
class RuleContext:
    """What a rule sees for one file: the model, the shared facts and the rule's options."""

    dockerfile: Dockerfile
    options: Mapping[str, Any] = field(default_factory=dict)
    facts: Facts | None = None
    fleet: Fleet = field(default_factory=Fleet)

    @property
    def stage_facts(self) -> Facts:
        """The shared per-file facts (computed here when the engine did not pass them)."""
        if self.facts is None:
            object.__setattr__(self, "facts", compute_facts(self.dockerfile))
        return self.facts  # type: ignore[return-value]


class Rule:
    """Base class of every rule; subclasses set the metadata and implement :meth:`check`."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    families: ClassVar[frozenset[str]] = frozenset()
    #: Findings of this rule come from the engine itself (suppression bookkeeping).
    engine_generated: ClassVar[bool] = False
    #: Findings of this rule cannot be silenced with inline comments.
    suppressible: ClassVar[bool] = True
    #: Off-by-default rules run only when selected by exact id or name (or by a policy).
    default_enabled: ClassVar[bool] = True
    #: Fleet facts the docs' Example and Use instead assume (for rules that need a fleet).
    example_fleet: ClassVar[Fleet | None] = None
    #: Option values the docs' Example and Use instead assume (policy rules report nothing without them).
    example_options: ClassVar[Mapping[str, Any] | None] = None
    #: Build-context files the docs' Example and Use instead assume (relative path -> content), for
    #: rules about files a build reads (requirements files): the examples are linted with these files
    #: in the build context, and the rule's docs page shows them.
    example_files: ClassVar[Mapping[str, str] | None] = None
    #: Findings point at lines holding secrets: reporters print no source for those lines.
    redacts_source: ClassVar[bool] = False
    #: Counterparts in other tools, e.g. ``("hadolint DL3014",)``.
    see_also: ClassVar[tuple[str, ...]] = ()
    #: The options a configuration may set (``rules.<ID>.options``), by name; values reach
    #: :meth:`check` as ``ctx.options`` (defaults are not filled in: use ``ctx.options.get``).
    option_specs: ClassVar[Mapping[str, Option]] = {}

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """Yield findings for one file."""
        raise NotImplementedError

    # -- helpers for subclasses -------------------------------------------------------------

    def finding(
        self,
        ctx: RuleContext,
        where: Instruction | int,
        message: str,
        *,
        column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding at an instruction (its first line) or at a line number; ``severity`` overrides the default."""
        if isinstance(where, Instruction):
            line = where.start_line
            end_line = end_line if end_line is not None else where.end_line
        else:
            line = where
        stage = ctx.dockerfile.stage_at_line(line)
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            severity=severity or self.severity,
            message=message,
            line=line,
            column=column,
            end_line=end_line if end_line is not None else line,
            end_column=end_column,
            stage_index=stage.index if stage else None,
            stage_name=stage.name if stage else None,
            redact_source=self.redacts_source,
        )

    # -- documentation ----------------------------------------------------------------------

    @classmethod
    def example_context_lines(cls) -> list[str]:
        """Markdown lines showing :attr:`example_files` (none when the examples need no build context)."""
        if not cls.example_files:
            return []
        out = [
            "## Build context for the examples",
            "",
            "The Example and Use instead are linted with these files in the build context (`--context DIR`,"
            " by default the Dockerfile's folder):",
            "",
        ]
        for name, text in cls.example_files.items():
            out += [f"`{name}`:", "", "```text", text.rstrip("\n"), "```", ""]
        return out

    @classmethod
    def docs(cls) -> str:
        """The rule's documentation (its docstring, dedented)."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first line of the docs."""
        return cls.docs().split("\n", 1)[0]

    @classmethod
    def sections(cls) -> dict[str, str]:
        """``## Heading`` sections of the docs, by heading."""
        text = cls.docs()
        matches = list(_SECTION_RE.finditer(text))
        sections = {}
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            sections[match.group(1)] = text[match.end() : end].strip()
        return sections

    @classmethod
    def example_blocks(cls, section: str) -> list[str]:
        """The fenced Dockerfile blocks of one docs section."""
        return _FENCE_RE.findall(cls.sections().get(section, ""))
