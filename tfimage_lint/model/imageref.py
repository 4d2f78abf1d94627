"""Container image references, parsed and normalised like Docker's ``reference`` package."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_REGISTRY = "docker.io"
_REGISTRY_ALIASES = {"index.docker.io": DEFAULT_REGISTRY, "registry-1.docker.io": DEFAULT_REGISTRY}
_DOMAIN_RE = re.compile(
    r"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*"
    r"|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$"
)
_PATH_COMPONENT_RE = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$")
_TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$", re.ASCII)
_DIGEST_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$")


class ImageRefError(ValueError):
    """A reference Docker would refuse, with the reason."""


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A normalised reference: ``registry/repository[:tag][@digest]``.

    ``tag`` is None when the reference had no tag (Docker then pulls ``latest`` unless a
    digest is given); :attr:`effective_tag` says what is pulled.
    """

    original: str
    registry: str
    repository: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """``registry/repository``."""
        return f"{self.registry}/{self.repository}"

    @property
    def familiar_name(self) -> str:
        """The short name Docker shows: ``ubuntu``, ``tensorflow/tensorflow``, ``nvcr.io/nvidia/tensorflow``."""
        if self.registry == DEFAULT_REGISTRY:
            if self.repository.startswith("library/") and self.repository.count("/") == 1:
                return self.repository.removeprefix("library/")
            return self.repository
        return self.name

    @property
    def effective_tag(self) -> str | None:
        """The tag that is pulled: ``latest`` when none is written and there is no digest."""
        if self.tag is None and self.digest is None:
            return "latest"
        return self.tag

    @property
    def canonical(self) -> str:
        """Fully qualified form, e.g. ``docker.io/library/ubuntu:latest``."""
        text = self.name
        if self.effective_tag is not None:
            text += f":{self.effective_tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text

    def __str__(self) -> str:
        return self.canonical


def parse_image_ref(text: str) -> ImageRef:
    """Parse and normalise ``text``; raises :class:`ImageRefError` for an invalid reference."""
    if not text:
        raise ImageRefError("image reference is empty")
    if any(ch.isspace() for ch in text):
        raise ImageRefError(f"invalid reference format: {text!r} contains white space")
    remainder, at, digest = text.partition("@")
    digest_value: str | None = None
    if at:
        if not _DIGEST_RE.match(digest):
            raise ImageRefError(f"invalid digest in {text!r}")
        digest_value = digest
    tag: str | None = None
    slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > slash:
        tag = remainder[colon + 1 :]
        remainder = remainder[:colon]
        if not _TAG_RE.match(tag):
            raise ImageRefError(f"invalid tag {tag!r} in {text!r}")
    first, sep, rest = remainder.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first.lower() != first):
        registry = _REGISTRY_ALIASES.get(first, first)
        path = rest
        if not _DOMAIN_RE.match(first):
            raise ImageRefError(f"invalid registry {first!r} in {text!r}")
    else:
        registry = DEFAULT_REGISTRY
        path = remainder
    if not path:
        raise ImageRefError(f"invalid reference format: {text!r} has no repository")
    for component in path.split("/"):
        if not _PATH_COMPONENT_RE.match(component):
            if component.lower() != component:
                raise ImageRefError(f"invalid reference format: repository name {path!r} must be lowercase")
            raise ImageRefError(f"invalid reference format: bad repository component {component!r} in {text!r}")
    if registry == DEFAULT_REGISTRY and "/" not in path:
        path = f"library/{path}"
    if len(registry) + 1 + len(path) > 255:
        raise ImageRefError("repository name must not be more than 255 characters")
    return ImageRef(original=text, registry=registry, repository=path, tag=tag, digest=digest_value)
