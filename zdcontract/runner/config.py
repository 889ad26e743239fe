"""What a run is asked to do: one frozen value, built by the CLI or the pytest plugin."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import UsageError
from .credentials import Credentials
from .urls import UnsafeURL, origin_of

__all__ = [
    "DEFAULT_MAX_TIME",
    "DEFAULT_OPERATIONS",
    "LIVE_RATE_LIMIT",
    "MAX_EXAMPLES",
    "MAX_TIMEOUT",
    "MIN_RATE_LIMIT",
    "RunConfig",
    "http_url_problem",
    "parse_rate",
    "shown_url",
    "target_url_problem",
]

DEFAULT_OPERATIONS = ("ListActivities", "ShowActivity", "CountActivities")
#: Requests per minute against a live account unless told otherwise: half of the smallest
#: plan's limit (Team, 200/min), so a run never starves the account's own integrations.
LIVE_RATE_LIMIT = 100.0
#: Requests a live run may send unless told otherwise.
LIVE_BUDGET = 1000
#: The most decoded bytes one body may have (16 MiB; a 100-activity page is ~0.4 MiB).
DEFAULT_MAX_BODY = 16 * 1024 * 1024
#: The longest single wait a server may impose (Retry-After, a spent quota), in seconds.
DEFAULT_MAX_WAIT = 60.0
#: Seconds a run may take (whatever the target) unless told otherwise.
DEFAULT_MAX_TIME = 1800.0
#: The largest values accepted for the bounds: beyond them a number means a typo.
MAX_WAIT_LIMIT = 3600.0
MAX_TIME_LIMIT = 7 * 24 * 3600.0
MAX_BODY_LIMIT = 1024 * 1024 * 1024
#: Most generated cases per operation and phase: ten times Hypothesis' default. Cases are
#: all drawn before the first is sent; far more would only draw for minutes, sending nothing.
MAX_EXAMPLES = 1000
#: Slowest pacing, in requests per minute (one request every ten minutes).
MIN_RATE_LIMIT = 0.1
#: Longest a whole response may take, in seconds.
MAX_TIMEOUT = 600.0


def http_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be sent a request (None: it can), said for a user.

    For a target's base URL and a webhook alike. The text never quotes the URL (a
    webhook's path is its secret): http(s) scheme, parseable, a port in range, a host.
    """
    if not url.startswith(("http://", "https://")):
        return "must start with http:// or https://"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port beyond 65535
    except ValueError as exc:
        return f"is not a URL a client can parse ({exc})"
    if not parts.hostname:
        return "names no host"
    return None


_RATE_UNITS = {"": 1.0, "m": 1.0, "min": 1.0, "minute": 1.0, "s": 60.0, "sec": 60.0, "second": 60.0}


def parse_rate(value: str) -> float:
    """``100``, ``100/min`` or ``2/s`` as requests per minute (--rate-limit, zd_rate_limit).

    ValueError, its message one phrase for the front-end to name the setting in: a rate
    must be positive and finite, and no slower than MIN_RATE_LIMIT.
    """
    text = str(value).strip().lower()
    number, _, unit = text.partition("/")
    try:
        amount = float(number)
    except ValueError:
        amount = math.nan
    factor = _RATE_UNITS.get(unit)
    # nan and inf parse as floats but are no rate: nan compares false with everything.
    if factor is None or not math.isfinite(amount * factor) or amount <= 0:
        raise ValueError(f"'{value}' is not a rate such as 100/min")
    if amount * factor < MIN_RATE_LIMIT:  # the wait between two requests would overflow
        raise ValueError(
            f"'{value}' is slower than the slowest rate, {MIN_RATE_LIMIT:g}/min "
            "(one request every ten minutes)"
        )
    return amount * factor


