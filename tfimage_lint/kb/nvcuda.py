"""NVIDIA CUDA base images (``nvidia/cuda``, ``nvcr.io/nvidia/cuda``): facts read from the tag."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tfimage_lint.kb.cuda import GRAMMAR_SOURCE, derived_min_driver, parse_cuda_tag
from tfimage_lint.kb.facts import UNKNOWN, Fact, ImageFacts, blank_facts, finish, unknown
from tfimage_lint.kb.knowledge import NVIDIA_CUDA

if TYPE_CHECKING:
    from tfimage_lint.kb.knowledge import KnowledgeBase
    from tfimage_lint.model.imageref import ImageRef

_SOURCES = (GRAMMAR_SOURCE,)
_NO_LIST = "the KB has no list of nvidia/cuda tags"


class CudaKnowledge:
    """``nvidia/cuda`` images: CUDA version, flavour, cuDNN and OS from the tag grammar."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def facts(self, ref: ImageRef) -> ImageFacts:
        """What the tag says, and the minimum driver of its CUDA version."""
        parsed = parse_cuda_tag(ref.tag) if ref.tag else None
        status = unknown(_NO_LIST if parsed else "tag does not follow <cuda>-<flavour>-<os>")
        if parsed is None:
            return blank_facts(NVIDIA_CUDA, None, gpu=True, tag_status=status)
        cuda = Fact(parsed.cuda, "inferred", _SOURCES, "CUDA version named by the tag")
        if parsed.cudnn_major:
            cudnn = Fact(parsed.cudnn_major, "inferred", _SOURCES, "cuDNN major named by the tag")
        elif parsed.has_cudnn:
            cudnn = unknown("the flavour includes cuDNN; its version is not in the tag")
        elif parsed.flavour:
            cudnn = Fact("not included", "inferred", _SOURCES, f"the {parsed.flavour} flavour has no cuDNN")
        else:
            cudnn = unknown("no flavour in the tag")
        os_name = parsed.os or ""
        if os_name.startswith("ubuntu"):
            ubuntu = Fact(os_name.removeprefix("ubuntu"), "inferred", _SOURCES, "OS named by the tag")
        else:
            ubuntu = unknown(f"OS {os_name} is not Ubuntu" if os_name else "no OS in the tag")
        return finish(
            ImageFacts(
                family=NVIDIA_CUDA,
                tag_known=None,
                cuda=cuda,
                cudnn=cudnn,
                tensorflow=Fact("not included", "inferred", _SOURCES, "nvidia/cuda images ship no TensorFlow"),
                tensorrt=UNKNOWN,
                nccl=UNKNOWN,
                python=UNKNOWN,
                ubuntu=ubuntu,
                min_driver=derived_min_driver(self.kb.drivers, cuda, "the tag"),
                release_date=UNKNOWN,
                end_of_life=UNKNOWN,
                gpu=True,
                jupyter=False,
                variant=parsed.variant,
                problems=(),
                sources=(),
                tag_status=status,
                notes=(f"OS: {os_name}",) if os_name else (),
            )
        )

    def known_tags(self) -> list[str]:
        """None: the KB has no tag list for nvidia/cuda."""
        return []

    def closest_tags(self, tag: str, n: int) -> list[str]:
        """None: the KB has no tag list for nvidia/cuda."""
        return []

    def newest_pinned_tag(self, variant: str) -> str | None:
        """None: the KB has no tag list for nvidia/cuda."""
        return None

    def counterparts(self, tf_version: str) -> list[tuple[str, Fact]]:
        """None: nvidia/cuda images ship no TensorFlow."""
        return []
