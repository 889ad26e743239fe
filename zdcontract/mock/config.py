"""Every option of the mock server in one frozen value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from ..errors import UsageError
from .faults import parse_fault
from .mutations import parse_mutation

__all__ = ["MAX_ACTIVITIES", "MockConfig", "Profile"]

#: Enough for any pagination walk; larger counts are what ``count_total`` is for.
MAX_ACTIVITIES = 100_000


class Profile(StrEnum):
    """Which API the mock imitates."""

    ZENDESK = "zendesk"  # the live API, deviations from the published spec included
    CONFORMANT = "conformant"  # only what the bundled spec documents


@dataclass(frozen=True, slots=True, kw_only=True)
class MockConfig:
    """Options of the mock Zendesk server; invalid values raise UsageError at construction.

    Example:
        >>> MockConfig(activities=20, drift=["remove:/activities/*/title"]).activities
        20
    """

    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port chosen by the OS
    seed: int = 0
    activities: int = 250
    profile: Profile = Profile.ZENDESK
    auth_token: str | None = field(default=None, repr=False)  # never shown
    auth_email: str | None = None
    rate_limit: int | None = None  # requests per minute
    count_total: int | None = None  # what CountActivities reports (default: the dataset size)
    drift: Sequence[str] = ()
    faults: Sequence[str] = ()
    public_url: str | None = None  # base of every URL in bodies (default: the bound address)
    now: datetime | None = None  # the dataset's "now" (default: the current second)
    # The OpenAPI document (JSON) served at /openapi.json: the contract the mock is
    # described by, overlays applied. None: no such route, as on the real API.
    contract: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "profile", Profile(self.profile))
        except ValueError:
            choices = ", ".join(p.value for p in Profile)
            raise UsageError(f"unknown profile '{self.profile}' (choose {choices})") from None
        object.__setattr__(self, "drift", _strings("drift", self.drift))
        object.__setattr__(self, "faults", _strings("faults", self.faults))
        if not 0 <= self.port <= 65535:
            raise UsageError(f"port {self.port} is out of range 0-65535")
        if not 0 <= self.activities <= MAX_ACTIVITIES:
            raise UsageError(
                f"activities must be between 0 and {MAX_ACTIVITIES} (got {self.activities}); "
                "use count_total for larger counts"
            )
        if self.rate_limit is not None and self.rate_limit < 1:
            raise UsageError(f"rate limit must be at least 1 per minute (got {self.rate_limit})")
        if self.count_total is not None and self.count_total < 0:
            raise UsageError(f"count total must not be negative (got {self.count_total})")
        if self.auth_token == "":
            raise UsageError("the auth token must not be empty")
        if self.auth_email is not None and self.auth_token is None:
            raise UsageError("an auth email needs an auth token")
        if self.public_url is not None:
            url = self.public_url.rstrip("/")
            if not url.startswith(("http://", "https://")) or "?" in url or "#" in url:
                raise UsageError(
                    f"public URL must be http(s)://host[:port], not '{self.public_url}'"
                )
            object.__setattr__(self, "public_url", url)
        if self.now is not None:
            moment = self.now if self.now.tzinfo else self.now.replace(tzinfo=UTC)
            object.__setattr__(self, "now", moment.astimezone(UTC).replace(microsecond=0))
        for text in self.drift:
            parse_mutation(text)
        for text in self.faults:
            parse_fault(text)


def _strings(name: str, values: Sequence[str] | str) -> tuple[str, ...]:
    # A lone string would otherwise be read as a sequence of one-character mutations.
    if isinstance(values, str):
        raise UsageError(f"{name} must be a list of strings, not one string")
    return tuple(str(value) for value in values)
