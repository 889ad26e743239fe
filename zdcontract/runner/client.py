"""The HTTP client every live request goes through: polite, bounded and read-only.

* read-only unless writes are allowed: anything but GET/HEAD/OPTIONS is refused before it
  leaves the machine;
* a request budget;
* client-side pacing below the account's limit, adapting to ``x-rate-limit-remaining``
  (or ``ratelimit-remaining``) as the server reports it;
* ``Retry-After`` honoured on 429 and 503, a bounded number of times: a 429 is a rate-limit
  event, not drift;
* timeouts and connection errors retried with exponential backoff, then reported as an
  Exchange with ``error`` set (the runner turns it into a transport-error finding);
* ``timeout`` bounds the whole response, body included: a body that trickles in for longer
  is a timeout, not a wait as long as the server likes;
* credentials go only to the target's own origin: a link in a body that points elsewhere
  is followed without them;
* a stop event (a signal) ends waits, backoffs and retries at once (``Interrupted``).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

from .._version import __version__
from .credentials import Credentials, mask_secrets

__all__ = [
    "RATE_LIMIT_RETRIES",
    "BudgetExhausted",
    "Exchange",
    "HttpClient",
    "Interrupted",
    "Pacer",
    "ReadOnlyViolation",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Retries after a 429 or 503 beyond the transport retries: a rate limit is waited out a
#: little longer than a broken connection, but never for ever.
RATE_LIMIT_RETRIES = 2
# Failures worth another attempt; anything else (an invalid header, a bad URL) fails at once.
_TRANSIENT = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_READ_SIZE = 65536


class BudgetExhausted(Exception):
    """The request budget is spent; the run stops sending."""


class ReadOnlyViolation(Exception):
    """A write was about to be sent to a target without --allow-writes."""


class Interrupted(KeyboardInterrupt):
    """The stop event was set (Ctrl-C, SIGTERM): no further request, wait or retry."""


class _BodyTimeout(requests.exceptions.ReadTimeout):
    """The body was still arriving when the whole response's time was up."""


