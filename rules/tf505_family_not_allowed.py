"""TF505 family-not-allowed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import MappingProxyType

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import BaseKind
from tfimage_lint.model.families import Family
from tfimage_lint.rule import Option, Rule, RuleContext
from tfimage_lint.rules.tf501_base_not_allowed import (
    base_location,
    describe_base,
    finding_at,
    option_list,
    unresolved_message,
)

_SETTING = "allowed-families"


def family_allowed(family: Family, allowed: Sequence[str]) -> bool:
    """Whether ``family`` is one of the allowed family values (compared case-insensitively)."""
    return family.value in {value.strip().lower() for value in allowed}


class FamilyNotAllowed(Rule):
    """Build only on the base-image families your policy allows.

    ## What it does
    With the policy setting `allowed-families` (a list of family values), reports a `FROM` whose
    image (after ARG substitution and `--build-arg`) belongs to another family. The families are
    `ngc-tensorflow`, `ngc-framework`, `dockerhub-tensorflow`, `nvidia-cuda`, `python`, `os` and
    `unknown`; the `families:` setting of the configuration maps more image names (private
    mirrors) onto them. Without the setting it reports nothing.

    Judged at the stage whose `FROM` names the image: a stage built `FROM` an earlier stage has
    that stage's family and is not reported again. `scratch` is never reported (it holds no
    software). An image no family pattern knows is in the family `unknown`: reported unless
    `unknown` is allowed, with a hint to map it under `families:`. A base that depends on an ARG
    with no value cannot be classified: unless `unknown` is allowed, it is reported as info so
    the gap shows without failing the build; pass the value with `--build-arg` to check it.

    ## Why is this bad?
    An organisation that supports one kind of image (say NVIDIA's NGC TensorFlow containers, with
    their tested CUDA/cuDNN/driver combinations and support contract) cannot support images
    built on anything else: a hand-assembled `python` or `ubuntu` base puts the GPU stack back in
    every team's hands.

    ## Example
    With `allowed-families: [ngc-tensorflow, ngc-framework]`:

    ```dockerfile
    FROM tensorflow/tensorflow:2.17.0-gpu
    ```

    ## Use instead
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    ```
    """

    id = "TF505"
    name = "family-not-allowed"
    severity = Severity.ERROR
    families = frozenset()
    option_specs = MappingProxyType(
        {"allowed_families": Option(list[str], [], "the base-image families allowed, e.g. ngc-tensorflow")}
    )
    example_options = MappingProxyType({"allowed_families": ["ngc-tensorflow", "ngc-framework"]})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        allowed = option_list(ctx.options.get("allowed_families", []))
        if not allowed:
            return
        listed = ", ".join(allowed)
        for facts in ctx.stage_facts.stages:
            stage = facts.stage
            base = stage.base
            if base.kind not in (BaseKind.IMAGE, BaseKind.UNRESOLVED):
                continue  # a stage (judged where its image is named), scratch, or an invalid reference
            family = facts.family if base.kind is BaseKind.IMAGE else Family.UNKNOWN
            if family_allowed(family, allowed):
                continue
            where = base_location(stage)
            if base.kind is BaseKind.UNRESOLVED:
                message = unresolved_message(base.written, base.unresolved_variables, _SETTING)
                yield finding_at(self, ctx, where, message, Severity.INFO)
            elif family is Family.UNKNOWN:
                message = (
                    f"base {describe_base(base)} is of no known family (unknown), which is not in {_SETTING} "
                    f"({listed}); if it is a mirror of an allowed image, map its name under families: in the "
                    "configuration"
                )
                yield finding_at(self, ctx, where, message)
            else:
                message = f"base {describe_base(base)} is in the family {family.value}, not in {_SETTING} ({listed})"
                yield finding_at(self, ctx, where, message)
