"""Pydantic models of ``data.json``: the schema the tests validate the knowledge base against.

Not imported at run time (the loader uses plain ``json``); strict, and unknown keys are errors.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Evidence = Literal["verified", "inferred", "unverified", "conflicting", "unknown"]
SourceKind = Literal[
    "nvidia_docs",
    "nvidia_github",
    "nvidia_maintainer",
    "nvidia_verified",
    "tensorflow_docs",
    "tensorflow_repo",
    "tensorflow_release_notes",
    "tensorflow_maintainer",
    "package_metadata",
    "python_docs",
    "google_docs",
    "observation",
    "nvidia_docs_transported",
    "nvidia_generated_quoted",
    "nvidia_org_indirect",
    "nvidia_issue",
    "tensorflow_issue",
    "quoted_official",
    "convention",
    "nvidia_artifact_jetson",
    "nvidia_sibling",
    "third_party",
    "kb_file",
]


class Model(BaseModel):
    """Strict, closed base model."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Fact(Model):
    """A value with evidence; no value unless established (conflicting values are candidates)."""

    value: str | None
    evidence: Evidence
    sources: list[str]
    note: str | None = None
    candidates: list[Fact] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Fact:
        if self.value is None and self.evidence not in ("unknown", "conflicting"):
            raise ValueError(f"{self.evidence} fact without a value")
        if self.value is not None and self.evidence in ("unknown", "conflicting"):
            raise ValueError(f"{self.evidence} fact with value {self.value!r}")
        if self.value is not None and not self.sources:
            raise ValueError(f"fact {self.value!r} cites no source")
        if self.evidence == "conflicting" and len(self.candidates) < 2:
            raise ValueError("a conflicting fact lists its candidate values")
        return self


class BoolFact(Model):
    """A yes/no fact; None = unknown."""

    value: bool | None
    evidence: Evidence
    sources: list[str]
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> BoolFact:
        if (self.value is None) != (self.evidence == "unknown"):
            raise ValueError("a yes/no fact is unknown exactly when it has no value")
        if self.value is not None and not self.sources:
            raise ValueError("a yes/no fact with a value cites a source")
        return self


class Source(Model):
    """Where facts come from."""

    kind: SourceKind
    url: str | None
    note: str | None
    defined_in: str


class Note(Model):
    """Prose that does not fit a table, with its evidence."""

    id: str
    text: str
    evidence: Evidence
    sources: list[str]


# ---------------------------------------------------------------- NGC
class NgcTag(Model):
    """An explicitly recorded NGC tag."""

    tag: str
    variant: str
    exists: BoolFact


class NgcVariantFacts(Model):
    """What differs between the tags of one month."""

    tensorflow: Fact
    python: Fact


class NgcRelease(Model):
    """One NGC TensorFlow release (``YY.MM``)."""

    release: str = Field(pattern=r"^\d{2}\.\d{2}(\.\d+)?$")
    release_exists: BoolFact
    release_date: Fact
    tags: list[NgcTag]
    variants: dict[str, NgcVariantFacts]
    cuda: Fact
    cudnn: Fact
    tensorrt: Fact
    nccl: Fact
    ubuntu: Fact
    min_driver: Fact
    forward_compat: Fact
    not_forward_compatible: Fact
    min_compute_capability: Fact
    components: dict[str, Fact]
    notes: list[str]
    last_release: BoolFact | None = None


class Period(Model):
    """Months (inclusive) in which a tag form exists, does not, or is unknown."""

    first: str
    last: str
    exists: BoolFact


class TagForm(Model):
    """An NGC tag form such as ``tf2-py3``."""

    variant: str
    tf_major: Literal["1", "2"]
    python: str
    periods: list[Period]


class MonthWithoutRelease(Model):
    """A month without an NGC TensorFlow release."""

    release: str
    exists: BoolFact


class NgcCatalog(Model):
    """NGC-wide facts: first and last release, tag forms."""

    repository: str
    first_release: Fact
    last_release: Fact
    tf1_last_release: Fact
    months_without_release: list[MonthWithoutRelease]
    tag_forms: list[TagForm]
    notes: list[Note]


# ---------------------------------------------------------------- Docker Hub
class ConfirmedTag(Model):
    """A Docker Hub tag seen in use."""

    tag: str
    exists: BoolFact


class DockerHubVersion(Model):
    """Whether a TF version has Docker Hub images."""

    version: str
    images: BoolFact
    confirmed_tags: list[ConfirmedTag]


class DockerHubVariant(Model):
    """A tag suffix of versioned images."""

    variant: str
    gpu: bool
    jupyter: bool
    py3: bool
    ranges: list[list[str]] | None
    exists: BoolFact


class MovingTag(Model):
    """``latest*``, ``nightly*``, ``devel*``."""

    tag: str
    kind: Literal["latest", "nightly", "devel", "custom-op"]
    gpu: bool
    jupyter: bool
    exists: BoolFact
    tensorflow: Fact


