"""The drift validator: a response in, every deviation from the contract out.

Stages, each of which can end the check with findings of its own:

1. status: is it documented for the operation (exactly, as ``4XX``, or by ``default``)?
2. content type: is the media type (parameters such as charset aside) documented?
3. body: does it decode as strict JSON (see zdcontract.drift.decode)?
4. schema: openapi-core validates the body against the strict schema; each error is read
   for what it means (zdcontract.drift.translate).

Between 2 and 3 sits a fast path (zdcontract.drift._fast): orjson and a jsonschema-rs
validator compiled from the same strict schema prove most conforming bodies clean in a
fiftieth of the time. It never reports anything itself: a body it cannot prove clean goes
through stages 3 and 4, so the findings are always the reference's. For a drifted body that
orjson reads (no malformed-body finding is possible), stage 3 is skipped and stage 4 reads a
narrowed body: every value jsonschema-rs proves clean replaced by a small stand-in, each
distinct drifted item of a plain array once (zdcontract.drift._narrow); pages that drift
alike narrow to one value, whose explanation is remembered. ``fast=False`` skips all of it.

Findings of one response are aggregated by fingerprint: the same drift on 100 records is
one finding with a count and the first pointers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import orjson

from ..spec import Operation, Spec, load_spec
from ..spec.strict import response_schema_source, strict_schema
from ._envelope import Route, openapi_core_picks, response_key, route
from ._fast import CLEAN, Drifted, FastCheck, fast_check
from ._narrow import spread
from ._openapi_core import CoreValidator, body_validator
from .decode import BOM, NO_VALUE, decode_json
from .findings import (
    MAX_EXAMPLES,
    MAX_TEXT,
    Finding,
    Kind,
    Severity,
    SeverityPolicy,
    fingerprint,
    safe_text,
)
from .translate import Issue, bounded, translate

__all__ = ["DriftValidator", "validate_response"]


_SchemaKey = tuple[str, str, str]  # (operationId, response key, media type)

#: Narrowed values whose explanation is kept (per operation), the longest value (JSON
#: bytes) and the most errors (counting those inside an anyOf's) a kept explanation may
#: hold: some 7 MiB at most (measured full, at 120 errors each), whatever a target sends.
_EXPLAINED = 16
_EXPLAINED_SIZE = 64 * 1024
_EXPLAINED_ERRORS = 128
_UNSET = object()


@dataclass(slots=True)
class _Compiled:
    """What one operation's bodies need, derived once: strict schemas and their validators."""

    schemas: dict[_SchemaKey, Any]
    checks: dict[_SchemaKey, FastCheck | None] = field(default_factory=dict)
    bodies: dict[_SchemaKey, Any] = field(default_factory=dict)
    core: CoreValidator | None = None
    #: The reference's errors on narrowed values, by schema and the value's JSON text.
    explained: dict[tuple[_SchemaKey, bytes], list[Any]] = field(default_factory=dict)

    def reference(self) -> CoreValidator:
        """openapi-core over the strict schemas, built for the first body that needs it."""
        if self.core is None:
            self.core = CoreValidator.shared(self.schemas)
        return self.core

    def check(self, key: _SchemaKey) -> FastCheck | None:
        """The fast check of one schema (None when the proof does not cover it)."""
        if key not in self.checks:
            self.checks[key] = fast_check(self.schemas[key])
        return self.checks[key]

    def body(self, key: _SchemaKey) -> Any:
        """openapi-core's body validator of one schema, for narrowed bodies (looked up once).

        ``body_validator`` finds it by the schema's text; writing that text out for every
        drifted response cost 3-5% of explaining a small one (0.02-0.03 ms of 0.65).
        """
        found = self.bodies.get(key)
        if found is None:
            found = self.bodies[key] = body_validator(self.schemas[key])
        return found

    def errors(self, key: _SchemaKey, narrowed: Any) -> list[Any]:
        """openapi-core's errors on a narrowed value, remembered for the values that recur.

        Narrowing replaces every clean value by a stand-in, so two bodies that drift the
        same way (pages of one drifted API, differing in ids, names and times) narrow to
        the same value, and the reference, a function of the value alone, would explain it
        again word for word. Keyed by the value's exact JSON text (types, order and all:
        equal texts are equal values to the reference), and bounded: at most _EXPLAINED
        values of at most _EXPLAINED_SIZE bytes, each with at most _EXPLAINED_ERRORS errors.
        """
        text = orjson.dumps(narrowed)
        if len(text) > _EXPLAINED_SIZE:
            return list(self.body(key).iter_errors(narrowed))
        found = self.explained.get((key, text))
        if found is None:
            found = list(self.body(key).iter_errors(narrowed))
            if _few(found):
                if len(self.explained) >= _EXPLAINED:  # ever new drift: start again
                    self.explained.clear()
                self.explained[(key, text)] = found
        return found


