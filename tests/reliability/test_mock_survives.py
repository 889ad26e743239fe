"""The mock survives bad requests and concurrent load, proven over real sockets.

1. Garbage query strings and ids (a Hypothesis property, raw sockets): every answer is a 200
   whose body validates against the contract (for the zendesk profile, with only Zendesk's
   known drift) or a 4xx in one of Zendesk's JSON error shapes; a request target that is
   not HTTP at all (raw bytes outside 0x21-0x7E) gets the HTTP layer's plain 400.
2. Huge and malformed HTTP, one abuse at a time, each answer defined below and each abuse
   followed by a normal request on a new connection.
3. 50 concurrent keep-alive clients walking every page: identical to a serial walk, every
   request logged; then 50 clients while faults and drift are reconfigured mid-flight.

Every test also checks what the servers logged meanwhile (a root handler sees the server
threads' records): no error, no traceback, only the HTTP layer's known warnings. One test
runs ``zdcontract mock`` as a process and reads its stderr.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import os
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import zdcontract
from zdcontract import DriftValidator, UsageError
from zdcontract.mock import MockConfig, MockServer, Profile

pytestmark = pytest.mark.slow

HOST = "127.0.0.1"
#: The no-hang bound of any one socket operation: generous, two busy cores run all of this.
TIMEOUT = 20.0
#: How long all the clients of one load test may take together before the test calls it a hang.
JOIN_TIMEOUT = 120.0
CLIENTS = 50
ACTIVITIES = 60
JSON_TYPE = "application/json; charset=utf-8"
PREFIX = "/api/v2/activities"
COUNT = f"{PREFIX}/count.json"
#: uvicorn's answer to bytes that are not an HTTP/1.1 request: status 400, this body, closed.
NOT_HTTP = b"Invalid HTTP request received."
#: The drift of Zendesk's cursor pages (ZENDESK.md, "Pagination, as the live API does it"),
#: shipped as known in zdcontract/monitor/known/zendesk.json. Nothing else may show.
KNOWN_DRIFT = frozenset(
    {
        "ListActivities|undocumented-field|/links",
        "ListActivities|undocumented-field|/meta",
        "ListActivities|missing-field|/count",
        "ListActivities|missing-field|/next_page",
        "ListActivities|missing-field|/previous_page",
    }
)
NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
NO_ROUTE = {"error": "InvalidEndpoint", "description": "Not found"}
LIST_ERRORS = frozenset({"InvalidValue", "InvalidPaginationParameter", "InvalidPaginationDepth"})
BAD_CURSOR = {
    "code": "InvalidPaginationParameter",
    "title": "Invalid pagination parameter",
    "detail": "the cursor is invalid; use the links of a previous page",
}
#: What the HTTP layer may log while it refuses what is not HTTP; anything else fails a test.
HTTP_LAYER_WARNINGS = (
    "Invalid HTTP request received.",
    "Unsupported upgrade request.",
    "No supported WebSocket library detected.",
)


# -- raw HTTP over sockets ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP response as it came off the wire."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def read_answer(stream: BinaryIO, *, head: bool = False) -> Answer | None:
    """The next response on ``stream``; None at a clean end of stream before any byte.

    Every answer of the mock and of its HTTP layer is framed by Content-Length. A reset or
    a timeout propagates: those are exactly what these tests prove never happen.
    """
    line = stream.readline(65537)
    if not line:
        return None
    version, status, _ = line.decode("latin-1").split(" ", 2)
    assert version == "HTTP/1.1", line
    headers: dict[str, str] = {}
    while (line := stream.readline(65537)) not in (b"\r\n", b"\n"):
        assert line, "the connection ended inside a response head"
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    assert "transfer-encoding" not in headers, headers
    length = 0 if head else int(headers["content-length"])
    body = stream.read(length)
    assert len(body) == length, f"truncated body: {len(body)} of {length} bytes"
    return Answer(int(status), headers, body)


class Wire:
    """A raw TCP connection to a server: send any bytes, read framed answers, see the end."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
        self.stream = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer(self, *, head: bool = False) -> Answer:
        answer = read_answer(self.stream, head=head)
        assert answer is not None, "the server closed the connection without answering"
        return answer

    def at_end(self) -> bool:
        """Whether the server has closed the connection (blocks until it does, or times out)."""
        return self.stream.read(1) == b""

    def reset(self) -> None:
        """Close with RST instead of FIN, as a crashed client does."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    def close(self) -> None:
        self.stream.close()
        self.sock.close()

    def __enter__(self) -> Wire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def request(
    target: bytes | str,
    *,
    method: bytes = b"GET",
    version: bytes = b"HTTP/1.1",
    headers: Sequence[bytes] = (),
    body: bytes = b"",
    close: bool = True,
) -> bytes:
    """The bytes of one request, exactly as given (nothing is checked or escaped)."""
    raw = target.encode("latin-1") if isinstance(target, str) else target
    lines = [method + b" " + raw + b" " + version, b"Host: " + HOST.encode(), *headers]
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def ask(port: int, raw: bytes) -> Answer:
    """Send one request that asks to close, read its answer, and see the connection end."""
    with Wire(port) as wire:
        wire.send(raw)
        answer = wire.answer()
        assert wire.at_end(), "the server kept the connection open after Connection: close"
    return answer


def get(port: int, target: str) -> Answer:
    return ask(port, request(target))


#: The longest request target httptools' URL parser reads (16-bit offsets).
MAX_URL = 65_535


def assert_not_http(answer: Answer) -> None:
    """The HTTP layer's refusal: 400, plain text, and the connection closed."""
    assert answer.status == 400, answer
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.headers["connection"] == "close" and answer.body == NOT_HTTP


def assert_still_serving(server: MockServer) -> None:
    """A normal request on a new connection gets the normal answer."""
    answer = get(server.port, COUNT)
    assert answer.status == 200 and answer.headers["content-type"] == JSON_TYPE
    assert answer.json()["count"]["value"] == server.config.activities


def assert_zendesk_error(answer: Answer, *, codes: frozenset[str] = LIST_ERRORS) -> None:
    """A JSON 4xx in the shape ZENDESK.md records for its status."""
    assert answer.headers["content-type"] == JSON_TYPE, answer
    assert int(answer.headers["content-length"]) == len(answer.body)
    body = answer.json()
    if answer.status == 400:  # {"errors":[{"code","title","detail"}]}, like InvalidPaginationDepth
        assert list(body) == ["errors"] and len(body["errors"]) == 1, body
        (error,) = body["errors"]
        assert sorted(error) == ["code", "detail", "title"], error
        assert all(isinstance(value, str) and value for value in error.values()), error
        assert error["code"] in codes, error
    else:
        assert answer.status == 404 and body in (NOT_FOUND, NO_ROUTE), answer


# -- what the servers log ------------------------------------------------------------------


