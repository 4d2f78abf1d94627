"""TF502 untrusted-registry."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from types import MappingProxyType

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind
from tfimage_lint.model.imageref import DEFAULT_REGISTRY, ImageRef, ImageRefError, parse_image_ref
from tfimage_lint.rule import Option, Rule, RuleContext
from tfimage_lint.rules.tf501_base_not_allowed import (
    base_location,
    describe_base,
    finding_at,
    option_list,
    unresolved_message,
    word_location,
)

_DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_HUB_PREFIXES = tuple(f"{alias}/" for alias in _DOCKER_HUB_ALIASES)
_SETTING = "trusted-registries"


def normalise_registry(host: str) -> str:
    """``Index.Docker.io/`` -> ``docker.io``; ``https://registry.corp:5000`` -> ``registry.corp:5000``."""
    host = host.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.rstrip("/")
    return DEFAULT_REGISTRY if host in _DOCKER_HUB_ALIASES else host


def trusted(registry: str, hosts: Sequence[str]) -> bool:
    """Whether ``registry`` (a host, with its port if any) is one of the trusted hosts."""
    return normalise_registry(registry) in {normalise_registry(host) for host in hosts}


def _source(image: ImageRef) -> str:
    if image.registry == DEFAULT_REGISTRY and not image.original.lower().startswith(_HUB_PREFIXES):
        return f"{DEFAULT_REGISTRY} (implied: a name without a registry is pulled from Docker Hub)"
    return image.registry


class UntrustedRegistry(Rule):
    """Pull images only from the registries your policy trusts.

    ## What it does
    With the policy setting `trusted-registries` (registry hosts, e.g. `nvcr.io`, `docker.io`,
    `registry.corp:5000`), reports every image the build pulls from another registry: a `FROM`
    image (after ARG substitution and `--build-arg`) and an image named by `COPY --from=`,
    `ADD --from=` or `RUN --mount=from=`. Without the setting it reports nothing.

    A name without a registry (`python:3.11`, `tensorflow/tensorflow`) comes from Docker Hub:
    `docker.io`, `index.docker.io` and `registry-1.docker.io` are the same registry, spelled out
    or implied. Hosts compare case-insensitively; a port is part of the registry, so
    `registry.corp` does not trust `registry.corp:5000` (list both if both are used). A stage
    built `FROM` an earlier stage and `scratch` pull nothing. An image that depends on an ARG with
    no value cannot be checked: it is reported as info; pass the value with `--build-arg` to
    check it.

    Like hadolint's DL3026, with the registry resolved from ARGs and the Docker Hub aliases
    treated as one registry.

    ## Why is this bad?
    A registry outside the trusted list has not been vetted for availability, retention and
    supply-chain controls (signing, scanning, access). A private mirror exists so that builds do
    not depend on, or leak to, the public internet; one `FROM` on a public registry defeats it.

    ## Example
    With `trusted-registries: [nvcr.io, registry.corp]`:

    ```dockerfile
    FROM python:3.11-slim
    ```

    ## Use instead
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    ```
    """

    id = "TF502"
    name = "untrusted-registry"
    severity = Severity.ERROR
    families = frozenset()
    see_also = ("hadolint DL3026",)
    option_specs = MappingProxyType(
        {"trusted_registries": Option(list[str], [], "registry hosts (with a port if any) images may come from")}
    )
    example_options = MappingProxyType({"trusted_registries": ["nvcr.io", "registry.corp"]})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        patterns = option_list(ctx.options.get("trusted_registries", []))
        if not patterns:
            return
        listed = ", ".join(patterns)
        for stage in ctx.dockerfile.stages:
            base = stage.base
            if base.kind is BaseKind.UNRESOLVED:
                message = unresolved_message(base.written, base.unresolved_variables, _SETTING)
                yield finding_at(self, ctx, base_location(stage), message, Severity.INFO)
            elif base.kind is BaseKind.IMAGE and base.image is not None and not trusted(base.image.registry, patterns):
                message = (
                    f"base {describe_base(base)} comes from {_source(base.image)}, "
                    f"which is not in {_SETTING} ({listed})"
                )
                yield finding_at(self, ctx, base_location(stage), message)
        for ref in ctx.dockerfile.copy_from:
            copy = ref.instruction.keyword in ("copy", "add")
            flag = "--from=" if copy else "from="
            where = word_location(ref.instruction, ref.written, flag)
            if ref.kind is BaseKind.UNRESOLVED:
                message = unresolved_message(ref.written, _variables(ref.written), _SETTING)
                yield finding_at(self, ctx, where, message, Severity.INFO)
                continue
            if ref.kind is not BaseKind.IMAGE or not ref.resolved:
                continue
            try:
                image = parse_image_ref(ref.resolved)
            except ImageRefError:
                continue
            if not trusted(image.registry, patterns):
                shown = image.canonical if ref.written == image.canonical else f"{image.canonical} ({ref.written})"
                how = f"{ref.instruction.keyword.upper()} {'' if copy else '--mount '}{flag}{ref.written}"
                message = f"{how} pulls the image {shown} from {_source(image)}, which is not in {_SETTING} ({listed})"
                yield finding_at(self, ctx, where, message)


def _variables(text: str) -> list[str]:
    """The variable names in ``text`` (``$A``, ``${B}``, ``${C:-x}``), for the unresolved message."""
    return list(dict.fromkeys(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text)))
