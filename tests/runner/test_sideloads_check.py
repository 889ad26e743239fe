"""The sideloads check against a page of our own making: it looks up integer ids only.

An activity whose actor_id or user_id is missing, null or not an integer is the
validator's finding (a missing field, a type mismatch); the check must not add "actor
None is not among the sideloaded actors" beside it, nor fail on a sideload whose id is
no integer (a list cannot even be looked up).
"""

from __future__ import annotations

from typing import Any

from loopback import QuietHandler, answer_json
from walks import checking

from zdcontract.runner.checks import run_check
from zdcontract.runner.checks.records import sideloads

PAGE: dict[str, Any] = {
    "activities": [
        {"id": 1, "actor_id": 10, "user_id": 20},  # both sideloaded
        {"id": 2, "user_id": 20},  # no actor_id: the validator's missing field
        {"id": 3, "actor_id": None, "user_id": "20"},  # null, a string: the validator's
        {"id": 4, "actor_id": True, "user_id": 20},  # a bool is no id
        {"id": 5, "actor_id": -1, "user_id": 20},  # Zendesk's system user
        {"id": 6, "actor_id": 11, "user_id": 21},  # neither is sideloaded: two violations
    ],
    "actors": [{"id": 10}, {"id": [10]}, {"id": "11"}, "not a record"],
    "users": [{"id": 20}, {"id": {"nested": 21}}],
    "next_page": None,
    "previous_page": None,
    "count": 6,
}


def test_only_integer_ids_are_looked_up_in_the_sideloads() -> None:
    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            answer_json(self, PAGE)

    with checking(Handler) as ctx:
        assert run_check(sideloads, ctx) is None
    assert ctx.records == 6
    assert sorted((f.path, f.message) for f in ctx.findings) == [
        ("/activities/5/actor_id", "actor 11 is not among the sideloaded actors"),
        ("/activities/5/user_id", "user 21 is not among the sideloaded users"),
    ]
