"""The plugin's fixtures: the spec, a client bound to the target, validation, the mock.

Nothing is started until a fixture is requested: the mock on the first use of ``zd_mock``,
``zd_mock_server`` or (without --zd-base-url) ``zd_client``, and then once per session.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

import pytest

from .session import PLUGIN_KEY, ZdContractPlugin

if TYPE_CHECKING:
    from ..drift import Finding
    from ..mock import MockServer
    from ..runner import HttpClient
    from ..spec import Spec

__all__ = ["Validate", "zd_client", "zd_mock", "zd_mock_server", "zd_spec", "zd_validate"]

#: The keyword arguments ``@pytest.mark.zd_mock`` accepts, and MockServer.configure's names.
MARKER_ARGS = {"drift": "drift", "fault": "faults"}


class Validate(Protocol):
    """The ``zd_validate`` callable."""

    def __call__(
        self, response: object, *, operation: str | None = None, record: bool = True
    ) -> list[Finding]: ...


def _plugin(config: pytest.Config) -> ZdContractPlugin:
    return config.stash[PLUGIN_KEY]


@pytest.fixture(scope="session")
def zd_spec(pytestconfig: pytest.Config) -> Spec:
    """The OpenAPI spec in use (--zd-spec, default: the bundled one)."""
    return _plugin(pytestconfig).validator.spec


@pytest.fixture(scope="session")
def zd_client(pytestconfig: pytest.Config) -> HttpClient:
    """An HTTP client bound to the target, with auth, pacing, Retry-After, retries and a budget.

    Example:
        >>> zd_client.get("/api/v2/activities/count").status  # doctest: +SKIP
        200
    """
    return _plugin(pytestconfig).target.client


@pytest.fixture
def zd_validate(request: pytest.FixtureRequest) -> Validate:
    """Findings of a zd_client (or requests) response, kept in the session's drift report.

    ``zd_validate(response)`` returns an empty list when the response conforms; the operation
    is matched from the request's method and URL unless ``operation=`` names it, and
    ``record=False`` keeps the findings out of the report (and the exit status).
    """
    plugin, test = _plugin(request.config), request.node.nodeid

    def validate(
        response: object, *, operation: str | None = None, record: bool = True
    ) -> list[Finding]:
        return plugin.validate(response, test=test, operation=operation, record=record)

    return validate


@pytest.fixture(scope="session")
def zd_mock_server(pytestconfig: pytest.Config) -> MockServer:
    """The session's embedded mock Zendesk, started on first use (ini ``zd_mock_*`` options)."""
    return _plugin(pytestconfig).target.mock


@pytest.fixture
def zd_mock(request: pytest.FixtureRequest, zd_mock_server: MockServer) -> Iterator[MockServer]:
    """The session's mock, drifting as ``@pytest.mark.zd_mock(drift=[...], fault=[...])`` says.

    Drift, faults, the request log and the rate window are reset after the test.
    """
    marker = request.node.get_closest_marker("zd_mock")
    try:
        if marker is not None:
            zd_mock_server.configure(**_marker_settings(marker.args, marker.kwargs))
        yield zd_mock_server
    finally:
        zd_mock_server.reset()


def _marker_settings(args: Sequence[object], kwargs: dict[str, object]) -> dict[str, list[str]]:
    unknown = sorted(set(kwargs) - set(MARKER_ARGS))
    if args or unknown:
        pytest.fail(
            "@pytest.mark.zd_mock takes only drift=[...] and fault=[...]"
            + (f", not {', '.join(unknown)}" if unknown else ""),
            pytrace=False,
        )
    settings = {}
    for name, value in kwargs.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            pytest.fail(f"@pytest.mark.zd_mock({name}=...) takes a list of strings", pytrace=False)
        settings[MARKER_ARGS[name]] = [str(v) for v in values]
    return settings
