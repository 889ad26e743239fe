"""The pagination walks: cursor (page[size], links.next) and offset (per_page, next_page).

Both walk to the end, or for MAX_PAGES pages, and keep what they saw (``Walk``) for the
checks that come after them. A listing longer than that is no fault (an account with
1,250 activities in 30 days has one): the walk stops at its bound without asking for the
next page and stays incomplete, and no check takes it for the whole listing. A first page
that does not arrive leaves the check not exercised, with the answer that came instead; a
link that stops working half-way is a violation of the walk.
"""

from __future__ import annotations

from typing import Any

from ..client import Exchange
from .context import CheckContext, NotExercised, Walk, host_of

__all__ = ["MAX_PAGES", "pagination_cursor", "pagination_offset"]

MAX_PAGES = 50
_LIST = "ListActivities"


def _check_page(ctx: CheckContext, check: str, body: dict[str, Any], walk: Walk, page: int) -> None:
    items = body.get("activities")
    if not isinstance(items, list):
        ctx.violation(check, _LIST, f"page {page} has no activities array", "/activities")
        return
    if len(items) > ctx.page_size:
        ctx.violation(
            check,
            _LIST,
            f"page {page} holds {len(items)} activities; {ctx.page_size} were asked for",
            "/activities",
            expected=ctx.page_size,
            actual=len(items),
        )
    source = ctx.reproducer(ctx.last) or ""
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            continue
        ctx.records += 1
        ident = item["id"]
        if ident in walk.records:
            ctx.violation(
                check,
                _LIST,
                f"activity {ident} appears twice in the walk (again on page {page})",
                f"/activities/{index}/id",
                evidence=[walk.pages.get(ident), ctx.last],
            )
        else:
            walk.ids.append(ident)
            walk.records[ident] = item
            walk.pages[ident] = source


def _check_link(ctx: CheckContext, check: str, link: Any, where: str) -> None:
    if not isinstance(link, str):
        return
    host = host_of(link)
    if host is None:
        ctx.violation(check, _LIST, f"link {link[:200]!r} is not a URL", where, actual=link[:200])
    elif host.lower() != ctx.account_host.lower():
        ctx.violation(
            check,
            _LIST,
            f"link points at {host or 'no host'}, not the account's host {ctx.account_host}",
            where,
            expected=ctx.account_host,
            actual=host,
        )


def _broken_link(ctx: CheckContext, check: str, page: int, where: str, before: Exchange) -> None:
    """The link of page ``page`` gave no page; a violation unless the request itself failed
    (a transport error is a finding of its own)."""
    last = ctx.last
    if last is not None and last.error is None:
        ctx.violation(
            check,
            _LIST,
            f"following {where} of page {page} gave no page: {last.status}",
            where,
            evidence=[before, last],
            expected=200,
            actual=last.status,
        )


def pagination_cursor(ctx: CheckContext) -> NotExercised | None:
    """Walk cursor pagination (page[size], links.next): no duplicates, coherent meta."""
    check, walk = "pagination-cursor", Walk()
    ctx.cursor = walk
    body = ctx.fetch(_LIST, ctx.paths.list(), **{"page[size]": ctx.page_size})
    if body is None:
        ctx.cursor = None
        return ctx.unanswered()
    for page in range(1, MAX_PAGES + 1):
        meta, links = body.get("meta"), body.get("links")
        if not isinstance(meta, dict) or not isinstance(links, dict):
            if page == 1:
                ctx.cursor = None
                return NotExercised(
                    "the target answered cursor parameters with offset pagination",
                    unsupported=True,
                )
            ctx.violation(check, _LIST, f"page {page} has no meta and links objects", "/meta")
            return None
        _check_page(ctx, check, body, walk, page)
        for name in ("next", "prev"):
            _check_link(ctx, check, links.get(name), f"/links/{name}")
        items = body.get("activities") or []
        if meta.get("has_more") is True:
            if not links.get("next") or not meta.get("after_cursor"):
                ctx.violation(
                    check,
                    _LIST,
                    "has_more is true but there is no next link or after_cursor",
                    "/meta/has_more",
                )
                return None
        elif meta.get("has_more") is False:
            if not items and (links.get("next") or meta.get("after_cursor")):
                ctx.violation(
                    check, _LIST, "an empty last page still carries a next cursor", "/links/next"
                )
            walk.complete = True
            return None
        else:
            ctx.violation(check, _LIST, "meta.has_more is not a boolean", "/meta/has_more")
            return None
        if page == MAX_PAGES:
            return None  # the bound: the walk stays incomplete
        before = ctx.last
        following = ctx.follow(_LIST, str(links["next"]))
        if following is None:
            if before is not None:
                _broken_link(ctx, check, page, "/links/next", before)
            return None
        body = following
    return None


def pagination_offset(ctx: CheckContext) -> NotExercised | None:
    """Walk offset pagination (page, per_page, next_page): coherent links, the count honoured."""
    check, walk = "pagination-offset", Walk()
    ctx.offset = walk
    body = ctx.fetch(_LIST, ctx.paths.list(), per_page=ctx.page_size)
    if body is None:
        ctx.offset = None
        return ctx.unanswered()
    first = ctx.last
    total: Any = None
    for page in range(1, MAX_PAGES + 1):
        if "next_page" not in body and "meta" in body:
            ctx.violation(check, _LIST, "offset parameters were answered with cursor pagination")
            return None
        _check_page(ctx, check, body, walk, page)
        total = body.get("count", total)
        previous, following = body.get("previous_page"), body.get("next_page")
        _check_link(ctx, check, previous, "/previous_page")
        _check_link(ctx, check, following, "/next_page")
        if page == 1 and previous is not None:
            ctx.violation(
                check,
                _LIST,
                "the first page has a previous_page",
                "/previous_page",
                actual=previous,
            )
        if page > 1 and previous is None:
            ctx.violation(check, _LIST, f"page {page} has no previous_page", "/previous_page")
        if not following:
            walk.complete = True
            break
        if page == MAX_PAGES:
            break  # the bound: the walk stays incomplete
        before = ctx.last
        following_body = ctx.follow(_LIST, str(following))
        if following_body is None:
            if before is not None:
                _broken_link(ctx, check, page, "/next_page", before)
            return None
        body = following_body
    if walk.complete and isinstance(total, int) and total != len(walk.ids):
        ctx.violation(
            check,
            _LIST,
            f"count says {total} but the walk found {len(walk.ids)} activities",
            "/count",
            evidence=[first],
            expected=len(walk.ids),
            actual=total,
        )
    if ctx.cursor and ctx.cursor.complete and walk.complete:
        missing = set(walk.ids) ^ set(ctx.cursor.ids)
        if missing:
            ctx.violation(
                check,
                _LIST,
                f"cursor and offset walks disagree on {len(missing)} activities "
                f"(e.g. {sorted(missing)[:3]}): a gap in one of them",
                "/activities",
                evidence=[first],
                expected=sorted(set(ctx.cursor.ids) - set(walk.ids))[:10],
                actual=sorted(set(walk.ids) - set(ctx.cursor.ids))[:10],
            )
    return None
