"""One response in, its findings out: what the contract items and ``zd_validate`` share.

A response is a ``zd_client`` Exchange or a ``requests.Response``; a transport error is a
``transport-error`` finding, as in ``zdcontract run``; every finding carries a ``curl``
reproducer that authenticates through environment variables, never by value.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from ..drift import DriftValidator, Finding, Kind, fingerprint
from ..runner import Credentials, Exchange

__all__ = ["Response", "as_response", "curl", "findings_for"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """What validation needs of a response, whatever client fetched it."""

    method: str
    url: str
    status: int
    content_type: str | None
    body: bytes
    error: str | None = None
    attempts: int = 1


def as_response(value: Any) -> Response:
    """A Response from an Exchange or a ``requests.Response``; TypeError for anything else."""
    if isinstance(value, Exchange):
        query = f"?{urlencode(list(value.params.items()))}" if value.params else ""
        return Response(
            method=value.method,
            url=value.url + query,
            status=value.status,
            content_type=value.content_type,
            body=value.body,
            error=value.error,
            attempts=value.attempts,
        )
    status = getattr(value, "status_code", None)
    content = getattr(value, "content", None)
    request = getattr(value, "request", None)
    if isinstance(status, int) and isinstance(content, bytes):
        return Response(
            method=str(getattr(request, "method", None) or "GET"),
            url=str(getattr(value, "url", "")),
            status=status,
            content_type=value.headers.get("Content-Type"),
            body=content,
        )
    raise TypeError(
        f"zd_validate takes a zd_client response or a requests.Response, not {type(value).__name__}"
    )


def curl(response: Response, credentials: Credentials | None) -> str:
    """A shell command that sends the same request again."""
    parts = ["curl", "-sS", "-X", response.method, shlex.quote(response.url)]
    parts += ["-H", shlex.quote("Accept: application/json")]
    if credentials is not None:
        parts.append(credentials.curl_option())
    return " ".join(parts)


def findings_for(
    validator: DriftValidator,
    response: Response,
    *,
    operation: str | None = None,
    credentials: Credentials | None = None,
) -> list[Finding]:
    """Every deviation of ``response`` from the contract of ``operation`` (matched by URL)."""
    if operation is None:
        operation = validator.spec.match(response.method, response.url).operation_id
    request = curl(response, credentials)
    if response.error is not None:
        kind = Kind.TRANSPORT_ERROR
        return [
            Finding(
                kind=kind,
                severity=validator.policy.severity_of(kind),
                operation=operation,
                path="",
                message=f"{response.error} (after {response.attempts} attempts)",
                fingerprint=fingerprint(operation, kind, "", response.error.split(":", 1)[0]),
                request=request,
            )
        ]
    found = validator.validate(
        response.body,
        operation=operation,
        status=response.status,
        content_type=response.content_type,
    )
    return [replace(f, request=request) for f in found]
