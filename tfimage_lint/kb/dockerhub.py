"""Docker Hub ``tensorflow/tensorflow`` images: versioned tags, variants and moving tags."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tfimage_lint.kb import versions
from tfimage_lint.kb.cuda import derived_min_driver
from tfimage_lint.kb.facts import UNKNOWN, Fact, ImageFacts, blank_facts, finish, tag_fact, tag_known, unknown, weakest
from tfimage_lint.kb.facts import tag_fact_from_json as _from_bool
from tfimage_lint.kb.knowledge import DOCKERHUB_TENSORFLOW, nearest

if TYPE_CHECKING:
    from tfimage_lint.kb.knowledge import KnowledgeBase
    from tfimage_lint.model.imageref import ImageRef

_UNCONFIRMED_TAG = "named by the tag; the KB cannot confirm the image exists"
_VERSION_TAG = re.compile(r"^(?P<version>\d+\.\d+\.\d+(?:\.post\d+)?)(?:-(?P<variant>.+))?$")
_GPU_FIRST = ("gpu", "gpu-jupyter", "", "jupyter")
_CPU_SOURCES = ("tf_dockerfiles_spec", "tf_pr_46774")


def _number(version: str) -> float:
    major, minor, patch, post = versions.key(version)
    return major * 1_000_000 + minor * 1_000 + patch + post / 10


class DockerHubKnowledge:
    """Tag existence and stacks of ``tensorflow/tensorflow`` images."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        table = kb.data["dockerhub_tags"]
        self.versions = {row["version"]: row for row in table["versions"]}
        self.variants = {row["variant"]: row for row in table["variants"]}
        self.moving = {row["tag"]: row for row in table["moving_tags"]}
        self.eras = table["gpu_eras"]
        self.confirmed = {tag["tag"]: tag for row in table["versions"] for tag in row["confirmed_tags"]}

    # ------------------------------------------------------------ tag existence
    def status(self, tag: str) -> Fact:
        """Whether ``tag`` exists per the KB, with evidence."""
        if tag in self.moving:
            return _from_bool(self.moving[tag]["exists"], "moving tag")
        match = _VERSION_TAG.match(tag)
        if match is None:
            return unknown(f"{tag!r} is not a tensorflow/tensorflow tag form the KB knows")
        version, variant = match["version"], match["variant"] or ""
        form, row = self.variants.get(variant), self.versions.get(version)
        if form is None:
            return unknown(f"variant -{variant} is not known to the KB")
        if row is None:
            newest, sources = self.kb.newest_tf_release()
            if versions.key(version) > versions.key(newest):
                note = f"TensorFlow {version} is newer than any release the KB knows (newest: {newest})"
                return tag_fact(False, "inferred", sources, note)
            return unknown(f"the KB has no record of Docker Hub images for TensorFlow {version}")
        images = row["images"]
        if images["value"] is not True:
            return _from_bool(images)
        if tag in self.confirmed:
            return _from_bool(self.confirmed[tag]["exists"], "tag seen in use")
        if form["ranges"] and not any(
            versions.key(low) <= versions.key(version) <= versions.key(high) for low, high in form["ranges"]
        ):
            return unknown("-py3 tags are documented only for versions <= 1.15.0 and <= 2.1.0")
        return tag_fact(
            True,
            weakest(images["evidence"], form["exists"]["evidence"]),
            (*images["sources"], *form["exists"]["sources"]),
            f"TensorFlow {version} has images; "
            + (f"-{variant}" if variant else "the plain CPU tag")
            + " is published per release",
        )

    def known_tags(self) -> list[str]:
        """Existing versioned tags (oldest first), then moving tags."""
        pinned = [
            f"{version}-{variant}".rstrip("-")
            for version, row in self.versions.items()
            if row["images"]["value"] is True
            for variant in self.variants
        ]
        pinned = [tag for tag in pinned if tag_known(self.status(tag))]
        pinned.sort(key=lambda tag: (versions.key(_VERSION_TAG.match(tag)["version"]), tag))  # type: ignore[index]
        return pinned + [tag for tag, row in self.moving.items() if row["exists"]["value"] is True]

    def closest_tags(self, tag: str, n: int) -> list[str]:
        """Existing versioned tags of the same variant nearest in version, then others."""
        known = self.known_tags()
        match = _VERSION_TAG.match(tag)
        if match is None:
            return nearest(tag, known, n)
        target, variant = _number(match["version"]), match["variant"] or ""

        def distance(candidate: str) -> tuple[bool, float, float]:
            other = _VERSION_TAG.match(candidate)
            number = _number(other["version"])  # type: ignore[index]
            return ((other["variant"] or "") != variant, abs(number - target), -number)  # type: ignore[index]

        return sorted((tag for tag in known if _VERSION_TAG.match(tag)), key=distance)[:n]

    def newest_pinned_tag(self, variant: str) -> str | None:
        """Newest existing ``X.Y.Z[-variant]`` tag whose GPU support is not known to be broken."""
        for version in sorted(self.versions, key=versions.key, reverse=True):
            tag = f"{version}-{variant}" if variant else version
            broken = any(p.kind == "broken-gpu" for p in self.kb.problems_for(DOCKERHUB_TENSORFLOW, tag))
            if tag_known(self.status(tag)) and not broken:
                return tag
        return None

    # ------------------------------------------------------------ stacks
    def _era(self, version: str) -> dict[str, Any] | None:
        key = versions.key(version)
        for era in self.eras:
            high = era["tf_max"]
            if high.count(".") == 1:  # a minor: every patch of it
                within = versions.key(versions.minor(version) or version) <= versions.key(high)
            else:
                within = key <= versions.key(high)
            if versions.key(era["tf_min"]) <= key and within:
                return era
        return None

    def facts(self, ref: ImageRef) -> ImageFacts:
        """What the KB knows about a ``tensorflow/tensorflow`` reference."""
        tag = ref.tag if ref.tag is not None else (None if ref.digest else "latest")
        if tag is None:
            return self._blank(unknown("pinned by digest only: the KB cannot tell which release"), None, None)
        status = self.status(tag)
        if tag in self.moving:
            return self._moving(tag, status)
        match = _VERSION_TAG.match(tag)
        if match is None or tag_known(status) is False:
            return self._blank(status, match["variant"] or "" if match else None, tag)
        version, variant = match["version"], match["variant"] or ""
        parts = variant.split("-")
        gpu, jupyter = "gpu" in parts, "jupyter" in parts
        era = self._era(version) or {}
        if variant in self.variants:
            stack = self._gpu_stack(era, "py3" in parts) if gpu else self._cpu_stack(era)
        else:
            why = unknown(f"variant -{variant} is not one the KB describes; its stack is not assumed")
            stack = dict.fromkeys(("cuda", "cudnn", "tensorrt", "nccl", "python", "ubuntu"), why)
        released, eol = self.kb.tf_release(version)
        notes = [era["note"]] if era.get("note") else []
        if gpu and era.get("gpu_works", {}).get("value") is False:
            notes.append("TensorFlow does not see the GPU in this image (see problems)")
        build = self.kb.tf_build_archs(version)
        return finish(
            ImageFacts(
                family=DOCKERHUB_TENSORFLOW,
                tag_known=tag_known(status),
                tensorflow=Fact(version, "verified", ("tfdocs_docker_md",), "TensorFlow version named by the tag")
                if tag_known(status)
                else Fact(version, "unverified", ("tfdocs_docker_md",), _UNCONFIRMED_TAG),
                cuda=stack["cuda"],
                cudnn=stack["cudnn"],
                tensorrt=stack["tensorrt"],
                nccl=stack["nccl"],
                python=stack["python"],
                ubuntu=stack["ubuntu"],
                min_driver=derived_min_driver(self.kb.drivers, stack["cuda"], "the image")
                if gpu
                else unknown("CPU image: no NVIDIA driver needed"),
                release_date=released,
                end_of_life=eol,
                gpu=gpu,
                jupyter=jupyter,
                variant=variant,
                problems=self.kb.problems_for(DOCKERHUB_TENSORFLOW, tag),
                sources=(),
                tag_status=status,
                build_archs=build.weakened("inferred", "the image installs the PyPI wheel") if gpu else UNKNOWN,
                notes=tuple(notes),
            )
        )

    @staticmethod
    def _gpu_stack(era: dict[str, Any], py3: bool) -> dict[str, Fact]:
        stack = {
            name: Fact.from_json(era[name]) if name in era else UNKNOWN
            for name in ("cuda", "cudnn", "tensorrt", "python", "ubuntu")
        }
        if py3 and "python_py3" in era:
            stack["python"] = Fact.from_json(era["python_py3"])
        stack["nccl"] = unknown("NCCL of Docker Hub images is not in the KB")
        return stack

    @staticmethod
    def _cpu_stack(era: dict[str, Any]) -> dict[str, Fact]:
        absent = Fact("not included", "inferred", _CPU_SOURCES, "CPU image")
        stack = {name: absent for name in ("cuda", "cudnn", "tensorrt", "nccl")}
        for name in ("python", "ubuntu"):
            stack[name] = (
                Fact.from_json(era[name])
                if era.get("scope") == "all" and name in era
                else unknown("known for GPU images only")
            )
        return stack

    def _moving(self, tag: str, status: Fact) -> ImageFacts:
        row = self.moving[tag]
        head, _, rest = tag.partition("-")
        return blank_facts(
            DOCKERHUB_TENSORFLOW,
            tag_known(status),
            tensorflow=Fact.from_json(row["tensorflow"]),
            gpu=row["gpu"],
            jupyter=row["jupyter"],
            variant=None if head == "custom" else rest,
            tag_status=status,
            notes=(f"moving tag: what {tag} points to changes over time",),
        )

    def _blank(self, status: Fact, variant: str | None, tag: str | None) -> ImageFacts:
        parts = (variant or "").split("-")
        return blank_facts(
            DOCKERHUB_TENSORFLOW,
            tag_known(status),
            gpu=("gpu" in parts) if variant is not None else None,
            jupyter="jupyter" in parts,
            variant=variant,
            tag_status=status,
        )

    # ------------------------------------------------------------ counterparts
    def counterparts(self, tf_version: str) -> list[tuple[str, Fact]]:
        """Tags carrying ``tf_version``: same patch first, then same minor; GPU tags first."""
        found = []
        for version, row in self.versions.items():
            rank = versions.same_release(version, tf_version)
            if rank is None or row["images"]["value"] is not True:
                continue
            fact = Fact(
                version,
                row["images"]["evidence"],
                tuple(row["images"]["sources"]),
                f"Docker Hub images of TensorFlow {version}",
            )
            for order, variant in enumerate(_GPU_FIRST):
                tag = f"{version}-{variant}" if variant else version
                if tag_known(self.status(tag)):
                    found.append((rank, -_number(version), order, tag, fact))
        return [(tag, fact) for *_, tag, fact in sorted(found, key=lambda item: item[:3])]
