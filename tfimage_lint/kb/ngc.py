"""NGC TensorFlow images (``nvcr.io/nvidia/tensorflow:YY.MM-tf2-py3`` and friends)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tfimage_lint.kb import versions
from tfimage_lint.kb.facts import (
    UNKNOWN,
    Fact,
    ImageFacts,
    blank_facts,
    finish,
    tag_fact,
    tag_known,
    unknown,
    weakest,
)
from tfimage_lint.kb.facts import tag_fact_from_json as _from_bool
from tfimage_lint.kb.knowledge import NGC_TENSORFLOW, nearest

if TYPE_CHECKING:
    from tfimage_lint.kb.knowledge import KnowledgeBase
    from tfimage_lint.model.imageref import ImageRef

_TAG_RE = re.compile(r"^(?P<release>\d{2}\.\d{2}(?:\.\d+)?)-(?P<variant>[a-z0-9][a-z0-9-]*)$")
_SHARED = ("cuda", "cudnn", "tensorrt", "nccl", "ubuntu", "min_driver", "forward_compat", "min_compute_capability")
_IGPU = "-igpu"
DEFAULT_VARIANT = "tf2-py3"


def _month(release: str) -> str:
    return f"20{release[:2]}-{release[3:5]}"


class NgcKnowledge:
    """Tag existence and stacks of NGC TensorFlow releases."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        catalog = kb.data["ngc_catalog"]
        self.rows = {row["release"]: row for row in kb.data["ngc_releases"]}
        self.explicit = {tag["tag"]: tag for row in kb.data["ngc_releases"] for tag in row["tags"]}
        self.forms = {form["variant"]: form for form in catalog["tag_forms"]}
        self.first = Fact.from_json(catalog["first_release"])
        self.last = Fact.from_json(catalog["last_release"])
        self.tf1_last = Fact.from_json(catalog["tf1_last_release"])
        self.gaps = {gap["release"]: gap["exists"] for gap in catalog["months_without_release"]}

    # ------------------------------------------------------------ tag existence
    def status(self, tag: str) -> Fact:
        """Whether ``tag`` exists per the KB, with evidence."""
        match = _TAG_RE.match(tag)
        if match is None:
            return unknown(f"{tag!r} is not an NGC TensorFlow tag form the KB knows")
        release, variant = match["release"], match["variant"]
        month = versions.month_index(release[:5])
        if month is None:
            return tag_fact(False, "inferred", (), f"{release[:5]} is not a YY.MM month")
        last = versions.month_index(self.last.value or "")
        if last is not None and month > last:
            return tag_fact(
                False,
                self.last.evidence,
                self.last.sources,
                f"no NGC TensorFlow release after {self.last.value} (KB as of {self.kb.as_of})",
            )
        first = versions.month_index(self.first.value or "")
        if first is not None and month < first:
            return tag_fact(
                False,
                self.first.evidence,
                self.first.sources,
                f"before the first NGC TensorFlow release ({self.first.value})",
            )
        if release in self.gaps:
            return _from_bool(self.gaps[release], f"NVIDIA published no TensorFlow release {release}")
        explicit = self.explicit.get(tag)
        if explicit is not None and explicit["exists"]["value"] is not None:
            return _from_bool(explicit["exists"])
        return self._form_status(release, variant, month, explicit)

    def _form_status(self, release: str, variant: str, month: int, explicit: dict[str, Any] | None) -> Fact:
        note = explicit["exists"].get("note") if explicit else None
        form = self.forms.get(variant)
        if form is None or release.count(".") > 1:
            return unknown(note or f"tag form -{variant} of {release} is not known to the KB")
        for period in form["periods"]:
            first, last = versions.month_index(period["first"]), versions.month_index(period["last"])
            if first is not None and last is not None and first <= month <= last:
                exists = period["exists"]
                if exists["value"] is not True:
                    return _from_bool(exists, note)
                row = self.rows.get(release)
                if row is None or row["release_exists"]["value"] is not True:
                    return unknown(f"the KB does not know whether NVIDIA released {release}")
                released = row["release_exists"]
                return tag_fact(
                    True,
                    weakest(exists["evidence"], released["evidence"]),
                    (*released["sources"], *exists["sources"]),
                    f"{release} was released and -{variant} is the tag form of that era",
                )
        return unknown(note or f"the KB has no rule for -{variant} tags in {release}")

    def known_tags(self) -> list[str]:
        """Tags that exist per the KB, oldest release first."""
        tags = {tag for tag, row in self.explicit.items() if row["exists"]["value"] is True}
        for release, row in self.rows.items():
            if row["release_exists"]["value"] is True and release.count(".") == 1:
                tags.update(
                    f"{release}-{variant}" for variant in self.forms if tag_known(self.status(f"{release}-{variant}"))
                )
        return sorted(tags, key=lambda tag: (versions.month_index(tag[:5]) or 0, tag))

    def closest_tags(self, tag: str, n: int) -> list[str]:
        """Existing tags of the same variant nearest in time, then other variants."""
        known = self.known_tags()
        match = _TAG_RE.match(tag)
        month = versions.month_index(match["release"][:5]) if match else None
        if match is None or month is None:
            return nearest(tag, known, n)

        def distance(candidate: str) -> tuple[int, int, int]:
            other = versions.month_index(candidate[:5]) or 0
            return (candidate.partition("-")[2] != match["variant"], abs(other - month), -other)

        return sorted(known, key=distance)[:n]

    def newest_pinned_tag(self, variant: str) -> str | None:
        """Newest existing ``YY.MM-<variant>`` tag (default ``tf2-py3``) without a broken-image problem."""
        wanted = variant or DEFAULT_VARIANT
        for tag in reversed(self.known_tags()):
            if tag.partition("-")[2] == wanted and not any(
                p.kind == "broken-gpu" for p in self.kb.problems_for(NGC_TENSORFLOW, tag)
            ):
                return tag
        return None

    # ------------------------------------------------------------ stacks
    def facts(self, ref: ImageRef) -> ImageFacts:
        """What the KB knows about an NGC TensorFlow reference."""
        tag = ref.tag if ref.tag is not None else (None if ref.digest else "latest")
        if tag is None:
            return self._blank(unknown("pinned by digest only: the KB cannot tell which release"), None)
        status = self.status(tag)
        match = _TAG_RE.match(tag)
        variant = match["variant"] if match else None
        row = self.rows.get(match["release"]) if match else None
        igpu = bool(variant and variant.endswith(_IGPU))
        stacks = row["variants"].get(variant.removesuffix(_IGPU)) if row and variant else None
        if row is None or stacks is None or tag_known(status) is False:
            return self._blank(status, variant, tag)
        facts = {name: Fact.from_json(row[name]) for name in _SHARED}
        facts["tensorflow"] = Fact.from_json(stacks["tensorflow"])
        facts["python"] = Fact.from_json(stacks["python"])
        if igpu:
            facts = {name: _igpu(fact) for name, fact in facts.items()}
        form = self.forms.get(variant.removesuffix(_IGPU), {})
        return finish(
            ImageFacts(
                family=NGC_TENSORFLOW,
                tag_known=tag_known(status),
                tensorflow=facts["tensorflow"],
                cuda=facts["cuda"],
                cudnn=facts["cudnn"],
                tensorrt=facts["tensorrt"],
                nccl=facts["nccl"],
                python=facts["python"],
                ubuntu=facts["ubuntu"],
                min_driver=facts["min_driver"],
                release_date=Fact.from_json(row["release_date"]),
                end_of_life=self._end_of_life(form.get("tf_major")),
                gpu=True,
                jupyter=False,
                variant=variant,
                problems=self.kb.problems_for(NGC_TENSORFLOW, tag),
                sources=(),
                tag_status=status,
                forward_compat=facts["forward_compat"],
                min_compute_capability=facts["min_compute_capability"],
                build_archs=unknown("NVIDIA's own TensorFlow build: its compute capabilities are not in the KB"),
                notes=tuple(row["notes"]),
            )
        )

    def _end_of_life(self, tf_major: str | None) -> Fact:
        line = self.tf1_last if tf_major == "1" else self.last if tf_major == "2" else None
        if line is None or line.value is None:
            return UNKNOWN
        what = "TF1 monthly releases" if tf_major == "1" else "NGC TensorFlow releases"
        return Fact(_month(line.value), line.evidence, line.sources, f"{what} ended with {line.value}")

    def _blank(self, status: Fact, variant: str | None, tag: str | None = None) -> ImageFacts:
        known = tag_known(status)
        return blank_facts(
            NGC_TENSORFLOW,
            known,
            gpu=None if known is False else True,
            variant=variant,
            problems=self.kb.problems_for(NGC_TENSORFLOW, tag) if known is not False else (),
            tag_status=status,
        )

    # ------------------------------------------------------------ counterparts
    def counterparts(self, tf_version: str) -> list[tuple[str, Fact]]:
        """NGC tags whose TF matches ``tf_version``: same patch first, confirmed tags first, then newest."""
        found = []
        for release, row in self.rows.items():
            for variant, stacks in row["variants"].items():
                tensorflow = stacks["tensorflow"]
                rank = versions.same_release(tensorflow["value"], tf_version) if tensorflow["value"] else None
                tag = f"{release}-{variant}"
                exists = tag_known(self.status(tag))
                if rank is not None and exists is not False:
                    month = -(versions.month_index(release[:5]) or 0)
                    found.append((rank, exists is not True, month, tag, Fact.from_json(tensorflow)))
        return [(tag, fact) for *_, tag, fact in sorted(found, key=lambda item: item[:4])]


def _igpu(fact: Fact) -> Fact:
    """Facts of the main tag, demoted to candidates: the -igpu build may differ."""
    if fact.value is None:
        return fact
    note = "value of the -tf2-py3 tag of the same month; the -igpu build may differ"
    return unknown(note, candidates=(fact,))
