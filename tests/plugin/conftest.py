"""Fixtures of the plugin's tests: a pytester project set up for small, fast contract runs."""

from __future__ import annotations

import pytest


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """Pytester whose inner sessions do not load pytest-benchmark, where it is installed.

    Inside an xdist worker pytest-benchmark warns at configure time that xdist disables it,
    and the outer session's ``filterwarnings = error`` makes that an internal error of the
    inner session. Pytester drops ``PYTEST_ADDOPTS`` when it starts, so it is set after.
    """
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:benchmark")
    return pytester


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
