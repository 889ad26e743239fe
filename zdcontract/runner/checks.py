"""Zendesk-aware behaviour checks: what a schema cannot say about the Activity Stream.

Each check walks the live (or mock) API through the polite client and reports
``semantic-violation`` findings named after the check. Every response they see also goes
through the drift validator (the caller passes ``observe``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..drift import Finding, Kind, SeverityPolicy, fingerprint
from .client import Exchange, HttpClient

__all__ = ["CHECKS", "CheckContext", "Walk", "json_object"]

LIST = "/api/v2/activities.json"
COUNT = "/api/v2/activities/count.json"
MAX_PAGES = 50


@dataclass
class Walk:
    """The activities one pagination walk collected, in the order seen."""

    ids: list[int] = field(default_factory=list)
    records: dict[int, dict[str, Any]] = field(default_factory=dict)
    complete: bool = False


@dataclass
class CheckContext:
    """What checks share: the client, where drift goes, and what earlier checks collected."""

    client: HttpClient
    observe: Callable[[str, Exchange], dict[str, Any] | None]  # validates, returns the JSON body
    account_host: str
    page_size: int = 25
    policy: SeverityPolicy = field(default_factory=SeverityPolicy)
    cursor: Walk | None = None
    offset: Walk | None = None
    findings: list[Finding] = field(default_factory=list)

    def violation(self, check: str, operation: str, message: str, path: str = "") -> None:
        """Record a semantic violation found by ``check``."""
        kind = Kind.SEMANTIC_VIOLATION
        self.findings.append(
            Finding(
                kind=kind,
                severity=self.policy.severity_of(kind),
                operation=operation,
                path=path,
                message=message,
                fingerprint=fingerprint(operation, kind, path, check),
                check=check,
            )
        )

    def fetch(self, operation: str, path: str, **params: Any) -> dict[str, Any] | None:
        """GET through the client and the drift validator; the JSON object or None."""
        return self.observe(operation, self.client.get(path, params=params or None))

    def listing(self) -> Walk | None:
        """The most complete walk of the activities (cursor first, offset otherwise)."""
        for walk in (self.cursor, self.offset):
            if walk is not None and walk.complete:
                return walk
        return self.cursor or self.offset


def _host(url: str) -> str | None:
    """The host (and port) of ``url``; None when no URL parser reads it (``http://[x``)."""
    try:
        return urlsplit(url).netloc
    except ValueError:
        return None


def _check_page(ctx: CheckContext, check: str, body: dict[str, Any], walk: Walk, page: int) -> None:
    items = body.get("activities")
    if not isinstance(items, list):
        ctx.violation(
            check, "ListActivities", f"page {page} has no activities array", "/activities"
        )
        return
    if len(items) > ctx.page_size:
        ctx.violation(
            check,
            "ListActivities",
            f"page {page} holds {len(items)} activities; {ctx.page_size} were asked for",
            "/activities",
        )
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            continue
        ident = item["id"]
        if ident in walk.records:
            ctx.violation(
                check,
                "ListActivities",
                f"activity {ident} appears twice in the walk",
                f"/activities/{index}/id",
            )
        else:
            walk.ids.append(ident)
            walk.records[ident] = item


def _check_link(ctx: CheckContext, check: str, link: Any, where: str) -> None:
    if not isinstance(link, str):
        return
    host = _host(link)
    if host is None:
        ctx.violation(check, "ListActivities", f"link {link[:200]!r} is not a URL", where)
    elif host != ctx.account_host:
        ctx.violation(
            check,
            "ListActivities",
            f"link points at {host or 'no host'}, not the account's host {ctx.account_host}",
            where,
        )


def pagination_cursor(ctx: CheckContext) -> str | None:
    """Walk cursor pagination (page[size], links.next) to the end: no duplicates, coherent meta."""
    check, walk = "pagination-cursor", Walk()
    ctx.cursor = walk
    body = ctx.fetch("ListActivities", LIST, **{"page[size]": ctx.page_size})
    for page in range(1, MAX_PAGES + 1):
        if body is None:
            return None
        meta, links = body.get("meta"), body.get("links")
        if not isinstance(meta, dict) or not isinstance(links, dict):
            ctx.cursor = None
            return "the API answered cursor parameters with offset pagination"
        _check_page(ctx, check, body, walk, page)
        for name in ("next", "prev"):
            _check_link(ctx, check, links.get(name), f"/links/{name}")
        items = body.get("activities") or []
        if meta.get("has_more") is True:
            if not links.get("next") or not meta.get("after_cursor"):
                ctx.violation(
                    check,
                    "ListActivities",
                    "has_more is true but there is no next link or after_cursor",
                    "/meta/has_more",
                )
                return None
        elif meta.get("has_more") is False:
            if not items and (links.get("next") or meta.get("after_cursor")):
                ctx.violation(
                    check,
                    "ListActivities",
                    "an empty last page still carries a next cursor",
                    "/links/next",
                )
            walk.complete = True
            return None
        else:
            ctx.violation(
                check, "ListActivities", "meta.has_more is not a boolean", "/meta/has_more"
            )
            return None
        body = ctx.observe("ListActivities", ctx.client.get(str(links["next"])))
    ctx.violation(check, "ListActivities", f"no end after {MAX_PAGES} pages", "/meta/has_more")
    return None


def pagination_offset(ctx: CheckContext) -> str | None:
    """Walk offset pagination (page, per_page, next_page): coherent links, the count honoured."""
    check, walk = "pagination-offset", Walk()
    ctx.offset = walk
    body = ctx.fetch("ListActivities", LIST, per_page=ctx.page_size)
    total: Any = None
    for page in range(1, MAX_PAGES + 1):
        if body is None:
            return None
        if "next_page" not in body and "meta" in body:
            ctx.violation(
                check, "ListActivities", "offset parameters were answered with cursor pagination"
            )
            return None
        _check_page(ctx, check, body, walk, page)
        total = body.get("count", total)
        previous, following = body.get("previous_page"), body.get("next_page")
        _check_link(ctx, check, previous, "/previous_page")
        _check_link(ctx, check, following, "/next_page")
        if page == 1 and previous is not None:
            ctx.violation(
                check, "ListActivities", "the first page has a previous_page", "/previous_page"
            )
        if page > 1 and previous is None:
            ctx.violation(
                check, "ListActivities", f"page {page} has no previous_page", "/previous_page"
            )
        if not following:
            walk.complete = True
            break
        body = ctx.observe("ListActivities", ctx.client.get(str(following)))
    if walk.complete and isinstance(total, int) and total != len(walk.ids):
        ctx.violation(
            check,
            "ListActivities",
            f"count says {total} but the walk found {len(walk.ids)} activities",
            "/count",
        )
    if ctx.cursor and ctx.cursor.complete and walk.complete:
        missing = set(walk.ids) ^ set(ctx.cursor.ids)
        if missing:
            ctx.violation(
                check,
                "ListActivities",
                f"cursor and offset walks disagree on {len(missing)} activities "
                f"(e.g. {sorted(missing)[:3]}): a gap in one of them",
                "/activities",
            )
    return None


def ordering_and_timestamps(ctx: CheckContext) -> str | None:
    """Newest first; updated_at never before created_at."""
    walk = ctx.listing()
    if walk is None or not walk.ids:
        return "no activities to look at"
    stamps = [str(walk.records[i].get("created_at", "")) for i in walk.ids]
    for position, (earlier, later) in enumerate(zip(stamps, stamps[1:], strict=False)):
        if later > earlier:
            ctx.violation(
                "newest-first",
                "ListActivities",
                f"activity at position {position + 1} is newer than the one before it",
                f"/activities/{position + 1}/created_at",
            )
            break
    for ident in walk.ids:
        record = walk.records[ident]
        created, updated = record.get("created_at"), record.get("updated_at")
        if isinstance(created, str) and isinstance(updated, str) and updated < created:
            ctx.violation(
                "timestamps",
                "ListActivities",
                f"activity {ident} was updated ({updated}) before it was created ({created})",
                "/activities/*/updated_at",
            )
    return None


def sideloads(ctx: CheckContext) -> str | None:
    """Every actor_id and user_id has its record in the sideloaded actors and users."""
    body = ctx.fetch("ListActivities", LIST, per_page=ctx.page_size)
    if body is None or not isinstance(body.get("activities"), list):
        return "no listing to look at"
    actors = {a.get("id") for a in body.get("actors") or [] if isinstance(a, dict)}
    users = {u.get("id") for u in body.get("users") or [] if isinstance(u, dict)}
    for index, item in enumerate(body["activities"]):
        if not isinstance(item, dict):
            continue
        actor, user = item.get("actor_id"), item.get("user_id")
        if actor not in actors and actor != -1:  # -1 is a Zendesk system user
            ctx.violation(
                "sideloads",
                "ListActivities",
                f"actor {actor} is not among the sideloaded actors",
                f"/activities/{index}/actor_id",
            )
        if user not in users:
            ctx.violation(
                "sideloads",
                "ListActivities",
                f"user {user} is not among the sideloaded users",
                f"/activities/{index}/user_id",
            )
    return None


def since_honoured(ctx: CheckContext) -> str | None:
    """``since`` returns exactly the listed activities created after it."""
    walk = ctx.listing()
    if walk is None or len(walk.ids) < 3 or not walk.complete:
        return "no complete listing to compare with"
    pivot = str(walk.records[walk.ids[len(walk.ids) // 2]].get("created_at"))
    expected = {i for i in walk.ids if str(walk.records[i].get("created_at")) > pivot}
    seen: set[int] = set()
    body = ctx.fetch("ListActivities", LIST, since=pivot, per_page=100)
    for _ in range(MAX_PAGES):
        if body is None:
            return None
        seen |= {a["id"] for a in body.get("activities") or [] if isinstance(a, dict) and "id" in a}
        following = body.get("next_page") or (body.get("links") or {}).get("next")
        if not following or (body.get("meta") or {}).get("has_more") is False:
            break
        body = ctx.observe("ListActivities", ctx.client.get(str(following)))
    early = {
        i for i in seen if i in walk.records and str(walk.records[i].get("created_at")) <= pivot
    }
    if early:
        ctx.violation(
            "since",
            "ListActivities",
            f"since={pivot} returned {len(early)} activities created at or before it",
            "/activities/*/created_at",
        )
    if expected - seen:
        ctx.violation(
            "since",
            "ListActivities",
            f"since={pivot} left out {len(expected - seen)} activities created after it",
        )
    return None


def show_matches_list(ctx: CheckContext) -> str | None:
    """ShowActivity returns the very record the listing holds; its url resolves to it."""
    walk = ctx.listing()
    if walk is None or not walk.ids:
        return "no listed activities to show"
    picks = [walk.ids[0], walk.ids[len(walk.ids) // 2], walk.ids[-1]]
    for ident in dict.fromkeys(picks):
        listed = walk.records[ident]
        body = ctx.fetch("ShowActivity", f"/api/v2/activities/{ident}.json")
        if body is None:
            continue
        shown = body.get("activity")
        if shown != listed:
            ctx.violation(
                "show-equals-list",
                "ShowActivity",
                f"activity {ident} differs between ShowActivity and the listing",
                "/activity",
            )
        url = listed.get("url")
        if not isinstance(url, str) or not url.endswith(f"/activities/{ident}.json"):
            ctx.violation(
                "url-self-link",
                "ListActivities",
                f"activity {ident} url {url!r} is not its own .json address",
                "/activities/*/url",
            )
            continue
        host = _host(url)
        if host != ctx.account_host:
            where = "is not a URL" if host is None else f"is on {host}, not {ctx.account_host}"
            ctx.violation(
                "url-self-link",
                "ListActivities",
                f"activity {ident} url {where}",
                "/activities/*/url",
            )
            continue
        resolved = ctx.observe("ShowActivity", ctx.client.get(url))
        if resolved is not None and resolved.get("activity") != listed:
            ctx.violation(
                "url-self-link",
                "ShowActivity",
                f"activity {ident} url does not resolve to the record",
                "/activity",
            )
    return None


def count_consistent(ctx: CheckContext) -> str | None:
    """CountActivities agrees with the listing; refreshed_at is null only above 100,000."""
    body = ctx.fetch("CountActivities", COUNT)
    if body is None or not isinstance(body.get("count"), dict):
        return None
    value, refreshed = body["count"].get("value"), body["count"].get("refreshed_at", "absent")
    walk = ctx.listing()
    listed = len(walk.ids) if walk is not None and walk.complete else None
    if isinstance(value, int) and listed is not None and value < 100_000 and value != listed:
        ctx.violation(
            "count",
            "CountActivities",
            f"count is {value} but the listing holds {listed}",
            "/count/value",
        )
    if isinstance(value, int) and value > 100_000:
        ctx.violation(
            "count",
            "CountActivities",
            f"count {value} exceeds the documented cap of 100,000",
            "/count/value",
        )
    if refreshed is None and isinstance(value, int) and value < 100_000:
        ctx.violation(
            "count",
            "CountActivities",
            "refreshed_at is null although the count is below 100,000",
            "/count/refreshed_at",
        )
    return None


#: (name, operation, function): run in this order; later checks reuse the walks.
CHECKS: tuple[tuple[str, str, Callable[[CheckContext], str | None]], ...] = (
    ("pagination-cursor", "ListActivities", pagination_cursor),
    ("pagination-offset", "ListActivities", pagination_offset),
    ("ordering", "ListActivities", ordering_and_timestamps),
    ("sideloads", "ListActivities", sideloads),
    ("since", "ListActivities", since_honoured),
    ("show-equals-list", "ShowActivity", show_matches_list),
    ("count", "CountActivities", count_consistent),
)


def json_object(exchange: Exchange) -> dict[str, Any] | None:
    """The body of a 200 JSON response as an object (None otherwise)."""
    if exchange.error is not None or exchange.status != 200:
        return None
    try:
        value = json.loads(exchange.body)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
