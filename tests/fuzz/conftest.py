"""Hypothesis profiles and the count of inputs tried, for the property and fuzz tests.

Profiles: "ci" (the default: the folder runs in about a minute on one core) and "fuzz"
(`HYPOTHESIS_PROFILE=fuzz`, 50 times more examples, for a long run by hand). No example
database is kept (`database=None`): nothing is written into the repository.

atheris (coverage-guided fuzzing) has a manylinux wheel for CPython 3.11 that installs without
a special clang, so `atheris_parsers.py` drives the same parsers with it, by hand, once atheris
is installed; it is not a project dependency (pyproject.toml is left alone) and pytest never
imports it. Hypothesis covers the same parsers in every test run.
"""

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from .strategies import FUZZ_FACTOR, INPUTS

CI_EXAMPLES = 250

# Hypothesis' caches (Unicode tables, constants) go to the temporary folder, not the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "cartel-hypothesis")

settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    parent=settings.get_profile("ci"),
    max_examples=CI_EXAMPLES * FUZZ_FACTOR,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter):
    """'fuzz: 41,200 inputs tried (marc 12,000, …)': what the run really exercised."""
    if not INPUTS:
        return
    total = sum(INPUTS.values())
    parts = ", ".join(f"{parser} {count:,}" for parser, count in sorted(INPUTS.items()))
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    terminalreporter.write_line(f"fuzz ({profile} profile): {total:,} inputs tried ({parts})")
