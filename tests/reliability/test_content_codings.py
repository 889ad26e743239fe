"""Every content coding the client offers in Accept-Encoding is one it decodes and validates.

requests offers what urllib3 can decode where it runs: br with a Brotli package, zstd on
Python 3.14 or with backports.zstd. A server we did not write answers in each coding the
client offered; every body must come back decoded and readable, never a "content coding
the client does not decode" finding for a coding the client asked for.
"""

from __future__ import annotations

import gzip
import zlib
from urllib.parse import parse_qs, urlsplit

import brotli
import zendesk_bodies as zb
from loopback import QuietHandler, answer, serving

from zdcontract.runner.client import HttpClient

BODY = zb.dumps(zb.count())


def _encoded(coding: str, data: bytes) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return gzip.compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "br":
        return bytes(brotli.compress(data))
    if coding == "zstd":  # offered only where urllib3 found one of these
        try:
            from compression import zstd  # type: ignore[import-not-found]
        except ImportError:
            from backports import zstd  # type: ignore[import-not-found,no-redef]
        return bytes(zstd.compress(data))
    raise AssertionError(f"the client offers {coding!r}, which this test cannot produce")


def test_every_offered_coding_is_decoded() -> None:
    offered: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            offered.append(self.headers.get("Accept-Encoding", ""))
            coding = parse_qs(urlsplit(self.path).query).get("coding", ["identity"])[0]
            body = BODY if coding == "identity" else _encoded(coding, BODY)
            answer(
                self, body, headers={"Content-Type": "application/json", "Content-Encoding": coding}
            )

    with serving(Handler) as url, HttpClient(url, retries=0, sleep=lambda _: None) as client:
        first = client.get("/api/v2/activities/count")
        codings = [c.strip() for c in offered[0].split(",") if c.strip()]
        assert {"gzip", "deflate", "br"} <= set(codings), offered[0]
        for coding in codings:
            exchange = client.get("/api/v2/activities/count", params={"coding": coding})
            assert exchange.error is None, (coding, exchange.error)
            assert exchange.undecoded == (), coding
            assert exchange.body == BODY, coding
    assert first.body == BODY and first.undecoded == ()