class LogWatch(logging.Handler):
    """Every record of WARNING and above, from any logger and thread, while installed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)  # Handler.handle holds this handler's lock

    def take(self) -> list[logging.LogRecord]:
        self.acquire()
        try:
            records, self.records = self.records, []
        finally:
            self.release()
        return records


def unexpected(records: Sequence[logging.LogRecord]) -> list[str]:
    """The records that are not the HTTP layer's known warnings, with their tracebacks."""
    shown = []
    for record in records:
        message = record.getMessage()
        known = record.levelno == logging.WARNING and message.startswith(HTTP_LAYER_WARNINGS)
        if not known or record.exc_info:
            shown.append(logging.Formatter().format(record))
    return shown


@pytest.fixture(scope="module")
def log_watch() -> Iterator[LogWatch]:
    watch = LogWatch()
    root = logging.getLogger()
    root.addHandler(watch)
    try:
        yield watch
    finally:
        root.removeHandler(watch)


@pytest.fixture(autouse=True)
def servers_log_no_errors(log_watch: LogWatch) -> Iterator[None]:
    """After each test: nothing but the HTTP layer's known warnings was logged."""
    log_watch.take()
    yield
    problems = unexpected(log_watch.take())
    assert not problems, "\n".join(problems)


# -- servers and what they serve -----------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a test needs to know of a server's dataset: ids, timestamps, issued cursors."""

    server: MockServer
    ids: tuple[int, ...]
    created: tuple[str, ...]
    cursors: tuple[str, ...]  # every cursor a full walk was given, in three listings


def relative(url: str, server: MockServer) -> str:
    """A link of a body as a request target; links must point at the server itself."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == server.public_url, url
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def learn(server: MockServer) -> Facts:
    everything = get(server.port, f"{PREFIX}.json?per_page=100").json()["activities"]
    ids = tuple(int(activity["id"]) for activity in everything)
    created = tuple(activity["created_at"] for activity in everything)
    cursors: list[str] = []
    if server.config.profile is Profile.ZENDESK:
        for first in (
            "page[size]=7",
            f"page[size]={ACTIVITIES}",
            f"page[size]=9&since={created[30]}",
        ):
            target: str | None = f"{PREFIX}.json?{first}"
            while target:
                page = get(server.port, target).json()
                cursors += [
                    c for c in (page["meta"]["after_cursor"], page["meta"]["before_cursor"]) if c
                ]
                target = (
                    relative(page["links"]["next"], server) if page["meta"]["has_more"] else None
                )
    return Facts(server, ids, created, tuple(sorted(set(cursors))))


@pytest.fixture(scope="module")
def zendesk() -> Iterator[Facts]:
    with MockServer(MockConfig(activities=ACTIVITIES, seed=5)) as server:
        yield learn(server)


@pytest.fixture(scope="module")
def conformant() -> Iterator[Facts]:
    config = MockConfig(activities=ACTIVITIES, seed=5, profile=Profile.CONFORMANT)
    with MockServer(config) as server:
        yield learn(server)


@pytest.fixture(scope="module")
def validator() -> Callable[[bytes, str], frozenset[str]]:
    """The fingerprints of a 200 body's findings, with the bundled spec (memoized by body)."""
    drift = DriftValidator()
    seen: dict[tuple[bytes, str], frozenset[str]] = {}

    def fingerprints(body: bytes, operation: str) -> frozenset[str]:
        if (body, operation) not in seen:
            findings = drift.validate(body, operation=operation, content_type=JSON_TYPE)
            seen[body, operation] = frozenset(f.fingerprint for f in findings)
        return seen[body, operation]

    return fingerprints


# -- 1. garbage query strings and ids --------------------------------------------------------

PARAMS = (
    "page[size]",
    "page[after]",
    "page[before]",
    "per_page",
    "page",
    "since",
    "sort",
    "include",
)
ODD_VALUES = (
    *("", " ", "%zz", "%", "%0", "%00", "%u0041", "+", "%2B", "&", "=", "==", "[]", "{}"),
    *("0", "00", "-0", "-1", "1e3", "0x10", "1.0", " 5 ", "\t7", "５", "٣", "1_0", "∞", "NaN"),
    *("null", "true", "\x00", "a\x00b", "\x00" * 8, "\r\n", "\u2028", "\ufeff1", "𝟙"),
    *("1", "99", "100", "101", "10000", "9223372036854775808", "18446744073709551616"),
    *("2026-11-26T10:00:00Z", "2026-11-26", "2026-11-26T10:00:00", "2026-11-26T24:00:00Z"),
    *("2026-11-26T10:00:00+14:00", "2026-02-30T00:00:00Z", "20261126T100000Z", "now"),
    *("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00Z"),
    *("9999-12-31T23:59:59Z", "-created_at", "created_at", "id", "users", "actors,users"),
)
ODD_IDS = (
    *(b"0", b"-0", b"-1", b"00042", b"1.5", b"1e3", b"0x1f", b"+5", b"%2B5", b"abc", b"%zz"),
    *(b"%00", b"%FF%FE", b"%C3%A9", b"%2e%2e", b"%20", b"-", b"99999999999999999999"),
    *(b"9223372036854775807", b"9223372036854775808", b"%D9%A3", b"count.json", b"null"),
)


def cursor_of(document: object) -> str:
    return base64.b64encode(json.dumps(document).encode()).decode()


#: Valid base64 and valid JSON, but not a cursor of this listing's order (-created_at,-id).
FOREIGN_CURSORS = (
    cursor_of({"o": "created_at,id", "v": [1764151200, 29138328152580]}),
    cursor_of({"o": "-score,id", "v": "1764151200,29138328152580"}),
    cursor_of({"o": "-created_at,-id", "v": [1764151200]}),
    cursor_of({"o": "-created_at,-id", "v": [True, 1]}),
    cursor_of({"o": "-created_at,-id", "v": [1.5, 2]}),
    cursor_of({"o": "-created_at,-id", "v": ["1764151200", "1"]}),
    cursor_of({"o": "-created_at,-id"}),
    cursor_of([1764151200, 29138328152580]),
    cursor_of(None),
    cursor_of("-created_at,-id"),
)


#: Parameters that once made the mock answer 500 (and their neighbours), mixed into the
#: random queries so that every run tries them among other garbage.
EDGES = (
    b"page=" + b"9" * 5000,
    b"per_page=" + b"9" * 4301,
    b"page%5Bsize%5D=" + b"9" * 6000,
    b"page[size]=" + b"0" * 5000 + b"5",
    b"page=" + b"0" * 4400 + b"2",
    b"since=9999-12-31T23:59:59-01:00",
    b"since=9999-12-31T23%3A59%3A59-00%3A01",
    b"since=0001-01-01T00:00:00%2B01:00",
    b"since=0001-01-01T00:00:00Z",
    b"since=0999-12-31T23:59:59Z",
    b"page%5Bafter%5D=" + base64.b64encode(b"[" * 5000 + b"]" * 5000),
)


