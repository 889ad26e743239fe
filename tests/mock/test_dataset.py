"""The seeded dataset: deterministic, shaped like the live API's records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from zdcontract.mock._people import UNRECORDED_USER_KEYS
from zdcontract.mock.dataset import VERBS, build_dataset
from zdcontract.spec import load_spec

NOW = datetime(2026, 11, 26, 8, 0, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:9999"


def build(**options: Any) -> tuple[dict[str, Any], ...]:
    settings: dict[str, Any] = {"seed": 3, "size": 300, "base_url": BASE, "now": NOW}
    settings.update(options)
    return build_dataset(**settings).activities


def spec_properties(name: str) -> set[str]:
    return set(load_spec().document["components"]["schemas"][name]["properties"])


def test_same_seed_same_dataset_and_other_seed_differs() -> None:
    assert build() == build()
    assert [a["id"] for a in build()] != [a["id"] for a in build(seed=4)]


def test_size_order_window_and_ids() -> None:
    activities = build()
    assert len(activities) == 300
    stamps = [str(a["created_at"]) for a in activities]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    ids = [a["id"] for a in activities]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert all(len(str(i)) == 14 for i in ids)
    oldest = datetime.strptime(stamps[-1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    newest = datetime.strptime(stamps[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert NOW - timedelta(days=30) < oldest <= newest <= NOW


def test_every_documented_verb_with_its_shape_and_title() -> None:
    activities = build()
    assert {a["verb"] for a in activities} == set(VERBS)
    for activity in activities:
        actor, ticket = activity["actor"]["name"], activity["target"]["ticket"]
        assert set(ticket) == {"id", "subject"}
        if activity["verb"] == "tickets.comment":
            assert set(activity["object"]["comment"]) == {"value", "public"}
            assert (
                activity["title"]
                == f"{actor} commented on ticket #{ticket['id']}: {ticket['subject']}"
            )
        elif activity["verb"] == "tickets.assignment":
            assert activity["object"] == activity["target"]
            assert activity["title"] == f"{actor} assigned ticket #{ticket['id']} to you."
        else:
            assert str(activity["title"]).startswith(f"{actor} increased the priority of ticket #")
        assert activity["created_at"] == activity["updated_at"]
        assert activity["actor_id"] == activity["actor"]["id"]
        assert activity["user_id"] == activity["user"]["id"]
        assert activity["url"] == f"{BASE}/api/v2/activities/{activity['id']}.json"


def test_zendesk_users_look_like_the_recorded_ones() -> None:
    users = {a["actor"]["id"]: a["actor"] for a in build()}
    documented = spec_properties("UserForAdmin")
    for user in users.values():
        assert set(user) == documented - UNRECORDED_USER_KEYS
        assert user["url"] == f"{BASE}/api/v2/users/{user['id']}.json"
        assert user["role_type"] is None and user["two_factor_auth_enabled"] is None
        assert set(user["user_fields"]) == {"employee_id", "hire_date", "team"}
    photos = [u["photo"] for u in users.values() if u["photo"] is not None]
    assert photos, "some users have photos"
    for photo in photos:
        assert photo["url"].startswith(f"{BASE}/api/v2/attachments/") and photo["url"].endswith(
            ".json"
        )
        (thumb,) = photo["thumbnails"]
        assert thumb["width"] == 32 and thumb["url"].startswith(BASE)


def test_conformant_users_carry_every_documented_property_and_nothing_else() -> None:
    documented = spec_properties("UserForAdmin")
    assert spec_properties("UserForEndUser") <= documented
    for activity in build(full_users=True):
        assert set(activity["actor"]) == documented
        assert set(activity["user"]) == documented
        assert set(activity) == spec_properties("ActivityObject")


def test_empty_dataset() -> None:
    assert build(size=0) == ()
