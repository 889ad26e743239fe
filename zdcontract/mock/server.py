"""The mock on a real socket: uvicorn in a background thread, a context manager, and ``serve()``."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from types import FrameType, TracebackType
from typing import TextIO

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..errors import TargetError, UsageError
from .app import MockApp, SeenRequest, create_app
from .config import MockConfig
from .faults import parse_fault
from .mutations import parse_mutation

__all__ = ["MockServer", "serve"]

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0


class _CutShortAtStop(logging.Filter):
    """Drop uvicorn's "Exception in ASGI application" for an answer cancelled by a stop.

    A delay or a slow body still under way when the mock stops is cancelled once the
    graceful-shutdown time is up; uvicorn logs that as an application error with a
    traceback. It is how a stopping server ends a response, not a fault of the mock.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, asyncio.CancelledError)


_ERRORS = logging.getLogger("uvicorn.error")
if not any(isinstance(f, _CutShortAtStop) for f in _ERRORS.filters):
    _ERRORS.addFilter(_CutShortAtStop())


class MockServer:
    """A running mock Zendesk server on a socket; start/stop it or use it as a context manager.

    Example:
        >>> import requests
        >>> with MockServer(MockConfig(activities=10)) as server:
        ...     requests.get(f"{server.url}/api/v2/activities/count.json").json()["count"]["value"]
        10
    """

    def __init__(
        self, config: MockConfig | None = None, *, access_log: TextIO | None = None
    ) -> None:
        """Serve ``config`` (port 0: any free port); log ``METHOD target STATUS`` to access_log."""
        self.config = config or MockConfig()
        self._initial = self.config
        self._access_log = access_log
        self._seen: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._app: MockApp | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """Where the server listens, ``http://host:port``: the URL to send requests to."""
        if self._url is None:
            raise RuntimeError("the mock server is not running; call start() or use 'with'")
        return self._url

    @property
    def public_url(self) -> str:
        """The base of every URL in bodies: ``config.public_url``, else ``url``."""
        return self.config.public_url or self.url

    @property
    def port(self) -> int:
        """The bound port (the OS's choice when the config says 0)."""
        return int(self.url.rpartition(":")[2])

    @property
    def app(self) -> MockApp:
        """The ASGI app being served."""
        if self._app is None:
            raise RuntimeError("the mock server is not running; call start() or use 'with'")
        return self._app

    @property
    def requests(self) -> list[SeenRequest]:
        """A snapshot of every request answered so far: ``(method, path?query, status)``."""
        with self._lock:
            return list(self._seen)

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> MockServer:
        """Bind the socket and serve in a background thread; UsageError when the port is taken."""
        if self._thread is not None:
            return self
        sock = _bind(self.config.host, self.config.port)
        port = sock.getsockname()[1]
        self._url = f"http://{_url_host(self.config.host)}:{port}"
        self._app = create_app(self.config, base_url=self.public_url, on_request=self._record)
        settings = uvicorn.Config(
            self._app,
            # httptools, the fastest of uvicorn's parsers; fault tests cover its transport
            http=_HttpToolsProtocol,
            loop="asyncio",
            lifespan="off",
            ws="none",  # never import a websockets library (and its deprecation warnings)
            access_log=False,  # the mock writes its own, token-free access log
            log_config=None,
            log_level="warning",
            server_header=False,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(settings)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="zdcontract-mock", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                sock.close()
                raise TargetError(f"the mock server did not start on {self.config.host}:{port}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread; safe to call twice."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(_STOP_TIMEOUT)
        self._server = self._thread = None
        self._url = None

    def configure(
        self, *, drift: Sequence[str] | None = None, faults: Sequence[str] | None = None
    ) -> None:
        """Replace the injected drift and/or faults without restarting; UsageError if malformed."""
        # Parse both first: a malformed entry changes nothing.
        mutations = None if drift is None else [parse_mutation(text) for text in drift]
        injected = None if faults is None else [parse_fault(text) for text in faults]
        if mutations is not None and drift is not None:
            self.config = replace(self.config, drift=tuple(drift))
            if self._app is not None:
                self._app.set_drift(mutations)
        if injected is not None and faults is not None:
            self.config = replace(self.config, faults=tuple(faults))
            if self._app is not None:
                self._app.set_faults(injected)

    def reset(self) -> None:
        """Back to the drift and faults it started with; forget requests and the rate window."""
        self.configure(drift=self._initial.drift, faults=self._initial.faults)
        if self._app is not None:
            self._app.reset_rate_limit()
        with self._lock:
            self._seen.clear()

    def _record(self, seen: SeenRequest) -> None:
        with self._lock:
            self._seen.append(seen)
        if self._access_log is not None:
            status = str(seen.status) if seen.status else "-"
            with contextlib.suppress(OSError, ValueError):  # a closed pipe must not kill the server
                self._access_log.write(f"{seen.method} {seen.target} {status}\n")
                self._access_log.flush()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve(
    config: MockConfig,
    *,
    access_log: TextIO | None = None,
    on_ready: Callable[[MockServer], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM, then stop cleanly and return (the CLI's main loop).

    uvicorn's own signal handling re-raises the signal after shutting down, which would end
    the process by SIGTERM; the server runs in a thread instead and this loop owns the signals.
    """
    stopping: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    in_main = threading.current_thread() is threading.main_thread()
    signals = (signal.SIGINT, signal.SIGTERM) if in_main else ()
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        with MockServer(config, access_log=access_log) as server:
            if on_ready is not None:
                on_ready(server)
            while not stopping:
                if not server.running:
                    raise TargetError("the mock server stopped unexpectedly")
                time.sleep(0.1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _HttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering every request it has accepted, in order.

    uvicorn (0.54) loses answers on a connection in two cases, fixed here:

    - a malformed request pipelined behind valid ones: its 400 was written at once and the
      connection closed, so the valid requests before it (already logged as answered) got
      nothing. The 400 now waits for them, then closes the connection.
    - a client that half-closes after sending its requests (``printf ... | nc``): the end of
      its stream closed the connection before the pipelined answers were written. The
      connection now stays open for writing until they are.
    """

    _refused: str | None = None  # the 400 owed once the answers before it are out
    _ended = False  # the client has sent everything it will send

    def _answering(self) -> bool:
        in_flight = self.cycle is not None and not self.cycle.response_complete
        return in_flight or bool(self.pipeline)

    def data_received(self, data: bytes) -> None:
        """Feed the parser, unless a malformed request already ended this connection."""
        if self._refused is None:
            super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        """The HTTP layer's 400, after the answers to the requests that came before it."""
        if self._answering():
            self._refused = msg
            self.transport.pause_reading()
            return
        super().send_400_response(msg)

    # uvicorn annotates None; asyncio.Protocol.eof_received may return True to keep the
    # transport open for writing, which is the point here.
    def eof_received(self) -> bool | None:  # type: ignore[override]
        """Keep the connection open for writing while answers are still owed."""
        self._ended = True
        return True if self._answering() else None

    def on_response_complete(self) -> None:
        """Start the next pipelined request; after the last one, send what is still due."""
        super().on_response_complete()
        if self._answering() or self.transport.is_closing():
            return
        if self._refused is not None:
            super().send_400_response(self._refused)
        elif self._ended:
            self.transport.close()


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on host '{host}': {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _url_host(host: str) -> str:
    # A wildcard address is where to listen, not where to connect: links name loopback.
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
