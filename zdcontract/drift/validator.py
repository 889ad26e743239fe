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
through stages 3 and 4, so the findings are always the reference's. For a drifted body it
may also prove most array items clean, and the reference then reads the body without them
(paths mapped back). ``fast=False`` skips it.

Findings of one response are aggregated by fingerprint: the same drift on 100 records is
one finding with a count and the first pointers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..spec import Operation, Spec, load_spec
from ..spec.strict import response_schema_source, strict_schema
from ._fast import CLEAN, FastCheck, Narrowing, fast_check
from ._openapi_core import CoreValidator
from .decode import NO_VALUE, decode_json, is_json_media_type
from .findings import Finding, Kind, SeverityPolicy, aggregate, fingerprint
from .translate import Issue, translate

__all__ = ["DriftValidator", "validate_response"]

_BOM = b"\xef\xbb\xbf"


_SchemaKey = tuple[str, str, str]  # (operationId, response key, media type)


@dataclass(slots=True)
class _Compiled:
    """What one operation's bodies need, derived once: strict schemas and their validators."""

    schemas: dict[_SchemaKey, Any]
    checks: dict[_SchemaKey, FastCheck | None] = field(default_factory=dict)
    core: CoreValidator | None = None

    def reference(self) -> CoreValidator:
        """openapi-core over the strict schemas, built for the first body that needs it."""
        if self.core is None:
            self.core = CoreValidator(self.schemas)
        return self.core

    def check(self, key: _SchemaKey) -> FastCheck | None:
        """The fast check of one schema (None when the proof does not cover it)."""
        if key not in self.checks:
            self.checks[key] = fast_check(self.schemas[key])
        return self.checks[key]


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
        key = _response_key(self._responses(op), status)
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
        op = self.spec.operation(operation)
        issues = list(self._issues(op, body, status, content_type))
        return self._findings(op.operation_id, issues, status)

    def _issues(
        self, op: Operation, body: bytes, status: int, content_type: str | None
    ) -> Iterator[Issue]:
        responses = self._responses(op)
        key = _response_key(responses, status)
        if key is None:
            documented = ", ".join(sorted(responses)) or "none"
            yield Issue(
                Kind.UNDOCUMENTED_STATUS,
                "",
                f"status {status} is not documented for {op.operation_id} "
                f"(documented: {documented})",
                documented,
                str(status),
            )
            return
        content = responses[key].get("content") or {}
        if not content:
            return  # nothing documented about the body
        media_type = _media_type(content_type)
        matched = _match_media_type(content, media_type)
        if matched is None:
            shown = media_type or "no Content-Type"
            yield Issue(
                Kind.UNDOCUMENTED_CONTENT_TYPE,
                "",
                f"content type {shown} is not documented for {op.operation_id} "
                f"{status} (documented: {', '.join(content)})",
                ", ".join(content),
                shown,
            )
            return
        documented = matched
        if not is_json_media_type(documented.split(";")[0]):
            return  # only JSON bodies are validated against schemas
        compiled = self._compile(op)
        schema_key = (op.operation_id, key, documented)
        schemas = compiled.schemas
        narrowing: Narrowing | None = None
        if self.fast and schema_key in schemas:
            check = compiled.check(schema_key)
            verdict = check.examine(body) if check is not None else None
            if verdict is CLEAN:
                return  # proven clean: the reference would report nothing
            if isinstance(verdict, Narrowing):
                narrowing = verdict
        decoded = decode_json(body)
        for code, message in decoded.problems:
            yield Issue(Kind.MALFORMED_BODY, "", message, qualifier=code)
        if decoded.value is NO_VALUE or schema_key not in schemas:
            return
        if narrowing is not None and not decoded.problems:
            # Only the items jsonschema-rs rejects can draw errors (see _fast.Narrowing).
            reduced = json.dumps(narrowing.apply(decoded.value)).encode()
            errors = compiled.reference().schema_errors(
                op.operation_id, status, documented, reduced
            )
            narrowing.remap(errors)
        else:
            clean = body[len(_BOM) :] if body.startswith(_BOM) else body
            errors = compiled.reference().schema_errors(op.operation_id, status, documented, clean)
        seen: set[tuple[Kind, str]] = set()
        for issue in translate(errors, schemas[schema_key]):
            if (issue.kind, issue.pointer) not in seen:
                seen.add((issue.kind, issue.pointer))
                yield issue

    def _findings(self, operation: str, issues: list[Issue], status: int) -> list[Finding]:
        findings = []
        for issue in issues:
            qualifier = issue.qualifier
            if issue.kind is Kind.UNDOCUMENTED_STATUS:
                qualifier = str(status)
            elif issue.kind is Kind.UNDOCUMENTED_CONTENT_TYPE:
                qualifier = issue.actual
            findings.append(
                Finding(
                    kind=issue.kind,
                    severity=self.policy.severity_of(
                        issue.kind, required=issue.required, status=status
                    ),
                    operation=operation,
                    path=issue.pointer,
                    message=issue.message,
                    fingerprint=fingerprint(operation, issue.kind, issue.pointer, qualifier),
                    status=status,
                    expected=issue.expected,
                    actual=issue.actual,
                    schema_path=issue.schema_path,
                )
            )
        return aggregate(findings)


def _response_key(responses: Mapping[str, Any], status: int) -> str | None:
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            return key
    return None


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _match_media_type(content: Mapping[str, Any], media_type: str) -> str | None:
    if not media_type:
        return None
    for documented in content:
        bare = _media_type(documented)
        if bare == media_type:
            return str(documented)
    major = media_type.split("/")[0]
    for documented in content:
        bare = _media_type(documented)
        if bare in (f"{major}/*", "*/*"):
            return str(documented)
    return None


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
