"""pytest fixtures: one mock server per session, and a per-test handle that resets it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .config import MockConfig
from .server import MockServer

__all__ = ["zd_mock", "zd_mock_server"]


@pytest.fixture(scope="session")
def zd_mock_server() -> Iterator[MockServer]:
    """A running mock Zendesk server (default options) on a free port, for the whole session."""
    with MockServer(MockConfig(port=0)) as server:
        yield server


@pytest.fixture
def zd_mock(zd_mock_server: MockServer) -> Iterator[MockServer]:
    """The session's mock server, reset (drift, faults, request log, rate window) after the test."""
    yield zd_mock_server
    zd_mock_server.reset()
