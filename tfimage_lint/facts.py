"""Facts computed once per file and shared by every rule: each stage's family and base image.

What the knowledge base knows about a base is looked up lazily, once per stage, so files and
rules that never ask for it do not load the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tfimage_lint.model.dockerfile import Dockerfile, Stage
from tfimage_lint.model.families import Family, family_of_base
from tfimage_lint.model.imageref import ImageRef

if TYPE_CHECKING:
    from tfimage_lint.kb import ImageFacts


#: Detectors of a stage installing the fix for a known base-image problem, called as
#: ``detector(stage, problem_id) -> bool``. The shell and package analysis registers one that
#: sees pip/apt installs (e.g. cuDNN 9 for TF105); until then no fix is ever seen.
FIX_DETECTORS: list[Callable[[Stage, str], bool]] = []


def installs_fix(stage: Stage, problem_id: str) -> bool:
    """True when a registered detector sees ``stage`` install the fix for ``problem_id``."""
    return any(detector(stage, problem_id) for detector in FIX_DETECTORS)


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
    _image_facts: dict[int, ImageFacts | None] = field(default_factory=dict)

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


def compute_facts(dockerfile: Dockerfile, family_mappings: Sequence[tuple[str, Family]] = ()) -> Facts:
    """Classify every stage by its root base (a stage built FROM a stage inherits its family)."""
    stages = []
    for stage in dockerfile.stages:
        root = stage.root
        stages.append(StageFacts(stage, family_of_base(root, family_mappings), root.image))
    return Facts(tuple(stages))
