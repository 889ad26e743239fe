"""The ``since`` check against a server of our own making: it compares only what it read.

A since walk that breaks off half-way cannot say which activities the target left out; it
says why it could not compare, instead of reporting the unread pages as left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from loopback import QuietHandler, answer_json
from walks import checking, walked

from zdcontract.runner.checks import CheckContext, run_check
from zdcontract.runner.checks.records import since_honoured

#: Five activities, newest first; the check's pivot is the middle one (id 3).
STAMPS = {i: f"2024-01-0{i}T00:00:00Z" for i in range(5, 0, -1)}


@contextmanager
def context(second_page: int | None) -> Iterator[CheckContext]:
    """A target whose since listing holds ids 5 and 4, one per page; the second page
    answers ``second_page`` (None: there is no second page, both come at once)."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            query = parse_qs(urlsplit(self.path).query)
            page: dict[str, Any]
            status = 200
            if "page" in query:
                status = second_page or 200
                page = {"activities": [{"id": 4}], "next_page": None}
            elif second_page is None:
                page = {"activities": [{"id": 5}, {"id": 4}], "next_page": None}
            else:
                url = f"http://{self.headers['Host']}/api/v2/activities?page=2"
                page = {"activities": [{"id": 5}], "next_page": url}
            answer_json(self, page, status=status)

    with checking(Handler) as ctx:
        ctx.cursor = walked(STAMPS)
        yield ctx


def test_since_passes_when_it_reads_every_activity_after_the_pivot() -> None:
    with context(second_page=None) as ctx:
        assert run_check(since_honoured, ctx) is None
        assert ctx.findings == []
        assert ctx.records == 2


def test_a_since_walk_that_breaks_off_is_not_exercised_and_blames_no_activity() -> None:
    with context(second_page=503) as ctx:
        result = run_check(since_honoured, ctx)
        assert ctx.findings == []  # id 4 was never read: it was not left out
        assert result is not None
        assert result.reason == "GET /api/v2/activities?page=2 answered 503"
