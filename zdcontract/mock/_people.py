"""Seeded user records, full as Zendesk sideloads them: documented nulls, user_fields, photos."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ._time import format_time

__all__ = ["UNRECORDED_USER_KEYS", "make_user"]

#: UserForAdmin properties the recorded live responses never carry (``chat_only`` and the
#: write-only ``remote_photo_url``); only the conformant profile sends them.
UNRECORDED_USER_KEYS = frozenset({"chat_only", "remote_photo_url"})

_FIRST = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia")
_LAST = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson")
_ZONES = (
    ("Copenhagen", "Europe/Copenhagen"),
    ("Eastern Time (US & Canada)", "America/New_York"),
    ("Pacific Time (US & Canada)", "America/Los_Angeles"),
    ("London", "Europe/London"),
    ("Tokyo", "Asia/Tokyo"),
    ("Alaska", "America/Juneau"),
    ("American Samoa", "Pacific/Pago_Pago"),
)
_LOCALES = (("en-US", 1), ("en-gb", 5), ("de", 8), ("fr", 16), ("es", 2), ("ja", 67))
_GROUPS = (360000112233, 360000445566, 360000778899)
_ORGS = (360011122233, 360044455566)
_TAGS = ("tier-1", "tier-2", "vip", "emea", "amer", "apac")


def make_user(
    rng: random.Random, *, user_id: int, index: int, base_url: str, now: datetime, full: bool
) -> dict[str, Any]:
    """One agent or admin user record; ``full`` adds the properties live responses omit."""
    first, last = _FIRST[index % len(_FIRST)], _LAST[(index * 3 + 1) % len(_LAST)]
    zone, iana = rng.choice(_ZONES)
    locale, locale_id = rng.choice(_LOCALES)
    created = now - timedelta(days=rng.randrange(200, 3000), seconds=rng.randrange(86400))
    updated = now - timedelta(days=rng.randrange(1, 60), seconds=rng.randrange(86400))
    role = "admin" if index % 4 == 0 else "agent"
    photo = _photo(rng, base_url, first.lower()) if rng.random() < 0.6 else None
    user: dict[str, Any] = {
        "active": True,
        "alias": "" if rng.random() < 0.7 else first,
        "chat_only": False,
        "created_at": format_time(created),
        "custom_role_id": None,
        "default_group_id": rng.choice(_GROUPS),
        "details": "",
        "email": f"{first}.{last}@example.com".lower(),
        "external_id": None if rng.random() < 0.5 else f"emp-{rng.randrange(10000, 99999)}",
        "iana_time_zone": iana,
        "id": user_id,
        "last_login_at": format_time(now - timedelta(minutes=rng.randrange(5, 7 * 24 * 60))),
        "locale": locale,
        "locale_id": locale_id,
        "moderator": role == "admin",
        "name": f"{first} {last}",
        "notes": "",
        "only_private_comments": False,
        "organization_id": None if rng.random() < 0.5 else rng.choice(_ORGS),
        "phone": None if rng.random() < 0.7 else f"+1555{rng.randrange(1000000, 9999999)}",
        "photo": photo,
        "remote_photo_url": photo["content_url"] if photo else "",
        "report_csv": True,
        "restricted_agent": role == "agent" and rng.random() < 0.3,
        "role": role,
        "role_type": None,
        "shared": False,
        "shared_agent": False,
        "shared_phone_number": None,
        "signature": "" if rng.random() < 0.5 else f"Best,\n{first}",
        "suspended": False,
        "tags": sorted(rng.sample(_TAGS, rng.randrange(0, 3))),
        "ticket_restriction": None,
        "time_zone": zone,
        "two_factor_auth_enabled": None,
        "updated_at": format_time(updated),
        "url": f"{base_url}/api/v2/users/{user_id}.json",
        "user_fields": _user_fields(rng),
        "verified": True,
    }
    if not full:
        for key in UNRECORDED_USER_KEYS:
            del user[key]
    return user


def _user_fields(rng: random.Random) -> dict[str, Any]:
    """Account-defined custom fields: a text, a date (or null), a dropdown (or null)."""
    hired = f"{rng.randrange(2012, 2024)}-0{rng.randrange(1, 10)}-01T00:00:00+00:00"
    return {
        "employee_id": f"E-{rng.randrange(1000, 9999)}",
        "hire_date": None if rng.random() < 0.3 else hired,
        "team": rng.choice((None, "billing", "hardware", "onboarding")),
    }


def _photo(rng: random.Random, base_url: str, stem: str) -> dict[str, Any]:
    """An attachment with one thumbnail, shaped like the spec's examples."""
    photo_id = rng.randrange(10**11, 10**12)
    full = _attachment(base_url, photo_id, f"{stem}.png", rng.randrange(3000, 9000), 80)
    thumb = _attachment(base_url, photo_id + 1, f"{stem}_thumb.png", rng.randrange(800, 2000), 32)
    full["thumbnails"] = [thumb]
    return dict(sorted(full.items()))


def _attachment(base_url: str, ident: int, name: str, size: int, side: int) -> dict[str, Any]:
    content_url = f"{base_url}/system/photos/{ident}/{name}"
    return {
        "content_type": "image/png",
        "content_url": content_url,
        "deleted": False,
        "file_name": name,
        "height": side,
        "id": ident,
        "inline": False,
        "mapped_content_url": content_url,
        "size": size,
        "url": f"{base_url}/api/v2/attachments/{ident}.json",
        "width": side,
    }
