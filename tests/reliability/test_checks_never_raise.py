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
import zendesk_bodies as zb
from hypothesis import HealthCheck, event, example, given, settings
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


@st.composite
def listings(draw: st.DrawFn) -> dict[str, Any]:
    """A realistic page (offset or cursor) with a few fields, of the page or of one of its
    activities, replaced by any JSON: checks get past their first gates and meet the odd
    value deep inside what they read."""
    page = zb.offset_page(3) if draw(st.booleans()) else zb.cursor_page(3)
    for _ in range(draw(st.integers(0, 3))):
        holder = page
        activities = page.get("activities")
        if draw(st.booleans()) and isinstance(activities, list) and activities:
            holder = activities[draw(st.integers(0, len(activities) - 1))]
        if isinstance(holder, dict):
            holder[draw(st.sampled_from(FIELDS))] = draw(values)
    return page


# Half realistic pages, half anything shaped like one (or not at all).
shapes = pages | st.dictionaries(st.sampled_from(FIELDS), values, max_size=8) | values
answers = st.booleans().flatmap(lambda realistic: listings() if realistic else shapes)


class Pages:
    """What the target answers: drawn per example, the same for every path."""

    def __init__(self) -> None:
        self.body: Any = {}
        self.lock = threading.Lock()


def _linked(value: Any, here: str, origin: str) -> Any:
    """``value`` with LINK and the realistic pages' Zendesk URLs pointing at the target."""
    if value == LINK:
        return here
    if isinstance(value, str) and value.startswith(zb.HOST):
        return origin + value[len(zb.HOST) :]
    if isinstance(value, list):
        return [_linked(v, here, origin) for v in value]
    if isinstance(value, dict):
        return {k: _linked(v, here, origin) for k, v in value.items()}
    return value


PAGES = Pages()


class Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        with PAGES.lock:
            origin = f"http://{self.headers['Host']}"
            body = _linked(PAGES.body, f"{origin}/api/v2/activities?page=2", origin)
        answer_json(self, body)


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    with serving(Handler) as url:
        yield url


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=answers)
@example(body=zb.offset_page(3))
@example(body=zb.cursor_page(3))
@example(body={**zb.offset_page(3), "links": True})  # ended the since check in an AttributeError
def test_every_check_ends_with_findings_or_a_reason(target: str, body: Any) -> None:
    with PAGES.lock:
        PAGES.body = body
    with HttpClient(target, retries=0) as client:
        ctx = check_context(client, target)
        for name, _operation, function in CHECKS:
            result = run_check(function, ctx)
            assert result is None or isinstance(result, NotExercised)
            event(f"{name}: {'ran' if result is None else 'not exercised'}")
            assert ctx.requests <= max(MAX_PAGES, MAX_SINCE_PAGES + 1)  # first page + links
    for finding in ctx.findings:
        assert finding.check and finding.message
