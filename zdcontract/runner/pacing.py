"""How fast requests go: the user's limit, the server's quota, and Retry-After, read safely.

Everything here reads headers a target chose: a Retry-After of ``-1``, ``nan``, ``inf``,
``1e309``, an HTTP date or garbage must each mean something bounded, never an exception
and never a wait as long as the server likes (the client compares every wait a server
imposes with its ``max_wait``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["Pacer", "header_number", "retry_after"]


def header_number(headers: Mapping[str, str], *names: str) -> float | None:
    """The first of ``names`` present in ``headers`` as a finite number (None otherwise).

    ``headers`` must look names up case-insensitively (requests' CaseInsensitiveDict).
    """
    for name in names:
        value = headers.get(name)
        if value is not None:
            try:
                number = float(value)  # a number beyond a float reads as inf, never raises
            except ValueError:
                return None
            return number if math.isfinite(number) else None
    return None


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds Retry-After asks for (RFC 9110 §10.2.3): delay-seconds or an HTTP date.

    None when the header is absent or says nothing usable (garbage, negative, NaN): the
    caller backs off on its own. ``math.inf`` when it asks for for ever (``inf``, a number
    beyond a float): the caller compares it with its longest wait, as any other.
    """
    value = headers.get("retry-after")
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)  # 1e309 and longer numbers read as inf
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    if math.isnan(seconds) or seconds < 0:
        return None
    return seconds


class Pacer:
    """Spaces requests out: at most ``per_minute``, slower when the server's quota runs low."""

    def __init__(self, per_minute: float | None) -> None:
        """``per_minute=None`` means no configured limit (the embedded mock)."""
        self.per_minute = per_minute
        self.adaptive: float | None = None  # from the server's remaining quota
        self._lock = threading.Lock()
        self._next = 0.0
        self._resume_at = 0.0

    @property
    def effective(self) -> float | None:
        """The requests per minute in force now (None: unlimited)."""
        rates = [r for r in (self.per_minute, self.adaptive) if r]
        return min(rates) if rates else None

    def reserve(self) -> float:
        """Take the next slot; the seconds to wait before using it."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next, self._resume_at)
            rate = self.effective
            if rate:
                self._next = start + 60.0 / rate
            delay = start - now
        return max(delay, 0.0)

    def observe(self, headers: Mapping[str, str]) -> float | None:
        """Adapt to the server's quota headers: never spend more than half what is left.

        Returns the seconds the server asks everyone to wait when the quota is spent
        (``remaining: 0``: until the reset), else None.
        """
        remaining = header_number(
            headers, "x-rate-limit-remaining", "ratelimit-remaining", "rate-limit-remaining"
        )
        if remaining is None:
            return None
        reset = header_number(headers, "ratelimit-reset", "rate-limit-reset")
        window = reset if reset is not None and 0 < reset <= 3600 else 60.0
        with self._lock:
            self.adaptive = max(1.0, 0.5 * max(remaining, 0.0) * 60.0 / window)
        return window if remaining <= 0 else None

    def pause(self, seconds: float) -> None:
        """Nobody sends for ``seconds`` (Retry-After)."""
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)
