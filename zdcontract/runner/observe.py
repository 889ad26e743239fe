"""One response in, its findings out: shared by ``zdcontract run`` and the pytest plugin.

A transport error is a ``transport-error`` finding; every other response goes through the
drift validator. Each finding carries a ``curl`` reproducer that authenticates through
environment variables, never by value. A server that echoes the credentials back (an error
page quoting the Authorization header, a field named after it) does not put them into a
finding: every form of them is masked in what the finding says.
"""

from __future__ import annotations

import shlex
from dataclasses import replace

from ..drift import DriftValidator, Finding, Kind, fingerprint
from .credentials import Credentials, mask_secrets

__all__ = ["curl_command", "response_findings"]


def curl_command(method: str, url: str, credentials: Credentials | None) -> str:
    """A shell command that sends the same request again (``url`` with its query)."""
    parts = [
        "curl",
        "-sS",
        "-X",
        method,
        shlex.quote(url),
        "-H",
        shlex.quote("Accept: application/json"),
    ]
    if credentials is not None:
        parts.append(credentials.curl_option())
    return " ".join(parts)


def response_findings(
    validator: DriftValidator,
    operation: str,
    *,
    method: str,
    url: str,
    status: int,
    content_type: str | None,
    body: bytes,
    error: str | None = None,
    attempts: int = 1,
    credentials: Credentials | None = None,
) -> list[Finding]:
    """Every deviation of one response (or its transport error), each with a reproducer."""
    if error is not None:
        kind = Kind.TRANSPORT_ERROR
        tries = f"after {attempts} attempts" if attempts else "not sent"
        return [
            Finding(
                kind=kind,
                severity=validator.policy.severity_of(kind),
                operation=operation,
                path="",
                message=f"{error} ({tries})",
                fingerprint=fingerprint(operation, kind, "", error.split(":", 1)[0]),
                request=curl_command(method, url, credentials),
            )
        ]
    found = validator.validate(body, operation=operation, status=status, content_type=content_type)
    if not found:
        return found  # the common case: no reproducer to build
    request = curl_command(method, url, credentials)
    secrets = credentials.secrets() if credentials is not None else ()
    return [_masked(replace(f, request=request), secrets) for f in found]


def _masked(finding: Finding, secrets: tuple[str, ...]) -> Finding:
    """``finding`` with every secret in its texts replaced by ``***``."""
    if not secrets:
        return finding

    def mask(text: str) -> str:
        return mask_secrets(text, secrets)

    def optional(text: str | None) -> str | None:
        return None if text is None else mask(text)

    return replace(
        finding,
        path=mask(finding.path),
        message=mask(finding.message),
        fingerprint=mask(finding.fingerprint),
        examples=tuple(mask(e) for e in finding.examples),
        expected=optional(finding.expected),
        actual=optional(finding.actual),
        request=optional(finding.request),
    )