def percent_all(raw: bytes) -> bytes:
    return "".join(f"%{byte:02X}" for byte in raw).encode()


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-5, 150).map(str),
        st.integers(-(10**30), 10**30).map(str),
        # int() refuses more than 4,300 digits: lengths on both sides of that, and beyond.
        st.one_of(st.sampled_from([19, 4300, 4301, 6000]), st.integers(1, 6000)).map(
            lambda n: "9" * n
        ),
        st.one_of(st.just(4301), st.integers(1, 6000)).map(lambda n: "0" * n + "7"),
    )


def offsets() -> st.SearchStrategy[str]:
    minutes = st.integers(-1439, 1439)
    return st.one_of(
        st.sampled_from(["Z", "", "+00:00", "-00:00", "z", "UTC"]),
        minutes.map(lambda m: f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"),
    )


def timestamps(facts: Facts) -> st.SearchStrategy[str]:
    moments = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59))
    # The first and last representable moments: an offset moves them out of range.
    edges = st.sampled_from(["0001-01-01T00:00:00", "9999-12-31T23:59:59", "0999-12-31T23:59:59"])
    return st.one_of(
        st.tuples(edges, offsets()).map("".join),
        st.tuples(moments, offsets()).map(lambda mo: mo[0].isoformat(timespec="seconds") + mo[1]),
        st.tuples(moments, offsets()).map(lambda mo: mo[0].isoformat() + mo[1]),
        st.sampled_from(facts.created),
    )


def cursors(facts: Facts) -> st.SearchStrategy[str]:
    strategies = [
        st.sampled_from(FOREIGN_CURSORS),
        st.binary(max_size=48).map(lambda raw: base64.b64encode(raw).decode()),
        st.text(max_size=30).map(lambda text: base64.b64encode(text.encode()).decode()),
    ]
    if facts.cursors:
        issued = st.sampled_from(facts.cursors)
        strategies += [
            issued,
            issued.flatmap(lambda c: st.integers(0, len(c) - 1).map(lambda n: c[:n])),
            issued.map(lambda c: c.replace("+", "-").replace("/", "_").rstrip("=")),
        ]
    return st.one_of(strategies)


def any_text(facts: Facts) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ODD_VALUES),
        st.text(max_size=24),
        numbers(),
        timestamps(facts),
        cursors(facts),
    )


def encodings(value: str) -> st.SearchStrategy[bytes]:
    """``value`` on the wire: percent-encoded in full, form-encoded, half-encoded, or raw."""
    return st.sampled_from(
        [
            quote(value, safe="").encode(),
            quote_plus(value, safe="").encode(),
            quote(value, safe="[]:+/=%").encode(),
            value.encode(),
        ]
    )


def values(texts: st.SearchStrategy[str]) -> st.SearchStrategy[bytes | None]:
    """A value on the wire, or None for a key without '='."""
    return st.one_of(
        texts.flatmap(encodings),
        texts.flatmap(encodings),
        st.binary(max_size=24).map(percent_all),
        st.binary(max_size=24),
        st.none(),
    )


def key_forms(name: str) -> st.SearchStrategy[bytes]:
    quoted = quote(name, safe="")
    variants = (name, quoted, quoted.lower(), name.replace("]", "%5D"), name.upper())
    return st.sampled_from([form.encode() for form in variants])


def pairs(facts: Facts) -> st.SearchStrategy[bytes]:
    """One ``key=value``: a parameter of the API with a value of its kind or of any kind, or
    garbage for both."""
    typed = {"since": timestamps(facts), "page[after]": cursors(facts)}
    typed |= {"page[before]": typed["page[after]"], "per_page": numbers()}
    typed |= {"page[size]": numbers(), "page": numbers()}

    def of(name: str) -> st.SearchStrategy[tuple[bytes, bytes | None]]:
        # Mostly a value of the parameter's own kind, where the edge cases are.
        texts = (
            st.one_of(typed[name], typed[name], any_text(facts))
            if name in typed
            else any_text(facts)
        )
        return st.tuples(key_forms(name), values(texts))

    garbage = st.tuples(
        st.one_of(
            st.text(max_size=10).map(lambda t: quote(t, safe="").encode()), st.binary(max_size=6)
        ),
        values(any_text(facts)),
    )
    either = st.one_of(
        st.sampled_from(PARAMS).flatmap(of),
        garbage,
        st.sampled_from(EDGES).map(lambda e: (e, None)),
    )
    return either.map(lambda kv: kv[0] if kv[1] is None else kv[0] + b"=" + kv[1])


def queries(facts: Facts) -> st.SearchStrategy[bytes]:
    separator = st.sampled_from([b"&", b"&", b"&&", b";"])
    listed = st.lists(pairs(facts), max_size=8)
    return st.tuples(separator, listed).map(lambda sl: sl[0].join(sl[1]))


def activity_ids(facts: Facts) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(facts.ids).map(lambda i: str(i).encode()),
        st.integers(-(2**70), 2**70).map(lambda i: str(i).encode()),
        st.sampled_from(ODD_IDS),
        st.text(min_size=1, max_size=20).map(lambda text: quote(text, safe="").encode()),
        st.binary(min_size=1, max_size=12).map(percent_all),
        st.binary(min_size=1, max_size=12),
    )


@st.composite
def targets(draw: st.DrawFn, facts: Facts) -> tuple[str, bytes]:
    """An operation and a request target for it: garbage ids, query strings and fragments."""
    operation = draw(st.sampled_from(["ListActivities"] * 3 + ["ShowActivity", "CountActivities"]))
    if operation == "ListActivities":
        path = draw(st.sampled_from([PREFIX, f"{PREFIX}.json", f"{PREFIX}/"])).encode()
    elif operation == "CountActivities":
        path = draw(st.sampled_from([f"{PREFIX}/count", COUNT, f"{PREFIX}/count/"])).encode()
    else:
        suffix = draw(st.sampled_from([b"", b".json"]))
        path = f"{PREFIX}/".encode() + draw(activity_ids(facts)) + suffix
    query = draw(queries(facts))
    target = path + (b"?" + query if query or draw(st.booleans()) else b"")
    if draw(st.integers(0, 9)) == 0:
        target += b"#" + draw(st.binary(max_size=8))
    return operation, target


OK, BAD, UNSURE = "ok", "bad", "unsure"


def number(text: str) -> int:
    """A string of ASCII digits as a number; any longer than 18 digits as 10**19."""
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else 10**19


def number_verdict(text: str, low: int, high: int | None) -> str:
    if re.fullmatch(r"[0-9]+", text):
        value = number(text)
        return OK if value >= low and (high is None or value <= high) else BAD
    # Surrounding whitespace: whether it is forgiven is the server's choice.
    return BAD if text == text.strip() else UNSURE


def since_verdict(text: str) -> str:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", text):
        try:  # the form Zendesk documents, YYYY-MM-DDTHH:MM:SSZ, if it names a real moment
            datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return BAD
        return OK
    return UNSURE if any(char in "0123456789" for char in text) else BAD


_BASE64_ISH = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ")


def cursor_verdict(text: str, facts: Facts) -> str:
    if text in facts.cursors:
        return OK
    core = text.strip()
    return BAD if not core or set(core) - _BASE64_ISH else UNSURE


