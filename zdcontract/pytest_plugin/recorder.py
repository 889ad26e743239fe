"""What a session found: findings, one outcome per check or test, request statistics.

The recorder is plain data and knows nothing of pytest: under pytest-xdist each worker
fills its own and ships ``to_payload()`` (JSON-ready) to the controller, whose recorder
``merge_payload``\\ s them; findings are de-duplicated by fingerprint when a result is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from ..drift import Finding, Severity, aggregate
from ..results import CheckOutcome, RequestTally, RunResult, Target

__all__ = ["PAYLOAD_KEYS", "DriftRecorder", "failing"]

#: The keys a worker's payload uses in xdist's ``workeroutput``.
PAYLOAD_KEYS = ("zdcontract_findings", "zdcontract_checks", "zdcontract_stats")


def failing(
    findings: Iterable[Finding], threshold: Severity | None, known: frozenset[str] = frozenset()
) -> list[Finding]:
    """The findings that reach ``threshold`` and are not known from the baseline."""
    return [f for f in findings if f.severity.at_least(threshold) and f.fingerprint not in known]


class DriftRecorder:
    """Collects the drift of one pytest process (or, on the controller, of all workers)."""

    def __init__(self) -> None:
        """Start empty."""
        self.findings: list[Finding] = []
        self.checks: dict[tuple[str, str], CheckOutcome] = {}
        self.tallies: dict[str, RequestTally] = {}
        self.target: Target | None = None

    @property
    def used(self) -> bool:
        """Whether anything was recorded at all."""
        return bool(self.findings or self.checks or self.tallies)

    def record(
        self,
        findings: Iterable[Finding],
        *,
        operation: str,
        check: str,
        cases: int = 0,
        skipped: str | None = None,
    ) -> list[Finding]:
        """Keep ``findings`` under the outcome of ``check`` on ``operation``; return them."""
        found = list(findings)
        self.findings.extend(found)
        self._outcome(operation, check, [f.fingerprint for f in found], cases, skipped)
        return found

    def _outcome(
        self,
        operation: str,
        check: str,
        fingerprints: Iterable[str],
        cases: int,
        skipped: str | None,
    ) -> None:
        seen = self.checks.get((operation, check))
        if seen is None:
            seen = CheckOutcome(operation=operation, check=check)
        self.checks[(operation, check)] = replace(
            seen,
            fingerprints=tuple(dict.fromkeys((*seen.fingerprints, *fingerprints))),
            cases=seen.cases + cases,
            not_exercised=seen.not_exercised if skipped is None else skipped,
        )

    def count(
        self,
        operation: str,
        *,
        attempts: int,
        status: int,
        error: str | None,
        rate_limited: int = 0,
        seconds: float = 0.0,
        retries: Mapping[str, int] | None = None,
    ) -> None:
        """Count one exchange with ``operation``'s target."""
        self.tallies.setdefault(operation, RequestTally()).record(
            attempts=attempts,
            status=None if error is not None else status,
            seconds=seconds,
            rate_limited=rate_limited,
            retries=retries,
        )

    def merged(self) -> list[Finding]:
        """The findings, one per fingerprint (counts added up, the worst severity kept)."""
        return aggregate(self.findings)

    def to_payload(self, secrets: Iterable[str] = ()) -> dict[str, Any]:
        """Everything recorded, as JSON-ready data under PAYLOAD_KEYS, ``secrets`` masked.

        A worker masks its own credentials: the controller may not know them (remote
        workers read their own environment).
        """
        payload: dict[str, Any] = _masked(self._payload(), tuple(s for s in secrets if s))
        return payload

    def _payload(self) -> dict[str, Any]:
        return {
            "zdcontract_findings": [f.to_dict() for f in self.findings],
            "zdcontract_checks": [
                {
                    "operation": c.operation,
                    "check": c.check,
                    "fingerprints": list(c.fingerprints),
                    "cases": c.cases,
                    "skipped": c.not_exercised,
                }
                for c in self.checks.values()
            ],
            "zdcontract_stats": {
                "target": None if self.target is None else _target_dict(self.target),
                "operations": {
                    name: {
                        "requests": t.requests,
                        "statuses": dict(t.statuses),
                        "transport_errors": t.transport_errors,
                        "not_sent": t.not_sent,
                        "retries": dict(t.retries),
                        "rate_limited": t.rate_limited,
                        "seconds": t.seconds,
                    }
                    for name, t in self.tallies.items()
                },
            },
        }

    def merge_payload(self, payload: Mapping[str, Any]) -> None:
        """Add a worker's ``to_payload()``; keys that are absent add nothing."""
        self.findings.extend(
            Finding.from_dict(item) for item in payload.get("zdcontract_findings") or ()
        )
        for item in payload.get("zdcontract_checks") or ():
            self._outcome(
                str(item["operation"]),
                str(item["check"]),
                [str(fp) for fp in item.get("fingerprints") or ()],
                int(item.get("cases") or 0),
                item.get("skipped"),
            )
        stats = payload.get("zdcontract_stats") or {}
        if self.target is None and stats.get("target"):
            self.target = Target(**stats["target"])
        for name, data in (stats.get("operations") or {}).items():
            tally = self.tallies.setdefault(name, RequestTally())
            tally.requests += int(data.get("requests", 0))
            tally.statuses.update({str(k): int(v) for k, v in (data.get("statuses") or {}).items()})
            tally.transport_errors += int(data.get("transport_errors", 0))
            tally.not_sent += int(data.get("not_sent", 0))
            tally.retries.update({str(k): int(v) for k, v in (data.get("retries") or {}).items()})
            tally.rate_limited += int(data.get("rate_limited", 0))
            tally.seconds += float(data.get("seconds", 0.0))

    def result(
        self,
        *,
        target: Target,
        started_at: str,
        finished_at: str,
        duration_seconds: float,
        spec: str,
        seed: int,
        max_examples: int,
        fail_on: str,
        exit_code: int,
        extra: Mapping[str, Any] | None = None,
        order: Iterable[tuple[str, str]] = (),
    ) -> RunResult:
        """The session as a RunResult, for the report writers the CLI uses too.

        ``order`` lists (operation, check) pairs that come first, in that order (workers
        finish in any order); the other outcomes follow as recorded.
        """
        rank = {key: index for index, key in enumerate(order)}
        checks = sorted(self.checks.items(), key=lambda item: rank.get(item[0], len(rank)))
        from .._version import __version__

        return RunResult(
            tool_version=__version__,
            started_at=started_at,
            finished_at=finished_at,
            duration_seconds=round(duration_seconds, 3),
            target=self.target or target,
            spec=spec,
            seed=seed,
            max_examples=max_examples,
            fail_on=fail_on,
            findings=tuple(self.merged()),
            operations=tuple(t.stats(name) for name, t in self.tallies.items()),
            checks=tuple(outcome for _, outcome in checks),
            exit_code=exit_code,
            extra=dict(extra or {}),
        )


def _masked(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "***")
        return value
    if isinstance(value, dict):
        return {key: _masked(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, secrets) for item in value]
    return value


def _target_dict(target: Target) -> dict[str, Any]:
    return {"url": target.url, "kind": target.kind, "profile": target.profile, "auth": target.auth}
