"""ShowActivity, CountActivities, 404s, methods and .json over a real socket."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from zdcontract.mock import MockServer

JSON = "application/json; charset=utf-8"
NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
NO_ROUTE = {"error": "InvalidEndpoint", "description": "Not found"}


def fetch(method: str, url: str) -> requests.Response:
    return requests.request(method, url, timeout=10)


def test_show_equals_the_listed_record(small_server: MockServer) -> None:
    listed = fetch("GET", f"{small_server.url}/api/v2/activities.json").json()["activities"]
    for activity in listed[:5] + listed[-2:]:
        for suffix in (".json", ""):
            response = fetch(
                "GET", f"{small_server.url}/api/v2/activities/{activity['id']}{suffix}"
            )
            assert response.status_code == 200 and response.headers["content-type"] == JSON
            assert response.json() == {"activity": activity}
        assert fetch("GET", activity["url"]).json() == {"activity": activity}  # url is live


def test_unknown_activity_is_record_not_found(small_server: MockServer) -> None:
    response = fetch("GET", f"{small_server.url}/api/v2/activities/12345678901234.json")
    assert response.status_code == 404 and response.headers["content-type"] == JSON
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("segment", ["abc", "1.5", "12abc", "%20"])
def test_non_integer_id_is_a_400(small_server: MockServer, segment: str) -> None:
    response = fetch("GET", f"{small_server.url}/api/v2/activities/{segment}.json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "InvalidValue" and "activity_id" in error["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v2/tickets.json",
        "/api/v2/activities/1/comments",
        "/api/v2/activity",
        "/api/v1/activities",
    ],
)
def test_unknown_routes_are_invalid_endpoint(small_server: MockServer, path: str) -> None:
    response = fetch("GET", small_server.url + path)
    assert response.status_code == 404 and response.headers["content-type"] == JSON
    assert response.json() == NO_ROUTE


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_invalid_endpoint(small_server: MockServer, method: str) -> None:
    response = fetch(method, f"{small_server.url}/api/v2/activities.json")
    assert response.status_code == 404 and response.json() == NO_ROUTE


def test_head_is_get_without_a_body(small_server: MockServer) -> None:
    url = f"{small_server.url}/api/v2/activities/count.json"
    head, get = fetch("HEAD", url), fetch("GET", url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))


@pytest.mark.parametrize("suffix", ["/count", "/count.json", "/count/"])
def test_count_wins_over_an_id(small_server: MockServer, suffix: str) -> None:
    response = fetch("GET", f"{small_server.url}/api/v2/activities{suffix}")
    assert response.status_code == 200 and response.headers["content-type"] == JSON
    count = response.json()["count"]
    assert count["value"] == 25 and count["refreshed_at"].endswith("Z")


@pytest.mark.parametrize(
    ("profile", "expected"),
    [("zendesk", (100_000, None)), ("conformant", (250_000, str))],
)
def test_counts_above_100000(start_server: Any, profile: str, expected: tuple[int, Any]) -> None:
    server = start_server(activities=3, count_total=250_000, profile=profile)
    count = fetch("GET", f"{server.url}/api/v2/activities/count.json").json()["count"]
    assert count["value"] == expected[0]
    if expected[1] is None:  # refreshing in the background: capped, no timestamp
        assert count["refreshed_at"] is None
    else:  # the documented steady state: the cached count with when it was refreshed
        assert isinstance(count["refreshed_at"], str)


def test_count_at_the_cap_is_exact(start_server: Any) -> None:
    server = start_server(activities=0, count_total=100_000)
    count = fetch("GET", f"{server.url}/api/v2/activities/count").json()["count"]
    assert count["value"] == 100_000 and count["refreshed_at"] is not None


def test_query_parameters_do_not_disturb_show_and_count(small_server: MockServer) -> None:
    # zenpy sends page[size]=100 to every endpoint it paginates, show and count included.
    activity = fetch("GET", f"{small_server.url}/api/v2/activities.json").json()["activities"][0]
    show = fetch(
        "GET", f"{small_server.url}/api/v2/activities/{activity['id']}.json?page[size]=100"
    )
    assert show.json() == {"activity": activity}
    count = fetch("GET", f"{small_server.url}/api/v2/activities/count.json?page[size]=x&since=bad")
    assert count.status_code == 200
