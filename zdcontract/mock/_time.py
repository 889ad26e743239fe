"""Timestamps as Zendesk writes them: UTC, whole seconds, ``YYYY-MM-DDTHH:MM:SSZ``."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_time", "parse_since", "utc_now"]


def utc_now() -> datetime:
    """The current UTC time truncated to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    """``moment`` as ``YYYY-MM-DDTHH:MM:SSZ`` (RFC 3339, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    return moment.astimezone(UTC)
