"""ListActivities over a real socket: both paginations walked end to end, since, and 400s."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests

from zdcontract.mock import MockConfig, MockServer

CURSOR_KEYS = ["activities", "actors", "users", "meta", "links"]
OFFSET_KEYS = {"activities", "actors", "count", "next_page", "previous_page", "users"}


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(MockConfig(activities=250, seed=1)) as running:
        yield running


def get(url: str, **params: Any) -> dict[str, Any]:
    response = requests.get(url, params=params, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body: dict[str, Any] = response.json()
    return body


def all_ids(server: MockServer) -> list[int]:
    """Every id, newest first, from plain offset pages."""
    url = f"{server.url}/api/v2/activities.json"
    return [a["id"] for page in (1, 2, 3) for a in get(url, page=page)["activities"]]


def walk_cursor(first: str, *, while_has_more: bool = True) -> list[dict[str, Any]]:
    pages, url = [], first
    while True:
        page = get(url)
        pages.append(page)
        url = page["links"]["next"]
        if (while_has_more and not page["meta"]["has_more"]) or url is None:
            return pages


def assert_sideloads(page: dict[str, Any]) -> None:
    actor_ids = [u["id"] for u in page["actors"]]
    user_ids = [u["id"] for u in page["users"]]
    assert len(actor_ids) == len(set(actor_ids)) and len(user_ids) == len(set(user_ids))
    assert set(actor_ids) == {a["actor_id"] for a in page["activities"]}
    assert set(user_ids) == {a["user_id"] for a in page["activities"]}
    by_id = {u["id"]: u for u in page["actors"]}
    assert all(by_id[a["actor_id"]] == a["actor"] for a in page["activities"])


def test_offset_walk_visits_every_activity_once(server: MockServer) -> None:
    url: str | None = f"{server.url}/api/v2/activities.json?per_page=40"
    ids: list[int] = []
    previous: list[str | None] = []
    while url is not None:
        page = get(url)
        assert set(page) == OFFSET_KEYS and page["count"] == 250
        assert_sideloads(page)
        ids.extend(a["id"] for a in page["activities"])
        previous.append(page["previous_page"])
        for link in (page["next_page"], page["previous_page"]):
            assert link is None or link.startswith(f"{server.url}/api/v2/activities.json?page=")
        url = page["next_page"]
    assert len(ids) == 250 and len(set(ids)) == 250
    assert (
        previous[0] is None
        and previous[1] == f"{server.url}/api/v2/activities.json?page=1&per_page=40"
    )


def test_offset_depth_limit(server: MockServer) -> None:
    response = requests.get(f"{server.url}/api/v2/activities.json?page=101&per_page=1", timeout=10)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "InvalidPaginationDepth" and error["title"] and error["detail"]
    assert get(f"{server.url}/api/v2/activities.json", page=100, per_page=100)["activities"] == []


def test_cursor_walk_visits_every_activity_once(server: MockServer) -> None:
    pages = walk_cursor(f"{server.url}/api/v2/activities.json?page[size]=100")
    assert [len(p["activities"]) for p in pages] == [100, 100, 50]
    ids = [a["id"] for p in pages for a in p["activities"]]
    assert ids == all_ids(server)
    for page in pages:
        assert list(page) == CURSOR_KEYS
        assert_sideloads(page)
        for link in page["links"].values():
            assert link.startswith(f"{server.url}/api/v2/activities.json?")
    assert pages[-1]["meta"]["has_more"] is False


def test_cursor_links_and_cursors_are_shaped_like_zendesk(server: MockServer) -> None:
    page = get(f"{server.url}/api/v2/activities.json?page[size]=100")
    meta, links = page["meta"], page["links"]
    assert set(meta) == {"has_more", "after_cursor", "before_cursor"} and meta["has_more"] is True
    assert links["next"] == (
        f"{server.url}/api/v2/activities.json?page%5Bafter%5D="
        f"{meta['after_cursor'].replace('=', '%3D').replace('+', '%2B').replace('/', '%2F')}"
        "&page%5Bsize%5D=100"
    )
    assert re.fullmatch(r".*\?page%5Bbefore%5D=[A-Za-z0-9%]+&page%5Bsize%5D=100", links["prev"])
    for cursor in (meta["after_cursor"], meta["before_cursor"]):
        base64.b64decode(cursor, validate=True)  # opaque, but base64


def test_last_page_with_items_keeps_cursors_and_links(server: MockServer) -> None:
    last = walk_cursor(f"{server.url}/api/v2/activities.json?page[size]=100")[-1]
    assert last["meta"]["has_more"] is False
    assert last["meta"]["after_cursor"] and last["meta"]["before_cursor"]
    assert last["links"]["next"] and last["links"]["prev"]
    after = get(last["links"]["next"])  # what node-zendesk does: follow next while non-null
    assert after["activities"] == [] and after["actors"] == [] and after["users"] == []
    assert after["meta"] == {"has_more": False, "after_cursor": None, "before_cursor": None}
    assert after["links"] == {"prev": None, "next": None}


def test_exact_multiple_ends_with_a_full_page_then_an_empty_one(start_server: Any) -> None:
    server = start_server(activities=40)
    pages = walk_cursor(f"{server.url}/api/v2/activities.json?page[size]=10")
    assert [len(p["activities"]) for p in pages] == [10, 10, 10, 10, 0]
    assert pages[3]["meta"]["has_more"] is True
    assert pages[4]["meta"] == {"has_more": False, "after_cursor": None, "before_cursor": None}
    assert pages[4]["links"] == {"prev": None, "next": None}
    assert len({a["id"] for p in pages for a in p["activities"]}) == 40


def test_walking_backwards_with_prev_links(server: MockServer) -> None:
    pages = walk_cursor(f"{server.url}/api/v2/activities.json?page[size]=30")
    last = pages[-1]
    ids = [a["id"] for a in last["activities"]]
    url = last["links"]["prev"]
    while url:
        page = get(url)
        ids[:0] = [a["id"] for a in page["activities"]]
        url = page["links"]["prev"] if page["meta"]["has_more"] else None
    assert ids == all_ids(server)


def test_since_filters_both_paginations_and_travels_in_links(server: MockServer) -> None:
    everything = get(f"{server.url}/api/v2/activities.json")["activities"]
    since = everything[60]["created_at"]
    expected = [a["id"] for a in everything if a["created_at"] > since]
    assert 0 < len(expected) <= 60
    offset = get(f"{server.url}/api/v2/activities.json", since=since, per_page=25)
    assert offset["count"] == len(expected)
    if offset["next_page"]:
        assert parse_qs(urlsplit(offset["next_page"]).query)["since"] == [since]
    pages = walk_cursor(f"{server.url}/api/v2/activities.json?page[size]=25&since={since}")
    assert [a["id"] for p in pages for a in p["activities"]] == expected
    query = parse_qs(urlsplit(pages[0]["links"]["next"]).query)
    assert (
        query["since"] == [since]
        and "since=" + since.replace(":", "%3A") in pages[0]["links"]["next"]
    )
    assert get(f"{server.url}/api/v2/activities.json", since="2099-01-01T00:00:00Z")["count"] == 0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("since=yesterday", "InvalidValue"),
        ("since=2026-13-01T00:00:00Z", "InvalidValue"),
        ("since=", "InvalidValue"),
        ("per_page=0", "InvalidPaginationParameter"),
        ("per_page=101", "InvalidPaginationParameter"),
        ("per_page=abc", "InvalidPaginationParameter"),
        ("page=0", "InvalidPaginationParameter"),
        ("page=two", "InvalidPaginationParameter"),
        ("page[size]=0", "InvalidPaginationParameter"),
        ("page[size]=101", "InvalidPaginationParameter"),
        ("page[size]=ten", "InvalidPaginationParameter"),
        ("page[after]=not-a-cursor", "InvalidPaginationParameter"),
        ("page[before]=eyJ4IjoxfQ==", "InvalidPaginationParameter"),
        ("page[after]=a&page[before]=b", "InvalidPaginationParameter"),
    ],
)
def test_malformed_parameters_get_zendesk_style_400s(
    small_server: MockServer, query: str, code: str
) -> None:
    response = requests.get(f"{small_server.url}/api/v2/activities.json?{query}", timeout=10)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert list(body) == ["errors"]
    (error,) = body["errors"]
    assert set(error) == {"code", "title", "detail"} and error["code"] == code


def test_cursor_survives_percent_decoding_quirks(server: MockServer) -> None:
    page = get(f"{server.url}/api/v2/activities.json?page[size]=5")
    cursor = unquote(page["meta"]["after_cursor"]).rstrip("=")  # padding lost on the way
    again = get(f"{server.url}/api/v2/activities.json", **{"page[size]": 5, "page[after]": cursor})
    assert again == get(page["links"]["next"])
