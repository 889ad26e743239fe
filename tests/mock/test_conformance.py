"""The conformant profile serves only what the bundled spec documents: zero strict findings.

The zendesk profile, by contrast, must show the live API's known drift (cursor meta/links).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from zdcontract import validate_response
from zdcontract.mock import MockConfig, MockServer, Profile

Validate = Callable[..., list[Any]]


@pytest.fixture(scope="module")
def validate() -> Validate:
    return validate_response


@pytest.fixture(scope="module")
def conformant() -> Iterator[MockServer]:
    with MockServer(MockConfig(activities=130, seed=11, profile=Profile.CONFORMANT)) as server:
        yield server


def findings(validate: Validate, url: str, operation: str) -> list[Any]:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    return validate(
        response.content, operation=operation, content_type=response.headers["content-type"]
    )


def list_urls(server: MockServer) -> Iterator[str]:
    base = f"{server.url}/api/v2/activities.json"
    since = requests.get(base, timeout=10).json()["activities"][40]["created_at"]
    yield base
    yield f"{server.url}/api/v2/activities"
    yield f"{base}?page=2&per_page=50"
    yield f"{base}?page=9"  # past the data: empty lists, still conformant
    yield f"{base}?since={since}"
    # Cursor parameters are answered with the documented offset shape.
    yield f"{base}?page[size]=100"
    yield f"{base}?page[size]=25&page[after]=anything"
    yield f"{base}?page[before]=x"


def test_every_list_page_validates_clean(conformant: MockServer, validate: Validate) -> None:
    for listed in list_urls(conformant):
        assert findings(validate, listed, "ListActivities") == [], listed
    url: str | None = f"{conformant.url}/api/v2/activities.json?page[size]=40"
    walked = 0
    while url:  # the whole offset walk, following next_page
        assert findings(validate, url, "ListActivities") == [], url
        page = requests.get(url, timeout=10).json()
        assert "meta" not in page and "links" not in page
        walked += len(page["activities"])
        url = page["next_page"]
    assert walked == 130


def test_show_and_count_validate_clean(conformant: MockServer, validate: Validate) -> None:
    activities = requests.get(f"{conformant.url}/api/v2/activities.json", timeout=10).json()[
        "activities"
    ]
    for activity in activities[:10]:
        assert findings(validate, activity["url"], "ShowActivity") == []
    assert (
        findings(validate, f"{conformant.url}/api/v2/activities/count.json", "CountActivities")
        == []
    )


def test_large_counts_validate_clean(start_server: Any, validate: Validate) -> None:
    server = start_server(activities=1, count_total=500_000, profile="conformant")
    assert findings(validate, f"{server.url}/api/v2/activities/count", "CountActivities") == []


def test_the_zendesk_profile_shows_the_live_drift(
    small_server: MockServer, validate: Validate
) -> None:
    cursor = findings(
        validate, f"{small_server.url}/api/v2/activities.json?page[size]=10", "ListActivities"
    )
    paths = {finding.path for finding in cursor}
    assert {"/meta", "/links", "/count", "/next_page", "/previous_page"} <= paths
    offset = findings(validate, f"{small_server.url}/api/v2/activities.json", "ListActivities")
    assert offset == []
