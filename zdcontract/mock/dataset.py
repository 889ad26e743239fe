"""The seeded dataset: activities of the last 30 days, newest first, with their users.

Deterministic for a given seed, size, base URL, profile and ``now``. Records are plain
JSON-ready dicts shared between pages; nothing downstream mutates them (drift works on a copy
parsed from the serialized body).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ._people import make_user
from ._time import format_time, utc_now

__all__ = ["VERBS", "Dataset", "build_dataset"]

VERBS = ("tickets.assignment", "tickets.comment", "tickets.priority_increase")
_VERB_WEIGHTS = (35, 50, 15)
_WINDOW = 30 * 24 * 3600
_SUBJECTS = ("Printer on fire", "Cannot log in to the portal", "Refund for order 1182",
             "Invoice shows the wrong VAT", "App crashes on start", "Password reset link expired",
             "Shipment arrived damaged", "Feature request: dark mode", "Two charges on my card",
             "Export to CSV times out", "SSO login loops", "Change of billing address")  # fmt: skip
_COMMENTS = ("Thanks, that fixed it!", "Could you send a screenshot of the error?",
             "I have escalated this to our billing team.", "Still broken after the update.",
             "Attaching the logs you asked for.", "Is there any update on this?",
             "Have you tried turning it off and on again?")  # fmt: skip
_PRIORITIES = ("high", "urgent")


@dataclass(frozen=True, slots=True)
class Dataset:
    """Activities newest first, with the epoch second of each (parallel, for bisecting)."""

    now: datetime
    base_url: str
    activities: tuple[dict[str, Any], ...]
    timestamps: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.activities)


def build_dataset(
    *, seed: int, size: int, base_url: str, now: datetime | None = None, full_users: bool = False
) -> Dataset:
    """Generate ``size`` activities for the agent making the request.

    Args:
        seed: Seed of the generator; the same seed gives the same ids, users and titles.
        size: Number of activities.
        base_url: ``http(s)://host[:port]`` written into every ``url``.
        now: The moment the last 30 days are counted back from (default: the current second).
        full_users: Give user records every UserForAdmin property (the conformant profile).
    """
    now = now or utc_now()
    rng = random.Random(seed)
    base_url = base_url.rstrip("/")
    people = [
        make_user(rng, user_id=_user_id(rng), index=i, base_url=base_url, now=now, full=full_users)
        for i in range(9)
    ]
    me, actors = people[0], people[1:]
    tickets = _tickets(rng, max(4, size // 4))
    # Seconds ago, oldest first; ids grow with time as Zendesk's do.
    ages = sorted((rng.randrange(30, _WINDOW - 3600) for _ in range(size)), reverse=True)
    next_id = rng.randrange(2 * 10**13, 5 * 10**13)
    records: list[dict[str, Any]] = []
    stamps: list[int] = []
    epoch_now = int(now.timestamp())
    for age in ages:
        next_id += rng.randrange(1_000, 500_000)
        created = format_time(now - timedelta(seconds=age))
        actor = rng.choice(actors)
        ticket_id, subject = rng.choice(tickets)
        verb = rng.choices(VERBS, _VERB_WEIGHTS)[0]
        obj, target, title = _shape(rng, verb, actor["name"], ticket_id, subject)
        records.append({
            "actor": actor,
            "actor_id": actor["id"],
            "created_at": created,
            "id": next_id,
            "object": obj,
            "target": target,
            "title": title,
            "updated_at": created,
            "url": f"{base_url}/api/v2/activities/{next_id}.json",
            "user": me,
            "user_id": me["id"],
            "verb": verb,
        })  # fmt: skip
        stamps.append(epoch_now - age)
    records.reverse()
    stamps.reverse()
    return Dataset(now=now, base_url=base_url, activities=tuple(records), timestamps=tuple(stamps))


def _shape(
    rng: random.Random, verb: str, actor: str, ticket_id: int, subject: str
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """object, target and title of one activity, as the live API shapes each verb."""
    ticket = {"ticket": {"id": ticket_id, "subject": subject}}
    if verb == "tickets.comment":
        comment = {"comment": {"value": rng.choice(_COMMENTS), "public": rng.random() < 0.8}}
        # Inferred: the text after the colon is the ticket's subject.
        return comment, ticket, f"{actor} commented on ticket #{ticket_id}: {subject}"
    if verb == "tickets.assignment":
        title = f"{actor} assigned ticket #{ticket_id} to you."
        return {"ticket": dict(ticket["ticket"])}, ticket, title
    # Inferred: ZENDESK.md records no priority_increase sample; shaped like an assignment.
    priority = rng.choice(_PRIORITIES)
    title = f"{actor} increased the priority of ticket #{ticket_id} to {priority}."
    return {"ticket": dict(ticket["ticket"])}, ticket, title


def _tickets(rng: random.Random, count: int) -> list[tuple[int, str]]:
    ids = rng.sample(range(1000, 1000 + count * 20), count)
    return [(ticket_id, rng.choice(_SUBJECTS)) for ticket_id in ids]


def _user_id(rng: random.Random) -> int:
    return rng.randrange(10**13, 2 * 10**13)  # 14 digits, as live user ids have grown to
