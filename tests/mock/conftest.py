"""Fixtures of the mock's tests: the packaged fixtures plus servers with particular options."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from zdcontract.mock import MockConfig, MockServer
from zdcontract.mock.fixtures import zd_mock as zd_mock
from zdcontract.mock.fixtures import zd_mock_server as zd_mock_server

StartServer = Callable[..., MockServer]


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Start a MockServer with MockConfig options; every one started is stopped afterwards."""
    servers: list[MockServer] = []

    def start(**options: Any) -> MockServer:
        server = MockServer(MockConfig(**options)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def small_server() -> Iterator[MockServer]:
    """A zendesk-profile server with 25 activities, shared by a module."""
    with MockServer(MockConfig(activities=25, seed=7)) as server:
        yield server


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A requests session, closed after the test (pyproject turns ResourceWarnings into errors)."""
    with requests.Session() as session:
        yield session