def list_statuses(params: dict[str, str], facts: Facts) -> frozenset[int] | None:
    """The statuses a list request may get; None when the oracle cannot tell 200 from 400."""
    verdicts = [since_verdict(params["since"])] if "since" in params else []
    cursor_mode = facts.server.config.profile is Profile.ZENDESK and any(
        key in params for key in ("page[size]", "page[after]", "page[before]")
    )
    deep = False
    if cursor_mode:
        if "page[after]" in params and "page[before]" in params:
            return frozenset({400})
        if "page[size]" in params:
            verdicts.append(number_verdict(params["page[size]"], 1, 100))
        verdicts += [
            cursor_verdict(params[k], facts) for k in ("page[after]", "page[before]") if k in params
        ]
    else:
        # The conformant profile reads a lone page[size] as per_page (it has no cursors).
        zendesk = facts.server.config.profile is Profile.ZENDESK
        size_key = "per_page" if "per_page" in params or zendesk else "page[size]"
        size = number_verdict(params[size_key], 1, 100) if size_key in params else OK
        page = number_verdict(params["page"], 1, None) if "page" in params else OK
        verdicts += [size, page]
        if size == page == OK:
            per_page, at = number(params.get(size_key, "100")), number(params.get("page", "1"))
            deep = at > 100 or at * per_page > 10_000  # InvalidPaginationDepth (ZENDESK.md)
    if BAD in verdicts:
        return frozenset({400})
    if UNSURE in verdicts:
        return None
    return frozenset({400 if deep else 200})


def show_statuses(path: str, facts: Facts) -> frozenset[int] | None:
    rest = path.removeprefix(f"{PREFIX}/")
    segment = rest.removesuffix(".json")
    if "/" in rest or segment in ("", "count"):
        return None  # another route, or none: decided by routing, not by the id
    if re.fullmatch(r"-?[0-9]{1,19}", segment):  # ids are int64 (ZENDESK.md)
        return frozenset({200 if int(segment) in facts.ids else 404})
    return frozenset({400})


def operation_of(body: dict[str, Any]) -> str:
    if "activity" in body:
        return "ShowActivity"
    return "CountActivities" if "count" in body and len(body) == 1 else "ListActivities"


def check_garbage_answer(
    facts: Facts,
    operation: str,
    target: bytes,
    answer: Answer,
    fingerprints: Callable[[bytes, str], frozenset[str]],
) -> None:
    """What a request target, garbage or not, may be answered with (see the module doc)."""
    # Spaces at the end only widen the gap before "HTTP/1.1": httptools parses on word
    # boundaries there, as RFC 9112 section 3 allows.
    target = target.rstrip(b" ")
    if any(not 0x21 <= byte <= 0x7E for byte in target):
        assert_not_http(answer)  # raw bytes outside the request-target grammar (RFC 9112)
        return
    if len(target) > MAX_URL:
        assert_not_http(answer)  # beyond what httptools parses (see test_enormous_urls)
        return
    # Split as httptools does: the path ends at '?' or '#', the query at '#'.
    raw_path = re.split(rb"[?#]", target, maxsplit=1)[0]
    after = target[len(raw_path) :]
    query = after[1:].split(b"#", 1)[0] if after.startswith(b"?") else b""
    path = unquote(raw_path.decode("ascii"))
    if operation == "ListActivities":
        # Zendesk runs Rails: a repeated parameter keeps its last value.
        params = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
        expected = list_statuses(params, facts)
    elif operation == "ShowActivity":
        expected = show_statuses(path, facts)
    else:
        expected = frozenset({200})  # query parameters never matter to the count
    note(f"path {path!r}, expected {expected}, got {answer.status}: {answer.body[:300]!r}")
    assert answer.status in (expected or {200, 400, 404}), answer.status
    assert answer.headers["content-type"] == JSON_TYPE
    assert int(answer.headers["content-length"]) == len(answer.body)
    if answer.status != 200:
        codes = LIST_ERRORS if operation == "ListActivities" else frozenset({"InvalidValue"})
        assert_zendesk_error(answer, codes=codes if expected else LIST_ERRORS)
        if expected and operation == "ShowActivity" and answer.status == 404:
            assert answer.json() == NOT_FOUND
        return
    body = answer.json()
    if expected:
        assert operation_of(body) == operation, body
    # A cursor page (zendesk profile only) shows exactly Zendesk's known drift; any other
    # 200 conforms to the spec.
    cursor_page = "meta" in body
    assert not cursor_page or facts.server.config.profile is Profile.ZENDESK
    drift = fingerprints(answer.body, operation_of(body))
    assert drift == (KNOWN_DRIFT if cursor_page else frozenset()), sorted(drift)


