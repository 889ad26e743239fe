"""What a run is asked to do: one frozen value, built by the CLI or the pytest plugin."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import UsageError
from .credentials import Credentials

__all__ = ["DEFAULT_OPERATIONS", "LIVE_RATE_LIMIT", "RunConfig", "http_url_problem"]

DEFAULT_OPERATIONS = ("ListActivities", "ShowActivity", "CountActivities")
#: Requests per minute against a live account unless told otherwise: half of the smallest
#: plan's limit (Team, 200/min), so a run never starves the account's own integrations.
LIVE_RATE_LIMIT = 100.0
#: Requests a live run may send unless told otherwise.
LIVE_BUDGET = 1000


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
    profile: str = "zendesk"  # the embedded mock's profile
    mock_drift: tuple[str, ...] = ()
    mock_faults: tuple[str, ...] = ()
    mock_activities: int = 120
    operations: tuple[str, ...] = DEFAULT_OPERATIONS
    behaviour_checks: bool = True
    credentials: Credentials | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.base_url and self.subdomain:
            raise UsageError("give either --base-url or --subdomain, not both")
        if self.base_url:
            problem = http_url_problem(self.base_url)
            if problem is not None:
                raise UsageError(f"--base-url {problem} (got {self.base_url[:200]!r})")
        if self.subdomain is not None and not self.subdomain.replace("-", "").isalnum():
            raise UsageError(
                f"--subdomain must be a Zendesk subdomain such as 'acme' (got '{self.subdomain}')"
            )
        if self.max_examples < 1:
            raise UsageError(f"--max-examples must be at least 1 (got {self.max_examples})")
        if self.max_requests is not None and self.max_requests < 1:
            raise UsageError(f"--max-requests must be at least 1 (got {self.max_requests})")
        if self.rate_limit is not None and not (
            math.isfinite(self.rate_limit) and self.rate_limit > 0
        ):
            raise UsageError(f"--rate-limit must be a positive number (got {self.rate_limit})")
        if self.workers is not None and not 1 <= self.workers <= 32:
            raise UsageError(f"--workers must be between 1 and 32 (got {self.workers})")
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise UsageError(f"--timeout must be a positive number of seconds (got {self.timeout})")
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
