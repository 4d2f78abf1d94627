"""Package operations found in shell commands: pip/uv, conda/mamba, apt/yum/dnf/apk."""

from tfimage_lint.packages.conda import CondaCommand, CondaPackage, parse_conda
from tfimage_lint.packages.pip import PipCommand, parse_pip
from tfimage_lint.packages.requirement import Requirement, canonical_name, parse_requirement
from tfimage_lint.packages.system import SystemCommand, SystemPackage, parse_system

__all__ = [
    "CondaCommand",
    "CondaPackage",
    "PipCommand",
    "Requirement",
    "SystemCommand",
    "SystemPackage",
    "canonical_name",
    "parse_conda",
    "parse_pip",
    "parse_requirement",
    "parse_system",
]