GARBAGE = settings(
    max_examples=300,
    deadline=None,
    # The autouse log check runs per test, around all the examples, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@GARBAGE
@given(data=st.data())
def test_garbage_requests_to_the_zendesk_profile(
    zendesk: Facts, validator: Callable[[bytes, str], frozenset[str]], data: st.DataObject
) -> None:
    operation, target = data.draw(targets(zendesk), label="target")
    answer = ask(zendesk.server.port, request(target))
    check_garbage_answer(zendesk, operation, target, answer, validator)


@settings(GARBAGE, max_examples=120)
@given(data=st.data())
def test_garbage_requests_to_the_conformant_profile(
    conformant: Facts, validator: Callable[[bytes, str], frozenset[str]], data: st.DataObject
) -> None:
    operation, target = data.draw(targets(conformant), label="target")
    answer = ask(conformant.server.port, request(target))
    check_garbage_answer(conformant, operation, target, answer, validator)


def invalid_cursors(facts: Facts) -> list[tuple[str, str]]:
    issued = facts.cursors[0]
    padded = issued.rstrip("=")
    return [
        ("random base64", base64.b64encode(bytes(range(7, 40))).decode()),
        ("truncated", padded[: len(padded) // 2]),
        ("truncated by one", padded[:-1]),
        ("base64 of text", base64.b64encode(b"not json at all").decode()),
        ("base64 of bytes", base64.b64encode(b"\xff\xfe\x00\x01").decode()),
        ("not base64", "!!not-a-cursor!!"),
        ("non-ascii", "éé" + issued),
        ("empty", ""),
        ("huge", issued * 400),
        ("deep json", base64.b64encode(b"[" * 5000 + b"]" * 5000).decode()),
        *((f"foreign {n}", cursor) for n, cursor in enumerate(FOREIGN_CURSORS)),
    ]


@pytest.mark.parametrize("direction", ["page[after]", "page[before]"])
def test_invalid_cursors_are_zendesk_400s(zendesk: Facts, direction: str) -> None:
    # ZENDESK.md says only that cursors are opaque base64; what a bad one gets is inferred
    # (params.py): the errors-list 400 the documented InvalidPaginationDepth uses.
    for kind, cursor in invalid_cursors(zendesk):
        for size in ("", "&page[size]=5"):
            target = f"{PREFIX}.json?{quote(direction)}={quote(cursor, safe='')}{size}"
            answer = get(zendesk.server.port, target)
            assert answer.status == 400, (kind, answer)
            assert answer.json() == {"errors": [BAD_CURSOR]}, kind
    both = f"{PREFIX}.json?page[after]={zendesk.cursors[0]}&page[before]={zendesk.cursors[1]}"
    assert get(zendesk.server.port, quote(both, safe="/?=&")).status == 400


def test_cursors_damaged_in_transport_still_work(zendesk: Facts) -> None:
    # A '+' read as a space, the url-safe alphabet, lost padding: the same page.
    port = zendesk.server.port
    for cursor in zendesk.cursors[:6]:
        expected = get(port, f"{PREFIX}.json?page[after]={quote(cursor, safe='')}").body
        for spelling in (
            cursor.replace("+", " "),
            cursor.replace("+", "-").replace("/", "_"),
            cursor.rstrip("="),
            f" {cursor} ",
        ):
            answer = get(port, f"{PREFIX}.json?page[after]={quote(spelling, safe='')}")
            assert answer.status == 200 and answer.body == expected, spelling


@pytest.mark.parametrize("key", ["page", "per_page", "page[size]"])
def test_numbers_too_long_for_int_are_400s_not_500s(zendesk: Facts, key: str) -> None:
    # int() refuses more than 4,300 digits; such a number escaped as a 500.
    port = zendesk.server.port
    answer = get(port, f"{PREFIX}.json?{quote(key)}={'9' * 5000}")
    assert answer.status == 400, answer
    code = "InvalidPaginationDepth" if key == "page" else "InvalidPaginationParameter"
    assert answer.json()["errors"][0]["code"] == code
    # Leading zeros are not a long number: page 5 (past the data) or a size of 5.
    padded = get(port, f"{PREFIX}.json?{quote(key)}={'0' * 5000}5")
    assert padded.status == 200
    assert len(padded.json()["activities"]) == (0 if key == "page" else 5)


@pytest.mark.parametrize(
    "since", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "2026-13-01T00:00:00Z"]
)
def test_since_out_of_range_is_invalid_value(zendesk: Facts, since: str) -> None:
    # ZENDESK.md: a malformed since is inferred to be a 400 with a JSON error body. These
    # are valid ISO 8601 that no UTC datetime can hold; they escaped as 500s.
    answer = get(zendesk.server.port, f"{PREFIX}.json?since={quote(since)}")
    assert answer.status == 400
    assert answer.json()["errors"][0]["code"] == "InvalidValue"


@pytest.mark.parametrize("first", ["page[size]=25", "per_page=25"])
def test_links_of_a_since_before_year_1000_can_be_followed(zendesk: Facts, first: str) -> None:
    # Links carried since=1-01-01T00:00:00Z (glibc's %Y), which the next request refused.
    port, walked = zendesk.server.port, 0
    target: str | None = f"{PREFIX}.json?{first}&since=0001-01-01T00:00:00Z"
    while target:
        answer = get(port, target)
        assert answer.status == 200, answer
        page = answer.json()
        walked += len(page["activities"])
        if "links" in page:
            target = page["links"]["next"] if page["meta"]["has_more"] else None
            assert not target or "since=0001-01-01T00%3A00%3A00Z" in target
        else:
            target = page["next_page"]
        target = relative(target, zendesk.server) if target else None
    assert walked == ACTIVITIES


# -- 2. huge and malformed HTTP -------------------------------------------------------------


def test_huge_headers_are_served(zendesk: Facts) -> None:
    # httptools sets no limit on a request head (uvicorn's h11_max_incomplete_event_size
    # applies to h11 only): a 1 MiB header, a 64 KiB name, 10,000 headers are all served.
    server = zendesk.server
    big = [
        [b"X-Big: " + b"a" * 65536],
        [b"X-Big: " + b"a" * (1 << 20)],
        [b"Cookie: " + b"c=" + b"x" * 65536],
        [b"X-Header-%d: %d" % (n, n) for n in range(200)],
        [b"X-Header-%d: v" % n for n in range(10_000)],
        [b"X-" + b"n" * 65536 + b": v"],
    ]
    for headers in big:
        answer = ask(server.port, request(COUNT, headers=headers))
        assert answer.status == 200, len(headers)
        assert_still_serving(server)


def test_headers_with_non_ascii_bytes(zendesk: Facts) -> None:
    server = zendesk.server
    # In a value: obs-text (RFC 9110 allows it); the mock reads it as Latin-1 and serves.
    for value in (b"\xff\xfe\xc3\xa9", "d\u00e9j\u00e0 vu".encode(), b"\x80" * 1000):
        answer = ask(server.port, request(COUNT, headers=[b"X-Odd: " + value]))
        assert answer.status == 200
    # In a name, or control bytes in a value: not a header at all, the HTTP layer refuses.
    for line in (b"X-\xc3\xa9: v", b"X-Nul: a\x00b", b"No colon here", b"X-Bell: \x07", b": v"):
        assert_not_http(ask(server.port, request(COUNT, headers=[line])))
        assert_still_serving(server)


def test_garbage_authorization_is_a_401_not_a_500() -> None:
    # Basic credentials with bytes 0x80-0xFF made base64 raise a ValueError: a 500.
    config = MockConfig(activities=3, auth_token="sesame", auth_email="agent@example.com")
    with MockServer(config) as server:
        couldnt = {"error": "Couldn't authenticate you"}
        for value in (
            b"Basic \xe9\xe9",
            b"Basic " + b"\xff" * 10,
            b"Basic " + base64.b64encode(b"agent@example.com/token:sesame") + b"\xe9",
            b"Basic " + base64.b64encode(b"\xff\xfe:\xff"),
            b"Basic " + b"A" * 100_000,
            b"Basic",
            b"\xff\xfe",
        ):
            answer = ask(server.port, request(COUNT, headers=[b"Authorization: " + value]))
            assert answer.status == 401 and answer.json() == couldnt, value[:40]
            assert answer.headers["www-authenticate"] == 'Basic realm="Web Password"'
        answer = ask(server.port, request(COUNT, headers=[b"Authorization: Bearer \xff\xfe"]))
        assert answer.status == 401 and answer.json()["error"] == "invalid_token"
        good = b"Basic " + base64.b64encode(b"agent@example.com/token:sesame")
        answer = ask(server.port, request(COUNT, headers=[b"Authorization: " + good]))
        assert answer.status == 200


def test_enormous_urls(zendesk: Facts) -> None:
    server = zendesk.server
    # Under 64 KiB the app sees it: an unknown parameter, ignored (README), and a 400 for
    # a garbage since of 60 KB.
    answer = get(server.port, f"{PREFIX}.json?per_page=2&x={'a' * 60_000}")
    assert answer.status == 200 and len(answer.json()["activities"]) == 2
    answer = get(server.port, f"{PREFIX}.json?since={'z' * 60_000}")
    assert answer.status == 400 and answer.json()["errors"][0]["code"] == "InvalidValue"
    # Beyond that httptools' URL parser (16-bit offsets) refuses it: the HTTP layer's 400
    # (a real front end says 414; either tells the client the URL is unusable).
    for size in (100_000, 1 << 20):
        assert_not_http(get(server.port, f"{PREFIX}.json?x={'a' * size}"))
        assert_not_http(get(server.port, f"{PREFIX}/{'1' * size}"))
        assert_still_serving(server)


@pytest.mark.parametrize(
    "method", [b"G@RBAGE", b"FOO", b"get", b"GET GET", b"\x00GET", b"G\xc3\xa9T", b"X" * 10_000]
)
def test_garbage_methods_are_refused_by_the_http_layer(zendesk: Facts, method: bytes) -> None:
    assert_not_http(ask(zendesk.server.port, request(COUNT, method=method)))
    assert_still_serving(zendesk.server)


@pytest.mark.parametrize("method", [b"PROPFIND", b"PURGE", b"TRACE", b"PATCH", b"OPTIONS"])
def test_methods_httptools_knows_are_invalid_endpoint(zendesk: Facts, method: bytes) -> None:
    # ZENDESK.md lists GET only; routing.py: any other method matches no route.
    answer = ask(zendesk.server.port, request(COUNT, method=method))
    assert answer.status == 404 and answer.json() == NO_ROUTE


def test_garbage_bytes_instead_of_a_request(zendesk: Facts) -> None:
    server = zendesk.server
    for junk in (
        b"\x00\x01\x02\x03garbage\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(64)),  # a TLS hello
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET / FTP/1.1\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",  # an HTTP/2 preface
        b"\r\n" * 10 + b"GET " + COUNT.encode() + b" HTTP/1.1\r\nHost: x\r\nX\r\n\r\n",
    ):
        with Wire(server.port) as wire:
            wire.send(junk)
            assert_not_http(wire.answer())
            assert wire.at_end()
        assert_still_serving(server)


def test_http_1_0_is_answered_and_closed(zendesk: Facts) -> None:
    for headers in ([], [b"Connection: keep-alive"]):
        with Wire(zendesk.server.port) as wire:
            wire.send(request(COUNT, version=b"HTTP/1.0", headers=headers, close=False))
            answer = wire.answer()
            assert answer.status == 200 and answer.headers["connection"] == "close"
            assert wire.at_end()
    # Bare HTTP/1.0 without even a Host header.
    with Wire(zendesk.server.port) as wire:
        wire.send(b"GET " + COUNT.encode() + b" HTTP/1.0\r\n\r\n")
        assert wire.answer().status == 200 and wire.at_end()


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ([b"Content-Length: 5"], b"hello"),
        ([b"Content-Length: 65536"], b"x" * 65536),
        ([b"Transfer-Encoding: chunked"], b"5\r\nhello\r\n0\r\n\r\n"),
        ([b"Expect: 100-continue", b"Content-Length: 3"], b"abc"),
        ([b"Content-Type: application/json", b"Content-Length: 9"], b'{"a": 1}\n'),
    ],
)
def test_a_body_on_get_is_ignored_and_the_connection_reusable(
    zendesk: Facts, headers: list[bytes], body: bytes
) -> None:
    with Wire(zendesk.server.port) as wire:
        wire.send(request(COUNT, headers=headers, body=body, close=False))
        first = wire.answer()
        wire.send(request(COUNT))
        second = wire.answer()
        assert first.status == second.status == 200 and first.body == second.body
        assert wire.at_end()


