"""A real Zendesk client library (zenpy, from PyPI) walks, shows and counts through the mock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from zdcontract.mock import MockConfig, MockServer

zenpy = pytest.importorskip("zenpy")

EMAIL, TOKEN = "agent@example.com", "zenpy-token"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    # 200 = 2 x 100: zenpy must also cope with the empty page after a full last page.
    with MockServer(
        MockConfig(activities=200, seed=5, auth_token=TOKEN, auth_email=EMAIL)
    ) as running:
        yield running


@pytest.fixture
def client(server: MockServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", urlsplit(server.url).netloc)
    zendesk = zenpy.Zenpy(subdomain="x", email=EMAIL, token=TOKEN)
    zendesk.disable_caching()  # every call must reach the mock
    yield zendesk
    zendesk.activities.session.close()


def test_zenpy_walks_every_activity_with_cursor_pagination(server: MockServer, client: Any) -> None:
    server.reset()
    ids = [activity.id for activity in client.activities()]
    assert len(ids) == 200 and len(set(ids)) == 200
    targets = [seen.target for seen in server.requests]
    assert targets[0] == "/api/v2/activities.json?page%5Bsize%5D=100"
    assert all("page%5Bafter%5D=" in target for target in targets[1:]) and len(targets) == 3
    assert {seen.method for seen in server.requests} == {"GET"}
    assert {seen.status for seen in server.requests} == {200}


def test_zenpy_shows_an_activity(client: Any) -> None:
    listed = next(iter(client.activities()))
    shown = client.activities(id=listed.id)
    assert shown.id == listed.id and shown.title == listed.title and shown.verb == listed.verb


def test_zenpy_counts(client: Any) -> None:
    count = client.activities(id="count")
    assert count.value == 200 and count.refreshed_at.endswith("Z")


def test_zenpy_sees_the_401(server: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", urlsplit(server.url).netloc)
    zendesk = zenpy.Zenpy(subdomain="x", email=EMAIL, token="wrong")
    try:
        with pytest.raises(zenpy.lib.exception.APIException, match="Couldn't authenticate you"):
            list(zendesk.activities())
    finally:
        zendesk.activities.session.close()
