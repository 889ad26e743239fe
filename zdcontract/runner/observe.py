"""One response in, its findings out: shared by ``zdcontract run`` and the pytest plugin.

A transport error is a ``transport-error`` finding; a body cut off at the size bound, or in
a content coding the client cannot decode, a ``malformed-body`` one; a 429 that outlasted
its retries is a rate-limit event, not drift; every other response goes through the drift
validator. Each finding carries a ``curl`` reproducer that authenticates through
environment variables, never by value. A server that echoes the credentials back (an error
page quoting the Authorization header, a field named after it) does not put them into a
finding: every form of them is masked in what the finding says.
"""

from __future__ import annotations

import json
import shlex
import string
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..drift import DriftValidator, Finding, Kind, SeverityPolicy, fingerprint
from ..results import OperationStats
from .credentials import Credentials, mask_secrets
from .urls import MAX_URL_LENGTH

if TYPE_CHECKING:
    from .client import Exchange

__all__ = [
    "Observation",
    "curl_command",
    "exchange_findings",
    "json_object",
    "not_exercised",
    "observe_exchange",
    "response_findings",
    "schema_reason",
]

_URL_SAFE = "".join(c for c in string.printable if not c.isspace() and c != "%") + "%"

#: Findings that say the answer was not one the contract describes: its body was not
#: checked against a documented response.
_UNCHECKED = frozenset({Kind.UNDOCUMENTED_STATUS, Kind.UNDOCUMENTED_CONTENT_TYPE})


@dataclass(slots=True)
class Observation:
    """What one exchange showed: its findings, and whether a documented response was
    validated. The body is not parsed here: most answers (every generated case's) are
    validated and dropped; a behaviour check that reads one asks json_object for it."""

    findings: list[Finding] = field(default_factory=list)
    validated: bool = False


def observe_exchange(
    validator: DriftValidator,
    operation: str,
    exchange: Exchange,
    credentials: Credentials | None = None,
) -> Observation:
    """The findings of one exchange, and whether it exercised the contract."""
    if exchange.error is None and exchange.status == 429:
        return Observation()  # still rate limited after the retries: an event, never drift
    found = exchange_findings(validator, operation, exchange, credentials)
    readable = exchange.oversize is None and not exchange.undecoded
    validated = exchange.error is None and readable and not any(f.kind in _UNCHECKED for f in found)
    return Observation(found, validated)


def exchange_findings(
    validator: DriftValidator,
    operation: str,
    exchange: Exchange,
    credentials: Credentials | None = None,
) -> list[Finding]:
    """Every deviation of one exchange (see response_findings), with all the client knew of
    its body: one cut off at the size bound, or left in a coding it does not decode, is
    named so rather than validated."""
    return response_findings(
        validator,
        operation,
        method=exchange.method,
        url=exchange.full_url,
        status=exchange.status,
        content_type=exchange.content_type,
        body=exchange.body,
        error=exchange.error,
        attempts=exchange.attempts,
        credentials=credentials,
        oversize=exchange.oversize,
        undecoded=exchange.undecoded,
    )


def not_exercised(
    policy: SeverityPolicy,
    operation: str,
    check: str,
    reason: str,
    *,
    schema: bool = False,
    unsupported: bool = False,
) -> Finding:
    """The finding of a check (or an operation's ``schema``) that exercised nothing."""
    kind = Kind.NOT_EXERCISED
    what = f"{operation} responses were not validated" if schema else f"{check} not exercised"
    return Finding(
        kind=kind,
        severity=policy.severity_of(kind, schema=schema, unsupported=unsupported),
        operation=operation,
        path="",
        message=f"{what}: {reason}",
        fingerprint=fingerprint(operation, kind, "", check),
        check=check,
    )


def schema_reason(stats: OperationStats, validated: int, stopped: str | None) -> str | None:
    """Why no answer of an operation was validated against a documented response (None
    when one was): what came back instead, or why nothing was sent."""
    if validated:
        return None
    if not stats.requests and not stats.not_sent:
        return f"no request was sent ({stopped})" if stopped else "no request was sent"
    parts = [f"{status} ×{n}" for status, n in sorted(stats.statuses.items())]
    if stats.transport_errors:
        parts.append(f"transport errors ×{stats.transport_errors}")
    if stats.not_sent:
        parts.append(f"refused links ×{stats.not_sent}")
    answers = ", ".join(parts) or "nothing"
    text = f"no answer had a documented status and media type ({answers})"
    return f"{text}; {stopped}" if stopped else text


def json_object(exchange: Exchange) -> dict[str, Any] | None:
    """The body of a 200 JSON response as an object (None otherwise)."""
    if exchange.error is not None or exchange.status != 200 or exchange.oversize is not None:
        return None
    try:
        value = json.loads(exchange.body)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def curl_command(method: str, url: str, credentials: Credentials | None) -> str:
    """A shell command that sends the same request again (``url`` with its query)."""
    parts = [
        "curl",
        "-sS",
        "-X",
        method,
        # Percent-encoded beyond printable ASCII, as a client sends it: a link from a
        # hostile body cannot put a control or bidi character into a report this way.
        # A link refused for its length is not repeated in full either.
        shlex.quote(quote(url[:MAX_URL_LENGTH], safe=_URL_SAFE)),
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
    oversize: int | None = None,
    undecoded: tuple[str, ...] = (),
) -> list[Finding]:
    """Every deviation of one response (or its transport error), each with a reproducer."""
    unreadable = _unreadable(validator, operation, status, oversize, undecoded)
    if unreadable is not None:
        found = [unreadable]
    elif error is not None:
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
    else:
        found = validator.validate(
            body, operation=operation, status=status, content_type=content_type
        )
    if not found:
        return found  # the common case: no reproducer to build
    request = curl_command(method, url, credentials)
    secrets = credentials.secrets() if credentials is not None else ()
    return [_masked(replace(f, request=request), secrets) for f in found]


def _unreadable(
    validator: DriftValidator,
    operation: str,
    status: int,
    oversize: int | None,
    undecoded: tuple[str, ...],
) -> Finding | None:
    """A malformed-body finding for a body the client could not read in full, if so."""
    if oversize is not None:
        code, message = (
            "too-large",
            (
                f"body is larger than {oversize} bytes once decoded; the rest was not read "
                "(raise --max-body-size to read it)"
            ),
        )
    elif undecoded:
        codings = ", ".join(undecoded)
        code, message = (
            "content-encoding",
            (
                f"body is in a content coding the client does not decode ({codings}); "
                "it was not validated"
            ),
        )
    else:
        return None
    kind = Kind.MALFORMED_BODY
    return Finding(
        kind=kind,
        severity=validator.policy.severity_of(kind),
        operation=operation,
        path="",
        message=message,
        fingerprint=fingerprint(operation, kind, "", code),
        status=status,
    )


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
