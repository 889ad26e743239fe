"""The behaviour checks never raise, whatever JSON the target answers with.

A check reads fields the schema describes (ids, cursors, links, counts, sideloads), but the
answers come from a target that may be broken or hostile: an id that is a list, a link that
is a number, a count that is an object. Whatever the shapes, every check ends with its
findings or a reason it proved nothing, never an exception (a sideload id that was a list
once ended the sideloads check in a TypeError).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loopback import QuietHandler, answer_json, serving
from walks import check_context

from zdcontract.runner.checks import CHECKS, MAX_PAGES, NotExercised, run_check
from zdcontract.runner.checks.records import MAX_SINCE_PAGES
from zdcontract.runner.client import HttpClient

FIELDS = (
    "id", "activities", "activity", "actors", "users", "actor_id", "user_id", "created_at",
    "updated_at", "url", "meta", "links", "has_more", "after_cursor", "next", "prev",
    "next_page", "previous_page", "count", "value", "refreshed_at",
)  # fmt: skip
LINK = "LINK"  # replaced by a link to the target itself when served

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-2, 3)
    | st.floats(allow_nan=False)
    | (st.sampled_from(["", "x", LINK, "http://[x", "2024-01-01T00:00:00Z", "http://elsewhere/a"]))
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner),
    max_leaves=25,
)
RECORD = ("id", "actor_id", "user_id", "created_at", "updated_at", "url")
records = st.fixed_dictionaries({}, optional=dict.fromkeys(RECORD, values))
# Pages shaped like the listing, each field of any JSON type: the shapes checks meet.
pages = st.fixed_dictionaries(
    {"activities": st.lists(records | values, max_size=4) | values},
    optional={
        "actors": st.lists(records | values, max_size=3) | values,
        "users": st.lists(records | values, max_size=3) | values,
        "meta": st.fixed_dictionaries({}, optional={"has_more": values, "after_cursor": values})
        | values,
        "links": st.fixed_dictionaries({}, optional={"next": values, "prev": values}) | values,
        "next_page": values,
        "previous_page": values,
        "count": st.fixed_dictionaries({}, optional={"value": values, "refreshed_at": values})
        | values,
        "activity": records | values,
    },
)
answers = pages | st.dictionaries(st.sampled_from(FIELDS), values, max_size=8) | values


class Pages:
    """What the target answers: drawn per example, the same for every path."""

    def __init__(self) -> None:
        self.body: Any = {}
        self.lock = threading.Lock()


def _linked(value: Any, here: str) -> Any:
    if value == LINK:
        return here
    if isinstance(value, list):
        return [_linked(v, here) for v in value]
    if isinstance(value, dict):
        return {k: _linked(v, here) for k, v in value.items()}
    return value


PAGES = Pages()


class Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        with PAGES.lock:
            body = _linked(PAGES.body, f"http://{self.headers['Host']}/api/v2/activities?page=2")
        answer_json(self, body)


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    with serving(Handler) as url:
        yield url


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=answers)
def test_every_check_ends_with_findings_or_a_reason(target: str, body: Any) -> None:
    with PAGES.lock:
        PAGES.body = body
    with HttpClient(target, retries=0) as client:
        ctx = check_context(client, target)
        for _name, _operation, function in CHECKS:
            result = run_check(function, ctx)
            assert result is None or isinstance(result, NotExercised)
            assert ctx.requests <= max(MAX_PAGES, MAX_SINCE_PAGES + 1)  # first page + links
    for finding in ctx.findings:
        assert finding.check and finding.message
