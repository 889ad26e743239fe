"""RunResults with realistic drift, built from the real finding model."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from zdcontract.drift.findings import Finding, Kind, Severity, fingerprint
from zdcontract.results import CheckOutcome, OperationStats, RunResult, Target

BASE = "http://127.0.0.1:8765/api/v2/guide"


def finding(
    kind: Kind,
    severity: Severity,
    operation: str,
    pointer: str,
    message: str,
    *,
    qualifier: str | None = None,
    **fields: Any,
) -> Finding:
    """A Finding whose fingerprint is computed the way the drift layer computes it."""
    return Finding(
        kind=kind,
        severity=severity,
        operation=operation,
        path=pointer,
        message=message,
        fingerprint=fingerprint(operation, kind, pointer, qualifier),
        **fields,
    )


VIA = finding(
    Kind.UNDOCUMENTED_FIELD,
    Severity.WARNING,
    "ListActivities",
    "/activities/0/via",
    "property 'via' is not documented in Activity",
    count=100,
    examples=tuple(f"/activities/{i}/via" for i in range(5)),
    status=200,
    schema_path="#/components/schemas/Activity/additionalProperties",
    check="schema",
    request=f"curl -sS -H 'Accept: application/json' '{BASE}/activities?page[size]=100'",
)
REFRESHED_AT = finding(
    Kind.UNEXPECTED_NULL,
    Severity.BREAKING,
    "CountActivities",
    "/count/refreshed_at",
    "refreshed_at is null, the spec says string (date-time)",
    count=3,
    examples=("/count/refreshed_at",),
    status=200,
    expected="string",
    actual="null",
    check="schema",
)
CURSOR = finding(
    Kind.SEMANTIC_VIOLATION,
    Severity.BREAKING,
    "ListActivities",
    "/meta/after_cursor",
    "the after cursor of page 2 returned page 1 again",
    qualifier="pagination-cursor",
    count=1,
    examples=("/meta/after_cursor",),
    status=200,
    check="pagination-cursor",
    request=f"curl -sS '{BASE}/activities?page[size]=2&page[after]=xyz'",
)
TIMEOUT = finding(
    Kind.TRANSPORT_ERROR,
    Severity.WARNING,
    "ListActivities",
    "",
    "ReadTimeout after 10.0 s",
    qualifier="ReadTimeout",
    count=2,
)
NOT_FOUND = finding(
    Kind.UNDOCUMENTED_STATUS,
    Severity.INFO,
    "ShowActivity",
    "",
    "status 404 is not documented for ShowActivity",
    qualifier="404",
    count=7,
    status=404,
    check="status-codes",
)


def sample_result(**changes: Any) -> RunResult:
    """Three operations: failed, passed, not-exercised checks and an unassigned finding."""
    result = RunResult(
        tool_version="0.1.0",
        started_at="2025-03-01T10:00:00Z",
        finished_at="2025-03-01T10:00:42Z",
        duration_seconds=42.5,
        target=Target(url="http://127.0.0.1:8765", kind="mock", profile="drifty", auth="bearer"),
        spec="spec/activities.yaml",
        seed=1234567,
        max_examples=50,
        fail_on="warning",
        findings=(VIA, REFRESHED_AT, CURSOR, TIMEOUT, NOT_FOUND),
        operations=(
            OperationStats(
                operation="ListActivities",
                requests=120,
                statuses={"200": 115, "429": 3},
                transport_errors=2,
                rate_limited=3,
                total_seconds=20.0,
            ),
            OperationStats(
                operation="CountActivities", requests=40, statuses={"200": 40}, total_seconds=4.0
            ),
            OperationStats(
                operation="ShowActivity",
                requests=30,
                statuses={"200": 23, "404": 7},
                total_seconds=3.0,
            ),
        ),
        checks=(
            CheckOutcome(
                operation="ListActivities",
                check="schema",
                fingerprints=(VIA.fingerprint,),
                cases=50,
            ),
            CheckOutcome(
                operation="ListActivities",
                check="pagination-cursor",
                fingerprints=(CURSOR.fingerprint,),
                cases=10,
            ),
            CheckOutcome(operation="ListActivities", check="status-codes", cases=50),
            CheckOutcome(
                operation="CountActivities",
                check="schema",
                fingerprints=(REFRESHED_AT.fingerprint,),
                cases=40,
            ),
            CheckOutcome(
                operation="ShowActivity",
                check="status-codes",
                fingerprints=(NOT_FOUND.fingerprint,),
                cases=30,
            ),
            CheckOutcome(
                operation="ShowActivity",
                check="pagination-cursor",
                not_exercised="not a paginated operation",
            ),
        ),
        exit_code=1,
        notes=("rate limited 3 times, waited 6.0 s in all",),
        extra={"python": "3.11.7", "workers": 2},
    )
    return replace(result, **changes)


def clean_result(**changes: Any) -> RunResult:
    """A run that found nothing."""
    return sample_result(
        findings=(),
        checks=tuple(replace(c, fingerprints=()) for c in sample_result().checks),
        exit_code=0,
        notes=(),
        **changes,
    )
