"""The Dockerfile model: stages, resolved bases, ARG/ENV scopes, image references."""

from tfimage_lint.model.build import build_model
from tfimage_lint.model.dockerfile import (
    BaseImage,
    CopyFromRef,
    Dockerfile,
    Stage,
    VariableUse,
)
from tfimage_lint.model.imageref import ImageRef, ImageRefError, parse_image_ref

__all__ = [
    "BaseImage",
    "CopyFromRef",
    "Dockerfile",
    "ImageRef",
    "ImageRefError",
    "Stage",
    "VariableUse",
    "build_model",
    "parse_image_ref",
]
