"""Property-based fuzzing of the parser, the lint pipeline and the CLI (hypothesis).

Two settings profiles are registered here:

* ``tfimage-fuzz-ci``: what the test suite uses: deterministic (``derandomize=True``), no example
  database (so no ``.hypothesis/`` folder), no deadline; each test sets its own ``max_examples``
  so the folder stays a few hundred examples and well under a minute.
* ``tfimage-fuzz-long``: random, for ``tools/fuzz.py`` (which adds the seed and the example count).

Hypothesis also caches constants it finds in the code under test in its storage folder (``.hypothesis/``
in the working directory) even without a database: unless ``HYPOTHESIS_STORAGE_DIRECTORY`` says
otherwise, that folder is moved to the system's temporary folder, so no run leaves it in the repository.
"""

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "tfimage-lint-hypothesis")

CI_PROFILE = "tfimage-fuzz-ci"
LONG_PROFILE = "tfimage-fuzz-long"
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile(
    CI_PROFILE, derandomize=True, database=None, deadline=None, print_blob=True, suppress_health_check=_QUIET
)
settings.register_profile(
    LONG_PROFILE,
    derandomize=False,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
