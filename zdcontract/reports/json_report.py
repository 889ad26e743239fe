"""The JSON report: the complete, versioned, machine-readable record of a run.

It is the one format that can be read back (baselines, merging runs), so it carries every
field of the RunResult. Its layout is documented by ``report.schema.json`` next to this
module (JSON Schema 2020-12), versioned by ``schema_version``::

    schema_version  "1.1" (results.REPORT_SCHEMA_VERSION)
    tool            {name, version}
    run             {started_at, finished_at, duration_seconds, interrupted, exit_code,
                     seed, max_examples, fail_on, spec, notes}
    target          {url, kind, profile, auth}
    summary         {requests, findings, failing, occurrences, by_severity, by_kind}
    operations      [{operation, requests, answered, statuses, transport_errors, not_sent,
                      retried, retries, rate_limited, total_seconds}]
    checks          [{operation, check, outcome, passed, reason, skipped, exercised, cases,
                      fingerprints}]
    findings        [Finding.to_dict(), ...]
    extra           {...}
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..drift.findings import Finding
from ..errors import UsageError
from ..results import (
    REPORT_SCHEMA_VERSION,
    CheckOutcome,
    Exercised,
    OperationStats,
    RunResult,
    Target,
)
from ..spec.pointer import pointer
from ._atomic import atomic_write_text
from ._summary import check_findings, clip, verdict

__all__ = [
    "load_schema",
    "read_json_report",
    "render_json",
    "result_from_dict",
    "to_json_dict",
    "validate_report_dict",
    "write_json",
]

TOOL_NAME = "zdcontract"
SCHEMA_FILE = "report.schema.json"
_PACKAGE = __name__.rpartition(".")[0]


def to_json_dict(result: RunResult) -> dict[str, Any]:
    """The JSON report of ``result`` as plain dicts and lists, ready for ``json.dumps``."""
    # One assigned row per check, in the same order: each check's outcome as decided there.
    rows = [row for row in check_findings(result) if row.assigned]
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": result.tool_version},
        "run": {
            "started_at": result.started_at,
            "finished_at": result.finished_at,
            "duration_seconds": _seconds(result.duration_seconds),
            "interrupted": result.interrupted,
            "exit_code": result.exit_code,
            "seed": result.seed,
            "max_examples": result.max_examples,
            "fail_on": result.fail_on,
            "spec": result.spec,
            "notes": list(result.notes),
        },
        "target": {
            "url": result.target.url,
            "kind": result.target.kind,
            "profile": result.target.profile,
            "auth": result.target.auth,
        },
        "summary": {
            "requests": result.requests,
            "findings": len(result.findings),
            "failing": verdict(result).failing,
            "occurrences": sum(f.count for f in result.findings),
            "by_severity": result.counts_by_severity(),
            "by_kind": result.counts_by_kind(),
        },
        "operations": [
            {
                "operation": op.operation,
                "requests": op.requests,
                "answered": op.answered,
                "statuses": {str(k): v for k, v in op.statuses.items()},
                "transport_errors": op.transport_errors,
                "not_sent": op.not_sent,
                "retried": op.retried,
                "retries": dict(op.retries),
                "rate_limited": op.rate_limited,
                "total_seconds": _seconds(op.total_seconds),
            }
            for op in result.operations
        ],
        "checks": [
            _check(check, row.outcome) for check, row in zip(result.checks, rows, strict=True)
        ],
        "findings": [f.to_dict() for f in result.findings],
        "extra": _jsonable(dict(result.extra)),
    }


def _check(check: CheckOutcome, outcome: str) -> dict[str, Any]:
    return {
        "operation": check.operation,
        "check": check.check,
        "outcome": outcome,
        # What JUnit, Markdown, HTML and the terminal call a pass: the check does not fail
        # the run (known drift accepted by the baseline included).
        "passed": outcome in ("pass", "known"),
        "reason": check.not_exercised,
        "skipped": check.not_exercised,  # 1.0's name for the reason, kept for readers of 1.0
        "exercised": check.exercised.to_dict(),
        "cases": check.cases,
        "fingerprints": list(check.fingerprints),
    }


def render_json(result: RunResult) -> str:
    """The JSON report as text: indented, UTF-8 characters kept, trailing newline."""
    return json.dumps(to_json_dict(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(result: RunResult, path: str | os.PathLike[str]) -> Path:
    """Write the JSON report of ``result`` to ``path`` atomically; return the path."""
    return atomic_write_text(path, render_json(result))


@cache
def _schema() -> dict[str, Any]:
    text = resources.files(_PACKAGE).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_schema() -> dict[str, Any]:
    """The shipped JSON Schema of the report (a fresh copy the caller may change)."""
    copy: dict[str, Any] = json.loads(json.dumps(_schema()))
    return copy


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema())


def validate_report_dict(data: Mapping[str, Any]) -> None:
    """Check ``data`` against the shipped schema; raise ValueError with a one-line reason."""
    error = best_match(_validator().iter_errors(data))
    if error is None:
        return
    where = pointer(error.absolute_path) or "/"
    reason = clip(" ".join(error.message.split()), 200)
    raise ValueError(f"invalid zdcontract report at {where}: {reason}")


def read_json_report(path: str | os.PathLike[str]) -> RunResult:
    """Read a JSON report back into the RunResult it was written from.

    Raises:
        UsageError: the file cannot be read, is not JSON, was written with another major
            schema version (or a newer minor one), or does not match the schema.
    """
    name = os.fspath(path)
    try:
        data = json.loads(Path(path).read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot read report {name}: {exc.strerror or exc}") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError alike
        raise UsageError(f"cannot read report {name}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise UsageError(f"cannot read report {name}: not a zdcontract report")
    _check_version(name, data.get("schema_version"))
    try:
        validate_report_dict(data)
    except ValueError as exc:
        raise UsageError(f"cannot read report {name}: {exc}") from exc
    return result_from_dict(data)


def result_from_dict(data: Mapping[str, Any]) -> RunResult:
    """Inverse of to_json_dict for a dict that validate_report_dict accepts."""
    run, target = data["run"], data["target"]
    return RunResult(
        tool_version=data["tool"]["version"],
        started_at=run["started_at"],
        finished_at=run["finished_at"],
        duration_seconds=float(run["duration_seconds"]),
        target=Target(
            url=target["url"], kind=target["kind"], profile=target["profile"], auth=target["auth"]
        ),
        spec=run["spec"],
        seed=run["seed"],
        max_examples=run["max_examples"],
        fail_on=run["fail_on"],
        findings=tuple(Finding.from_dict(f) for f in data["findings"]),
        operations=tuple(
            OperationStats(
                operation=op["operation"],
                requests=op["requests"],
                statuses=dict(op["statuses"]),
                transport_errors=op["transport_errors"],
                not_sent=op.get("not_sent", 0),
                retries=dict(op.get("retries") or {}),
                rate_limited=op["rate_limited"],
                total_seconds=float(op["total_seconds"]),
            )
            for op in data["operations"]
        ),
        checks=tuple(
            CheckOutcome(
                operation=c["operation"],
                check=c["check"],
                fingerprints=tuple(c["fingerprints"]),
                cases=c["cases"],
                exercised=Exercised(**(c.get("exercised") or {})),
                not_exercised=c.get("reason", c["skipped"]),
            )
            for c in data["checks"]
        ),
        interrupted=run["interrupted"],
        exit_code=run["exit_code"],
        notes=tuple(run["notes"]),
        extra=dict(data["extra"]),
    )


def _check_version(name: str, version: object) -> None:
    ours = tuple(int(p) for p in REPORT_SCHEMA_VERSION.split("."))
    try:
        theirs = tuple(int(p) for p in str(version).split("."))
    except ValueError:
        theirs = ()
    if len(theirs) != 2 or theirs[0] != ours[0]:
        raise UsageError(
            f"cannot read report {name}: schema version {version!r} is not supported "
            f"(this zdcontract reads {ours[0]}.x)"
        )
    if theirs[1] > ours[1]:
        raise UsageError(
            f"cannot read report {name}: written by a newer zdcontract (schema {version}); "
            f"this one reads up to {REPORT_SCHEMA_VERSION}"
        )


def _seconds(value: float) -> float:
    # A report written at the end of a long run must not fail on a clock glitch: json
    # rejects NaN (allow_nan=False keeps the file standard JSON) and the schema negatives.
    return value if math.isfinite(value) and value >= 0 else 0.0


def _jsonable(value: Any) -> Any:
    """``extra`` as JSON-ready data: enums by value, tuples as lists, the unknown as str."""
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v) for v in value), key=repr)
    return str(value)
