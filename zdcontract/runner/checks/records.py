"""Checks on the records the walks collected: order, sideloads, since, show, count."""

from __future__ import annotations

from typing import Any

from .context import CheckContext, NotExercised, host_of

__all__ = [
    "count_consistent",
    "ordering_and_timestamps",
    "show_matches_list",
    "sideloads",
    "since_honoured",
]

_LIST, _SHOW, _COUNT = "ListActivities", "ShowActivity", "CountActivities"
_NO_LISTING = "no pagination walk collected any activity to look at"
MAX_SINCE_PAGES = 50


def ordering_and_timestamps(ctx: CheckContext) -> NotExercised | None:
    """Newest first; updated_at never before created_at."""
    walk = ctx.listing()
    if walk is None or len(walk.ids) < 2:
        return NotExercised(f"{_NO_LISTING.replace('any activity', 'two activities')}")
    ctx.records = len(walk.ids)
    stamps = [str(walk.records[i].get("created_at", "")) for i in walk.ids]
    for position, (earlier, later) in enumerate(zip(stamps, stamps[1:], strict=False)):
        if later > earlier:
            ident = walk.ids[position + 1]
            ctx.violation(
                "newest-first",
                _LIST,
                f"activity at position {position + 1} is newer than the one before it",
                f"/activities/{position + 1}/created_at",
                evidence=[walk.pages.get(walk.ids[position]), walk.pages.get(ident)],
                expected=f"<= {earlier}",
                actual=later,
            )
            break
    for ident in walk.ids:
        record = walk.records[ident]
        created, updated = record.get("created_at"), record.get("updated_at")
        if isinstance(created, str) and isinstance(updated, str) and updated < created:
            ctx.violation(
                "timestamps",
                _LIST,
                f"activity {ident} was updated ({updated}) before it was created ({created})",
                "/activities/*/updated_at",
                evidence=[walk.pages.get(ident)],
                expected=f">= {created}",
                actual=updated,
            )
    return None


def sideloads(ctx: CheckContext) -> NotExercised | None:
    """Every actor_id and user_id has its record in the sideloaded actors and users."""
    body = ctx.fetch(_LIST, ctx.paths.list(), per_page=ctx.page_size)
    if body is None:
        return ctx.unanswered()
    if not isinstance(body.get("activities"), list):
        return NotExercised(f"{_answer(ctx)} without an activities array")
    actors = _ids(body.get("actors"))
    users = _ids(body.get("users"))
    for index, item in enumerate(body["activities"]):
        if not isinstance(item, dict):
            continue
        ctx.records += 1
        # An id that is missing, null or not an integer is the validator's finding (a
        # missing field, a type mismatch); here only integer ids are looked up.
        actor, user = _id(item.get("actor_id")), _id(item.get("user_id"))
        if actor is not None and actor not in actors and actor != -1:  # -1: Zendesk's system
            ctx.violation(
                "sideloads",
                _LIST,
                f"actor {actor} is not among the sideloaded actors",
                f"/activities/{index}/actor_id",
                actual=actor,
            )
        if user is not None and user not in users:
            ctx.violation(
                "sideloads",
                _LIST,
                f"user {user} is not among the sideloaded users",
                f"/activities/{index}/user_id",
                actual=user,
            )
    return None


