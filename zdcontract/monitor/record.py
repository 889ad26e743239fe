"""Recording a run as HAR 1.2, one entry at a time, with every credential masked.

Entries are streamed to a temporary file beside the target and the file is moved into place
when the recorder closes, so the path holds either a complete HAR or nothing new. Request
headers that carry credentials (Authorization, Cookie...) are written as ``***``, as are
query parameters named like a token. Any secret the caller names is masked in every string
written, whatever the target echoes it into: a header's name or value, the status text,
the media type, the body (also in a body stored as base64, masked before it is encoded).

A hostile target must not make a recording huge either: one entry stores at most
MAX_BODY_CHARS of body, MAX_URL_CHARS of URL (and of query parameters) and
MAX_FIELD_CHARS of any other string. What was cut is listed in the entry's
``_zdcontract.truncated``; a cut body also says so in ``content.comment``, and
``content.size`` keeps the size received.
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
from typing import IO, Any, AnyStr
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from .._version import __version__
from ..errors import UsageError
from ..files import check_output_file
from ..masking import MASK, mask_secrets
from ..runner.client import Exchange

__all__ = ["MASK", "MAX_BODY_CHARS", "MAX_FIELD_CHARS", "MAX_URL_CHARS", "HarRecorder", "mask_url"]

#: Body text one entry stores (a page of 100 activities is a few hundred KB).
MAX_BODY_CHARS = 1 << 20
#: URL one entry stores; its query parameters share the same bound.
MAX_URL_CHARS = 16 << 10
#: Any other string: a header name or value, the status text, the media type, an error.
MAX_FIELD_CHARS = 8 << 10
# What the secrets may be encoded as in a body that is not UTF-8 (stored as base64).
_BODY_CODECS = ("utf-8", "utf-16-le", "utf-16-be")
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
        self._secret_bytes = [
            (s.encode(codec), MASK.encode(codec)) for s in self.secrets for codec in _BODY_CODECS
        ]
        self.entries = 0
        self._lock = threading.Lock()
        self._handle: IO[str] | None = None
        self._temp: str | None = None

    def __enter__(self) -> HarRecorder:
        # Before anything is sent: the move into place would replace a device node or FIFO.
        check_output_file(self.path, "--record")
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
            check_output_file(self.path, "--record")  # nothing special put there meanwhile
            os.replace(temp, self.path)
        except BaseException as exc:
            handle.close()
            Path(temp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise UsageError(f"cannot record to {self.path}: {exc.strerror or exc}") from exc
            raise

    def record(self, operation: str, exchange: Exchange) -> None:
        """Append one exchange (safe to call from several threads)."""
        text = json.dumps(self.entry(operation, exchange), ensure_ascii=False)
        with self._lock:
            if self._handle is None:
                return
            self._handle.write(("" if not self.entries else ",\n") + text)
            self.entries += 1

    def entry(self, operation: str, exchange: Exchange) -> dict[str, Any]:
        """The HAR entry of one exchange, credentials masked, every string bounded."""
        cuts: list[str] = []
        sent = exchange.response.request if exchange.response is not None else None
        url = self._url(exchange.full_url, cuts)  # as sent, also when no answer came
        request_headers = dict(sent.headers) if sent is not None else {}
        millis = round(exchange.elapsed * 1000, 3)
        started = datetime.now(UTC) - timedelta(seconds=exchange.elapsed)
        entry: dict[str, Any] = {
            "startedDateTime": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "time": millis,
            "request": {
                "method": self._text(exchange.method, MAX_FIELD_CHARS, "request.method", cuts),
                "url": url,
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": self._headers(request_headers, "request.headers", cuts),
                "queryString": self._query(url, cuts),
                "headersSize": -1,
                "bodySize": 0,
            },
            "response": self._response(exchange, cuts),
            "cache": {},
            "timings": {"send": 0, "wait": millis, "receive": 0},
            "_zdcontract": {"operation": operation, "attempts": exchange.attempts},
        }
        if exchange.error is not None:
            error = self._text(exchange.error, MAX_FIELD_CHARS, "_zdcontract.error", cuts)
            entry["_zdcontract"]["error"] = error
        if cuts:
            entry["_zdcontract"]["truncated"] = sorted(set(cuts))
        return entry

    def _response(self, exchange: Exchange, cuts: list[str]) -> dict[str, Any]:
        mime = self._text(
            exchange.content_type or "", MAX_FIELD_CHARS, "response.content.mimeType", cuts
        )
        size = len(exchange.body)
        content: dict[str, Any] = {"size": size, "mimeType": mime}
        try:
            text = exchange.body.decode("utf-8")
        except UnicodeDecodeError:
            # Masked as bytes before the encoding: base64 would hide a secret from masking.
            raw = self._mask_bytes(exchange.body)
            kept = _cut(raw, MAX_BODY_CHARS // 4 * 3, b"")
            content["text"] = base64.b64encode(kept).decode("ascii")
            content["encoding"] = "base64"
            cut = len(kept) < len(raw)
        else:
            masked = mask_secrets(text, self.secrets)
            content["text"] = _cut(masked, MAX_BODY_CHARS, "")
            cut = len(content["text"]) < len(masked)
        if cut:
            cuts.append("response.content.text")
            content["comment"] = (
                f"truncated by zdcontract: the body had {size:,} bytes, more than a recording keeps"
            )
        reason = exchange.response.reason if exchange.response is not None else None
        return {
            "status": exchange.status,
            "statusText": self._text(reason or "", MAX_FIELD_CHARS, "response.statusText", cuts),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": self._headers(exchange.headers, "response.headers", cuts),
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": size,
        }

    def _headers(self, headers: Mapping[str, Any], at: str, cuts: list[str]) -> list[Any]:
        # The name too is masked: a target may echo a secret as a header's name.
        return [
            {
                "name": self._text(str(name), MAX_FIELD_CHARS, at, cuts),
                "value": self._text(
                    MASK if _secret_header(str(name)) else str(value), MAX_FIELD_CHARS, at, cuts
                ),
            }
            for name, value in headers.items()
        ]

    def _url(self, url: str, cuts: list[str]) -> str:
        masked = mask_url(url, self.secrets)
        decoded = unquote(masked)
        remasked = mask_secrets(decoded, self.secrets)
        if remasked != decoded:
            # A secret spelled with percent escapes: stored decoded, so it can be masked.
            masked = remasked
        return self._text(masked, MAX_URL_CHARS, "request.url", cuts)

    def _query(self, url: str, cuts: list[str]) -> list[dict[str, str]]:
        pairs, room = [], MAX_URL_CHARS
        try:
            query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
        except ValueError:  # no parser reads the URL: it has no parameters to list
            query = []
        for name, value in query:
            # Decoded from the URL: masked again, as the decoding may spell out a secret.
            pair = {"name": mask_secrets(name, self.secrets)}
            pair["value"] = MASK if _secret_param(name) else mask_secrets(value, self.secrets)
            room -= len(pair["name"]) + len(pair["value"])
            if room < 0:
                cuts.append("request.queryString")
                break
            pairs.append(pair)
        return pairs

    def _text(self, text: str, limit: int, where: str, cuts: list[str]) -> str:
        """``text`` masked, then cut to ``limit`` characters (noting ``where`` when cut)."""
        masked = mask_secrets(text, self.secrets)
        kept = _cut(masked, limit, "...")
        if len(masked) > limit:
            cuts.append(where)
        return kept

    def _mask_bytes(self, body: bytes) -> bytes:
        for secret, mask in self._secret_bytes:
            body = body.replace(secret, mask)
        return body


def _cut(text: AnyStr, limit: int, mark: AnyStr) -> AnyStr:
    """``text`` cut to ``limit`` with ``mark`` at the end (masked before: no secret is cut)."""
    return text if len(text) <= limit else text[: max(limit - len(mark), 0)] + mark


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


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_HEADER_WORDS)


def _secret_param(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_PARAMS)
