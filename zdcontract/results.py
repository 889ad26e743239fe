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
    "OperationStats",
    "RequestTally",
    "RunResult",
    "Target",
]

#: Version of the JSON report's schema (zdcontract/reports/report.schema.json).
REPORT_SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """What was tested: the embedded mock or a live account, never with credentials."""

    url: str
    kind: str  # "mock" or "live"
    profile: str | None = None  # the mock's profile
    auth: str | None = None  # "basic", "bearer" or None: the scheme only, never the secret


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationStats:
    """What happened per operation: requests sent, statuses seen, time spent."""

    operation: str
    requests: int = 0
    statuses: Mapping[str, int] = field(default_factory=dict)  # "200" -> count
    transport_errors: int = 0
    rate_limited: int = 0
    total_seconds: float = 0.0


@dataclass(slots=True)
class RequestTally:
    """The running count behind an OperationStats, kept while requests are under way."""

    requests: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    transport_errors: int = 0
    rate_limited: int = 0
    seconds: float = 0.0
    cases: int = 0

    def record(
        self, *, attempts: int, status: int | None, seconds: float = 0.0, rate_limited: int = 0
    ) -> None:
        """Count one exchange; ``status=None`` is a transport error."""
        self.requests += attempts
        self.seconds += seconds
        self.rate_limited += rate_limited
        if status is None:
            self.transport_errors += 1
        else:
            self.statuses[str(status)] += 1

    def stats(self, operation: str) -> OperationStats:
        """The frozen statistics for a report."""
        return OperationStats(
            operation=operation,
            requests=self.requests,
            statuses=dict(self.statuses),
            transport_errors=self.transport_errors,
            rate_limited=self.rate_limited,
            total_seconds=round(self.seconds, 3),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOutcome:
    """One check of one operation (``schema``, ``pagination-cursor``...), and its verdict.

    ``fingerprints`` names the findings the check produced; an empty tuple means it passed.
    ``skipped`` carries a reason when the check could not run (budget spent, no data).
    """

    operation: str
    check: str
    fingerprints: tuple[str, ...] = ()
    cases: int = 0
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        """Whether the check ran and found nothing."""
        return self.skipped is None and not self.fingerprints


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
