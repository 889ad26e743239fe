"""A per-minute request budget with Zendesk's headers."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter", "RateState"]


@dataclass(frozen=True, slots=True)
class RateState:
    """The budget after one request: whether it was over, and the headers to send."""

    limit: int
    remaining: int
    reset: int  # seconds until the window ends
    exceeded: bool

    def headers(self) -> tuple[tuple[str, str], ...]:
        """The spelling recorded on live /activities responses (x-rate-limit and rate-limit)."""
        return (
            ("x-rate-limit", str(self.limit)),
            ("x-rate-limit-remaining", str(self.remaining)),
            ("rate-limit", str(self.limit)),
            ("rate-limit-remaining", str(self.remaining)),
            ("rate-limit-reset", str(self.reset)),
        )


class RateLimiter:
    """``limit`` requests per window; a window opens with its first request (thread-safe)."""

    def __init__(
        self, limit: int, *, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow ``limit`` requests per ``window`` seconds, timed by ``clock``."""
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._opened: float | None = None
        self._used = 0

    def hit(self) -> RateState:
        """Count one request (unless over the limit) and report the budget."""
        with self._lock:
            now = self._clock()
            if self._opened is None or now >= self._opened + self.window:
                self._opened, self._used = now, 0
            exceeded = self._used >= self.limit
            if not exceeded:
                self._used += 1
            # Just below a power of two, opened + window rounds up: clamp the reset to 1..window
            left = math.ceil(self._opened + self.window - now)
            reset = min(max(1, left), math.ceil(self.window))
            return RateState(self.limit, self.limit - self._used, reset, exceeded)

    def reset(self) -> None:
        """Forget the current window."""
        with self._lock:
            self._opened, self._used = None, 0