def _few(errors: list[Any]) -> bool:
    """Whether ``errors`` and the errors inside them number at most _EXPLAINED_ERRORS."""
    count, stack = 0, list(errors)
    while stack:
        count += 1
        if count > _EXPLAINED_ERRORS:
            return False
        stack.extend(stack.pop().context or ())
    return True


class DriftValidator:
    """Validates responses of one spec's operations; compiles what it can once."""

    def __init__(
        self,
        spec: Spec | None = None,
        *,
        policy: SeverityPolicy | None = None,
        fast: bool = True,
    ) -> None:
        """Use ``spec`` (default: the bundled spec) and a severity ``policy``.

        ``fast=False`` sends every body through the reference path (openapi-core); the
        findings are the same either way, only slower.
        """
        self.spec = spec if spec is not None else load_spec()
        self.policy = policy if policy is not None else SeverityPolicy()
        self.fast = fast
        # Compiled per operation on first use: a large spec (Zendesk's full one has ~500
        # operations) costs nothing for the operations never validated.
        self._compiled: dict[str, _Compiled] = {}
        self._documented: dict[str, dict[str, Mapping[str, Any]]] = {}
        self._routes: dict[tuple[str, int, str | None], Route] = {}
        # (operation as the caller names it, status, Content-Type) -> the body's fast check.
        self._checks: dict[tuple[str, int, str | None], FastCheck | None | object] = {}

    def _compile(self, op: Operation) -> _Compiled:
        compiled = self._compiled.get(op.operation_id)
        if compiled is None:
            schemas = {}
            for key, response in self._responses(op).items():
                for media_type, media in (response.get("content") or {}).items():
                    if isinstance(media, Mapping) and "schema" in media:
                        source = response_schema_source(self.spec, op, key, str(media_type))
                        schemas[(op.operation_id, key, str(media_type))] = strict_schema(
                            self.spec, media["schema"], source=source
                        )
            compiled = _Compiled(schemas)
            self._compiled[op.operation_id] = compiled
        return compiled

    def strict_schema(
        self, operation: str, status: int = 200, media_type: str = "application/json"
    ) -> Any:
        """The strict JSON Schema a body of this operation, status and media type must match."""
        op = self.spec.operation(operation)
        key = response_key(self._responses(op), status)
        return self._compile(op).schemas.get((op.operation_id, key or "", media_type))

    def _responses(self, operation: Operation) -> dict[str, Mapping[str, Any]]:
        responses = self._documented.get(operation.operation_id)
        if responses is None:
            documented = operation.definition.get("responses") or {}
            responses = {str(k): self.spec.deref(v) for k, v in documented.items()}
            self._documented[operation.operation_id] = responses
        return responses

    def validate_call(
        self,
        body: bytes,
        *,
        method: str,
        url: str,
        status: int = 200,
        content_type: str | None = "application/json",
    ) -> list[Finding]:
        """Validate the response of ``method url`` (``.json`` suffixes understood)."""
        operation = self.spec.match(method, url)
        return self.validate(
            body, operation=operation.operation_id, status=status, content_type=content_type
        )

    def validate(
        self,
        body: bytes,
        *,
        operation: str,
        status: int = 200,
        content_type: str | None = "application/json",
    ) -> list[Finding]:
        """Every deviation of this response from the contract (an empty list if it conforms)."""
        # The common case first, in as few steps as can be: a body the fast check proves
        # clean, its check found by the call's own (operation, status, Content-Type).
        call = (operation, status, content_type)
        check = self._checks.get(call, _UNSET)
        if check is _UNSET:
            if len(self._checks) >= 1024:  # a client sending ever new Content-Types
                self._checks.clear()
            check = self._checks[call] = self._check(
                self.spec.operation(operation), status, content_type
            )
        verdict = check.examine(body) if isinstance(check, FastCheck) else None
        if verdict is CLEAN:
            return []
        op = self.spec.operation(operation)
        issues = list(self._issues(op, body, status, content_type, verdict))
        return self._findings(op.operation_id, issues, status)

    def _check(self, op: Operation, status: int, content_type: str | None) -> FastCheck | None:
        """The fast check for the body of a response routed to a schema, if there is one."""
        route = self._route(op, status, content_type)
        if not self.fast or not route or isinstance(route[0], Issue):
            return None
        key, documented = route
        compiled = self._compile(op)
        schema_key = (op.operation_id, key, documented)
        return compiled.check(schema_key) if schema_key in compiled.schemas else None

    def _route(self, op: Operation, status: int, content_type: str | None) -> Route:
        """Stages 1 and 2 for one (operation, status, Content-Type): the same every time."""
        found = self._routes.get((op.operation_id, status, content_type))
        if found is None:
            if len(self._routes) >= 1024:  # a client sending ever new Content-Types
                self._routes.clear()
            found = route(op.operation_id, self._responses(op), status, content_type)
            self._routes[(op.operation_id, status, content_type)] = found
        return found

    def _issues(
        self,
        op: Operation,
        body: bytes,
        status: int,
        content_type: str | None,
        verdict: bool | Drifted | None,
    ) -> Iterator[Issue]:
        """The issues of a body the fast check did not prove clean (``verdict``: what it
        said, None when there is no check or it knows nothing)."""
        route = self._route(op, status, content_type)
        if not route or isinstance(route[0], Issue):
            yield from route
            return
        key, documented = route
        compiled = self._compile(op)
        schema_key = (op.operation_id, key, documented)
        schemas = compiled.schemas
        if isinstance(verdict, Drifted) and openapi_core_picks(key, status):
            check = compiled.check(schema_key)
            assert check is not None  # a verdict comes from this schema's check
            explained = self._narrowed(compiled, schema_key, check, verdict.value, body)
            if explained is not None:
                yield from _unique(bounded(explained))
                return
        decoded = decode_json(body)
        for code, message in decoded.problems:
            yield Issue(Kind.MALFORMED_BODY, "", message, qualifier=code)
        if decoded.value is NO_VALUE or schema_key not in schemas:
            return
        clean = body[len(BOM) :] if body.startswith(BOM) else body
        errors = compiled.reference().schema_errors(op.operation_id, status, documented, clean)
        yield from _unique(translate(errors, schemas[schema_key]))

    @staticmethod
    def _narrowed(
        compiled: _Compiled, key: _SchemaKey, check: FastCheck, value: Any, body: bytes
    ) -> list[Issue] | None:
        """The issues of a drifted body, the reference reading only what drifts (or None)."""
        reduced = check.planner.reduce(value, body)
        if reduced is None:
            return None
        return spread(reduced, compiled.errors(key, reduced.value), compiled.schemas[key])

    def _findings(self, operation: str, issues: list[Issue], status: int) -> list[Finding]:
        """One finding per fingerprint, as ``aggregate`` would merge one finding per issue.

        Merged here, before any Finding exists: a drifted page has hundreds of issues and a
        handful of fingerprints, and building (and re-building) a Finding per issue cost
        more than explaining the page.
        """
        merged: dict[str, _Merged] = {}
        for issue in issues:
            qualifier = issue.qualifier
            if issue.kind is Kind.UNDOCUMENTED_STATUS:
                qualifier = str(status)
            elif issue.kind is Kind.UNDOCUMENTED_CONTENT_TYPE:
                qualifier = issue.actual
            key = safe_text(
                fingerprint(operation, issue.kind, issue.pointer, qualifier), 2 * MAX_TEXT
            )
            severity = self.policy.severity_of(issue.kind, required=issue.required, status=status)
            path = safe_text(issue.pointer)
            seen = merged.get(key)
            if seen is None:
                merged[key] = _Merged(issue, severity, [path])
                continue
            seen.count += 1
            if severity.rank > seen.severity.rank:
                seen.severity = severity
            if len(seen.examples) < MAX_EXAMPLES and path not in seen.examples:
                seen.examples.append(path)
        return [
            Finding(
                kind=m.issue.kind,
                severity=m.severity,
                operation=operation,
                path=m.examples[0],
                message=m.issue.message,
                fingerprint=key,
                count=m.count,
                examples=tuple(m.examples),
                status=status,
                expected=m.issue.expected,
                actual=m.issue.actual,
                schema_path=m.issue.schema_path,
            )
            for key, m in merged.items()
        ]


