"""HTTP translation (moto's ``responses.py``): a Request to a state call to a serialized Reply.

Bodies are serialized once with orjson and cached by their normalized query, so walking a
large dataset again costs a dict lookup per page.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import orjson

from .messages import Reply, Request
from .params import CursorQuery, OffsetQuery, parse_activity_id, parse_list_query
from .routing import Operation, resolve
from .state import ActivityStore

__all__ = ["Responder"]

_CACHED_PAGES = 1024


class Responder:
    """Answers the API's routes from an ActivityStore."""

    def __init__(self, store: ActivityStore, *, cursor: bool = True) -> None:
        """``cursor=False`` (the conformant profile) serves offset pages to cursor params too."""
        self.store = store
        self.cursor = cursor
        self._cache: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        """The reply to ``request``; MockError for error answers."""
        route = resolve(request.method, request.path)
        # Query parameters matter to the list only: zenpy sends page[size] to show and count.
        if route.operation is Operation.LIST:
            query = parse_list_query(request.params(), cursor=self.cursor)
            body = self._cached(query, lambda: orjson.dumps(self._list(query)))
        elif route.operation is Operation.COUNT:
            body = self._cached("count", lambda: orjson.dumps(self.store.count()))
        else:
            activity_id = parse_activity_id(route.activity_id or "")
            key = ("show", activity_id)
            body = self._cached(key, lambda: orjson.dumps(self.store.show(activity_id)))
        return Reply(body=body)

    def _list(self, query: OffsetQuery | CursorQuery) -> dict[str, Any]:
        if isinstance(query, CursorQuery):
            return self.store.list_cursor(query)
        return self.store.list_offset(query)

    def _cached(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        with self._lock:
            body = self._cache.get(key)
            if body is not None:
                self._cache.move_to_end(key)
                return body
        body = render()  # outside the lock; raises for a 404 or a too-deep page, never cached
        with self._lock:
            self._cache[key] = body
            if len(self._cache) > _CACHED_PAGES:
                self._cache.popitem(last=False)
        return body
