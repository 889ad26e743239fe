"""Reading a response body within a deadline and a size bound, decoded as it streams.

urllib3 decodes ``Content-Encoding`` (gzip, deflate, and br with Brotli installed) while the
body streams in, and since 2.6 never inflates more than was asked for in one read: a body
of 10 MB on the wire that inflates to 10 GiB is read 64 KiB at a time, counted, and cut
off at the bound, never held whole.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError
from urllib3.response import BaseHTTPResponse

__all__ = ["DECODED_CODINGS", "Body", "BodyTimeout", "read_body", "undecoded_codings"]

_READ_SIZE = 65536


#: The content codings the client decodes: those urllib3 decodes as it streams (br with a
#: Brotli package, zstd on Python 3.14 or with backports.zstd), which are also those
#: requests offers in Accept-Encoding.
DECODED_CODINGS = frozenset({"identity", *BaseHTTPResponse.CONTENT_DECODERS})


class BodyTimeout(requests.exceptions.ReadTimeout):
    """The body was still arriving when the whole response's time was up."""


@dataclass(frozen=True, slots=True)
class Body:
    """The decoded bytes read, and the bound they went beyond (None: the whole body)."""

    data: bytes
    oversize: int | None = None


def undecoded_codings(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The content codings of ``headers`` the client left as they were (``zstd``, ``foo``)."""
    value = headers.get("content-encoding") or ""
    codings = (c.strip().lower() for c in value.split(","))
    return tuple(c for c in codings if c and c not in DECODED_CODINGS)


def read_body(response: requests.Response, deadline: float, timeout: float, limit: int) -> Body:
    """The decoded body, or BodyTimeout once ``deadline`` passes while it still trickles in.

    Each read returns what has arrived (``read1``), so the deadline is looked at between
    the server's writes; one read never waits longer than the read timeout. Past ``limit``
    decoded bytes the connection is closed and the body flagged: what was read is dropped
    (nothing validates half a document). Errors come out as requests would raise them.
    """
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise BodyTimeout(f"the body took longer than the {timeout:g} s timeout")
            try:
                chunk = raw.read1(_READ_SIZE, decode_content=True)
            except ProtocolError as exc:
                raise requests.exceptions.ChunkedEncodingError(exc) from exc
            except DecodeError as exc:
                raise requests.exceptions.ContentDecodingError(exc) from exc
            except ReadTimeoutError as exc:
                raise requests.exceptions.ReadTimeout(exc) from exc
            except OSError as exc:
                raise requests.ConnectionError(exc) from exc
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                response.close()
                response._content = b""
                return Body(b"", oversize=limit)
            chunks.append(chunk)
    except BaseException:
        response.close()
        raise
    body = b"".join(chunks)
    response._content = body  # what response.content would have read
    return Body(body)
