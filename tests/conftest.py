"""Shared test set-up: hypothesis profiles and the example files of the spec."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=40,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REPO = Path(__file__).resolve().parent.parent
SPEC_EXAMPLES = REPO.parent / "shared" / "spec" / "examples"
SPEC_COPY = REPO / "tests" / "data" / "spec"
"""A copy of the spec's examples, used when shared/ is not beside the checkout."""


@pytest.fixture(scope="session")
def spec_examples() -> Path:
    """The folder of FORMAT.md's example files (catalog, requests, quote, plan)."""
    if SPEC_EXAMPLES.is_dir():
        return SPEC_EXAMPLES
    if SPEC_COPY.is_dir():
        return SPEC_COPY
    pytest.skip("the shared spec examples are not beside this checkout")