@dataclass(slots=True)
class _Merged:
    issue: Issue  # the first of its fingerprint: its texts are the finding's
    severity: Severity
    examples: list[str]
    count: int = 1


def _unique(issues: Iterable[Issue]) -> Iterator[Issue]:
    """One issue per (kind, place): translation may say the same thing twice."""
    seen: set[tuple[Kind, str]] = set()
    for issue in issues:
        if (issue.kind, issue.pointer) not in seen:
            seen.add((issue.kind, issue.pointer))
            yield issue


@cache
def _default_validator() -> DriftValidator:
    return DriftValidator()


def validate_response(
    body: bytes, *, operation: str, status: int = 200, content_type: str = "application/json"
) -> list[Finding]:
    """Validate one response of the bundled spec's ``operation``; every deviation, as findings.

    Args:
        body: the raw response body.
        operation: the operationId (ListActivities, ShowActivity, CountActivities).
        status: the HTTP status code.
        content_type: the Content-Type header as received (parameters allowed).

    Returns:
        The findings, one per fingerprint; an empty list when the response conforms.

    Example:
        >>> validate_response(b'{"count": {"value": 1}}', operation="CountActivities")[0].path
        '/count/refreshed_at'
    """
    return _default_validator().validate(
        body, operation=operation, status=status, content_type=content_type
    )
