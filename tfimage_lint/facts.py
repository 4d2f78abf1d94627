"""Facts computed once per file and shared by every rule.

Each stage's family and base image; what the knowledge base knows of the base; the shell
commands and package operations of every RUN (with followed requirement files); the effective
TensorFlow/CUDA/cuDNN/Python stack. All but the families are computed lazily, once, so files
and rules that never ask do not pay for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tfimage_lint.model.dockerfile import Dockerfile, Stage
from tfimage_lint.model.families import Family, family_of_base
from tfimage_lint.model.imageref import ImageRef

if TYPE_CHECKING:
    from tfimage_lint.analysis.context import BuildContext
    from tfimage_lint.analysis.installs import StageInstalls
    from tfimage_lint.analysis.stack import Stack
    from tfimage_lint.kb import ImageFacts


@dataclass(frozen=True)
class StageFacts:
    """A stage, the family of the image it ends up on, and that image (None when unknown)."""

    stage: Stage
    family: Family
    image: ImageRef | None


@dataclass
class Facts:
    """Per-file facts; build with :func:`compute_facts`."""

    stages: tuple[StageFacts, ...]
    dockerfile: Dockerfile | None = None
    context: BuildContext | None = None
    _image_facts: dict[int, ImageFacts | None] = field(default_factory=dict)
    _installs: tuple[StageInstalls, ...] | None = None
    _stacks: dict[int, Stack] = field(default_factory=dict)

    def of(self, stage: Stage) -> StageFacts:
        """The facts of one stage."""
        return self.stages[stage.index]

    def image_facts(self, stage: Stage) -> ImageFacts | None:
        """What the knowledge base knows about the stage's base image (None when nothing)."""
        if stage.index not in self._image_facts:
            facts = self.stages[stage.index]
            found = None
            if facts.image is not None:
                from tfimage_lint.kb import load_kb

                found = load_kb().facts_for(facts.image, facts.family.value)
            self._image_facts[stage.index] = found
        return self._image_facts[stage.index]

    def installs(self, stage: Stage) -> StageInstalls:
        """The stage's shell commands and package operations (inherited ones through ``parent``)."""
        if self._installs is None:
            from tfimage_lint.analysis.installs import analyse_installs

            if self.dockerfile is None:
                raise ValueError("facts computed without the Dockerfile")
            self._installs = analyse_installs(self.dockerfile, self.context)
        return self._installs[stage.index]

    def stack(self, stage: Stage) -> Stack:
        """The stage's TensorFlow/CUDA/cuDNN/Python after its own and inherited installs."""
        if stage.index not in self._stacks:
            from tfimage_lint.analysis.stack import compute_stack

            facts = self.stages[stage.index]
            self._stacks[stage.index] = compute_stack(
                self.installs(stage), facts.family, facts.image, self.image_facts(stage)
            )
        return self._stacks[stage.index]

    def installs_fix(self, stage: Stage, problem_id: str) -> bool:
        """True when the stage installs one of the fixes the knowledge base lists for ``problem_id``."""
        from tfimage_lint.analysis.fixes import installs_any
        from tfimage_lint.kb import load_kb

        problem = load_kb().known_problem(problem_id)
        return problem is not None and installs_any(self.installs(stage), problem.fixed_by)


def compute_facts(
    dockerfile: Dockerfile,
    family_mappings: Sequence[tuple[str, Family]] = (),
    context: BuildContext | None = None,
) -> Facts:
    """Classify every stage by its root base (a stage built FROM a stage inherits its family)."""
    stages = []
    for stage in dockerfile.stages:
        root = stage.root
        stages.append(StageFacts(stage, family_of_base(root, family_mappings), root.image))
    return Facts(tuple(stages), dockerfile, context)
