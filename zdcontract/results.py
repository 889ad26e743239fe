"""The result of a contract run: plain data that every report writer reads.

It sits beside the finding model, below the runner and the reports: the runner fills it,
the writers in zdcontract.reports render it, and nothing here performs I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .drift.findings import Finding, Severity, safe_text

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "CheckOutcome",
    "Exercised",
    "OperationStats",
    "RequestTally",
    "RunResult",
    "Target",
]

#: Version of the JSON report's schema (zdcontract/reports/report.schema.json).
REPORT_SCHEMA_VERSION = "1.1"


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """What was tested: the embedded mock or a live account, never with credentials."""

    url: str
    kind: str  # "mock" or "live"
    profile: str | None = None  # the mock's profile
    auth: str | None = None  # "basic", "bearer" or None: the scheme only, never the secret


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationStats:
    """What happened per operation: every request sent accounted for, and the time spent.

    ``requests == answered + transport_errors + retried``: every attempt sent was the
    final answer of a request, its final transport error, or retried (``retries`` says
    why: ``reset``, ``timeout``, ``truncated``, ``5xx``, ``429``...). A link refused before
    anything was sent counts in ``not_sent`` only.
    """

    operation: str
    requests: int = 0
    statuses: Mapping[str, int] = field(default_factory=dict)  # final answers: "200" -> count
    transport_errors: int = 0
    not_sent: int = 0
    retries: Mapping[str, int] = field(default_factory=dict)
    rate_limited: int = 0  # 429 answers, retried or final
    total_seconds: float = 0.0

    @property
    def answered(self) -> int:
        """Requests that ended with an answer (any status)."""
        return sum(self.statuses.values())

    @property
    def retried(self) -> int:
        """Attempts that were retried, whatever the cause."""
        return sum(self.retries.values())


@dataclass(slots=True)
class RequestTally:
    """The running count behind an OperationStats, kept while requests are under way."""

    requests: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    transport_errors: int = 0
    not_sent: int = 0
    retries: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    seconds: float = 0.0
    cases: int = 0
    validated: int = 0  # answers validated against a documented response

    def record(
        self,
        *,
        attempts: int,
        status: int | None,
        seconds: float = 0.0,
        rate_limited: int = 0,
        retries: Mapping[str, int] | None = None,
    ) -> None:
        """Count one request; ``status=None`` is a transport error (not sent: 0 attempts)."""
        self.requests += attempts
        self.seconds += seconds
        self.rate_limited += rate_limited
        self.retries.update(retries or {})
        if status is not None:
            self.statuses[str(status)] += 1
        elif attempts:
            self.transport_errors += 1
        else:
            self.not_sent += 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts (what a pytest-xdist worker sends its controller)."""
        return {
            "requests": self.requests,
            "statuses": dict(self.statuses),
            "transport_errors": self.transport_errors,
            "not_sent": self.not_sent,
            "retries": dict(self.retries),
            "rate_limited": self.rate_limited,
            "seconds": self.seconds,
            "cases": self.cases,
            "validated": self.validated,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RequestTally:
        """A tally from ``to_dict()``; absent counts are zero."""
        return cls(
            requests=int(data.get("requests", 0)),
            statuses=Counter({str(k): int(v) for k, v in (data.get("statuses") or {}).items()}),
            transport_errors=int(data.get("transport_errors", 0)),
            not_sent=int(data.get("not_sent", 0)),
            retries=Counter({str(k): int(v) for k, v in (data.get("retries") or {}).items()}),
            rate_limited=int(data.get("rate_limited", 0)),
            seconds=float(data.get("seconds", 0.0)),
            cases=int(data.get("cases", 0)),
            validated=int(data.get("validated", 0)),
        )

    def add(self, other: RequestTally) -> None:
        """Add another tally's counts (a pytest-xdist worker's) to this one."""
        self.requests += other.requests
        self.statuses.update(other.statuses)
        self.transport_errors += other.transport_errors
        self.not_sent += other.not_sent
        self.retries.update(other.retries)
        self.rate_limited += other.rate_limited
        self.seconds += other.seconds
        self.cases += other.cases
        self.validated += other.validated

    def stats(self, operation: str) -> OperationStats:
        """The frozen statistics for a report."""
        return OperationStats(
            operation=operation,
            requests=self.requests,
            statuses=dict(self.statuses),
            transport_errors=self.transport_errors,
            not_sent=self.not_sent,
            retries=dict(sorted(self.retries.items())),
            rate_limited=self.rate_limited,
            total_seconds=round(self.seconds, 3),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Exercised:
    """What a check went through: requests it sent, pages and records it read, answers
    it validated. A check that read nothing proved nothing."""

    requests: int = 0
    pages: int = 0
    records: int = 0
    validated: int = 0

    def to_dict(self) -> dict[str, int]:
        """JSON-ready counts."""
        return {
            "requests": self.requests,
            "pages": self.pages,
            "records": self.records,
            "validated": self.validated,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOutcome:
    """One check of one operation (``schema``, ``pagination-cursor``...), and what it did.

    ``fingerprints`` names the findings the check produced. ``not_exercised`` says why a
    check that went through nothing proved nothing (its own ``not-exercised`` finding is
    among the fingerprints); such a check never counts as passed.
    """

    operation: str
    check: str
    fingerprints: tuple[str, ...] = ()
    cases: int = 0
    exercised: Exercised = field(default_factory=Exercised)
    not_exercised: str | None = None

    def __post_init__(self) -> None:
        # A reason can quote what the target sent (a link, a status line): one printable
        # line, as every text of a Finding is.
        if self.not_exercised is not None:
            reason = safe_text(self.not_exercised)
            if reason != self.not_exercised:
                object.__setattr__(self, "not_exercised", reason)

    @property
    def passed(self) -> bool:
        """Whether the check exercised something and found nothing."""
        return self.not_exercised is None and not self.fingerprints


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """Everything a report says about one run."""

    tool_version: str
    started_at: str  # ISO 8601 UTC
    finished_at: str
    duration_seconds: float
    target: Target
    spec: str
    seed: int
    max_examples: int
    fail_on: str
    findings: tuple[Finding, ...] = ()
    operations: tuple[OperationStats, ...] = ()
    checks: tuple[CheckOutcome, ...] = ()
    interrupted: bool = False
    exit_code: int = 0
    notes: tuple[str, ...] = ()  # run-level events: budget reached, rate limit waits...
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A note can quote the target (a refused link, an error): one printable line each,
        # as every text of a Finding is.
        notes = tuple(safe_text(note) for note in self.notes)
        if notes != self.notes:
            object.__setattr__(self, "notes", notes)

    def counts_by_severity(self) -> dict[str, int]:
        """How many distinct findings of each severity (every severity present, maybe 0)."""
        counts = {s.value: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    def counts_by_kind(self) -> dict[str, int]:
        """How many distinct findings of each kind seen."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.kind.value] = counts.get(finding.kind.value, 0) + 1
        return counts

    @property
    def requests(self) -> int:
        """Requests sent in all."""
        return sum(op.requests for op in self.operations)