@pytest.mark.parametrize(
    "headers",
    [
        [b"Content-Length: 5", b"Transfer-Encoding: chunked"],  # smuggling: RFC 9112 6.1
        [b"Content-Length: 5", b"Content-Length: 6"],
        [b"Content-Length: -1"],
        [b"Content-Length: abc"],
        [b"Transfer-Encoding: chunked"],  # then a chunk size that is not hex
    ],
)
def test_ambiguous_bodies_are_refused(zendesk: Facts, headers: list[bytes]) -> None:
    with Wire(zendesk.server.port) as wire:
        wire.send(request(COUNT, headers=headers, body=b"zz\r\nhello\r\n0\r\n\r\n", close=False))
        answers = []
        while (answer := read_answer(wire.stream)) is not None:
            answers.append(answer)
        # Some are refused before the app sees them, some after: the last word is the 400.
        assert answers and all(a.status == 200 for a in answers[:-1]), answers
        assert_not_http(answers[-1])
    assert_still_serving(zendesk.server)


def pipelined_targets(facts: Facts) -> list[str]:
    some = sorted(facts.ids)[:3]
    return [
        COUNT,
        f"{PREFIX}.json?page[size]=5",
        f"{PREFIX}/{some[0]}.json",
        f"{PREFIX}.json?page[size]=abc",  # 400, the connection stays up
        f"{PREFIX}/12345678901234.json",  # 404 RecordNotFound
        "/api/v2/tickets.json",  # 404 InvalidEndpoint
        f"{PREFIX}.json?per_page=7&page=3",
        f"{PREFIX}/{some[1]}",
        f"{PREFIX}.json?page[after]=garbage",
        f"{PREFIX}/count",
    ] * 3


def test_pipelined_requests_are_answered_in_order(zendesk: Facts) -> None:
    port, targets_ = zendesk.server.port, pipelined_targets(zendesk)
    alone = [get(port, target) for target in targets_]
    with Wire(port) as wire:
        wire.send(b"".join(request(t, close=False) for t in targets_) + request(COUNT))
        for target, expected in zip(targets_, alone, strict=True):
            answer = wire.answer()
            assert (answer.status, answer.body) == (expected.status, expected.body), target
        assert wire.answer().status == 200 and wire.at_end()


@pytest.mark.parametrize(
    "junk", [b"G@RBAGE / HTTP/1.1\r\n\r\n", b"\x00\x01junk\r\n\r\n", b"GET /\x7f HTTP/1.1\r\n\r\n"]
)
def test_a_malformed_request_in_a_pipeline_comes_after_the_answers_before_it(
    zendesk: Facts, junk: bytes
) -> None:
    # uvicorn wrote the 400 at once and closed the connection: the valid requests before it
    # were logged as answered, and their answers never left. server.py's protocol waits.
    port, targets_ = zendesk.server.port, pipelined_targets(zendesk)[:10]
    alone = [get(port, target) for target in targets_]
    with Wire(port) as wire:
        wire.send(b"".join(request(t, close=False) for t in targets_) + junk + request(COUNT))
        for target, expected in zip(targets_, alone, strict=True):
            answer = wire.answer()
            assert (answer.status, answer.body) == (expected.status, expected.body), target
        assert_not_http(wire.answer())
        assert wire.at_end()


