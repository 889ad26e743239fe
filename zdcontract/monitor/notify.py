"""Alerts: a JSON summary of new drift POSTed to a webhook (Slack-compatible ``text``).

An alert is a courtesy, never part of the verdict: post_json never raises and returns a
line to print instead when the webhook cannot be reached or refuses the message.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .._version import __version__
from ..results import RunResult
from ..runner.config import http_url_problem
from .baseline import Classification

__all__ = ["MAX_LISTED", "TIMEOUT", "alert_payload", "post_json"]

#: Seconds to wait for the webhook.
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


def post_json(url: str, payload: Mapping[str, Any], *, timeout: float = TIMEOUT) -> str | None:
    """POST ``payload`` as JSON; None on a 2xx answer, else one line saying what went wrong.

    The line names the webhook by scheme and host only: a Slack webhook's path is its secret.
    """
    where = _public(url)
    problem = http_url_problem(url)
    if problem is not None:
        return f"webhook {where}: {problem}; the alert was not delivered"
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"zdcontract/{__version__}",
    }
    try:
        request = urllib.request.Request(url, data=data, method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
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
