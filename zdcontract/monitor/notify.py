"""Alerts: a JSON summary of new drift POSTed to a webhook (Slack-compatible ``text``).

An alert is a courtesy, never part of the verdict: post_json never raises and returns a
line to print instead when the webhook cannot be reached or refuses the message.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from .._version import __version__
from ..results import RunResult
from ..runner.config import http_url_problem
from .baseline import Classification

__all__ = ["MAX_LISTED", "TIMEOUT", "alert_payload", "post_json"]

#: Seconds an alert may take in all: connecting, sending, reading the answer.
TIMEOUT = 10.0
#: How many new findings the ``text`` lists (the ``new`` field has them all).
MAX_LISTED = 10


def alert_payload(
    result: RunResult, classification: Classification, *, report: str | None = None
) -> dict[str, Any]:
    """The message for new drift: Slack's ``text`` first, then structured fields."""
    new = sorted(classification.new, key=lambda f: (-f.severity.rank, f.fingerprint))
    target = result.target.url if result.target.kind == "live" else "the embedded mock"
    head = (
        f"zdcontract: {len(new)} new drift finding{'s' if len(new) != 1 else ''} "
        f"against {target} ({len(classification.known)} known, "
        f"{len(classification.resolved)} resolved)"
    )
    lines = [head]
    lines += [f"• {f.severity.value} {f.fingerprint}: {f.message}" for f in new[:MAX_LISTED]]
    if len(new) > MAX_LISTED:
        lines.append(f"… and {len(new) - MAX_LISTED} more")
    if report:
        lines.append(f"Report: {report}")
    return {
        "text": "\n".join(lines),
        "tool": f"zdcontract {__version__}",
        "time": result.finished_at,
        "target": {"url": result.target.url, "kind": result.target.kind},
        "baseline": classification.source,
        "exit_code": result.exit_code,
        "counts": {"severity": result.counts_by_severity(), "status": classification.counts()},
        "new": [
            {
                "fingerprint": f.fingerprint,
                "severity": f.severity.value,
                "kind": f.kind.value,
                "operation": f.operation,
                "path": f.path,
                "message": f.message,
                "count": f.count,
            }
            for f in new
        ],
        "resolved": [e.fingerprint for e in classification.resolved],
        "report": report,
    }


def post_json(
    url: str,
    payload: Mapping[str, Any],
    *,
    timeout: float = TIMEOUT,
    stop: threading.Event | None = None,
) -> str | None:
    """POST ``payload`` as JSON; None on a 2xx answer, else one line saying what went wrong.

    ``timeout`` bounds the whole alert (connecting, sending, reading the answer), not each
    read: a webhook trickling its answer cannot hold the end of a run. ``stop``, once set
    (a signal), abandons the alert at once. A user and password in the URL are sent as
    HTTP Basic credentials, never as part of the host name to look up. A redirect is not
    followed (urllib would repeat the alert as a GET, credentials and all, wherever it
    points): the alert was not delivered. The line names the webhook by scheme and host
    only: a Slack webhook's path is its secret.
    """
    where = _public(url)
    problem = http_url_problem(url)
    if problem is not None:
        return f"webhook {where}: {problem}; the alert was not delivered"
    if stop is not None and stop.is_set():
        return f"webhook {where}: interrupted; the alert was not delivered"
    request = _request(url, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    sockets = _Sockets()
    outcome: list[str | None] = []

    def deliver() -> None:
        outcome.append(_deliver(request, where, sockets, timeout))

    worker = threading.Thread(target=deliver, name="zdcontract-webhook", daemon=True)
    deadline = time.monotonic() + timeout
    worker.start()
    try:
        while worker.is_alive():
            if stop is not None and stop.is_set():
                return f"webhook {where}: interrupted; the alert was not delivered"
            left = deadline - time.monotonic()
            if left <= 0:
                return (
                    f"webhook {where}: no answer within {timeout:g} s; the alert was not delivered"
                )
            worker.join(min(left, _POLL))
    finally:
        sockets.close()  # wakes a worker blocked on the connection; it then ends on its own
    return outcome[0] if outcome else f"webhook {where} failed; the alert was not delivered"


#: How often a waiting alert looks at ``stop``.
_POLL = 0.05


def _request(url: str, data: bytes) -> urllib.request.Request:
    """The POST, with the URL's user and password moved into an Authorization header.

    urllib takes ``user:password@host`` for the host name and looks it up in the DNS.
    """
    parts = urlsplit(url)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"zdcontract/{__version__}",
    }
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, netloc = netloc.rpartition("@")
        user, _, password = userinfo.partition(":")
        basic = f"{unquote(user)}:{unquote(password)}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(basic).decode("ascii")
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return urllib.request.Request(bare, data=data, method="POST", headers=headers)


class _Sockets:
    """The sockets an alert opened, so that giving up on it closes them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.closed = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.append(sock)
            closed = self.closed
        if closed:
            _shut(sock)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            opened = list(self._open)
        for sock in opened:
            _shut(sock)

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener (proxies from the environment kept) whose sockets are tracked."""
        tracked = self

        def track(base: type[http.client.HTTPConnection]) -> Any:
            class Connection(base):  # type: ignore[valid-type,misc]
                def connect(self) -> None:
                    super().connect()
                    tracked.add(self.sock)

            return Connection

        class Http(urllib.request.HTTPHandler):
            def http_open(self, req: urllib.request.Request) -> Any:
                return self.do_open(track(http.client.HTTPConnection), req)

        class Https(urllib.request.HTTPSHandler):
            def https_open(self, req: urllib.request.Request) -> Any:
                return self.do_open(
                    track(http.client.HTTPSConnection), req, context=ssl.create_default_context()
                )

        return urllib.request.build_opener(Http, Https, _NoRedirect)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx stays an answer (an HTTPError): the alert went nowhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _deliver(
    request: urllib.request.Request, where: str, sockets: _Sockets, timeout: float
) -> str | None:
    try:
        with sockets.opener().open(request, timeout=timeout) as response:
            response.read(65536)
            return None
    except urllib.error.HTTPError as exc:
        exc.close()
        return f"webhook {where} answered HTTP {exc.code}; the alert was not delivered"
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        text = " ".join(str(reason).split()) or type(exc).__name__
        return f"webhook {where} failed: {text}; the alert was not delivered"


def _public(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or '?'}{port}"
