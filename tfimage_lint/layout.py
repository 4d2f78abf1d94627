"""The packages that live in top-level folders of the repository (``rules/``, ``policies/``).

An installed wheel or editable install maps them to ``tfimage_lint.rules`` and
``tfimage_lint.policies``. Run straight from a source checkout (``python -m tfimage_lint`` in
the repository), they are loaded from the folders next to ``tfimage_lint/`` instead.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def import_mapped_package(name: str) -> ModuleType:
    """Import ``tfimage_lint.<name>``, falling back to the repository's ``<name>/`` folder."""
    qualified = f"tfimage_lint.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name != qualified:
            raise
    init = _SOURCE_ROOT / name / "__init__.py"
    spec = importlib.util.spec_from_file_location(qualified, init, submodule_search_locations=[str(init.parent)])
    if spec is None or spec.loader is None or not init.is_file():
        raise ModuleNotFoundError(f"No module named {qualified!r}", name=qualified)
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module
