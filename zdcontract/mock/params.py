"""Query parameters of ListActivities, parsed into typed queries or a Zendesk-style 400.

Zendesk does not document what malformed values do; inferred: 400 with the same
``{"errors":[{"code","title","detail"}]}`` shape the documented InvalidPaginationDepth uses.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import orjson

from ._time import parse_since
from .errors import InvalidParameter

__all__ = [
    "MAX_PAGE_SIZE",
    "CursorQuery",
    "OffsetQuery",
    "decode_cursor",
    "encode_cursor",
    "parse_activity_id",
    "parse_list_query",
]

MAX_PAGE_SIZE = 100
_ORDER = "-created_at,-id"
_MAX_DIGITS = 18
_HUGE = 10**_MAX_DIGITS  # stands for any longer number: beyond every page and size limit


@dataclass(frozen=True, slots=True, kw_only=True)
class OffsetQuery:
    """page/per_page pagination (the mode the published spec models)."""

    since: datetime | None = None
    page: int = 1
    per_page: int = MAX_PAGE_SIZE


@dataclass(frozen=True, slots=True, kw_only=True)
class CursorQuery:
    """page[size]/page[after]/page[before] pagination (what live clients use)."""

    since: datetime | None = None
    size: int = MAX_PAGE_SIZE
    after: tuple[int, int] | None = None  # (epoch second, id) of the item the page follows
    before: tuple[int, int] | None = None  # (epoch second, id) of the item the page precedes


def parse_list_query(params: Mapping[str, str], *, cursor: bool) -> OffsetQuery | CursorQuery:
    """The query ``params`` ask for; ``cursor=False`` serves offset pages even to cursor params."""
    since = _since(params["since"]) if "since" in params else None
    cursor_keys = ("page[size]", "page[after]", "page[before]")
    if cursor and any(key in params for key in cursor_keys):
        if "page[after]" in params and "page[before]" in params:
            raise _pagination("page[after] and page[before] cannot be combined")
        size = _size(params, "page[size]") if "page[size]" in params else MAX_PAGE_SIZE
        after = _cursor(params["page[after]"]) if "page[after]" in params else None
        before = _cursor(params["page[before]"]) if "page[before]" in params else None
        return CursorQuery(since=since, size=size, after=after, before=before)
    # Without cursor support, a page[size] is the only size asked for: honour it as per_page.
    size_key = "per_page" if "per_page" in params or cursor else "page[size]"
    per_page = _size(params, size_key) if size_key in params else MAX_PAGE_SIZE
    page = _positive(params, "page") if "page" in params else 1
    return OffsetQuery(since=since, page=page, per_page=per_page)


def parse_activity_id(text: str) -> int:
    """The integer id of a ShowActivity path; 400 when it is not an integer."""
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        raise InvalidParameter(
            "InvalidValue", "Invalid value", f"activity_id must be an integer (got '{text}')"
        )
    return int(text)


def encode_cursor(key: tuple[int, int]) -> str:
    """An opaque base64 cursor for the item with sort key ``(epoch second, id)``."""
    raw = orjson.dumps({"o": _ORDER, "v": list(key)})
    return base64.b64encode(raw).decode("ascii")


def decode_cursor(text: str) -> tuple[int, int]:
    """The sort key inside a cursor; ValueError for anything this mock did not issue."""
    # Lenient about transport damage: '+' read as a space, url-safe alphabet, lost padding.
    text = text.strip().replace(" ", "+").replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        data = orjson.loads(raw)
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as exc:
        raise ValueError("not a cursor") from exc
    if not isinstance(data, dict) or data.get("o") != _ORDER:
        raise ValueError("not a cursor")
    value = data.get("v")
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("not a cursor")
    if not all(isinstance(part, int) and not isinstance(part, bool) for part in value):
        raise ValueError("not a cursor")
    return int(value[0]), int(value[1])


def _since(text: str) -> datetime:
    try:
        return parse_since(text)
    except ValueError:
        raise InvalidParameter(
            "InvalidValue",
            "Invalid value",
            f"since must be a UTC time in ISO 8601 format, YYYY-MM-DDTHH:MM:SSZ (got '{text}')",
        ) from None


def _size(params: Mapping[str, str], key: str) -> int:
    size = _positive(params, key)
    if size > MAX_PAGE_SIZE:
        shown = params[key].strip()
        raise _pagination(f"{key} must be between 1 and {MAX_PAGE_SIZE} (got {shown})")
    return size


def _positive(params: Mapping[str, str], key: str) -> int:
    text = params[key].strip()
    if not (text.isascii() and text.isdigit()):
        raise _pagination(f"{key} must be a positive integer (got '{params[key]}')")
    # int() refuses strings of more than 4,300 digits (CPython's guard against quadratic
    # conversion): a very long number escaped as a 500. Any number of more than 18
    # significant digits is past every page and size limit, so it is read as 10**18.
    digits = text.lstrip("0") or "0"
    value = int(digits) if len(digits) <= _MAX_DIGITS else _HUGE
    if value < 1:
        raise _pagination(f"{key} must be a positive integer (got '{params[key]}')")
    return value


def _cursor(text: str) -> tuple[int, int]:
    try:
        return decode_cursor(text)
    except ValueError:
        raise _pagination("the cursor is invalid; use the links of a previous page") from None


def _pagination(detail: str) -> InvalidParameter:
    return InvalidParameter("InvalidPaginationParameter", "Invalid pagination parameter", detail)
