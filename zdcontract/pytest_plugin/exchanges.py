"""One response in, its findings out: what the contract items and ``zd_validate`` share.

A response is a ``zd_client`` Exchange or a ``requests.Response``; the findings come from
the same function ``zdcontract run`` uses (zdcontract.runner.observe).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..drift import DriftValidator, Finding
from ..runner import Credentials, Exchange
from ..runner.observe import response_findings

__all__ = ["Response", "as_response", "findings_for"]


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
        return Response(
            method=value.method,
            url=value.full_url,
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
    return response_findings(
        validator,
        operation,
        method=response.method,
        url=response.url,
        status=response.status,
        content_type=response.content_type,
        body=response.body,
        error=response.error,
        attempts=response.attempts,
        credentials=credentials,
    )
