"""HTTP peers zdcontract did not write, on real loopback sockets, each a context manager.

Nothing here imports zdcontract: the servers must be independent of the client they test.
Each listens on a free 127.0.0.1 port (``dual_stack=True``: the same port on ``[::1]`` too,
so that the one socket is reachable under several host spellings) and keeps what it saw.

* ``RecordingServer``: answers ``{}`` to anything and records every request's headers;
* ``GatewayProxy``: a gateway in front of an upstream that respells every response header
  name, gzips the body and sends it chunked (no Content-Length), as CDNs and API gateways do;
* ``Http10Proxy``: answers in HTTP/1.0, ending each body by closing the connection;
* ``BarePathProxy``: knows only the spec's paths; ``/api/v2/activities.json`` is a 404;
* ``LinkRewritingProxy``: replaces ``links.next`` of every cursor page by a given link.

Every proxy rewrites the upstream's base URL in bodies to its own, as a gateway does, so
that links stay on the target's host.
"""

from __future__ import annotations

import gzip
import http.client
import itertools
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

#: Headers that describe one hop, not the message (RFC 9110 §7.6.1), never forwarded; the
#: upstream is asked for an identity body (no Accept-Encoding), each proxy frames its own.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
     "upgrade", "content-length", "content-encoding", "host", "accept-encoding"}
)  # fmt: skip
INVALID_ENDPOINT = b'{"error":"InvalidEndpoint","description":"Not found"}'


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as a server received it."""

    method: str
    target: str  # path?query, as on the request line
    headers: tuple[tuple[str, str], ...]
    listener: str  # "127.0.0.1" or "::1": which socket took it

    def header(self, name: str) -> str | None:
        """A request header, whatever the case of its name."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(slots=True)
class Answer:
    """A response before it is put on the wire: status, headers in order, body."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """A response header, whatever the case of its name."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class _Listener(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-answer is not the test's business


class _V6Listener(_Listener):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Listener
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        # A TLS handshake (an https:// link to a plain-HTTP port) would otherwise hold the
        # connection until a timeout: this server speaks plain HTTP only, so it hangs up.
        try:
            first = self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return
        if first and first != b"\x16":
            super().handle()

    def _serve(self) -> None:
        owner = self.server.owner
        listener = "::1" if self.server.address_family == socket.AF_INET6 else "127.0.0.1"
        seen = Seen(self.command, self.path, tuple(self.headers.items()), listener)
        owner.record(seen)
        owner.respond(self, seen)

    do_GET = do_HEAD = do_OPTIONS = _serve


class LoopbackServer:
    """A threaded HTTP server on a free loopback port that records what it is sent."""

    def __init__(self, *, dual_stack: bool = False) -> None:
        """``dual_stack``: listen on ``[::1]`` as well, on the same port."""
        self.dual_stack = dual_stack
        self._listeners: list[_Listener] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self.port = 0

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, the base URL to test."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def seen(self) -> list[Seen]:
        """Every request received so far."""
        with self._lock:
            return list(self._seen)

    def clear(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._seen.clear()

    def record(self, seen: Seen) -> None:
        """Keep one request (called by the handler before answering it)."""
        with self._lock:
            self._seen.append(seen)

    def respond(self, handler: _Handler, seen: Seen) -> None:
        """Answer one request (overridden by each server)."""
        headers = [("Content-Type", "application/json"), ("Content-Length", "2")]
        write_answer(handler, Answer(200, "OK", headers, b"{}"))

    def __enter__(self) -> Self:
        for _ in range(20):  # the free IPv4 port may be taken on ::1: pick another
            listeners = [_Listener(("127.0.0.1", 0), _Handler)]
            if self.dual_stack:
                try:
                    listeners.append(_V6Listener(("::1", listeners[0].server_port), _Handler))
                except OSError:
                    listeners[0].server_close()
                    continue
            break
        else:
            raise RuntimeError("no port free on both 127.0.0.1 and ::1")
        self.port = listeners[0].server_port
        for listener in listeners:
            listener.owner = self
            thread = threading.Thread(target=listener.serve_forever, daemon=True)
            thread.start()
            self._listeners.append(listener)
            self._threads.append(thread)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for listener in self._listeners:
            listener.shutdown()
            listener.server_close()
        for thread in self._threads:
            thread.join(5)


class RecordingServer(LoopbackServer):
    """Answers ``{}`` to every request and keeps its headers (a sink for leaked credentials)."""


def write_answer(handler: _Handler, answer: Answer, *, version: str = "HTTP/1.1") -> None:
    """Put ``answer`` on the wire exactly as given: header names are not normalised."""
    lines = [f"{version} {answer.status} {answer.reason}"]
    lines += [f"{name}: {value}" for name, value in answer.headers]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    handler.wfile.write(head if handler.command == "HEAD" else head + answer.body)
    handler.wfile.flush()


class _Proxy(LoopbackServer):
    """Forwards each request to ``upstream`` and rewrites its base URL in bodies to its own."""

    def __init__(self, upstream: str, **options: Any) -> None:
        super().__init__(**options)
        self.upstream = upstream.rstrip("/")

    def forward(self, seen: Seen, target: str | None = None) -> Answer:
        """The upstream's answer to ``seen`` (hop-by-hop headers dropped, body rewritten)."""
        parts = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            headers = {k: v for k, v in seen.headers if k.lower() not in HOP_BY_HOP}
            connection.request(seen.method, target or seen.target, headers=headers)
            response = connection.getresponse()
            body = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            answer = Answer(response.status, response.reason, kept, body)
        finally:
            connection.close()
        answer.body = answer.body.replace(self.upstream.encode(), self.url.encode())
        return answer

    def respond(self, handler: _Handler, seen: Seen) -> None:
        answer = self.transform(self.forward(seen), seen)
        answer.headers.append(("Content-Length", str(len(answer.body))))
        write_answer(handler, answer)

    def transform(self, answer: Answer, seen: Seen) -> Answer:
        """Change the upstream's answer (overridden)."""
        return answer


def respell(name: str, variant: int) -> str:
    """``name`` in one of four spellings, never the usual ``Title-Case`` when avoidable."""
    spellings = (
        name.upper(),
        name.lower(),
        name[:1].upper() + name[1:].lower(),  # Content-type, as Prism writes it
        "".join(c.lower() if i % 2 else c.upper() for i, c in enumerate(name)),
    )
    title = "-".join(part.capitalize() for part in name.split("-"))
    ordered = spellings[variant % 4 :] + spellings[: variant % 4]
    return next((s for s in ordered if s != title), ordered[0])


class GatewayProxy(_Proxy):
    """Respells every header name, gzips the body and sends it chunked, without a length."""

    def __init__(self, upstream: str, *, chunk: int = 997, **options: Any) -> None:
        super().__init__(upstream, **options)
        self.chunk = chunk  # an odd size: chunks never line up with anything in the body
        self._answers = itertools.count()
        self.gzipped = 0
        self.spellings: set[str] = set()

    def respond(self, handler: _Handler, seen: Seen) -> None:
        answer = self.forward(seen)
        number = next(self._answers)
        accepted = seen.header("Accept-Encoding")
        # Gateways compress whatever they may: only a client that leaves gzip out gets none.
        compress = bool(answer.body) and (accepted is None or "gzip" in accepted.lower())
        body = gzip.compress(answer.body) if compress else answer.body
        headers = [*answer.headers, ("Transfer-Encoding", "chunked")]
        if compress:
            headers.append(("Content-Encoding", "gzip"))
            with self._lock:
                self.gzipped += 1
        names = [respell(name, number + index) for index, (name, _) in enumerate(headers)]
        with self._lock:
            self.spellings.update(names)
        framed = b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + self.chunk]), body[i : i + self.chunk])
            for i in range(0, len(body), self.chunk)
        )
        respelled = [(n, v) for n, (_, v) in zip(names, headers, strict=True)]
        framed += b"0\r\n\r\n"
        write_answer(handler, Answer(answer.status, answer.reason, respelled, framed))


