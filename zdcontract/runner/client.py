"""The HTTP client every live request goes through: polite, bounded and read-only.

* read-only unless writes are allowed: anything but GET/HEAD/OPTIONS is refused before it
  leaves the machine;
* a request budget, a wall-clock deadline, and a longest wait the server may impose
  (Retry-After, a spent quota): past either the client stops sending (``StopSending``);
* client-side pacing below the account's limit, adapting to the server's quota headers;
* ``Retry-After`` honoured on 429 and 503; timeouts, resets and truncated bodies retried
  with exponential backoff; every retry counted by its cause (``Exchange.retries``);
* the body is read within ``timeout`` and decoded (gzip, deflate, br) up to ``max_body``
  bytes: a body beyond it is cut off and flagged, never held in memory whole;
* response headers are read case-insensitively (RFC 9110 §5.1), whatever their spelling;
* credentials go only to the target's exact origin, decided on the URL as it is sent; a URL
  that parsers read differently is not sent at all (see ``urls``);
* a stop event (a signal) ends waits, backoffs and retries at once (``Interrupted``).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin

import requests
from requests.structures import CaseInsensitiveDict

from .._version import __version__
from ._body import read_body, undecoded_codings
from ._transport import describe, retry_cause
from .config import DEFAULT_MAX_BODY, DEFAULT_MAX_WAIT
from .credentials import Credentials
from .pacing import Pacer, retry_after
from .urls import UnsafeURL, origin_of, sent_origin

__all__ = [
    "RATE_LIMIT_RETRIES",
    "BudgetExhausted",
    "Exchange",
    "HttpClient",
    "Interrupted",
    "ReadOnlyViolation",
    "StopSending",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Retries after a 429 or 503 beyond the transport retries: a rate limit is waited out a
#: little longer than a broken connection, but never for ever.
RATE_LIMIT_RETRIES = 2
#: Requests in a row still answered 429 after their retries before the client gives up.
RATE_LIMITED_STREAK = 3
_RETRIED_STATUSES = (429, 503)


class StopSending(Exception):
    """The client sends nothing more: a budget, the run's time or the target's limit."""


class BudgetExhausted(StopSending):
    """The request budget is spent; the run stops sending."""


class ReadOnlyViolation(Exception):
    """A write was about to be sent to a target without --allow-writes."""


class Interrupted(KeyboardInterrupt):
    """The stop event was set (Ctrl-C, SIGTERM): no further request, wait or retry."""


class _Session(requests.Session):
    """A session that never looks where a response redirects to.

    The client sends with ``allow_redirects=False`` (a 3xx is an answer to validate, and
    credentials never follow a Location elsewhere). requests still parses the Location of
    every 3xx to offer ``response.next``; a malformed one (``http://[x``) then raised a
    ValueError out of the call, so a bad header from the target ended the whole run.
    """

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        return None


class _GiveUp(Exception):
    """A retry cannot go (budget, deadline, stop): the last attempt's answer stands."""


@dataclass(slots=True)
class Exchange:
    """One request and what came back (or the transport error that came instead).

    ``attempts`` counts the attempts sent; every attempt but the last was retried, and
    ``retries`` says why (``reset``, ``timeout``, ``truncated``, ``5xx``, ``429``...).
    """

    method: str
    url: str
    params: Mapping[str, Any]
    status: int = 0
    headers: Mapping[str, str] = field(default_factory=CaseInsensitiveDict)
    body: bytes = b""
    elapsed: float = 0.0
    error: str | None = None  # transport error class and message after the last retry
    attempts: int = 1
    rate_limited: int = 0  # 429 answers, retried or not
    retries: Counter[str] = field(default_factory=Counter)
    oversize: int | None = None  # the body went beyond this many decoded bytes: cut off
    undecoded: tuple[str, ...] = ()  # content codings the client could not decode
    sent_url: str | None = None  # the URL as prepared and sent
    response: requests.Response | None = None

    @property
    def full_url(self) -> str:
        """The URL with its query, as sent."""
        if self.sent_url is not None:
            return self.sent_url
        return f"{self.url}?{urlencode(list(self.params.items()))}" if self.params else self.url

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any (its name in any spelling)."""
        return _header(self.headers, "content-type")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    if isinstance(headers, CaseInsensitiveDict):
        return headers.get(name)
    return next((v for k, v in headers.items() if k.lower() == name), None)


class HttpClient:
    """requests with auth, pacing, Retry-After, retries, bounds and a read-only guard."""

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
        max_wait: float = DEFAULT_MAX_WAIT,
        max_body: int = DEFAULT_MAX_BODY,
        max_time: float | None = None,
        sleep: Callable[[float], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """A client bound to ``base_url`` (scheme and host, no trailing slash).

        ``max_time`` (seconds from now) bounds everything the client does; ``stop``, once
        set, makes every wait end and every further attempt raise Interrupted. ``sleep``
        replaces the waits (tests); by default they watch ``stop``.
        """
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.stop = stop or threading.Event()
        self._sleep = sleep or self._wait
        self.pacer = Pacer(rate_limit)
        self.max_requests = max_requests
        self.allow_writes = allow_writes
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self.max_body = max_body
        self.deadline = None if max_time is None else time.monotonic() + max_time
        self.max_time = max_time
        self._origin = origin_of(self.base_url)
        self._session = _Session()
        self._session.headers["User-Agent"] = f"zdcontract/{__version__}"
        self._session.headers["Accept"] = "application/json"
        if credentials is not None:
            self._session.headers["Authorization"] = credentials.header()
        self._secrets = credentials.secrets() if credentials is not None else ()
        self._lock = threading.Lock()
        self.sent = 0
        self.rate_limit_events = 0
        self.stopped: str | None = None  # why the client sends nothing more
        self._limited_streak = 0

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
        """An absolute URL: a path of the target, or a link resolved against the target."""
        if path_or_url.lower().startswith(("http://", "https://")):
            return path_or_url
        if path_or_url.startswith("//"):  # scheme-relative: another host, perhaps
            return urljoin(self.base_url + "/", path_or_url)
        return self.base_url + "/" + path_or_url.lstrip("/")

    def _wait(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Interrupted

    def _stop_sending(self, reason: str) -> StopSending:
        with self._lock:
            self.stopped = self.stopped or reason
        return StopSending(self.stopped)

    def _before_attempt(self, first: bool) -> None:
        """Budget, stop, pacing and deadline before an attempt; raises when it cannot go."""
        try:
            if self.stop.is_set():
                raise Interrupted
            if self.stopped is not None:
                raise StopSending(self.stopped)
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise self._stop_sending(self._time_spent())
            with self._lock:
                if self.max_requests is not None and self.sent >= self.max_requests:
                    raise BudgetExhausted(f"request budget of {self.max_requests} spent")
                self.sent += 1
            delay = self.pacer.reserve()
            self._hold(delay)
        except (StopSending, Interrupted):
            if first:
                raise
            raise _GiveUp from None

    def _time_spent(self) -> str:
        return f"the run's time budget of {self.max_time:g} s is spent"

    def _hold(self, seconds: float) -> None:
        """Wait ``seconds``, unless that passes the deadline (then stop sending)."""
        if seconds <= 0:
            return
        if self.deadline is not None and time.monotonic() + seconds > self.deadline:
            raise self._stop_sending(self._time_spent())
        self._sleep(seconds)
        if self.stop.is_set():
            raise Interrupted

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Exchange:
        """Send one request (with its retries); never raises for the target's behaviour.

        Raises StopSending (BudgetExhausted) once nothing more may be sent and Interrupted
        once ``stop`` is set, before the first attempt; a retry that cannot go ends the
        request with what the last attempt got.
        """
        method = method.upper()
        if method not in SAFE_METHODS and not self.allow_writes:
            raise ReadOnlyViolation(
                f"{method} refused: the target is read-only without --allow-writes"
            )
        url = self.url_for(path_or_url)
        exchange = Exchange(method, url, dict(params or {}))  # repeated keys: last shown
        try:
            if "\\" in path_or_url:  # http:\\host is another host to a browser, a path to us
                raise UnsafeURL("it holds a backslash, which URL parsers read differently")
            prepared = self._prepare(method, url, params, headers)
        except UnsafeURL as exc:  # nothing is sent to a URL that is not what it seems
            exchange.error, exchange.attempts = f"InvalidURL: {exc}", 0
            return exchange
        exchange.sent_url = prepared.url
        settings: dict[str, Any] = dict(
            self._session.merge_environment_settings(prepared.url, {}, True, None, None)
        )
        backoff, cause = 0.5, ""
        while True:
            try:
                self._before_attempt(first=not cause)
            except _GiveUp:
                return exchange  # the last attempt's answer stands: all are accounted for
            if cause:
                exchange.retries[cause] += 1
            exchange.attempts = exchange.attempts + 1 if cause else 1
            cause, wait = self._attempt(exchange, prepared, settings)
            if wait is not None and wait > self.max_wait:
                # Asked of the last attempt too: the next request would only be sent early.
                self._stop_sending(
                    f"the target asked to wait {wait:g} s (Retry-After), "
                    f"beyond the longest wait of {self.max_wait:g} s"
                )
                self._count_streak(exchange)
                return exchange
            if not cause or exchange.attempts >= self._limit(cause):
                self._count_streak(exchange)
                return exchange
            try:
                self._hold(wait if wait is not None else backoff)
            except (StopSending, Interrupted):
                return exchange
            backoff *= 2

    def get(self, path_or_url: str, **kwargs: Any) -> Exchange:
        """GET a path of the target."""
        return self.request("GET", path_or_url, **kwargs)

    def _prepare(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | list[tuple[str, str]] | None,
        headers: Mapping[str, str] | None,
    ) -> requests.PreparedRequest:
        """The request as it will be sent, with credentials only for the target's origin."""
        intended = origin_of(url)  # refuse what is unsafe before requests reads it
        try:
            prepared = self._session.prepare_request(
                requests.Request(method, url, params=params, headers=dict(headers or {}))
            )
        except (requests.RequestException, ValueError) as exc:
            raise UnsafeURL(f"no URL parser reads it ({_first_line(exc)})") from None
        if sent_origin(intended, str(prepared.url)) != self._origin:
            # A link in a body may name any host: the account's credentials stay home.
            prepared.headers.pop("Authorization", None)
        return prepared

    def _attempt(
        self, exchange: Exchange, prepared: requests.PreparedRequest, settings: dict[str, Any]
    ) -> tuple[str, float | None]:
        """Send once and fill ``exchange``; why to retry ("" if not) and the wait asked for."""
        started = time.monotonic()
        timeout = self.timeout
        if self.deadline is not None:  # no attempt outlives the run's time budget
            timeout = max(0.1, min(timeout, self.deadline - started))
        try:
            response = self._session.send(
                prepared,
                timeout=(min(10.0, timeout), timeout),
                allow_redirects=False,
                **settings,
            )
            body = read_body(response, started + timeout, timeout, self.max_body)
        except requests.RequestException as exc:
            exchange.elapsed = time.monotonic() - started
            exchange.error = describe(exc, self._secrets)
            # Nothing of an earlier attempt's answer stands for this one: no status, no
            # headers, no body, and so nothing to call cut off or left undecoded.
            exchange.status, exchange.body, exchange.response = 0, b"", None
            exchange.headers = CaseInsensitiveDict()
            exchange.oversize, exchange.undecoded = None, ()
            return retry_cause(exc), None
        exchange.elapsed = time.monotonic() - started
        exchange.status = response.status_code
        exchange.headers = CaseInsensitiveDict(response.headers)
        exchange.body, exchange.oversize = body.data, body.oversize
        exchange.undecoded = undecoded_codings(exchange.headers)
        exchange.error = None
        exchange.response = response
        quota_wait = self.pacer.observe(exchange.headers)
        if quota_wait is not None and quota_wait > self.max_wait:
            # This answer stands; the next request would wait past what --max-wait allows.
            self._stop_sending(
                f"the target's quota is spent for {quota_wait:g} s (rate-limit headers), "
                f"beyond the longest wait of {self.max_wait:g} s"
            )
        elif quota_wait is not None:
            self.pacer.pause(quota_wait)
        if response.status_code == 429:
            exchange.rate_limited += 1
            with self._lock:
                self.rate_limit_events += 1
        if response.status_code not in _RETRIED_STATUSES:
            return "", None
        wait = retry_after(exchange.headers)
        if wait is not None and wait <= self.max_wait:
            # The wait holds for every request: the next one would meet the same limit.
            self.pacer.pause(wait)
        # A 503 is a server error that was retried, never a rate-limit event.
        return ("429" if response.status_code == 429 else "5xx"), wait

    def _limit(self, cause: str) -> int:
        return self.max_attempts if cause in ("429", "5xx") else self.retries + 1

    def _count_streak(self, exchange: Exchange) -> None:
        """Give up on a target that answers nothing but 429, even after every retry."""
        limited = exchange.error is None and exchange.status == 429
        with self._lock:
            self._limited_streak = self._limited_streak + 1 if limited else 0
            streak = self._limited_streak
        if streak >= RATE_LIMITED_STREAK:
            self._stop_sending(
                f"rate limited: {streak} requests in a row were still answered 429 "
                "after their retries"
            )


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__
