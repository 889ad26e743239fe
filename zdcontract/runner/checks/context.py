"""What the behaviour checks share: the client, the paths, the walks, and what each check did.

A check reads the API through ``fetch``/``follow``, which count what it exercised (requests,
pages, records) and remember the last answer, so that a check which could read nothing says
why ("GET /api/v2/activities answered 404") instead of passing hollow. Every violation
carries curl reproducers of the requests it rests on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ...drift import Finding, Kind, SeverityPolicy, fingerprint
from ...results import Exercised
from ..client import Exchange, HttpClient
from ..credentials import Credentials
from ..observe import curl_command

__all__ = ["CheckContext", "NotExercised", "Paths", "Walk", "answer_of", "host_of"]


@dataclass(frozen=True, slots=True)
class NotExercised:
    """Why a check proved nothing; ``unsupported`` when the target does not offer what it
    walks (cursor parameters answered with offset pages), as opposed to failing to answer."""

    reason: str
    unsupported: bool = False


@dataclass(frozen=True, slots=True)
class Paths:
    """The target's paths of the three operations: the spec's, with ``.json`` only when the
    target answers that form alone."""

    listing: str = "/api/v2/activities"
    count: str = "/api/v2/activities/count"
    show_template: str = "/api/v2/activities/{activity_id}"
    suffix: str = ""

    def list(self) -> str:
        """ListActivities' path."""
        return self.listing + self.suffix

    def counting(self) -> str:
        """CountActivities' path."""
        return self.count + self.suffix

    def show(self, ident: int) -> str:
        """ShowActivity's path for activity ``ident``."""
        head, _, rest = self.show_template.partition("{")
        return head + str(ident) + rest.partition("}")[2] + self.suffix


@dataclass
class Walk:
    """The activities one pagination walk collected, in the order seen."""

    ids: list[int] = field(default_factory=list)
    records: dict[int, dict[str, Any]] = field(default_factory=dict)
    pages: dict[int, str] = field(default_factory=dict)  # id -> the page request it came from
    complete: bool = False


def host_of(url: str) -> str | None:
    """The host (and port) of ``url``; None when no URL parser reads it (``http://[x``)."""
    try:
        return urlsplit(url).netloc
    except ValueError:
        return None


def answer_of(exchange: Exchange) -> str:
    """What one request got, in a few words: ``GET /api/v2/activities answered 404``."""
    try:
        parts = urlsplit(exchange.full_url)
        where = parts.path + (f"?{parts.query}" if parts.query else "")
    except ValueError:
        where = exchange.full_url
    where = where[:200]
    if exchange.error is not None:
        sent = "was not sent" if not exchange.attempts else "failed"
        return f"{exchange.method} {where} {sent}: {exchange.error}"
    if exchange.oversize is not None:
        return f"{exchange.method} {where} answered a body beyond {exchange.oversize} bytes"
    shown = {429: "429 (rate limited)"}.get(exchange.status, str(exchange.status))
    return f"{exchange.method} {where} answered {shown}"


#: "Not given" for a violation's expected/actual (None is a value: JSON null).
UNSET: Any = object()


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@dataclass
class CheckContext:
    """What checks share: the client, where drift goes, and what earlier checks collected."""

    client: HttpClient
    observe: Callable[[str, Exchange], dict[str, Any] | None]  # validates, returns the JSON body
    account_host: str
    paths: Paths = field(default_factory=Paths)
    page_size: int = 25
    policy: SeverityPolicy = field(default_factory=SeverityPolicy)
    credentials: Credentials | None = None
    cursor: Walk | None = None
    offset: Walk | None = None
    findings: list[Finding] = field(default_factory=list)
    # What the check under way exercised (reset by begin()).
    requests: int = 0
    pages: int = 0
    records: int = 0
    last: Exchange | None = None

    def begin(self) -> None:
        """A new check starts: its counts start at zero."""
        self.requests = self.pages = self.records = 0
        self.last = None

    def exercised(self) -> Exercised:
        """What the check under way went through."""
        return Exercised(requests=self.requests, pages=self.pages, records=self.records)

    def fetch(self, operation: str, path: str, **params: Any) -> dict[str, Any] | None:
        """GET a path through the client and the drift validator; the JSON object or None."""
        return self._read(operation, self.client.get(path, params=params or None))

    def follow(self, operation: str, link: str) -> dict[str, Any] | None:
        """GET a link a response gave (absolute, or relative to the target)."""
        return self._read(operation, self.client.get(link))

    def _read(self, operation: str, exchange: Exchange) -> dict[str, Any] | None:
        self.requests += 1
        self.last = exchange
        body = self.observe(operation, exchange)
        if body is not None:
            self.pages += 1
        return body

    def unanswered(self) -> NotExercised:
        """Why the last request gave nothing to read, as a reason to report."""
        if self.last is None:
            return NotExercised("it sent no request")
        return NotExercised(answer_of(self.last))

    def reproducer(self, *exchanges: Exchange | None) -> str | None:
        """curl commands (credentials by variable, never by value) for these requests."""
        commands = [
            curl_command(e.method, e.full_url, self.credentials) for e in exchanges if e is not None
        ]
        return " ; ".join(dict.fromkeys(commands)) or None

    def violation(
        self,
        check: str,
        operation: str,
        message: str,
        path: str = "",
        *,
        evidence: Iterable[Exchange | str | None] = (),
        expected: Any = UNSET,
        actual: Any = UNSET,
    ) -> None:
        """Record a semantic violation found by ``check``, with the requests it rests on
        (exchanges, or reproducers already built) and what was expected and seen."""
        items = list(evidence) or [self.last]
        commands = [c for c in items if isinstance(c, str)]
        built = self.reproducer(*(e for e in items if isinstance(e, Exchange)))
        request = " ; ".join(dict.fromkeys([*commands, *([built] if built else [])])) or None
        kind = Kind.SEMANTIC_VIOLATION
        self.findings.append(
            Finding(
                kind=kind,
                severity=self.policy.severity_of(kind),
                operation=operation,
                path=path,
                message=message,
                fingerprint=fingerprint(operation, kind, path, check),
                check=check,
                expected=None if expected is UNSET else _shown(expected),
                actual=None if actual is UNSET else _shown(actual),
                request=request,
            )
        )

    def listing(self) -> Walk | None:
        """The most complete walk of the activities (cursor first, offset otherwise)."""
        for walk in (self.cursor, self.offset):
            if walk is not None and walk.complete:
                return walk
        return self.cursor or self.offset
