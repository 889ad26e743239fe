"""A throwaway HTTP server on 127.0.0.1 for tests that need a peer other than the mock."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType

#: The headers of an answer unless told otherwise.
JSON: Mapping[str, str] = MappingProxyType({"Content-Type": "application/json"})


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps the test's output free of access-log lines."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` in a thread for the block; yields ``http://127.0.0.1:PORT``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def answer(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    *,
    status: int = 200,
    headers: Mapping[str, str] = JSON,
) -> None:
    """Answer with ``status``, ``headers``, a Content-Length and ``body``.

    A client that hangs up before the end (it stopped reading at its bound) is no error.
    """
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    with contextlib.suppress(OSError):
        handler.wfile.write(body)


def answer_json(handler: BaseHTTPRequestHandler, value: object, *, status: int = 200) -> None:
    """Answer with ``value`` as a JSON body."""
    answer(handler, json.dumps(value).encode(), status=status)


@contextmanager
def answering(
    body: bytes, *, status: int = 200, headers: Mapping[str, str] = JSON
) -> Iterator[str]:
    """Serve ``body`` to every GET for the block; yields the base URL."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            answer(self, body, status=status, headers=headers)

    with serving(Handler) as url:
        yield url


@contextmanager
def counting_target() -> Iterator[tuple[str, list[str]]]:
    """A target that answers every GET (a count of zero) and notes each request's path,
    for tests where none may come."""
    seen: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            seen.append(self.path)
            answer(self, b'{"count": {"value": 0, "refreshed_at": null}}')

    with serving(Handler) as url:
        yield url, seen
