"""What an image tag says: moving tags (``latest``, ``nightly``, ``devel``) and the variant suffix."""

from __future__ import annotations

from tfimage_lint.model.imageref import ImageRef

#: Tags that move: ``latest*``, ``nightly*``, ``devel*``.
MOVING_PREFIXES = ("latest", "nightly", "devel")


def moving_tag(ref: ImageRef) -> str | None:
    """Why the reference floats (``"no tag"`` or the moving tag), or None when it is pinned.

    A digest pins whatever the tag says. ``devel`` only counts at the start of a tag
    (``tensorflow/tensorflow:devel-gpu``), not as a flavour inside one (``nvidia/cuda:12.2.0-devel-ubuntu22.04``).
    """
    if ref.digest is not None:
        return None
    if ref.tag is None:
        return "no tag"
    lowered = ref.tag.lower()
    if lowered.startswith(MOVING_PREFIXES):
        return ref.tag
    return None


def tag_variant(tag: str) -> str:
    """The variant part of a Docker Hub TensorFlow tag.

    ``2.15.0-gpu-jupyter`` and ``latest-gpu-jupyter`` give ``gpu-jupyter``; ``latest`` gives ``""``.
    """
    head, _, rest = tag.partition("-")
    return rest if head and (head[0].isdigit() or head.lower() in MOVING_PREFIXES) else tag