class Http10Proxy(_Proxy):
    """An HTTP/1.0 server: no Content-Length, no chunking; closing the connection ends a body."""

    def respond(self, handler: _Handler, seen: Seen) -> None:
        answer = self.forward(seen)
        answer.headers.append(("Connection", "close"))
        head = Answer(answer.status, answer.reason, answer.headers, b"")
        write_answer(handler, head, version="HTTP/1.0")
        if seen.method != "HEAD":
            for start in range(0, len(answer.body), 4096):  # several writes, as a stream
                handler.wfile.write(answer.body[start : start + 4096])
                handler.wfile.flush()
        handler.close_connection = True


def _without_suffix(value: Any) -> Any:
    """A link with ``.json`` taken off the end of its path (anything else as it is)."""
    if not isinstance(value, str):
        return value
    path, mark, query = value.partition("?")
    return (path.removesuffix(".json") + mark + query) if path.endswith(".json") else value


def _strip_links(value: Any) -> Any:
    """Every ``url``, ``next_page``, ``previous_page`` and ``links`` member without ``.json``."""
    if isinstance(value, list):
        return [_strip_links(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("url", "next_page", "previous_page"):
            out[key] = _without_suffix(item)
        elif key == "links" and isinstance(item, dict):
            out[key] = {name: _without_suffix(link) for name, link in item.items()}
        else:
            out[key] = _strip_links(item)
    return out


class BarePathProxy(_Proxy):
    """Answers only the spec's bare paths; a ``.json`` form is Zendesk's InvalidEndpoint 404."""

    def __init__(self, upstream: str, **options: Any) -> None:
        super().__init__(upstream, **options)
        self.refused: list[str] = []

    def respond(self, handler: _Handler, seen: Seen) -> None:
        if urlsplit(seen.target).path.endswith(".json"):
            with self._lock:
                self.refused.append(seen.target)
            headers = [("Content-Type", "application/json; charset=utf-8")]
            headers.append(("Content-Length", str(len(INVALID_ENDPOINT))))
            write_answer(handler, Answer(404, "Not Found", headers, INVALID_ENDPOINT))
            return
        super().respond(handler, seen)

    def transform(self, answer: Answer, seen: Seen) -> Answer:
        try:
            data = json.loads(answer.body)
        except ValueError:
            return answer
        answer.body = json.dumps(_strip_links(data)).encode()
        return answer


class LinkRewritingProxy(_Proxy):
    """Every cursor page's ``links.next`` becomes ``link(self)``, its ``has_more`` true."""

    def __init__(self, upstream: str, link: Callable[[LinkRewritingProxy], str], **kw: Any) -> None:
        super().__init__(upstream, **kw)
        self.link = link

    def transform(self, answer: Answer, seen: Seen) -> Answer:
        try:
            data = json.loads(answer.body)
        except ValueError:
            return answer
        if isinstance(data, dict) and isinstance(data.get("links"), dict):
            data["links"]["next"] = self.link(self)
            if isinstance(data.get("meta"), dict):
                data["meta"]["has_more"] = True
                data["meta"]["after_cursor"] = data["meta"].get("after_cursor") or "x"
            answer.body = json.dumps(data).encode()
        return answer
