"""The Activity Stream's operations over the dataset, one method each (moto's ``models.py``).

Bodies come back as plain dicts; errors are raised as the domain errors of ``errors.py``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from ._time import format_time
from .dataset import Dataset
from .errors import InvalidPaginationDepth, RecordNotFound
from .params import CursorQuery, OffsetQuery, encode_cursor

__all__ = ["COUNT_CAP", "ActivityStore"]

#: Above this CountActivities answers from a cache refreshed in the background (ZENDESK.md).
COUNT_CAP = 100_000
_MAX_PAGE = 100
_MAX_RECORDS = 10_000


class ActivityStore:
    """ListActivities (offset and cursor), ShowActivity and CountActivities over a dataset."""

    def __init__(
        self, dataset: Dataset, *, count_total: int | None = None, refreshing: bool = True
    ) -> None:
        """Serve ``dataset``; ``count_total`` overrides the count, ``refreshing`` shows a cap."""
        self.dataset = dataset
        self.count_total = len(dataset) if count_total is None else count_total
        self.refreshing = refreshing
        # Sort keys negated so that newest-first order is ascending for bisect.
        pairs = zip(dataset.timestamps, dataset.activities, strict=True)
        self._keys = [(-ts, -int(a["id"])) for ts, a in pairs]
        self._stamps = [-ts for ts in dataset.timestamps]
        self._index = {a["id"]: a for a in dataset.activities}

    def list_offset(self, query: OffsetQuery) -> dict[str, Any]:
        """An offset page: activities, sideloads, count, next_page and previous_page."""
        if query.page > _MAX_PAGE or query.page * query.per_page > _MAX_RECORDS:
            raise InvalidPaginationDepth()
        total = self._matching(query.since)
        start = (query.page - 1) * query.per_page
        items = self.dataset.activities[start : min(start + query.per_page, total)]
        extra = {"since": format_time(query.since)} if query.since else {}

        def page_link(page: int) -> str:
            return self._link({"page": page, "per_page": query.per_page, **extra})

        more = start + query.per_page < total
        return {
            "activities": list(items),
            "actors": _unique(a["actor"] for a in items),
            "count": total,
            "next_page": page_link(query.page + 1) if more else None,
            "previous_page": page_link(query.page - 1) if query.page > 1 else None,
            "users": _unique(a["user"] for a in items),
        }

    def list_cursor(self, query: CursorQuery) -> dict[str, Any]:
        """A cursor page shaped exactly as the live API shapes it (not as the spec does).

        has_more means "this page is full", so a total that is a multiple of the size ends
        on a full page saying has_more and then an empty page with null cursors and links.
        """
        total = self._matching(query.since)
        if query.before is not None:
            end = min(bisect.bisect_left(self._keys, _negated(query.before)), total)
            start = max(0, end - query.size)
        else:
            after = query.after
            start = bisect.bisect_right(self._keys, _negated(after)) if after else 0
            end = min(start + query.size, total)
        items = self.dataset.activities[start:end] if start < end else ()
        meta: dict[str, Any] = {"has_more": len(items) == query.size}
        meta["after_cursor"] = encode_cursor(self._key(end - 1)) if items else None
        meta["before_cursor"] = encode_cursor(self._key(start)) if items else None
        links: dict[str, Any] = {"prev": None, "next": None}
        if items:
            extra: dict[str, Any] = {"page[size]": query.size}
            if query.since:
                extra["since"] = format_time(query.since)
            links["prev"] = self._link({"page[before]": meta["before_cursor"], **extra})
            links["next"] = self._link({"page[after]": meta["after_cursor"], **extra})
        return {
            "activities": list(items),
            "actors": _unique(a["actor"] for a in items),
            "users": _unique(a["user"] for a in items),
            "meta": meta,
            "links": links,
        }

    def show(self, activity_id: int) -> dict[str, Any]:
        """``{"activity": ...}``, the very record the list pages carry; 404 when unknown."""
        try:
            return {"activity": self._index[activity_id]}
        except KeyError:
            raise RecordNotFound(str(activity_id)) from None

    def count(self) -> dict[str, Any]:
        """``{"count": {"refreshed_at", "value"}}``; above 100,000 a capped, refreshing count."""
        now = self.dataset.now
        if self.count_total <= COUNT_CAP:
            return {"count": {"refreshed_at": format_time(now), "value": self.count_total}}
        if self.refreshing:
            return {"count": {"refreshed_at": None, "value": COUNT_CAP}}
        # The documented steady state: a cached count, refreshed within the last 24 hours.
        refreshed = now - timedelta(hours=3)
        return {"count": {"refreshed_at": format_time(refreshed), "value": self.count_total}}

    def _matching(self, since: datetime | None) -> int:
        """How many activities (a newest-first prefix) were created after ``since``."""
        if since is None:
            return len(self._keys)
        return bisect.bisect_left(self._stamps, -int(since.timestamp()))

    def _key(self, index: int) -> tuple[int, int]:
        return self.dataset.timestamps[index], int(self.dataset.activities[index]["id"])

    def _link(self, params: dict[str, Any]) -> str:
        # Keys sorted and query-encoded as Rails' to_query writes them (page%5Bafter%5D=...).
        query = urlencode(sorted(params.items()))
        return f"{self.dataset.base_url}/api/v2/activities.json?{query}"


def _negated(key: tuple[int, int]) -> tuple[int, int]:
    return -key[0], -key[1]


def _unique(users: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sideloaded users, each once, in order of first appearance."""
    seen: dict[int, dict[str, Any]] = {}
    for user in users:
        seen.setdefault(user["id"], user)
    return list(seen.values())
