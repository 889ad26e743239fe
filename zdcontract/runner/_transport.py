"""Transport failures in words, and whether another attempt may help (and why)."""

from __future__ import annotations

import re

import requests

from ._body import BodyTimeout
from .credentials import mask_secrets

__all__ = ["describe", "retry_cause"]

_AUTH_VALUE = re.compile(r"\b(Basic|Bearer)\s+[^\s'\"]+", re.IGNORECASE)


def _reset(text: str) -> bool:
    return any(
        mark in text
        for mark in ("RemoteDisconnected", "ConnectionResetError", "Connection reset by peer")
    )


def retry_cause(exc: requests.RequestException) -> str:
    """The cause another attempt is made for (``""``: retrying cannot help, e.g. a bad header)."""
    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "truncated"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "undecodable"
    if isinstance(exc, requests.ConnectionError):
        return "reset" if _reset(str(exc)) else "connection"
    return ""


def describe(exc: requests.RequestException, secrets: tuple[str, ...] = ()) -> str:
    """A one-line description of a transport failure, free of URLs with credentials.

    The exception's text may quote a request header (an invalid header value is shown in
    full): every form of the credentials is masked, and so is any Authorization value.
    """
    kind = type(exc).__name__
    if isinstance(exc, BodyTimeout):
        return f"ReadTimeout: {exc.args[0]}"
    if isinstance(exc, requests.Timeout):
        return f"{kind}: no answer within the timeout"
    text = str(exc)
    if isinstance(exc, requests.ConnectionError) and "RemoteDisconnected" in text:
        return f"{kind}: the server closed the connection without a response"
    if isinstance(exc, requests.ConnectionError) and _reset(text):
        return f"{kind}: the connection was reset by the server"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"{kind}: the body ended before its declared length"
    if isinstance(exc, requests.exceptions.InvalidHeader):
        return f"{kind}: a request header is not valid HTTP (its value is not shown)"
    reason = str(exc.args[0]) if exc.args else ""
    reason = reason.split("(Caused by")[0].strip() if "Caused by" in reason else reason
    reason = _AUTH_VALUE.sub(r"\1 ***", mask_secrets(reason, secrets))
    return f"{kind}: {' '.join(reason.split())[:160]}" if reason else kind