def _id(value: Any) -> int | None:
    """``value`` if it is an integer id (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ids(records: Any) -> set[int]:
    """The integer ids of a sideload array (anything else in it is the validator's)."""
    if not isinstance(records, list):
        return set()
    return {i for r in records if isinstance(r, dict) and (i := _id(r.get("id"))) is not None}


def _answer(ctx: CheckContext) -> str:
    return ctx.unanswered().reason.replace(" answered 200", " answered")


def since_honoured(ctx: CheckContext) -> NotExercised | None:
    """``since`` returns exactly the listed activities created after it."""
    walk = ctx.listing()
    if walk is None or len(walk.ids) < 3 or not walk.complete:
        return NotExercised("no complete walk of three or more activities to compare with")
    pivot = str(walk.records[walk.ids[len(walk.ids) // 2]].get("created_at"))
    expected = {i for i in walk.ids if str(walk.records[i].get("created_at")) > pivot}
    seen: set[int] = set()
    body = ctx.fetch(_LIST, ctx.paths.list(), since=pivot, per_page=100)
    if body is None:
        return ctx.unanswered()
    first = ctx.last
    cut: NotExercised | None = None  # why the walk ended before its last page
    for _ in range(MAX_SINCE_PAGES):
        activities = body.get("activities")
        found = [a["id"] for a in activities if _has_id(a)] if isinstance(activities, list) else []
        ctx.records += len(found)
        seen.update(found)
        links, meta = _object(body.get("links")), _object(body.get("meta"))
        following = body.get("next_page") or links.get("next")
        if not following or meta.get("has_more") is False:
            break
        next_body = ctx.follow(_LIST, str(following))
        if next_body is None:
            cut = ctx.unanswered()
            break
        body = next_body
    else:
        cut = NotExercised(f"the since walk had no end after {MAX_SINCE_PAGES} pages")
    early = sorted(
        i for i in seen if i in walk.records and str(walk.records[i].get("created_at")) <= pivot
    )
    if early:
        ctx.violation(
            "since",
            _LIST,
            f"since={pivot} returned {len(early)} activities created at or before it",
            "/activities/*/created_at",
            evidence=[first],
            expected=f"created_at > {pivot}",
            actual={str(i): walk.records[i].get("created_at") for i in early[:5]},
        )
    if cut is not None:
        return cut  # the pages not read may hold what looks left out
    left_out = sorted(expected - seen)
    if left_out:
        ctx.violation(
            "since",
            _LIST,
            f"since={pivot} left out {len(left_out)} activities created after it",
            evidence=[first],
            expected=left_out[:10],
            actual=sorted(seen)[:10],
        )
    ctx.records = max(ctx.records, 1)  # the comparison itself was made
    return None


def _object(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object; an empty one for anything else a target sends."""
    return value if isinstance(value, dict) else {}


def _has_id(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), int)


def _differences(listed: dict[str, Any], shown: Any) -> dict[str, tuple[Any, Any]]:
    """Field -> (listed value, shown value) for every field the two records disagree on."""
    if not isinstance(shown, dict):
        return {"": (listed, shown)}
    missing = object()
    fields = sorted(set(listed) | set(shown))
    return {
        name: (listed.get(name, "(absent)"), shown.get(name, "(absent)"))
        for name in fields
        if listed.get(name, missing) != shown.get(name, missing)
    }


def show_matches_list(ctx: CheckContext) -> NotExercised | None:
    """ShowActivity returns the very record the listing holds; its url resolves to it."""
    walk = ctx.listing()
    if walk is None or not walk.ids:
        return NotExercised(_NO_LISTING)
    picks = [walk.ids[0], walk.ids[len(walk.ids) // 2], walk.ids[-1]]
    for ident in dict.fromkeys(picks):
        listed = walk.records[ident]
        body = ctx.fetch(_SHOW, ctx.paths.show(ident))
        if body is None:
            continue
        ctx.records += 1
        shown = body.get("activity")
        differ = _differences(listed, shown)
        if differ:
            where = ", ".join(name or "the record" for name in list(differ)[:5])
            first = next(iter(differ))
            ctx.violation(
                "show-equals-list",
                _SHOW,
                f"activity {ident} differs between ShowActivity and the listing "
                f"in {len(differ)} field{'s' if len(differ) != 1 else ''}: {where}",
                f"/activity/{first}" if first else "/activity",
                evidence=[walk.pages.get(ident), ctx.last],
                expected={name: pair[0] for name, pair in differ.items()},
                actual={name: pair[1] for name, pair in differ.items()},
            )
        _check_self_link(ctx, ident, listed)
    if not ctx.records:
        return ctx.unanswered()
    return None


def _check_self_link(ctx: CheckContext, ident: int, listed: dict[str, Any]) -> None:
    url = listed.get("url")
    source = [
        next((w.pages[ident] for w in (ctx.cursor, ctx.offset) if w and ident in w.pages), None)
    ]
    own = (f"/activities/{ident}.json", f"/activities/{ident}")
    if not isinstance(url, str) or not url.split("?")[0].endswith(own):
        ctx.violation(
            "url-self-link",
            _LIST,
            f"activity {ident} url {str(url)[:200]!r} is not its own address",
            "/activities/*/url",
            evidence=source,
            expected=f"https://{ctx.account_host}/api/v2/activities/{ident}.json",
            actual=url,
        )
        return
    host = host_of(url)
    if host is None or host.lower() != ctx.account_host.lower():
        where = "is not a URL" if host is None else f"is on {host}, not {ctx.account_host}"
        ctx.violation(
            "url-self-link",
            _LIST,
            f"activity {ident} url {where}",
            "/activities/*/url",
            evidence=source,
            expected=ctx.account_host,
            actual=host if host is not None else url[:200],
        )
        return
    resolved = ctx.follow(_SHOW, url)
    if resolved is not None:
        differ = _differences(listed, resolved.get("activity"))
        if differ:
            ctx.violation(
                "url-self-link",
                _SHOW,
                f"activity {ident} url does not resolve to the record "
                f"({len(differ)} fields differ: {', '.join(list(differ)[:5])})",
                "/activity",
                evidence=[*source, ctx.last],
                expected={name: pair[0] for name, pair in differ.items()},
                actual={name: pair[1] for name, pair in differ.items()},
            )


def count_consistent(ctx: CheckContext) -> NotExercised | None:
    """CountActivities agrees with the listing; refreshed_at is null only above 100,000."""
    body = ctx.fetch(_COUNT, ctx.paths.counting())
    if body is None:
        return ctx.unanswered()
    if not isinstance(body.get("count"), dict):
        return NotExercised(f"{_answer(ctx)} without a count object")
    ctx.records = 1
    value, refreshed = body["count"].get("value"), body["count"].get("refreshed_at", "absent")
    walk = ctx.listing()
    listed = len(walk.ids) if walk is not None and walk.complete else None
    if isinstance(value, int) and listed is not None and value < 100_000 and value != listed:
        ctx.violation(
            "count",
            _COUNT,
            f"count is {value} but the listing holds {listed}",
            "/count/value",
            evidence=[ctx.last, walk.pages.get(walk.ids[0]) if walk and walk.ids else None],
            expected=listed,
            actual=value,
        )
    if isinstance(value, int) and value > 100_000:
        ctx.violation(
            "count",
            _COUNT,
            f"count {value} exceeds the documented cap of 100,000",
            "/count/value",
            expected="<= 100000",
            actual=value,
        )
    if refreshed is None and isinstance(value, int) and value < 100_000:
        ctx.violation(
            "count",
            _COUNT,
            "refreshed_at is null although the count is below 100,000",
            "/count/refreshed_at",
            expected="a date-time",
            actual=None,
        )
    return None