class GpuEra(Model):
    """What the GPU images of a range of TF versions carry."""

    label: str
    tf_min: str
    tf_max: str
    scope: Literal["all", "gpu"]
    base_image: Fact
    cuda: Fact
    cudnn: Fact
    tensorrt: Fact
    python: Fact
    python_py3: Fact
    ubuntu: Fact
    cudnn_required: Fact
    gpu_works: BoolFact
    evidence: Evidence
    sources: list[str]
    note: str | None = None


class BuildRecipe(Model):
    """A GPU Dockerfile recipe of the Docker Hub images."""

    era: str
    details: dict[str, str]
    likely_tf: list[str]
    evidence: Evidence
    sources: list[str]


class DockerHub(Model):
    """The ``tensorflow/tensorflow`` table."""

    repository: str
    versions: list[DockerHubVersion]
    variants: list[DockerHubVariant]
    moving_tags: list[MovingTag]
    gpu_eras: list[GpuEra]
    build_recipes: list[BuildRecipe]
    notes: list[Note]


# ---------------------------------------------------------------- TensorFlow, CUDA, Python
class GpuConfig(Model):
    """A tested GPU build configuration."""

    tf: str
    platform: Literal["linux", "windows"]
    python: str
    python_ranges: list[list[str]]
    cuda: str
    cudnn: str
    compiler: str | None
    bazel: str | None
    package: str
    evidence: Evidence
    sources: list[str]


class AndCudaPins(Model):
    """``tensorflow[and-cuda]`` Requires-Dist of one TF version."""

    tf: str
    cuda_major: str | None
    pins: dict[str, str] | None
    other: str | None
    note: str | None
    evidence: Evidence
    sources: list[str]


class ToolkitDriver(Model):
    """CUDA toolkit release -> minimum driver."""

    cuda: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    label: str
    release: Literal["ga", "update", "rc"]
    linux: str
    windows: str
    evidence: Evidence
    sources: list[str]


class CompatFloor(Model):
    """Minor-version-compatibility floor of a CUDA major."""

    cuda_major: str
    min_driver: str
    exact_min_linux: str | None
    upper_range: str
    note: str | None
    evidence: Evidence
    sources: list[str]


class CudaMinDriver(Model):
    """The CUDA driver tables."""

    toolkit: list[ToolkitDriver]
    minor_version_compat: list[CompatFloor]
    notes: list[Note]


class TfRelease(Model):
    """Release and end-of-life facts of one TF version."""

    version: str
    released: Fact
    tpu_support_start: Fact | None
    end_of_life: Fact
    notes: list[str]


class Milestone(Model):
    """A packaging or support milestone of TensorFlow."""

    topic: str
    tf: str | None
    note: str
    evidence: Evidence
    sources: list[str]


class EcosystemEol(Model):
    """End of life of a package or image line around TensorFlow."""

    package: str
    eol: Fact


class PythonRelease(Model):
    """A Python branch."""

    version: str
    first_release: Fact
    end_of_life: Fact


class ArchBuild(Model):
    """Observed compute capabilities of an official TF build."""

    tf: str
    archs: Fact


class ArchNote(Model):
    """An architecture milestone for a range of TF minors."""

    tf_min: str
    tf_max: str | None
    note: str
    evidence: Evidence
    sources: list[str]


class BuildArchs(Model):
    """TF build architectures."""

    builds: list[ArchBuild]
    notes: list[ArchNote]


class ProblemRule(Model):
    """Where a known problem applies."""

    family: Literal["ngc-tensorflow", "dockerhub-tensorflow", "nvidia-cuda"]
    tag_pattern: str
    note: str | None = None


class KnownProblem(Model):
    """A known problem of specific images."""

    id: str
    pitfall: str | None
    kind: Literal["broken-gpu", "platform", "maintenance", "other"]
    title: str
    detail: str
    fix: str
    fixed_by: list[str]
    applies_to: list[ProblemRule]
    may_apply_to: list[ProblemRule]
    evidence: Evidence
    sources: list[str]


class KnowledgeBaseData(Model):
    """The whole of ``data.json``."""

    schema_version: Literal[1]
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    evidence_levels: list[Evidence]
    status_mapping: dict[str, Evidence]
    sources: dict[str, Source]
    ngc_catalog: NgcCatalog
    ngc_releases: list[NgcRelease]
    dockerhub_tags: DockerHub
    tf_gpu_configs: list[GpuConfig]
    and_cuda_pins: list[AndCudaPins]
    cuda_min_driver: CudaMinDriver
    tf_releases: list[TfRelease]
    tf_milestones: list[Milestone]
    ecosystem_eol: list[EcosystemEol]
    python_eol: list[PythonRelease]
    tf_build_archs: BuildArchs
    known_problems: list[KnownProblem]
    corpus_notes: list[str]
