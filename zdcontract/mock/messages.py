"""The mock's own request and reply values: what every layer between ASGI and the state passes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl

import orjson

__all__ = ["HTML", "JSON", "TEXT", "Delivery", "Reply", "Request"]

JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"


class Delivery(StrEnum):
    """How a reply travels over the connection (faults change this)."""

    NORMAL = "normal"
    RESET = "reset"  # connection dropped before any byte of a response
    TRUNCATE = "truncate"  # headers and half the body, then the connection is closed
    TRICKLE = "trickle"  # the whole body, in small chunks with pauses


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """One HTTP request as the mock sees it: method, decoded path, raw query, lower-case headers."""

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """Path and query as sent, for the access log."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def params(self) -> dict[str, str]:
        """Query parameters, decoded; a repeated name keeps its last value, as Rails does."""
        return dict(parse_qsl(self.query, keep_blank_values=True))

    @classmethod
    def from_scope(cls, scope: Mapping[str, Any]) -> Request:
        """The request of an ASGI ``http`` scope."""
        headers = {
            bytes(name).decode("latin-1").lower(): bytes(value).decode("latin-1")
            for name, value in scope.get("headers", ())
        }
        return cls(
            method=str(scope["method"]).upper(),
            path=str(scope["path"]),
            query=bytes(scope.get("query_string", b"")).decode("latin-1"),
            headers=headers,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """A response before it is sent: status, body, content type, extra headers, delivery plan."""

    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    delivery: Delivery = Delivery.NORMAL
    trickle_seconds: float = 0.0

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Reply:
        """A JSON reply (``application/json; charset=utf-8``, as Zendesk labels every body)."""
        return cls(status=status, body=orjson.dumps(data))

    def with_headers(self, *pairs: tuple[str, str]) -> Reply:
        """This reply with ``pairs`` replacing any header of the same name."""
        names = {name.lower() for name, _ in pairs}
        kept = tuple(pair for pair in self.headers if pair[0].lower() not in names)
        return replace(self, headers=kept + tuple(pairs))

    def header(self, name: str) -> str | None:
        """The value of an extra header, or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """ASGI header pairs: content type, content length, then the extra headers."""
        pairs = [("content-type", self.content_type), ("content-length", str(len(self.body)))]
        pairs.extend(self.headers)
        return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]
