"""Which operation a request names (moto's ``urls.py``); InvalidEndpoint when none does."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidEndpoint

__all__ = ["PREFIX", "Operation", "Route", "resolve"]

PREFIX = "/api/v2/activities"
# Inferred (ZENDESK.md lists GET only): HEAD is answered like GET without a body, as Rails
# does for every GET route; any other method matches no route, so Zendesk's router answers
# 404 InvalidEndpoint, the same as an unknown path.
_READ_METHODS = frozenset({"GET", "HEAD"})


class Operation(StrEnum):
    """The three operations of the Activity Stream API, by operationId."""

    LIST = "ListActivities"
    SHOW = "ShowActivity"
    COUNT = "CountActivities"


@dataclass(frozen=True, slots=True)
class Route:
    """A resolved request: the operation and, for ShowActivity, the raw id segment."""

    operation: Operation
    activity_id: str | None = None


def resolve(method: str, path: str) -> Route:
    """The route of ``method path``; ``.json`` is optional everywhere and count beats an id."""
    if method.upper() not in _READ_METHODS:
        raise InvalidEndpoint(path)
    if path.endswith("/") and len(path) > 1:
        path = path[:-1]
    if path.endswith(".json"):
        path = path[: -len(".json")]
    if path == PREFIX:
        return Route(Operation.LIST)
    head, _, segment = path.rpartition("/")
    if head != PREFIX or not segment:
        raise InvalidEndpoint(path)
    if segment == "count":
        return Route(Operation.COUNT)
    return Route(Operation.SHOW, segment)
