"""Fixtures of the plugin's tests: a pytester project set up for small, fast contract runs."""

from __future__ import annotations

import pytest


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester project whose embedded mock has 30 activities (short pagination walks)."""
    pytester.makeini(
        """
        [pytest]
        zd_mock_activities = 30
        """
    )
    return pytester