class _Session(requests.Session):
    """A session that never looks where a response redirects to.

    The client sends with ``allow_redirects=False`` (a 3xx is an answer to validate, and
    credentials never follow a Location elsewhere). requests still parses the Location of
    every 3xx to offer ``response.next``; a malformed one (``http://[x``) then raised a
    ValueError out of the call, so a bad header from the target ended the whole run.
    """

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        return None


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
            except (ValueError, OverflowError):  # not a number, NaN, or beyond a float
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
        sleep: Callable[[float], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """A client bound to ``base_url`` (scheme and host, no trailing slash).

        ``stop``, once set, makes every wait end and every further attempt raise
        Interrupted. ``sleep`` replaces the waits (tests); by default they watch ``stop``.
        """
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.stop = stop or threading.Event()
        self._sleep = sleep or self._wait
        self.pacer = Pacer(rate_limit, self._sleep)
        self.max_requests = max_requests
        self.allow_writes = allow_writes
        self.timeout = timeout
        self.retries = retries
        self.max_retry_after = max_retry_after
        self._origin = _origin(self.base_url)
        self._secrets = credentials.secrets() if credentials is not None else ()
        self._session = _Session()
        self._session.headers["User-Agent"] = f"zdcontract/{__version__}"
        self._session.headers["Accept"] = "application/json"
        if credentials is not None:
            self._session.headers["Authorization"] = credentials.header()
        self._lock = threading.Lock()
        self.sent = 0
        self.rate_limit_events = 0

    @property
    def max_attempts(self) -> int:
        """The most attempts one request may take (1 + retries, more for 429 and 503)."""
        return self.retries + 1 + RATE_LIMIT_RETRIES

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

    def _wait(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Interrupted

    def _checkpoint(self) -> None:
        if self.stop.is_set():
            raise Interrupted

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
        """Send one request (with its retries); never raises for the target's behaviour.

        Raises BudgetExhausted when the budget is spent, Interrupted once ``stop`` is set,
        before the first attempt; a retry that cannot go ends the request with what the
        last attempt got.
        """
        method = method.upper()
        if method not in SAFE_METHODS and not self.allow_writes:
            raise ReadOnlyViolation(
                f"{method} refused: the target is read-only without --allow-writes"
            )
        url = self.url_for(path_or_url)
        exchange = Exchange(method, url, dict(params or {}))  # repeated keys: last shown
        sent_headers: dict[str, str | None] = dict(headers or {})
        try:
            origin = _origin(url)
        except ValueError as exc:  # a link no URL parser reads: nothing can be sent to it
            exchange.error, exchange.attempts = f"InvalidURL: {exc}", 0
            return exchange
        if origin != self._origin:
            # A link in a body may name any host: the account's credentials stay home.
            sent_headers["Authorization"] = None  # requests drops the session's header
        backoff = 0.5
        attempt = 0
        while True:
            attempt += 1
            try:
                self._checkpoint()
                self._take_budget()
                self.pacer.wait()
                self._checkpoint()
            except (BudgetExhausted, Interrupted):
                if attempt == 1:
                    raise
                # A retry that cannot go: what the last attempt got is the answer, so
                # every request the server saw is accounted for.
                return exchange
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    headers=sent_headers,
                    timeout=(min(10.0, self.timeout), self.timeout),
                    allow_redirects=False,
                    stream=True,
                )
                body = _read_body(response, started + self.timeout, self.timeout)
            except requests.RequestException as exc:
                exchange.elapsed = time.monotonic() - started
                exchange.error = _describe(exc, self._secrets)
                exchange.attempts = attempt
                if attempt > self.retries or not isinstance(exc, _TRANSIENT):
                    return exchange
                try:
                    self._sleep(backoff)
                except Interrupted:
                    return exchange
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
            if response.status_code in (429, 503):
                wait = _retry_after(response.headers)
                if wait is not None or response.status_code == 429:
                    exchange.rate_limited += 1
                    with self._lock:
                        self.rate_limit_events += 1
                    # The wait holds for every request, even when this one is given up:
                    # the next case would only meet the same limit.
                    pause = min(self.max_retry_after, wait if wait is not None else backoff)
                    self.pacer.pause(pause)
                    if attempt < self.max_attempts:
                        backoff *= 2
                        continue
            return exchange

    def get(self, path_or_url: str, **kwargs: Any) -> Exchange:
        """GET a path of the target."""
        return self.request("GET", path_or_url, **kwargs)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, f"{(parts.hostname or '').lower()}:{port}"


def _read_body(response: requests.Response, deadline: float, timeout: float) -> bytes:
    """The whole body, or _BodyTimeout once ``deadline`` passes while it still trickles in.

    Each read returns what has arrived (``read1``), so the deadline is looked at between
    the server's writes, not only once the body is complete; one read never waits longer
    than the read timeout. Errors come out as requests would raise them.
    """
    raw = response.raw
    read1 = getattr(raw, "read1", None)
    chunks: list[bytes] = []
    try:
        if read1 is None:  # urllib3 1.x: chunk by chunk
            for chunk in response.iter_content(_READ_SIZE):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _BodyTimeout(f"the body took longer than the {timeout:g} s timeout")
        else:
            while True:
                if time.monotonic() > deadline:
                    raise _BodyTimeout(f"the body took longer than the {timeout:g} s timeout")
                try:
                    chunk = read1(_READ_SIZE, decode_content=True)
                except ProtocolError as exc:
                    raise requests.exceptions.ChunkedEncodingError(exc) from exc
                except DecodeError as exc:
                    raise requests.exceptions.ContentDecodingError(exc) from exc
                except ReadTimeoutError as exc:
                    raise requests.exceptions.ReadTimeout(exc) from exc
                except OSError as exc:
                    raise requests.ConnectionError(exc) from exc
                if not chunk:
                    break
                chunks.append(chunk)
    except BaseException:
        response.close()
        raise
    body = b"".join(chunks)
    response._content = body  # what response.content would have read
    return body


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = {k.lower(): v for k, v in headers.items()}.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare from Zendesk; back off instead


def _describe(exc: requests.RequestException, secrets: tuple[str, ...] = ()) -> str:
    """A one-line description of a transport failure, free of URLs with credentials.

    The exception's text may quote a request header (an invalid header value is shown in
    full): every form of the credentials is masked, and so is any Authorization value.
    """
    kind = type(exc).__name__
    if isinstance(exc, _BodyTimeout):
        return f"ReadTimeout: {exc.args[0]}"
    if isinstance(exc, requests.Timeout):
        return f"{kind}: no answer within the timeout"
    text = str(exc)
    if isinstance(exc, requests.ConnectionError) and "RemoteDisconnected" in text:
        return f"{kind}: the server closed the connection without a response"
    if isinstance(exc, requests.ConnectionError) and (
        "ConnectionResetError" in text or "Connection reset by peer" in text
    ):
        return f"{kind}: the connection was reset by the server"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"{kind}: the body ended before its declared length"
    if isinstance(exc, requests.exceptions.InvalidHeader):
        return f"{kind}: a request header is not valid HTTP (its value is not shown)"
    reason = str(exc.args[0]) if exc.args else ""
    reason = reason.split("(Caused by")[0].strip() if "Caused by" in reason else reason
    reason = _AUTH_VALUE.sub(r"\1 ***", mask_secrets(reason, secrets))
    return f"{kind}: {' '.join(reason.split())[:160]}" if reason else kind


_AUTH_VALUE = re.compile(r"\b(Basic|Bearer)\s+[^\s'\"]+", re.IGNORECASE)
