"""Zendesk-aware behaviour checks: what a schema cannot say about the Activity Stream.

Each check walks the live (or mock) API through the polite client and reports
``semantic-violation`` findings named after the check. Every response they see also goes
through the drift validator (the caller passes ``observe``). A check that read no record
is not exercised, with the reason; it never passes hollow.
"""

from __future__ import annotations

from collections.abc import Callable

from .context import CheckContext, NotExercised, Paths, Walk, answer_of, host_of
from .pagination import MAX_PAGES, pagination_cursor, pagination_offset
from .records import (
    count_consistent,
    ordering_and_timestamps,
    show_matches_list,
    sideloads,
    since_honoured,
)

__all__ = [
    "CHECKS",
    "MAX_PAGES",
    "CheckContext",
    "CheckFunction",
    "NotExercised",
    "Paths",
    "WALKS",
    "Walk",
    "answer_of",
    "host_of",
    "run_check",
]

CheckFunction = Callable[[CheckContext], NotExercised | None]

#: (name, operation, function): run in this order; later checks reuse the walks.
CHECKS: tuple[tuple[str, str, CheckFunction], ...] = (
    ("pagination-cursor", "ListActivities", pagination_cursor),
    ("pagination-offset", "ListActivities", pagination_offset),
    ("ordering", "ListActivities", ordering_and_timestamps),
    ("sideloads", "ListActivities", sideloads),
    ("since", "ListActivities", since_honoured),
    ("show-equals-list", "ShowActivity", show_matches_list),
    ("count", "CountActivities", count_consistent),
)


#: The checks whose walks (CheckContext.cursor, .offset) the later checks read: all a later
#: check needs of the ones before it.
WALKS = ("pagination-cursor", "pagination-offset")


def run_check(function: CheckFunction, context: CheckContext) -> NotExercised | None:
    """Run one check from zero counts; why it proved nothing, or None when it exercised
    something (read a record, or found a violation)."""
    context.begin()
    before = len(context.findings)
    result = function(context)
    if result is None and not context.records and len(context.findings) == before:
        last = context.unanswered().reason
        return NotExercised(f"it read no activity ({last})" if context.last else "it read nothing")
    return result
