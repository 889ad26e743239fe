"""The HTTP client every live request goes through: polite, bounded and read-only.

* read-only unless writes are allowed: anything but GET/HEAD/OPTIONS is refused before it
  leaves the machine;
* a request budget;
* client-side pacing below the account's limit, adapting to ``x-rate-limit-remaining``
  (or ``ratelimit-remaining``) as the server reports it;
* ``Retry-After`` honoured on 429 and 503, a bounded number of times: a 429 is a rate-limit
  event, not drift;
* timeouts and connection errors retried with exponential backoff, then reported as an
  Exchange with ``error`` set (the runner turns it into a transport-error finding).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

from .._version import __version__
from .credentials import Credentials

__all__ = ["BudgetExhausted", "Exchange", "HttpClient", "Pacer", "ReadOnlyViolation"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BudgetExhausted(Exception):
    """The request budget is spent; the run stops sending."""


class ReadOnlyViolation(Exception):
    """A write was about to be sent to a target without --allow-writes."""


@dataclass(slots=True)
class Exchange:
    """One request and what came back (or the transport error that came instead)."""

    method: str
    url: str
    params: Mapping[str, Any]
    status: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed: float = 0.0
    error: str | None = None  # transport error class and message after the last retry
    attempts: int = 1
    rate_limited: int = 0
    response: requests.Response | None = None

    @property
    def full_url(self) -> str:
        """The URL with its query, as sent."""
        return f"{self.url}?{urlencode(list(self.params.items()))}" if self.params else self.url

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any."""
        return self.headers.get("Content-Type") or self.headers.get("content-type")


class Pacer:
    """Spaces requests out: at most ``per_minute``, slower when the server's quota runs low."""

    def __init__(
        self, per_minute: float | None, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        """``per_minute=None`` means no configured limit (the embedded mock)."""
        self.per_minute = per_minute
        self.adaptive: float | None = None  # from the server's remaining quota
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0
        self._resume_at = 0.0
        self.waited = 0.0

    @property
    def effective(self) -> float | None:
        """The requests per minute in force now (None: unlimited)."""
        rates = [r for r in (self.per_minute, self.adaptive) if r]
        return min(rates) if rates else None

    def wait(self) -> None:
        """Block until the next request may go."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next, self._resume_at)
            rate = self.effective
            if rate:
                self._next = start + 60.0 / rate
            delay = start - now
        if delay > 0:
            self.waited += delay
            self._sleep(delay)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Adapt to the server's rate-limit headers: never spend more than half what is left."""
        remaining = _header_int(
            headers, "x-rate-limit-remaining", "ratelimit-remaining", "rate-limit-remaining"
        )
        if remaining is None:
            return
        reset = _header_int(headers, "ratelimit-reset", "rate-limit-reset") or 60
        with self._lock:
            self.adaptive = max(1.0, 0.5 * remaining * 60.0 / max(1, reset))

    def pause(self, seconds: float) -> None:
        """Nobody sends for ``seconds`` (Retry-After)."""
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)


def _header_int(headers: Mapping[str, str], *names: str) -> int | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in names:
        value = lowered.get(name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                return None
    return None


class HttpClient:
    """requests with auth, pacing, Retry-After, retries, a budget and a read-only guard."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials | None = None,
        rate_limit: float | None = None,
        max_requests: int | None = None,
        allow_writes: bool = False,
        timeout: float = 30.0,
        retries: int = 3,
        max_retry_after: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """A client bound to ``base_url`` (scheme and host, no trailing slash)."""
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.pacer = Pacer(rate_limit, sleep)
        self.max_requests = max_requests
        self.allow_writes = allow_writes
        self.timeout = timeout
        self.retries = retries
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers["User-Agent"] = f"zdcontract/{__version__}"
        self._session.headers["Accept"] = "application/json"
        if credentials is not None:
            self._session.headers["Authorization"] = credentials.header()
        self._lock = threading.Lock()
        self.sent = 0
        self.rate_limit_events = 0

    def close(self) -> None:
        """Close the connection pool."""
        self._session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url_for(self, path_or_url: str) -> str:
        """An absolute URL for a path of the target (absolute URLs are kept)."""
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return self.base_url + "/" + path_or_url.lstrip("/")

    def _take_budget(self) -> None:
        with self._lock:
            if self.max_requests is not None and self.sent >= self.max_requests:
                raise BudgetExhausted(f"request budget of {self.max_requests} spent")
            self.sent += 1

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Exchange:
        """Send one request (with its retries); never raises for the target's behaviour."""
        method = method.upper()
        if method not in SAFE_METHODS and not self.allow_writes:
            raise ReadOnlyViolation(
                f"{method} refused: the target is read-only without --allow-writes"
            )
        url = self.url_for(path_or_url)
        exchange = Exchange(method, url, dict(params or {}))  # repeated keys: last shown
        backoff = 0.5
        attempt = 0
        while True:
            attempt += 1
            self._take_budget()
            self.pacer.wait()
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    headers=dict(headers or {}),
                    timeout=(min(10.0, self.timeout), self.timeout),
                    allow_redirects=False,
                )
                body = response.content
            except requests.RequestException as exc:
                exchange.elapsed = time.monotonic() - started
                exchange.error = _describe(exc)
                exchange.attempts = attempt
                if attempt > self.retries:
                    return exchange
                self._sleep(backoff)
                backoff *= 2
                continue
            exchange.elapsed = time.monotonic() - started
            exchange.status = response.status_code
            exchange.headers = dict(response.headers)
            exchange.body = body
            exchange.error = None
            exchange.attempts = attempt
            exchange.response = response
            self.pacer.observe(response.headers)
            if response.status_code in (429, 503) and attempt <= self.retries + 2:
                wait = _retry_after(response.headers)
                if wait is not None or response.status_code == 429:
                    exchange.rate_limited += 1
                    with self._lock:
                        self.rate_limit_events += 1
                    pause = min(self.max_retry_after, wait if wait is not None else backoff)
                    self.pacer.pause(pause)
                    backoff *= 2
                    continue
            return exchange

    def get(self, path_or_url: str, **kwargs: Any) -> Exchange:
        """GET a path of the target."""
        return self.request("GET", path_or_url, **kwargs)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = {k.lower(): v for k, v in headers.items()}.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare from Zendesk; back off instead


def _describe(exc: requests.RequestException) -> str:
    """A one-line description of a transport failure, free of URLs with credentials."""
    kind = type(exc).__name__
    reason = str(exc.args[0]) if exc.args else ""
    reason = reason.split("(Caused by")[0].strip() if "Caused by" in reason else reason
    if isinstance(exc, requests.Timeout):
        return f"{kind}: no answer within the timeout"
    if isinstance(exc, requests.ConnectionError) and "RemoteDisconnected" in str(exc):
        return f"{kind}: the server closed the connection without a response"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"{kind}: the body ended before its declared length"
    return f"{kind}: {' '.join(reason.split())[:160]}" if reason else kind
