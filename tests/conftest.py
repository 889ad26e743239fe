"""Shared test configuration: Hypothesis profiles and the import path of the body builders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

import pytest  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def zendesk_spec_path() -> str:
    """Zendesk's full published Support API spec (kept beside the repository, not in it)."""
    path = SHARED / "zendesk" / "support-api-oas.yaml"
    if not path.is_file():
        pytest.skip("Zendesk's published spec is not beside this checkout")
    return str(path)


@pytest.fixture(scope="session")
def seed_spec_path() -> str:
    """The seed document the bundled spec was repaired from."""
    path = SHARED / "seed" / "activities-openapi-original.yml"
    if not path.is_file():
        pytest.skip("the seed document is not beside this checkout")
    return str(path)
