"""Realistic Zendesk Activity Stream bodies, written from ../shared/ZENDESK.md.

Independent of the embedded mock on purpose: these are what the validator is judged on.
"""

from __future__ import annotations

import copy
import json
from typing import Any

HOST = "https://acme.zendesk.com"


def photo(photo_id: int) -> dict[str, Any]:
    """An attachment object as Zendesk sends for a user's photo, with a thumbnail."""

    def attachment(ident: int, name: str, size: int, side: int) -> dict[str, Any]:
        return {
            "content_type": "image/png",
            "content_url": f"{HOST}/system/photos/{ident}/{name}",
            "deleted": False,
            "file_name": name,
            "height": side,
            "id": ident,
            "inline": False,
            "mapped_content_url": f"{HOST}/system/photos/{ident}/{name}",
            "size": size,
            "url": f"{HOST}/api/v2/attachments/{ident}.json",
            "width": side,
        }

    full = attachment(photo_id, "avatar.png", 4566, 80)
    full["thumbnails"] = [attachment(photo_id + 1, "avatar_thumb.png", 1517, 32)]
    return full


def agent(user_id: int, name: str, *, with_photo: bool = True) -> dict[str, Any]:
    """A full agent/admin user record: documented nulls, custom user_fields, a photo."""
    return {
        "active": True,
        "alias": "",
        "chat_only": False,
        "created_at": "2021-03-04T10:11:12Z",
        "custom_role_id": None,
        "default_group_id": 360001234567,
        "details": "",
        "email": f"{name.lower().replace(' ', '.')}@acme.example",
        "external_id": None,
        "iana_time_zone": "Europe/Copenhagen",
        "id": user_id,
        "last_login_at": "2026-11-20T08:00:00Z",
        "locale": "en-US",
        "locale_id": 1,
        "moderator": False,
        "name": name,
        "notes": "",
        "only_private_comments": False,
        "organization_id": None,
        "phone": None,
        "photo": photo(user_id + 7) if with_photo else None,
        "report_csv": True,
        "restricted_agent": False,
        "role": "agent",
        "role_type": None,
        "shared": False,
        "shared_agent": False,
        "shared_phone_number": None,
        "signature": "",
        "suspended": False,
        "tags": ["tier-2"],
        "ticket_restriction": None,
        "time_zone": "Copenhagen",
        "two_factor_auth_enabled": None,
        "updated_at": "2026-11-20T08:00:00Z",
        "url": f"{HOST}/api/v2/users/{user_id}.json",
        "user_fields": {
            "employee_id": "E-1234",
            "hire_date": "2019-05-01T00:00:00+00:00",
            "team": None,
        },
        "verified": True,
    }


ME = agent(10000000000001, "Requesting Agent")
ACTORS = [
    agent(10000000000002, "Ada Lovelace"),
    agent(10000000000003, "Alan Turing", with_photo=False),
]


def activity(activity_id: int, index: int) -> dict[str, Any]:
    """One activity of one of the documented verbs, shaped as ZENDESK.md describes."""
    actor = ACTORS[index % len(ACTORS)]
    ticket = {"ticket": {"id": 4000 + index, "subject": f"Printer on fire #{index}"}}
    verb = ("tickets.assignment", "tickets.comment", "tickets.priority_increase")[index % 3]
    if verb == "tickets.comment":
        obj: dict[str, Any] = {
            "comment": {"value": "Have you tried turning it off?", "public": True}
        }
        title = f"{actor['name']} commented on ticket #{4000 + index}: Have you tried..."
    elif verb == "tickets.assignment":
        obj = copy.deepcopy(ticket)
        title = f"{actor['name']} assigned ticket #{4000 + index} to you."
    else:
        obj = copy.deepcopy(ticket)
        title = f"{actor['name']} increased the priority of ticket #{4000 + index}."
    stamp = f"2026-11-{25 - index % 20:02d}T{index % 24:02d}:15:00Z"
    return {
        "actor": copy.deepcopy(actor),
        "actor_id": actor["id"],
        "created_at": stamp,
        "id": activity_id,
        "object": obj,
        "target": copy.deepcopy(ticket),
        "title": title,
        "updated_at": stamp,
        "url": f"{HOST}/api/v2/activities/{activity_id}.json",
        "user": copy.deepcopy(ME),
        "user_id": ME["id"],
        "verb": verb,
    }


def activities(n: int) -> list[dict[str, Any]]:
    """``n`` activities, newest first, with 14-digit ids."""
    return [activity(29183462000000 - i, i) for i in range(n)]


def offset_page(n: int = 3, *, page: int = 1, total: int | None = None) -> dict[str, Any]:
    """An offset-paginated ListActivities body (the shape the published spec documents)."""
    total = n if total is None else total
    more = page * 100 < total
    return {
        "activities": activities(n),
        "actors": copy.deepcopy(ACTORS),
        "count": total,
        "next_page": f"{HOST}/api/v2/activities.json?page={page + 1}&per_page=100"
        if more
        else None,
        "previous_page": f"{HOST}/api/v2/activities.json?page={page - 1}&per_page=100"
        if page > 1
        else None,
        "users": [copy.deepcopy(ME)],
    }


def cursor_page(n: int = 3) -> dict[str, Any]:
    """A cursor-paginated ListActivities body, as every modern client receives it."""
    after, before = (
        "eyJvIjoiLWlkIiwidiI6ImFRTUFBQUFBQUFBQSJ9",
        "eyJvIjoiaWQiLCJ2IjoiYVFVQUFBQUFBQUFBIn0=",
    )
    return {
        "activities": activities(n),
        "actors": copy.deepcopy(ACTORS),
        "users": [copy.deepcopy(ME)],
        "meta": {"has_more": True, "after_cursor": after, "before_cursor": before},
        "links": {
            "prev": f"{HOST}/api/v2/activities.json?page%5Bbefore%5D={before}&page%5Bsize%5D=100",
            "next": f"{HOST}/api/v2/activities.json?page%5Bafter%5D={after}&page%5Bsize%5D=100",
        },
    }


def show() -> dict[str, Any]:
    """A ShowActivity body."""
    return {"activity": activity(29183462000000, 0)}


def count(value: int = 251, refreshed_at: str | None = "2026-11-26T07:59:58Z") -> dict[str, Any]:
    """A CountActivities body; refreshed_at is null while a count above 100,000 refreshes."""
    return {"count": {"refreshed_at": refreshed_at, "value": value}}


def dumps(body: Any) -> bytes:
    """Bytes as Zendesk sends them."""
    return json.dumps(body, separators=(",", ":")).encode()
