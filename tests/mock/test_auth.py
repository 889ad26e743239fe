"""Authentication: API token over Basic, OAuth bearer, and Zendesk's 401 bodies."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests

from zdcontract.mock import MockConfig, MockServer

TOKEN = "s3cr3t-T0KEN-value"
BASIC_401 = {"error": "Couldn't authenticate you"}
BEARER_401 = {
    "error": "invalid_token",
    "error_description": "The access token provided is expired, revoked, malformed or invalid "
    "for other reasons.",
}


def count(server: MockServer, **kwargs: Any) -> requests.Response:
    return requests.get(f"{server.url}/api/v2/activities/count.json", timeout=10, **kwargs)


def assert_basic_401(response: requests.Response) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["www-authenticate"] == 'Basic realm="Web Password"'
    assert response.json() == BASIC_401


def test_api_token_with_the_configured_email(start_server: Any) -> None:
    server = start_server(activities=2, auth_token=TOKEN, auth_email="Agent@Example.com")
    assert count(server, auth=("agent@example.com/token", TOKEN)).status_code == 200
    assert_basic_401(count(server, auth=("other@example.com/token", TOKEN)))
    assert_basic_401(count(server, auth=("agent@example.com/token", "wrong")))
    assert_basic_401(count(server, auth=("agent@example.com", TOKEN)))  # a password login
    assert_basic_401(count(server))
    assert_basic_401(count(server, headers={"Authorization": "Basic !!not-base64!!"}))
    assert_basic_401(count(server, headers={"Authorization": "Digest abc"}))


def test_api_token_with_any_email_when_none_is_configured(start_server: Any) -> None:
    server = start_server(activities=2, auth_token=TOKEN)
    assert count(server, auth=("whoever@example.com/token", TOKEN)).status_code == 200
    assert_basic_401(count(server, auth=("/token", TOKEN)))


def test_bearer_token(start_server: Any) -> None:
    server = start_server(activities=2, auth_token=TOKEN)
    assert count(server, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    response = count(server, headers={"Authorization": "Bearer expired"})
    assert response.status_code == 401 and response.json() == BEARER_401


def test_every_route_is_protected(start_server: Any) -> None:
    server = start_server(activities=2, auth_token=TOKEN)
    for path in ("/api/v2/activities.json", "/api/v2/activities/1.json", "/nowhere"):
        assert_basic_401(requests.get(server.url + path, timeout=10))


def test_no_auth_configured_accepts_anything(small_server: MockServer) -> None:
    assert count(small_server).status_code == 200
    assert count(small_server, headers={"Authorization": "Bearer whatever"}).status_code == 200


def test_the_token_is_never_shown() -> None:
    log = io.StringIO()
    config = MockConfig(activities=2, auth_token=TOKEN)
    assert TOKEN not in repr(config)
    with MockServer(config, access_log=log) as server:
        count(server, auth=("a@example.com/token", TOKEN))
        count(server, headers={"Authorization": "Bearer nope"})
        assert TOKEN not in repr(server.requests) and TOKEN not in repr(server.app.__dict__)
    assert log.getvalue().count("\n") == 2 and TOKEN not in log.getvalue()


@pytest.mark.parametrize(
    "options",
    [{"auth_email": "a@example.com"}, {"auth_token": ""}],
)
def test_bad_auth_options_are_usage_errors(options: dict[str, Any]) -> None:
    from zdcontract.errors import UsageError

    with pytest.raises(UsageError):
        MockConfig(**options)
