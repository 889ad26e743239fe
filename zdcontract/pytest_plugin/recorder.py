"""What a session found: findings, one outcome per check or test, request statistics.

The recorder is plain data and knows nothing of pytest: under pytest-xdist each worker
fills its own and ships ``to_payload()`` (JSON-ready) to the controller, whose recorder
``merge_payload``\\ s them; findings are de-duplicated by fingerprint when a result is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..drift.findings import Finding, aggregate
from ..results import CheckOutcome, Exercised, RequestTally, RunResult, Target

if TYPE_CHECKING:
    from ..runner.suite import Piece

__all__ = ["PAYLOAD_KEYS", "DriftRecorder"]

#: The keys a worker's payload uses in xdist's ``workeroutput``.
PAYLOAD_KEYS = ("zdcontract_findings", "zdcontract_checks", "zdcontract_stats")


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

    def record_piece(self, piece: Piece) -> None:
        """Keep a piece of the contract suite: its findings and its outcome as it is."""
        self.findings.extend(piece.findings)
        if piece.outcome is not None:
            self._merge(piece.outcome)

    def take_tallies(self, tallies: Mapping[str, RequestTally]) -> None:
        """Add the request counts of this process's suite (per operation)."""
        for name, tally in tallies.items():
            self.tallies.setdefault(name, RequestTally()).add(tally)

    def _outcome(
        self,
        operation: str,
        check: str,
        fingerprints: Iterable[str],
        cases: int,
        skipped: str | None,
    ) -> None:
        self._merge(
            CheckOutcome(
                operation=operation,
                check=check,
                fingerprints=tuple(fingerprints),
                cases=cases,
                not_exercised=skipped,
            )
        )

    def _merge(self, outcome: CheckOutcome) -> None:
        """One outcome per (operation, check): fingerprints and counts add up (a test may
        record several times; xdist workers each send theirs)."""
        key = (outcome.operation, outcome.check)
        seen = self.checks.get(key)
        if seen is None:
            self.checks[key] = outcome
            return
        done, more = seen.exercised, outcome.exercised
        self.checks[key] = replace(
            seen,
            fingerprints=tuple(dict.fromkeys((*seen.fingerprints, *outcome.fingerprints))),
            cases=seen.cases + outcome.cases,
            exercised=Exercised(
                requests=done.requests + more.requests,
                pages=done.pages + more.pages,
                records=done.records + more.records,
                validated=done.validated + more.validated,
            ),
            not_exercised=outcome.not_exercised
            if outcome.not_exercised is not None
            else seen.not_exercised,
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
                    "exercised": c.exercised.to_dict(),
                    "not_exercised": c.not_exercised,
                }
                for c in self.checks.values()
            ],
            "zdcontract_stats": {
                "target": None if self.target is None else _target_dict(self.target),
                "operations": {name: t.to_dict() for name, t in self.tallies.items()},
            },
        }

    def merge_payload(self, payload: Mapping[str, Any]) -> None:
        """Add a worker's ``to_payload()``; keys that are absent add nothing."""
        self.findings.extend(
            Finding.from_dict(item) for item in payload.get("zdcontract_findings") or ()
        )
        for item in payload.get("zdcontract_checks") or ():
            self._merge(
                CheckOutcome(
                    operation=str(item["operation"]),
                    check=str(item["check"]),
                    fingerprints=tuple(str(fp) for fp in item.get("fingerprints") or ()),
                    cases=int(item.get("cases") or 0),
                    exercised=Exercised(**(item.get("exercised") or {})),
                    not_exercised=item.get("not_exercised"),
                )
            )
        stats = payload.get("zdcontract_stats") or {}
        if self.target is None and stats.get("target"):
            self.target = Target(**stats["target"])
        for name, data in (stats.get("operations") or {}).items():
            self.tallies.setdefault(name, RequestTally()).add(RequestTally.from_dict(data))

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
