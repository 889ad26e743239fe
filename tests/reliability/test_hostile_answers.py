"""The client never raises, whatever a target answers: a property over status lines and headers.

What a user relies on: a bad answer from the API is a finding (or a transport error, which
is one too), never a crash. The bodies are covered in test_never_raises.py; here a raw
socket answers with Hypothesis-drawn status codes and headers, the ones the client reads
(Location, Retry-After, the rate-limit quota, Content-Type, Content-Length,
Content-Encoding, Transfer-Encoding) given hostile values: huge, negative, infinite, NaN,
unparseable URLs and dates, bytes beyond ASCII. And what those values mean: each
Retry-After and quota reads as a bounded wait or pace, or as nothing.
"""

from __future__ import annotations

import json
import math
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zendesk_bodies as zb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loopback import QuietHandler, answer, serving
from reliability._helpers import complete_reports, run_cli
from reliability.test_never_raises import assert_well_formed
from requests.structures import CaseInsensitiveDict

from zdcontract.drift import DriftValidator
from zdcontract.runner.client import HttpClient
from zdcontract.runner.observe import exchange_findings
from zdcontract.runner.pacing import Pacer, retry_after

NAMES = [
    b"Location",
    b"Retry-After",
    b"X-Rate-Limit-Remaining",
    b"RateLimit-Remaining",
    b"RateLimit-Reset",
    b"Content-Type",
    b"Content-Encoding",
    b"Transfer-Encoding",
    b"Content-Length",
    b"Set-Cookie",
    b"WWW-Authenticate",
]
VALUES = [
    b"",
    b"-1",
    b"0",
    b"1.5",
    b"1e309",
    b"-1e309",
    b"nan",
    b"inf",
    b"99999999999999999999999",
    b"http://[x",
    b"http://\xff\xfe/",
    b"//evil.example/",
    b"Wed, 21 Oct 2015 07:28:00 GMT",
    b"Mon, 99 Foo 9999 99:99:99 GMT",
    b"gzip",
    b"br, deflate",
    b"chunked",
    b"identity, chunked",
    b"application/json; charset=latin-9",
    b"application/json; charset=\xff",
    b"application/json;;;=",
    b"a=b; Expires=garbage; Domain=..",
    b"x" * 5000,
]
BODIES = [
    b'{"count":{"value":1,"refreshed_at":"2026-01-01T00:00:00Z"}}',
    b"",
    b"\x1f\x8b\x08 not gzip",
    b"{",
]
VALIDATOR = DriftValidator()
STATUSES = st.sampled_from([200, 204, 302, 304, 401, 429, 503]) | st.integers(100, 999)
HEADER = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from(VALUES) | st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"")),
)


class Answering:
    """A loopback socket that answers each connection with the bytes set last, then closes."""

    def __init__(self) -> None:
        self.answer = b""
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.settimeout(5)
                    head = b""
                    while b"\r\n\r\n" not in head:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        head += chunk
                    conn.sendall(self.answer)
                except OSError:
                    pass

    def close(self) -> None:
        self._sock.close()


@pytest.fixture(scope="module")
def target() -> Iterator[Answering]:
    server = Answering()
    yield server
    server.close()


def answer_and_validate(
    target: Answering, status: int, headers: list[tuple[bytes, bytes]], body: bytes, length: bool
) -> None:
    """Answer with these parts; the client's exchange, validated, is well-formed findings."""
    lines = [b"%s: %s" % pair for pair in headers]
    if length:
        lines.append(b"Content-Length: %d" % len(body))
    target.answer = b"\r\n".join(
        [b"HTTP/1.1 %d Whatever" % status, *lines, b"Connection: close", b"", body]
    )
    with HttpClient(
        target.url, timeout=2, retries=1, max_wait=0.01, sleep=lambda _: None
    ) as client:
        exchange = client.get("/api/v2/activities/count.json")
    # As a run reads it: a body cut off or left in a coding the client does not decode too.
    assert_well_formed(exchange_findings(VALIDATOR, "CountActivities", exchange), "CountActivities")


@pytest.mark.parametrize("name", NAMES, ids=lambda n: n.decode())
def test_every_hostile_value_of_every_header_read(target: Answering, name: bytes) -> None:
    for value in VALUES:
        for status in (200, 302, 429, 503):
            answer_and_validate(target, status, [(name, value)], BODIES[0], True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=STATUSES,
    headers=st.lists(HEADER, max_size=4),
    body=st.sampled_from(BODIES),
    length=st.booleans(),
)
def test_any_status_line_and_headers_give_findings_not_exceptions(
    target: Answering, status: int, headers: list[tuple[bytes, bytes]], body: bytes, length: bool
) -> None:
    answer_and_validate(target, status, headers, body, length)


NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0", 0.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("-1", None),  # garbage: the client backs off on its own
        ("nan", None),
        ("soon, maybe", None),
        ("", None),
        ("Mon, 99 Foo 9999 99:99:99 GMT", None),
        ("inf", math.inf),  # for ever: beyond any --max-wait, so the sending stops
        ("1e309", math.inf),
        ("9" * 400, math.inf),
        ("Mon, 02 Nov 2026 09:30:05 GMT", 5.0),
        ("Mon, 02 Nov 2026 09:30:05", 5.0),  # no zone: GMT, as HTTP dates are
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: no wait
    ],
)
def test_every_retry_after_reads_as_a_bounded_wait_or_none(
    value: str, seconds: float | None
) -> None:
    assert retry_after(CaseInsensitiveDict({"Retry-After": value}), NOW) == seconds


@pytest.mark.parametrize(
    ("remaining", "reset", "wait", "per_minute"),
    [
        ("10", "60", None, 5.0),  # half of what is left, spread over the window
        ("0", "5", 5.0, 1.0),  # spent: everyone waits for the reset
        ("-3", "5", 5.0, 1.0),  # below nothing is nothing
        ("0", "1e309", 60.0, 1.0),  # a reset no one can wait for: a minute's window
        ("0", "nan", 60.0, 1.0),
        ("0", "-5", 60.0, 1.0),
        ("1e309", "60", None, None),  # not a number the client can spend: ignored
        ("nan", "60", None, None),
    ],
)
def test_every_quota_reads_as_a_bounded_pace(
    remaining: str, reset: str, wait: float | None, per_minute: float | None
) -> None:
    pacer = Pacer(None)
    headers = CaseInsensitiveDict({"X-Rate-Limit-Remaining": remaining, "RateLimit-Reset": reset})
    assert pacer.observe(headers) == wait
    assert pacer.effective == per_minute


def test_a_failed_retry_keeps_nothing_of_the_answer_before_it() -> None:
    """A 503 (a body beyond the bound, in a coding the client does not decode), then a
    hang-up: the request failed on the wire, and its exchange and finding say only that.

    The 503's headers, its cut-off body and its unknown coding once outlived the retry: the
    failure read as a malformed body of status 0, and a recording gave it the 503's headers.
    """
    seen: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            seen.append(self.path)
            if len(seen) > 1:  # no answer at all: the connection is closed
                self.close_connection = True
                return
            headers = {
                "Retry-After": "0",
                "Content-Type": "text/html",
                "Content-Encoding": "x-unknown",
            }
            answer(self, b"x" * 5000, status=503, headers=headers)

    with (
        serving(Handler) as url,
        HttpClient(url, retries=1, max_body=1024, sleep=lambda _: None) as client,
    ):
        exchange = client.get("/api/v2/activities/count")
    assert len(seen) == 2 and dict(exchange.retries) == {"5xx": 1}, (seen, exchange.retries)
    assert exchange.error is not None and exchange.status == 0, exchange
    assert (exchange.oversize, exchange.undecoded) == (None, ())
    assert dict(exchange.headers) == {} and exchange.content_type is None
    assert (exchange.body, exchange.response) == (b"", None)
    [finding] = exchange_findings(VALIDATOR, "CountActivities", exchange)
    assert finding.kind == "transport-error", finding
    assert finding.message.endswith("(after 2 attempts)"), finding.message


@pytest.mark.parametrize("link", ["http://[x/api/v2/activities", "http://127.0.0.1:99999/x"])
def test_links_no_parser_reads_are_violations_not_crashes(tmp_path: Path, link: str) -> None:
    """Pagination links and url self-links that cannot be followed, with --record on."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if "/count" in self.path:
                page: dict[str, Any] = zb.count()
            else:
                page = zb.cursor_page(1)
                page["meta"]["has_more"] = True
                page["links"] = {"next": link, "prev": link}
                for item in page["activities"]:
                    item["url"] = link
            answer(self, zb.dumps(page))

    with serving(Handler) as url:
        finished = run_cli(
            ["run", "--base-url", url, "--seed", "1", "--max-examples", "1", "--rate-limit",
             "60000/min", "--no-baseline", "--report-dir", str(tmp_path / "reports"),
             "--record", str(tmp_path / "run.har")],
            cwd=tmp_path,
        )  # fmt: skip
    assert finished.returncode == 1, finished.output
    data = complete_reports(tmp_path / "reports")
    messages = [f["message"] for f in data["findings"] if f["kind"] == "semantic-violation"]
    if link.startswith("http://["):
        assert any(m.endswith("is not a URL") for m in messages), messages
    # Following the link is attempted and refused before anything goes out.
    transport = [f["message"] for f in data["findings"] if f["kind"] == "transport-error"]
    assert transport, data["findings"]
    assert all(m.startswith("InvalidURL: ") and m.endswith("(not sent)") for m in transport)
    assert json.loads((tmp_path / "run.har").read_text())["log"]["entries"]
