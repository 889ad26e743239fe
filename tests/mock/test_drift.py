"""Drift injection: every mutation kind on a running server, and malformed ones rejected."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from zdcontract.errors import UsageError
from zdcontract.mock import MockConfig, MockServer
from zdcontract.mock.mutations import convert, parse_mutation


def get(server: MockServer, path: str) -> requests.Response:
    return requests.get(server.url + path, timeout=10)


def first_id(server: MockServer) -> int:
    return int(get(server, "/api/v2/activities.json?per_page=1").json()["activities"][0]["id"])


def test_remove_applies_to_whichever_bodies_have_the_pointer(zd_mock: MockServer) -> None:
    activity_id = first_id(zd_mock)
    zd_mock.configure(drift=["remove:/activities/*/title"])
    for query in ("", "?page[size]=10"):
        body = get(zd_mock, f"/api/v2/activities.json{query}").json()
        assert body["activities"] and all("title" not in a for a in body["activities"])
    assert "title" in get(zd_mock, f"/api/v2/activities/{activity_id}").json()["activity"]
    zd_mock.configure(drift=["remove:/activity/title"])
    assert "title" not in get(zd_mock, f"/api/v2/activities/{activity_id}").json()["activity"]


@pytest.mark.parametrize(
    ("type_name", "check"),
    [
        ("string", lambda v: v == "250"),
        ("integer", lambda v: v == 250),
        ("number", lambda v: v == 250.5),
        ("boolean", lambda v: v is True),
        ("null", lambda v: v is None),
        ("object", lambda v: v == {"value": 250}),
        ("array", lambda v: v == [250]),
    ],
)
def test_type(zd_mock: MockServer, type_name: str, check: Any) -> None:
    zd_mock.configure(drift=[f"type:/count/value={type_name}"])
    assert check(get(zd_mock, "/api/v2/activities/count.json").json()["count"]["value"])
    assert get(zd_mock, "/api/v2/activities.json").json()["count"] == 250  # not /count/value


def test_null(zd_mock: MockServer) -> None:
    zd_mock.configure(drift=["null:/count/refreshed_at"])
    assert get(zd_mock, "/api/v2/activities/count").json()["count"]["refreshed_at"] is None


def test_add(zd_mock: MockServer) -> None:
    zd_mock.configure(drift=['add:/activities/*/via={"channel":"api"}'])
    activities = get(zd_mock, "/api/v2/activities.json?page[size]=5").json()["activities"]
    assert [a["via"] for a in activities] == [{"channel": "api"}] * 5


def test_rename_keeps_the_member_in_place(zd_mock: MockServer) -> None:
    zd_mock.configure(drift=["rename:/activities/*/title=headline"])
    activity = get(zd_mock, "/api/v2/activities.json").json()["activities"][0]
    assert "title" not in activity
    assert list(activity).index("headline") == 6  # where title stood


def test_status_names_a_path_with_or_without_json(zd_mock: MockServer) -> None:
    zd_mock.configure(drift=["status:/api/v2/activities/count=500"])
    assert get(zd_mock, "/api/v2/activities/count.json").status_code == 500
    assert get(zd_mock, "/api/v2/activities/count").status_code == 500
    assert get(zd_mock, "/api/v2/activities.json").status_code == 200
    zd_mock.configure(drift=["status:/api/v2/activities/*.json=503"])
    assert get(zd_mock, f"/api/v2/activities/{first_id(zd_mock)}").status_code == 503


def test_content_type(zd_mock: MockServer) -> None:
    zd_mock.configure(drift=["content-type:/api/v2/activities=text/html"])
    assert get(zd_mock, "/api/v2/activities.json").headers["content-type"] == "text/html"
    assert (
        get(zd_mock, "/api/v2/activities/count")
        .headers["content-type"]
        .startswith("application/json")
    )


def test_drift_from_config_and_reset(start_server: Any) -> None:
    server = start_server(
        activities=5, drift=["remove:/count/value", "status:/api/v2/activities/count=202"]
    )
    response = get(server, "/api/v2/activities/count")
    assert response.status_code == 202 and "value" not in response.json()["count"]
    server.configure(drift=[])
    assert get(server, "/api/v2/activities/count").json()["count"]["value"] == 5
    server.reset()
    assert server.config.drift == ("remove:/count/value", "status:/api/v2/activities/count=202")
    assert get(server, "/api/v2/activities/count").status_code == 202


@pytest.mark.parametrize(
    "text",
    [
        "",
        "remove",
        "delete:/activities/*/title",
        "remove:activities/*/title",
        "remove:/activities/*/title=x",
        "null:/count/refreshed_at=1",
        "type:/count/value",
        "type:/count/value=text",
        "add:/activities/*/via",
        "add:/activities/*/via={bad json}",
        "rename:/activities/*/title",
        "rename:/activities/*/title=a/b",
        "rename:/activities/*=x",
        "status:/api/v2/activities=abc",
        "status:/api/v2/activities=700",
        "content-type:/api/v2/activities=",
        "remove:/a~2b",
    ],
)
def test_malformed_mutations_are_one_line_usage_errors(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_mutation(text)
    assert "\n" not in caught.value.message and "bad drift '" in caught.value.message
    with pytest.raises(UsageError) as caught:
        parse_mutation(text, option="--mock-drift")  # the error names the option used
    assert caught.value.message.startswith(f"bad --mock-drift '{text}'")
    with pytest.raises(UsageError):
        MockConfig(drift=[text])


def test_configure_rejects_malformed_mutations_and_keeps_the_old_ones(zd_mock: MockServer) -> None:
    zd_mock.configure(drift=["null:/count/refreshed_at"])
    with pytest.raises(UsageError):
        zd_mock.configure(drift=["bogus"])
    assert zd_mock.config.drift == ("null:/count/refreshed_at",)


def test_a_lone_string_is_not_taken_for_a_list() -> None:
    with pytest.raises(UsageError):
        MockConfig(drift="remove:/count/value")  # a str is a Sequence[str] to mypy


@pytest.mark.parametrize(
    ("value", "type_name", "expected"),
    [
        (5, "string", "5"),
        ({"a": 1}, "string", '{"a":1}'),
        ("12", "integer", 12),
        ("2026-11-26T00:00:00Z", "integer", 20),
        (True, "integer", 1),
        (3, "number", 3.5),
        (2.5, "number", 2.5),
        ("", "boolean", False),
        ("x", "array", ["x"]),
        ([1], "object", {"value": [1]}),
    ],
)
def test_convert(value: Any, type_name: str, expected: Any) -> None:
    assert convert(value, type_name) == expected