def test_a_client_that_half_closes_gets_every_answer(zendesk: Facts) -> None:
    # ``printf ... | nc``: requests, then end of stream. The end closed the connection before
    # pipelined answers were written; the connection now stays open until they are.
    port, targets_ = zendesk.server.port, pipelined_targets(zendesk)
    alone = [get(port, target) for target in targets_]
    for tail in (b"", b"GET /api/v2/activities/co"):
        with Wire(port) as wire:
            wire.send(b"".join(request(t, close=False) for t in targets_) + tail)
            wire.sock.shutdown(socket.SHUT_WR)
            for target, expected in zip(targets_, alone, strict=True):
                answer = wire.answer()
                assert (answer.status, answer.body) == (expected.status, expected.body), target
            assert wire.at_end()


def test_upgrade_requests_are_served_as_plain_http(zendesk: Facts) -> None:
    # No websocket or h2c here: the HTTP layer warns and serves the request as HTTP/1.1.
    for upgrade in (b"websocket", b"h2c", b"\xff"):
        headers = [b"Connection: Upgrade", b"Upgrade: " + upgrade]
        answer = ask(zendesk.server.port, request(COUNT, headers=headers))
        assert answer.status == 200


def test_odd_but_valid_request_targets(zendesk: Facts) -> None:
    port = zendesk.server.port
    # The absolute form (a proxy's request): served by its path.
    assert get(port, f"http://elsewhere.example{COUNT}").status == 200
    # The asterisk form and paths that name no route: InvalidEndpoint; a NUL id: InvalidValue.
    for target in ("*", "//", f"{PREFIX}/.json", f"{PREFIX}/1/2", f"{PREFIX}/%00", "/%00"):
        answer = get(port, target)
        assert answer.status in (400, 404), target
        assert_zendesk_error(answer, codes=frozenset({"InvalidValue"}))


def test_clients_that_vanish_mid_request(zendesk: Facts) -> None:
    server = zendesk.server
    halves = (
        b"GET /api/v2/activ",
        request(COUNT)[:-2],  # the head never ends
        request(f"{PREFIX}.json", method=b"POST", headers=[b"Content-Length: 1000"]) + b"x" * 10,
        request(f"{PREFIX}.json", headers=[b"Transfer-Encoding: chunked"]) + b"ff\r\nabc",
    )
    for half in halves:
        for vanish in (Wire.close, Wire.reset):
            wire = Wire(server.port)
            wire.send(half)
            vanish(wire)
            assert_still_serving(server)
    # Gone before reading a large answer (the server is still writing it).
    for _ in range(5):
        wire = Wire(server.port)
        wire.send(request(f"{PREFIX}.json?per_page=100", close=False) * 20)
        wire.reset()
    assert_still_serving(server)


def test_idle_and_half_sent_connections_block_nobody() -> None:
    with MockServer(MockConfig(activities=7)) as server:
        idle = [Wire(server.port) for _ in range(40)]
        halves = [Wire(server.port) for _ in range(40)]
        try:
            for wire in halves:
                wire.send(request(COUNT)[:30])
            for _ in range(20):  # everyone else is served, on new and on kept-alive connections
                assert_still_serving(server)
            with closing(http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)) as conn:
                for _ in range(20):
                    conn.request("GET", COUNT)
                    assert conn.getresponse().read() and conn.sock is not None
            # The half-sent requests were never answered nor logged.
            assert len(server.requests) == 40 and all(s.status == 200 for s in server.requests)
            # And they do not keep the server from stopping.
            server.stop()
            assert not server.running
            for wire in idle + halves:
                assert wire.at_end()
        finally:
            for wire in idle + halves:
                wire.close()


def test_connection_storm(zendesk: Facts) -> None:
    # 300 connections opened and dropped at once, half of them with RST.
    wires = [Wire(zendesk.server.port) for _ in range(300)]
    for n, wire in enumerate(wires):
        if n % 2:
            wire.reset()
        else:
            wire.close()
    assert_still_serving(zendesk.server)


# -- 3. concurrent load ----------------------------------------------------------------------


@dataclass
class Client:
    """One keep-alive client: what it asked, what came back, what went wrong."""

    sent: int = 0
    answers: list[tuple[str, int, bytes]] = field(default_factory=list)
    ports: set[int] = field(default_factory=set)
    failures: list[BaseException] = field(default_factory=list)


def fetch(conn: http.client.HTTPConnection, target: str, client: Client) -> tuple[int, bytes]:
    client.sent += 1
    conn.request("GET", target)
    response = conn.getresponse()
    body = response.read()
    if conn.sock is not None:
        client.ports.add(conn.sock.getsockname()[1])
    return response.status, body


def walk(conn: http.client.HTTPConnection, server: MockServer, plan: Plan, client: Client) -> None:
    """The whole listing page by page, as zenpy walks it, then shows and counts."""
    target: str | None = plan.first
    while target:
        status, body = fetch(conn, target, client)
        client.answers.append((target, status, body))
        page = json.loads(body)
        if "links" in page:  # cursor: follow links.next while has_more (ZENDESK.md, zenpy)
            target = page["links"]["next"] if page["meta"]["has_more"] else None
        else:
            target = page["next_page"]
        target = relative(target, server) if target else None
    for shown in plan.shows:
        status, body = fetch(conn, shown, client)
        client.answers.append((shown, status, body))


@dataclass(frozen=True)
class Plan:
    first: str
    shows: tuple[str, ...]


def plans(server: MockServer) -> list[Plan]:
    with closing(http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)) as conn:
        status, body = fetch(conn, f"{PREFIX}.json?per_page=100", Client())
    activities = json.loads(body)["activities"]
    ids = [a["id"] for a in activities]
    shows = (f"{PREFIX}/{ids[0]}.json", f"{PREFIX}/{ids[-1]}", f"{PREFIX}/{ids[50]}.json", COUNT)
    since = activities[60]["created_at"]
    return [
        Plan(f"{PREFIX}.json?page[size]=10", shows),  # 250 = 25 full pages, then an empty one
        Plan(f"{PREFIX}.json?page%5Bsize%5D=25", shows),
        Plan(f"{PREFIX}?page[size]=100", shows),
        Plan(f"{PREFIX}.json?per_page=30", shows),
        Plan(f"{PREFIX}.json?page[size]=7&since={since}", shows + (f"{PREFIX}/count",)),
    ]


def run_clients(count: int, work: Callable[[int, Client], None]) -> list[Client]:
    """``count`` threads, released together, each doing ``work``; every one must finish."""
    clients = [Client() for _ in range(count)]
    barrier = threading.Barrier(count, timeout=TIMEOUT)

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index, clients[index])
        except BaseException as exc:  # reported by the test, not by the thread hook
            clients[index].failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    hung = [thread.name for thread in threads if thread.is_alive()]
    assert not hung, f"clients still running after {JOIN_TIMEOUT} s: {hung}"
    return clients


@pytest.fixture(scope="module")
def loaded() -> Iterator[MockServer]:
    with MockServer(MockConfig(activities=250, seed=3)) as server:
        yield server


