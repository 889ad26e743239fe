"""Recording a run as HAR 1.2, one entry at a time, with every credential masked.

Entries are streamed to a temporary file beside the target and the file is moved into place
when the recorder closes, so the path holds either a complete HAR or nothing new. Request
headers that carry credentials (Authorization, Cookie...) are written as ``***``, as are
query parameters named like a token and any secret the caller names.
"""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .._version import __version__
from ..errors import UsageError
from ..runner.client import Exchange

__all__ = ["MASK", "HarRecorder", "mask_url"]

MASK = "***"
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
# Header names that say they carry a credential, whatever the prefix (X-Auth-Token,
# X-Echo-Authorization, X-Zendesk-Api-Key, X-Session-Id...).
_SECRET_HEADER_WORDS = (
    "authorization",
    "cookie",
    "token",
    "secret",
    "password",
    "api-key",
    "apikey",
    "api_key",
    "session",
)
_SECRET_PARAMS = ("token", "password", "secret", "api_key", "apikey", "key", "signature")


class HarRecorder:
    """Writes every exchange it is given to a HAR file; use as a context manager.

    Example:
        >>> with HarRecorder("run.har", secrets=creds.secrets()) as recorder:  # doctest: +SKIP
        ...     run(config, on_exchange=recorder.record)
    """

    def __init__(self, path: str | os.PathLike[str], *, secrets: Iterable[str] = ()) -> None:
        """Record to ``path`` (replaced when the recorder closes)."""
        self.path = Path(path)
        self.secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
        self.entries = 0
        self._lock = threading.Lock()
        self._handle: IO[str] | None = None
        self._temp: str | None = None

    def __enter__(self) -> HarRecorder:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._temp = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
        except OSError as exc:
            raise UsageError(f"cannot record to {self.path}: {exc.strerror or exc}") from exc
        self._handle = os.fdopen(fd, "w", encoding="utf-8")
        creator = {"name": "zdcontract", "version": __version__}
        self._handle.write(
            '{"log": {"version": "1.2", "creator": ' + json.dumps(creator) + ', "entries": [\n'
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Finish the JSON and move the file into place (what was recorded so far counts)."""
        with self._lock:
            handle, temp = self._handle, self._temp
            self._handle = self._temp = None
        if handle is None or temp is None:
            return
        try:
            handle.write("\n]}}\n")
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.chmod(temp, 0o644)
            os.replace(temp, self.path)
        except OSError as exc:
            handle.close()
            Path(temp).unlink(missing_ok=True)
            raise UsageError(f"cannot record to {self.path}: {exc.strerror or exc}") from exc

    def record(self, operation: str, exchange: Exchange) -> None:
        """Append one exchange (safe to call from several threads)."""
        text = json.dumps(self.entry(operation, exchange), ensure_ascii=False)
        with self._lock:
            if self._handle is None:
                return
            self._handle.write(("" if not self.entries else ",\n") + text)
            self.entries += 1

    def entry(self, operation: str, exchange: Exchange) -> dict[str, Any]:
        """The HAR entry of one exchange, credentials masked."""
        sent = exchange.response.request if exchange.response is not None else None
        if sent is not None and sent.url:
            url = str(sent.url)
        else:
            query = urlencode([(k, str(v)) for k, v in exchange.params.items()])
            url = exchange.url + (f"?{query}" if query else "")
        url = mask_url(url, self.secrets)
        request_headers = dict(sent.headers) if sent is not None else {}
        millis = round(exchange.elapsed * 1000, 3)
        started = datetime.now(UTC) - timedelta(seconds=exchange.elapsed)
        entry: dict[str, Any] = {
            "startedDateTime": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "time": millis,
            "request": {
                "method": exchange.method,
                "url": url,
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": self._headers(request_headers),
                "queryString": [{"name": k, "value": v} for k, v in _query(url)],
                "headersSize": -1,
                "bodySize": 0,
            },
            "response": self._response(exchange),
            "cache": {},
            "timings": {"send": 0, "wait": millis, "receive": 0},
            "_zdcontract": {"operation": operation, "attempts": exchange.attempts},
        }
        if exchange.error is not None:
            entry["_zdcontract"]["error"] = self._mask(exchange.error)
        return entry

    def _response(self, exchange: Exchange) -> dict[str, Any]:
        mime = exchange.content_type or ""
        content: dict[str, Any] = {"size": len(exchange.body), "mimeType": mime}
        try:
            content["text"] = self._mask(exchange.body.decode("utf-8"))
        except UnicodeDecodeError:
            content["text"] = base64.b64encode(exchange.body).decode("ascii")
            content["encoding"] = "base64"
        reason = exchange.response.reason if exchange.response is not None else None
        return {
            "status": exchange.status,
            "statusText": reason or "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": self._headers(exchange.headers),
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(exchange.body),
        }

    def _headers(self, headers: Mapping[str, Any]) -> list[dict[str, str]]:
        return [
            {
                "name": str(name),
                "value": MASK if _secret_header(str(name)) else self._mask(str(value)),
            }
            for name, value in headers.items()
        ]

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def mask_url(url: str, secrets: Iterable[str] = ()) -> str:
    """``url`` without a password, token-like query values or any of ``secrets``."""
    for secret in secrets:
        if secret:
            url = url.replace(secret, MASK)
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[x": no parser reads it, so mask any userinfo by shape
        return _USERINFO.sub(rf"//\1:{MASK}@", url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{MASK}@{host}" if ":" in userinfo else netloc
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if any(_secret_param(k) for k, _ in pairs):
        query = urlencode([(k, MASK if _secret_param(k) else v) for k, v in pairs], safe="*[]")
    else:
        query = parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


_USERINFO = re.compile(r"//([^/@:]*):[^/@]*@")


def _query(url: str) -> list[tuple[str, str]]:
    """The query parameters of ``url`` (none when no parser reads it)."""
    try:
        return parse_qsl(urlsplit(url).query, keep_blank_values=True)
    except ValueError:
        return []


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_HEADER_WORDS)


def _secret_param(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_PARAMS)
