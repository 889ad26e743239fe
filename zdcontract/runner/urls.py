"""Where a request goes, read once and read the way it is sent.

Credentials go to the target's exact origin (scheme, host, port) and nowhere else. The
origin is decided on the URL as it will be sent (after requests has prepared it), and a
URL that two parsers read differently is not sent at all: ``http://a:1\\@b:2/`` is host
``b`` to ``urllib.parse`` but host ``a`` to urllib3, which is the parser that connects.
Whatever a check compares must be what the socket does.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

__all__ = ["MAX_URL_LENGTH", "Origin", "UnsafeURL", "origin_of", "sent_origin"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
#: The longest URL sent (a Zendesk link is ~150 characters; servers commonly refuse 8 KiB).
MAX_URL_LENGTH = 8192


class UnsafeURL(ValueError):
    """A URL that is not sent: unparseable, ambiguous, or carrying credentials of its own."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Scheme, host and port, normalised (lower case, default port filled in)."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def _normal_host(host: str) -> str:
    host = host.strip("[]").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise UnsafeURL("its host is not a valid international domain name") from exc


def origin_of(url: str) -> Origin:
    """The origin ``urllib.parse`` reads in ``url``; UnsafeURL when it reads none.

    Refused here: whitespace and control characters anywhere (parsers strip or keep them
    differently), schemes other than http(s), userinfo (``user:pass@``: a link from a
    response never brings its own credentials), a missing host, a port out of range.
    """
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(f"it is {len(url)} characters long, beyond {MAX_URL_LENGTH}")
    if any(ch <= " " or ch == "\x7f" for ch in url):
        raise UnsafeURL("it holds whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"no URL parser reads it ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise UnsafeURL("it is not an http(s) URL")
    if "@" in parts.netloc:
        raise UnsafeURL("it carries user information (user:password@)")
    if not parts.hostname:
        raise UnsafeURL("it names no host")
    return Origin(scheme, _normal_host(parts.hostname), port or _DEFAULT_PORTS[scheme])


def sent_origin(intended: Origin, prepared: str) -> Origin:
    """The origin a request goes to once prepared as ``prepared``, ``intended`` being the
    origin_of the URL it was asked for.

    ``prepared`` is read by ``urllib.parse`` and by urllib3 (which opens the connection);
    every reading must name ``intended``, or the URL is ambiguous and UnsafeURL is raised:
    no request, and so no credentials, goes anywhere.
    """
    sent = origin_of(prepared)
    try:
        connect = parse_url(prepared)
    except LocationParseError as exc:
        raise UnsafeURL(f"no URL parser reads it ({exc})") from None
    scheme = (connect.scheme or "").lower()
    host = _normal_host(connect.host or "")
    port = connect.port or _DEFAULT_PORTS.get(scheme, 0)
    if Origin(scheme, host, port) != sent or sent != intended:
        raise UnsafeURL(
            f"URL parsers disagree on where it goes ({intended} or {sent}); it is ambiguous"
        )
    return sent
