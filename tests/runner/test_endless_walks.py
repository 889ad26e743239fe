"""The behaviour checks against a target whose pagination never ends, of our own making.

Every page says there is more and links back to a page it already gave. The walks stop
at their bound, report the activities they were given again, and leave nothing another
check could take for a whole listing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from loopback import QuietHandler, answer_json
from walks import checking, walked

from zdcontract.runner.checks import MAX_PAGES, CheckContext, NotExercised, run_check
from zdcontract.runner.checks.pagination import pagination_cursor, pagination_offset
from zdcontract.runner.checks.records import MAX_SINCE_PAGES, count_consistent, since_honoured

ACTIVITIES = [
    {"id": 2, "created_at": "2024-01-02T00:00:00Z"},
    {"id": 1, "created_at": "2024-01-01T00:00:00Z"},
]


@contextmanager
def endless() -> Iterator[tuple[CheckContext, list[str]]]:
    """A target whose every listing page links to the next one, and the next to itself."""
    seen: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            seen.append(self.path)
            here = f"http://{self.headers['Host']}/api/v2/activities"
            query = parse_qs(urlsplit(self.path).query)
            page: dict[str, Any]
            if self.path.startswith("/api/v2/activities/count"):
                page = {"count": {"value": 3, "refreshed_at": "2024-01-03T00:00:00Z"}}
            elif "page[size]" in query or "page[after]" in query:
                page = {
                    "activities": ACTIVITIES,
                    "meta": {"has_more": True, "after_cursor": "x", "before_cursor": "y"},
                    "links": {"next": f"{here}?page%5Bafter%5D=x", "prev": None},
                }
            else:
                page = {
                    "activities": ACTIVITIES,
                    "next_page": f"{here}?page=2",
                    "previous_page": f"{here}?page=1" if "page" in query else None,
                    "count": 2,
                }
            answer_json(self, page)

    with checking(Handler) as ctx:
        yield ctx, seen


def messages(ctx: CheckContext, check: str) -> set[str]:
    return {f.message for f in ctx.findings if f.check == check}


def test_the_walks_stop_at_their_bound_and_report_the_loop() -> None:
    with endless() as (ctx, seen):
        for check, function in (
            ("pagination-cursor", pagination_cursor),
            ("pagination-offset", pagination_offset),
        ):
            del seen[:]
            assert run_check(function, ctx) is None  # it read records: exercised
            assert ctx.records > 0
            # The loop shows as the same activities again, page after page.
            found = messages(ctx, check)
            assert "activity 2 appears twice in the walk (again on page 2)" in found, found
            assert f"activity 1 appears twice in the walk (again on page {MAX_PAGES})" in found
            assert len(seen) == ctx.requests == MAX_PAGES  # not one page past the bound
        # Neither walk is complete: nothing may compare with them as the whole listing.
        assert ctx.cursor is not None and not ctx.cursor.complete
        assert ctx.offset is not None and not ctx.offset.complete
        del seen[:]
        result = run_check(since_honoured, ctx)
        assert result == NotExercised(
            "no complete walk of three or more activities to compare with"
        )
        assert seen == []
        before = len(ctx.findings)
        assert run_check(count_consistent, ctx) is None
        assert ctx.findings[before:] == []  # 3 counted, 2 walked: an incomplete walk is no total


def test_a_since_walk_without_end_is_not_exercised_and_blames_no_activity() -> None:
    with endless() as (ctx, seen):
        # The since listing never shows 5, created after the pivot.
        ctx.cursor = walked({i: f"2024-01-0{i}T00:00:00Z" for i in (5, 4, 3)})
        result = run_check(since_honoured, ctx)
        assert result == NotExercised(f"the since walk had no end after {MAX_SINCE_PAGES} pages")
        assert ctx.findings == []
        assert MAX_SINCE_PAGES <= len(seen) <= MAX_SINCE_PAGES + 1


@contextmanager
def large_account(pages: int) -> Iterator[tuple[CheckContext, list[str]]]:
    """A listing of ``pages`` pages of two new activities each, newest first, both ways."""
    seen: list[str] = []

    def activities(page: int) -> list[dict[str, Any]]:
        newest = 2 * (pages - page + 1)
        return [{"id": i, "created_at": f"2024-01-01T00:00:{i:02d}Z"} for i in (newest, newest - 1)]

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            seen.append(self.path)
            here = f"http://{self.headers['Host']}/api/v2/activities"
            query = parse_qs(urlsplit(self.path).query)
            body: dict[str, Any]
            if self.path.startswith("/api/v2/activities/count"):
                body = {"count": {"value": 2 * pages, "refreshed_at": "2024-01-03T00:00:00Z"}}
            elif "page[size]" in query or "page[after]" in query:
                page = int(query.get("page[after]", ["0"])[0]) + 1
                more = page < pages
                body = {
                    "activities": activities(page),
                    "meta": {"has_more": more, "after_cursor": str(page) if more else None},
                    "links": {"next": f"{here}?page%5Bafter%5D={page}" if more else None},
                }
            else:
                page = int(query.get("page", ["1"])[0])
                body = {
                    "activities": activities(page),
                    "next_page": f"{here}?page={page + 1}" if page < pages else None,
                    "previous_page": f"{here}?page={page - 1}" if page > 1 else None,
                    "count": 2 * pages,
                }
            answer_json(self, body)

    with checking(Handler) as ctx:
        yield ctx, seen


def test_a_listing_longer_than_the_bound_is_no_fault() -> None:
    """An account with more activities than the walks read: nothing is wrong with it."""
    with large_account(MAX_PAGES + 10) as (ctx, seen):
        for function in (pagination_cursor, pagination_offset):
            del seen[:]
            assert run_check(function, ctx) is None
            assert ctx.records == 2 * MAX_PAGES
            assert len(seen) == ctx.requests == MAX_PAGES
        assert ctx.findings == [], [f.message for f in ctx.findings]
        assert ctx.cursor is not None and not ctx.cursor.complete
        assert ctx.offset is not None and not ctx.offset.complete
        assert run_check(since_honoured, ctx) == NotExercised(
            "no complete walk of three or more activities to compare with"
        )
        assert run_check(count_consistent, ctx) is None
        assert ctx.findings == []  # 120 counted, 100 walked: a cut walk is no total


def test_a_listing_within_the_bound_is_walked_to_its_end() -> None:
    with large_account(MAX_PAGES) as (ctx, seen):
        for function in (pagination_cursor, pagination_offset):
            assert run_check(function, ctx) is None
            assert ctx.records == 2 * MAX_PAGES
        assert ctx.findings == [], [f.message for f in ctx.findings]
        assert ctx.cursor is not None and ctx.cursor.complete
        assert ctx.offset is not None and ctx.offset.complete
