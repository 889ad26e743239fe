"""Timestamps as Zendesk writes them: UTC, whole seconds, ``YYYY-MM-DDTHH:MM:SSZ``."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_time", "parse_since", "utc_now"]


def utc_now() -> datetime:
    """The current UTC time truncated to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    """``moment`` as ``YYYY-MM-DDTHH:MM:SSZ`` (RFC 3339, UTC)."""
    # Not strftime: glibc's %Y writes year 1 as "1", and a link carrying since=1-01-01T...
    # would be refused (400) when a client follows it. isoformat pads the year to 4 digits.
    utc = moment.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return f"{utc.isoformat()}Z"


def parse_since(text: str) -> datetime:
    """An ISO 8601 timestamp as a UTC datetime; ValueError when it is not one.

    Zendesk documents ``YYYY-MM-DDTHH:MM:SSZ``; Rails parses more than that, so any ISO 8601
    form Python reads is accepted, and a value without an offset is taken as UTC.
    """
    text = text.strip()
    if not text or not text[0].isdigit():
        raise ValueError(f"not an ISO 8601 timestamp: {text!r}")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:59:59-01:00 and 0001-01-01T00:00:00+01:00 are valid ISO 8601 but
        # fall outside the years datetime can hold once moved to UTC: a malformed value.
        raise ValueError(f"not a representable UTC time: {text!r}") from None
