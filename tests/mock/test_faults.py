"""Fault injection, checked from what a requests client actually sees."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
import requests

from zdcontract.errors import UsageError
from zdcontract.mock import MockConfig, MockServer
from zdcontract.mock.faults import parse_fault

COUNT = "/api/v2/activities/count.json"


def get(server: MockServer, path: str = COUNT, **kwargs: Any) -> requests.Response:
    return requests.get(server.url + path, timeout=kwargs.pop("timeout", 10), **kwargs)


def test_reset_drops_the_connection_without_a_response(zd_mock: MockServer) -> None:
    zd_mock.configure(faults=["reset"])
    with pytest.raises(requests.ConnectionError) as caught:
        get(zd_mock)
    assert not isinstance(caught.value, requests.exceptions.ChunkedEncodingError)
    assert zd_mock.requests[-1] == ("GET", COUNT, 0)
    zd_mock.configure(faults=[])
    assert get(zd_mock).status_code == 200  # the server itself is fine


def test_truncate_cuts_the_body_mid_json(zd_mock: MockServer) -> None:
    zd_mock.configure(faults=["truncate"])
    with requests.get(zd_mock.url + COUNT, stream=True, timeout=10) as response:
        assert response.status_code == 200  # the headers arrived whole
        assert int(response.headers["content-length"]) > 10
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            response.content  # noqa: B018 - reading is what fails
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get(zd_mock, "/api/v2/activities.json")


def test_html_is_a_gateway_error_page(zd_mock: MockServer) -> None:
    zd_mock.configure(faults=["html"])
    response = get(zd_mock)
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text.startswith("<html>") and "502 Bad Gateway" in response.text
    zd_mock.configure(faults=["html:504"])
    assert get(zd_mock).status_code == 504


@pytest.mark.parametrize(
    ("code", "content_type", "retry_after", "body"),
    [
        (
            503,
            "application/json",
            "1",
            {"error": "ServiceUnavailable", "description": "Service Unavailable"},
        ),
        (
            500,
            "application/json",
            None,
            {"error": "InternalServerError", "description": "Internal Server Error"},
        ),
        (404, "application/json", None, {"error": "InvalidEndpoint", "description": "Not found"}),
        (429, "text/plain", "1", "Number of allowed API requests per minute exceeded"),
    ],
)
def test_status(
    zd_mock: MockServer, code: int, content_type: str, retry_after: str | None, body: Any
) -> None:
    zd_mock.configure(faults=[f"status:{code}"])
    response = get(zd_mock)
    assert response.status_code == code
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers.get("retry-after") == retry_after
    assert (response.json() if content_type == "application/json" else response.text) == body


def test_status_403_is_zendesks_forbidden(zd_mock: MockServer) -> None:
    zd_mock.configure(faults=["status:403"])
    error = get(zd_mock).json()["error"]
    assert error["title"] == "Forbidden" and error["message"].startswith("You do not have access")


def test_slow_body_arrives_whole_in_pieces(zd_mock: MockServer) -> None:
    url = f"{zd_mock.url}/api/v2/activities.json?per_page=3"
    expected = requests.get(url, timeout=10).content
    zd_mock.configure(faults=["slow-body:0.2"])
    chunks = []
    with requests.get(url, stream=True, timeout=10) as response:
        while chunk := response.raw.read1(len(expected)):  # whatever has arrived so far
            chunks.append(chunk)
    assert len(chunks) > 1 and b"".join(chunks) == expected


def test_delay_holds_the_answer_back(zd_mock: MockServer) -> None:
    zd_mock.configure(faults=["delay:0.3"])
    with pytest.raises(requests.exceptions.ReadTimeout):
        get(zd_mock, timeout=0.1)
    started = time.monotonic()
    assert get(zd_mock).status_code == 200
    assert time.monotonic() - started >= 0.25


def test_faults_compose_in_order(zd_mock: MockServer) -> None:
    zd_mock.configure(faults=["delay:0.05", "status:503", "truncate"])
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get(zd_mock)


def test_probability_is_seeded_and_reproducible(zd_mock: MockServer) -> None:
    zd_mock.configure(faults=["status:503@0.5"])
    first = [get(zd_mock).status_code for _ in range(24)]
    assert set(first) == {200, 503}
    zd_mock.configure(faults=["status:503@0.5"])  # configuring restarts the seeded RNG
    assert [get(zd_mock).status_code for _ in range(24)] == first
    zd_mock.configure(faults=["reset@0"])
    assert all(get(zd_mock).status_code == 200 for _ in range(5))


def test_faults_from_config_and_access_log() -> None:
    log = io.StringIO()
    with MockServer(MockConfig(activities=2, faults=["reset@1.0"]), access_log=log) as server:
        with pytest.raises(requests.ConnectionError):
            get(server, "/api/v2/activities.json?page[size]=1")
        server.reset()
        with pytest.raises(requests.ConnectionError):
            get(server)
        assert server.requests == [("GET", COUNT, 0)]
    assert log.getvalue().splitlines() == [
        "GET /api/v2/activities.json?page%5Bsize%5D=1 -",  # as sent, quoted by requests
        f"GET {COUNT} -",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "explode",
        "delay",
        "delay:soon",
        "delay:-1",
        "status",
        "status:200",
        "status:abc",
        "html:99",
        "reset:1",
        "truncate:half",
        "reset@1.5",
        "reset@-0.1",
        "reset@often",
        "slow-body:x",
    ],
)
def test_malformed_faults_are_one_line_usage_errors(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_fault(text)
    assert "\n" not in caught.value.message and "bad fault '" in caught.value.message
    with pytest.raises(UsageError) as caught:
        parse_fault(text, option="--mock-fault")  # the error names the option used
    assert caught.value.message.startswith(f"bad --mock-fault '{text}'")
    with pytest.raises(UsageError):
        MockConfig(faults=[text])


def test_parse_fault_forms() -> None:
    assert parse_fault("delay:0.5@0.25").probability == 0.25
    assert parse_fault("slow-body").probability == 1.0
    assert str(parse_fault(" status:503@1 ")) == "status:503@1"