def test_fifty_keep_alive_clients_see_what_a_serial_walk_sees(loaded: MockServer) -> None:
    walks = plans(loaded)
    reference = {}
    for plan in walks:
        serial = Client()
        with closing(http.client.HTTPConnection(HOST, loaded.port, timeout=TIMEOUT)) as conn:
            walk(conn, loaded, plan, serial)
        assert all(status == 200 for _, status, _ in serial.answers)
        reference[plan] = serial.answers
    loaded.reset()

    def work(index: int, client: Client) -> None:
        plan = walks[index % len(walks)]
        with closing(http.client.HTTPConnection(HOST, loaded.port, timeout=TIMEOUT)) as conn:
            walk(conn, loaded, plan, client)

    clients = run_clients(CLIENTS, work)
    failures = [(n, repr(exc)) for n, c in enumerate(clients) for exc in c.failures]
    assert not failures
    for index, client in enumerate(clients):
        assert client.answers == reference[walks[index % len(walks)]], index
        assert len(client.ports) == 1, "each client kept one connection alive"
    seen = loaded.requests
    assert len(seen) == sum(client.sent for client in clients)
    assert all(request.status == 200 for request in seen)


#: Tolerated while faults are on: what the faults do to a client, and nothing else.
FAULTED = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.IncompleteRead,
)
FAULT_ROUNDS = (
    (["status:503@0.3"], []),
    (["reset@0.2"], ["remove:/activities/*/title"]),
    (["truncate@0.2"], []),
    (["html:502@0.3", "delay:0.01@0.3"], ["status:/api/v2/activities/count=500"]),
    (["slow-body:0.02@0.2"], ["type:/count/value=string"]),
    (["status:429@0.2", "reset@0.1", "truncate@0.1"], ["null:/activities/*/actor"]),
    ([], []),
)


def test_fifty_clients_while_faults_change_mid_flight(zd_mock: MockServer) -> None:
    server = zd_mock
    server.reset()
    page = f"{PREFIX}.json?page[size]=20"
    before = get(server.port, page).body
    server.reset()
    targets_ = [COUNT, page, f"{PREFIX}.json?per_page=10&page=2"]
    statuses: set[int] = set()
    faulted: list[str] = []
    done, cycled = threading.Event(), threading.Event()

    def work(index: int, client: Client) -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
        try:
            n = 0
            # At least 12 requests each, and on until every fault round has been in force.
            while n < 12 or not cycled.is_set():
                try:
                    status, _ = fetch(conn, targets_[(index + n) % len(targets_)], client)
                    statuses.add(status)
                except FAULTED as exc:
                    faulted.append(type(exc).__name__)
                    conn.close()  # a new connection for the next request
                n += 1
        finally:
            conn.close()

    def reconfigure() -> None:
        changes = 0
        while not done.is_set():
            faults, drift = FAULT_ROUNDS[changes % len(FAULT_ROUNDS)]
            server.configure(faults=faults, drift=drift)
            changes += 1
            if changes > len(FAULT_ROUNDS):
                cycled.set()
            done.wait(0.02)  # pacing only: no outcome depends on it

    changer = threading.Thread(target=reconfigure, daemon=True)
    changer.start()
    try:
        clients = run_clients(CLIENTS, work)
    finally:
        done.set()
        cycled.set()
        changer.join(TIMEOUT)
    assert not changer.is_alive()
    failures = [(n, repr(exc)) for n, c in enumerate(clients) for exc in c.failures]
    assert not failures
    assert server.running
    # The faults did happen, and nothing else went wrong than what they do.
    assert faulted and statuses - {200}, (faulted, statuses)
    assert statuses <= {200, 429, 500, 502, 503}, statuses
    # Every request a client sent reached the app and was logged (a reset is logged as 0).
    seen = server.requests
    assert len(seen) == sum(client.sent for client in clients)
    assert {request.status for request in seen} <= {0, 200, 429, 500, 502, 503}
    # Faults off: all 50 are served in full again, the same bytes as before the storm.
    server.configure(faults=[], drift=[])

    def check(index: int, client: Client) -> None:
        with closing(http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)) as conn:
            client.answers.append(("", *fetch(conn, page, client)))

    after = run_clients(CLIENTS, check)
    assert all(c.answers == [("", 200, before)] and not c.failures for c in after)


def test_a_drift_that_cannot_be_sent_is_refused_by_configure(zd_mock: MockServer) -> None:
    # A content type outside Latin-1 was accepted, then failed every request with a 500.
    with pytest.raises(UsageError, match="ASCII media type"):
        zd_mock.configure(drift=["content-type:/api/v2/activities/count=\u0442\u0435/json"])
    assert zd_mock.config.drift == () and get(zd_mock.port, COUNT).status == 200


# -- the process as a user runs it -----------------------------------------------------------


class Pump:
    """Everything a process writes to a pipe, read on a thread so the pipe never fills."""

    def __init__(self, pipe: IO[str] | None) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(pipe,), daemon=True)
        self._thread.start()

    def _run(self, pipe: IO[str] | None) -> None:
        for line in pipe or ():
            self.lines.put(line.rstrip("\n"))

    def rest(self) -> list[str]:
        self._thread.join(TIMEOUT)
        return list(self.lines.queue)


def test_the_mock_process_prints_no_traceback_under_abuse() -> None:
    root = Path(zdcontract.__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "zdcontract", "mock", "--port", "0", "--activities", "20"]
    command += ["--auth-token", "sesame"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        out, err = Pump(process.stdout), Pump(process.stderr)
        try:
            banner = out.lines.get(timeout=TIMEOUT)
            found = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
            assert found, banner
            port = int(found.group(1))
            auth = b"Authorization: Basic " + base64.b64encode(b"a@example.com/token:sesame")
            abuses = [
                request(f"{PREFIX}.json?page={'9' * 5000}", headers=[auth]),
                request(f"{PREFIX}.json?since=9999-12-31T23:59:59-01:00", headers=[auth]),
                request(COUNT, headers=[b"Authorization: Basic \xe9\xe9"]),
                request(COUNT, headers=[auth, b"X-Big: " + b"a" * 65536]),
                request(COUNT, method=b"G@RBAGE"),
                request(f"{PREFIX}.json?x={'a' * 100_000}"),
                request(COUNT, headers=[auth], close=False) * 3 + b"\x00junk\r\n\r\n",
            ]
            for abuse in abuses:
                with Wire(port) as wire:
                    wire.send(abuse)
                    while (answer := read_answer(wire.stream)) is not None:
                        assert answer.status < 500, (abuse[:60], answer)
            with Wire(port) as wire:
                wire.send(request(COUNT, headers=[auth]))
                assert wire.answer().status == 200
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()  # this test's own child, by its handle
                raise
        assert process.returncode == 0
        errors = err.rest()
        assert not [line for line in errors if not line.startswith(HTTP_LAYER_WARNINGS)], errors
        assert NOT_HTTP.decode() in errors  # stderr was read: the HTTP layer's refusals are there
        assert any(line.startswith("GET /api/v2/activities.json?page=999") for line in out.rest())