def target_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the target's base URL (None: it can); never quotes the URL.

    Beyond http_url_problem: a target URL carries no credentials (``user:password@``).
    They would be printed with the URL in the terminal, every report, the history and the
    alerts; zdcontract takes them from ZENDESK_* variables, which it masks everywhere. And
    the client must be able to send to it (``urls.origin_of``: no whitespace or control
    characters, a valid host name), or the run would start and then fail.
    """
    if "@" in url.split("://", 1)[-1].split("/", 1)[0]:
        return (
            "carries user information (user:password@); give credentials in ZENDESK_EMAIL "
            "and ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN (the URL is not shown)"
        )
    problem = http_url_problem(url)
    if problem is not None:
        return problem
    try:
        origin_of(url)
    except UnsafeURL as exc:
        return f"is not a URL the client sends requests to: {exc}"
    return None


def shown_url(url: str) -> str:
    """``url`` as an error may quote it: cut short, and never with user information."""
    head, sep, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rpartition("@")[2]
    return (head + sep + authority + slash + path)[:200] if sep else url[:200]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunConfig:
    """Options of one contract run; invalid values raise UsageError at construction."""

    base_url: str | None = None
    subdomain: str | None = None
    spec_path: str | None = None
    overlays: tuple[str, ...] = ()  # Overlay 1.0 documents applied to the spec, in order
    max_examples: int = 25
    seed: int | None = None
    fail_on: str = "warning"
    max_requests: int | None = None
    rate_limit: float | None = None  # requests per minute
    workers: int | None = None
    allow_writes: bool = False
    timeout: float = 30.0
    retries: int = 3
    max_wait: float = DEFAULT_MAX_WAIT  # the longest single wait a server may impose
    max_body_size: int = DEFAULT_MAX_BODY  # decoded bytes of one body
    max_time: float = DEFAULT_MAX_TIME  # seconds the whole run may take
    profile: str = "zendesk"  # the embedded mock's profile
    mock_drift: tuple[str, ...] = ()
    mock_faults: tuple[str, ...] = ()
    mock_activities: int = 120
    operations: tuple[str, ...] = DEFAULT_OPERATIONS
    behaviour_checks: bool = True
    checks: tuple[str, ...] | None = None  # behaviour checks to run (None: all of them)
    credentials: Credentials | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.base_url and self.subdomain:
            raise UsageError("give either --base-url or --subdomain, not both")
        if self.base_url:
            problem = target_url_problem(self.base_url)
            if problem is not None:
                shown = "" if "@" in self.base_url else f" (got {shown_url(self.base_url)!r})"
                raise UsageError(f"--base-url {problem}{shown}")
        if self.subdomain is not None and not self.subdomain.replace("-", "").isalnum():
            raise UsageError(
                f"--subdomain must be a Zendesk subdomain such as 'acme' (got '{self.subdomain}')"
            )
        if not 1 <= self.max_examples <= MAX_EXAMPLES:
            raise UsageError(
                f"--max-examples must be between 1 and {MAX_EXAMPLES} (got {self.max_examples})"
            )
        if self.max_requests is not None and self.max_requests < 1:
            raise UsageError(f"--max-requests must be at least 1 (got {self.max_requests})")
        if self.rate_limit is not None and not (
            math.isfinite(self.rate_limit) and self.rate_limit >= MIN_RATE_LIMIT
        ):
            raise UsageError(
                f"--rate-limit must be at least {MIN_RATE_LIMIT:g}/min (got {self.rate_limit:g})"
            )
        if self.workers is not None and not 1 <= self.workers <= 32:
            raise UsageError(f"--workers must be between 1 and 32 (got {self.workers})")
        if not (math.isfinite(self.timeout) and 0 < self.timeout <= MAX_TIMEOUT):
            raise UsageError(
                f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds "
                f"(got {self.timeout:g})"
            )
        if not (math.isfinite(self.max_wait) and 0 <= self.max_wait <= MAX_WAIT_LIMIT):
            raise UsageError(
                f"--max-wait must be between 0 and {MAX_WAIT_LIMIT:g} seconds (got {self.max_wait})"
            )
        if not (math.isfinite(self.max_time) and 0 < self.max_time <= MAX_TIME_LIMIT):
            raise UsageError(
                f"--max-time must be between 0 and {MAX_TIME_LIMIT:g} seconds (got {self.max_time})"
            )
        if not 1024 <= self.max_body_size <= MAX_BODY_LIMIT:
            raise UsageError(
                f"--max-body-size must be between 1 KiB and 1 GiB (got {self.max_body_size} bytes)"
            )
        if self.seed is not None and not 0 <= self.seed < 2**63:
            raise UsageError(f"--seed must be between 0 and 2**63 - 1 (got {self.seed})")

    @property
    def live(self) -> bool:
        """Whether the target is a live Zendesk (not the embedded mock)."""
        return bool(self.base_url or self.subdomain)

    @property
    def target_url(self) -> str | None:
        """The live target's base URL."""
        if self.subdomain:
            return f"https://{self.subdomain}.zendesk.com"
        return self.base_url.rstrip("/") if self.base_url else None
