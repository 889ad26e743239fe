"""The account's credentials go to the target's exact origin, and nowhere else.

A body's links (``links.next``, ``next_page``, ``url``) are written by the server, or by
whoever controls a record's text. Parsers disagree on odd URLs: Python's ``urlsplit``
reads ``http://localhost:1\\@127.0.0.1:2/`` as host 127.0.0.1, while urllib3 (and so
requests) and browsers connect to localhost:1. Credentials decided on one reading and
sent on the other go to a host the user never named.

Two servers that import nothing of zdcontract stand by: the TARGET (the base URL) and a
SINK on another port. Both listen on 127.0.0.1 and [::1], so each is reachable under
several host spellings. Whatever the link, the sink never sees an Authorization header,
and the target sees one only for a link of its exact origin (scheme, host, port).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from foreign.runs import zd_run
from foreign.servers import LinkRewritingProxy, RecordingServer
from hypothesis import example, given, settings
from hypothesis import strategies as st
from loopback import QuietHandler, answer, serving
from reliability._helpers import clean_env

from zdcontract.mock import MockConfig, MockServer
from zdcontract.runner.client import HttpClient
from zdcontract.runner.credentials import Credentials

EMAIL, TOKEN = "agent@example.com", "tok-3f9a1c77e2b54d08"
CREDENTIALS = Credentials("basic", email=EMAIL, token=TOKEN)
AUTHORIZATION = "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
LISTING = "/api/v2/activities.json?page%5Bsize%5D=25"


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[RecordingServer, RecordingServer]]:
    """(target, sink): two recording servers, each on 127.0.0.1 and [::1]."""
    with RecordingServer(dual_stack=True) as target, RecordingServer(dual_stack=True) as sink:
        yield target, sink


def readings(base: str, link: str) -> list[tuple[str, str, int | None, bool]]:
    """``link`` resolved against ``base`` as each kind of parser reads it.

    Each reading is (scheme, host, port, has userinfo): Python's ``urlsplit`` (tabs and
    line breaks dropped), the WHATWG URL standard's (for http(s) a backslash is a slash
    too) and RFC 3986 as urllib3 applies it (the authority ends at a backslash).
    Raises ValueError when one of them cannot read a port.
    """
    whatwg = re.sub(r"[\t\r\n]", "", link).replace("\\", "/")
    found = []
    for text in (link, whatwg):
        parts = urlsplit(urljoin(base, text))
        found.append((parts.scheme, parts.hostname or "", parts.port, "@" in parts.netloc))
    rfc = re.match(r"(?:([A-Za-z][A-Za-z0-9+.-]*):)?//([^/\\?#]*)", link)
    if rfc is not None:
        _, at, authority = rfc[2].rpartition("@")
        parts = urlsplit(f"//{authority}")
        scheme = (rfc[1] or urlsplit(base).scheme).lower()
        found.append((scheme, parts.hostname or "", parts.port, bool(at)))
    return found


def exact_origin(link: str, host: str, port: int) -> bool:
    """Whether every reader of ``link`` agrees that it names exactly http://HOST:PORT."""
    try:
        seen = readings(f"http://{host}:{port}", link)
    except ValueError:
        return False
    return all(
        scheme == "http" and name == host.lower() and number == port and not userinfo
        for scheme, name, number, userinfo in seen
    )


def plain(link: str, host: str, port: int) -> bool:
    """A link nobody reads two ways: it must reach the target, with the credentials.

    Not ``//host/x``: that is a reference to another authority (RFC 3986 §4.2), not a path.
    """
    simple = r"(/(?!/)[A-Za-z0-9._%/=&-]*(\?[A-Za-z0-9._%=&-]*)?)"
    return re.fullmatch(rf"(http://{re.escape(host)}:{port})?{simple}", link) is not None


def links(host: str, target: int, sink: int) -> st.SearchStrategy[str]:
    """Links as a body might carry them: plain, or with the tricks parsers disagree on.

    The target's own spelling and the sink's port are drawn more often than the rest, so
    that a link smuggling one authority behind the other comes up in a short run.
    """
    hosts = st.sampled_from(
        [host, host, "127.0.0.1", "localhost", "LOCALHOST", "LocalHost", "[::1]",
         "[0:0:0:0:0:0:0:1]", "%31%32%37.0.0.1", "local%68ost", "127.0.0.1."]
    )  # fmt: skip
    ports = st.sampled_from(
        [f":{target}", f":{target}", f":{sink}", f":{sink}", f":0{target}", ":80", ":443", ""]
    )
    authority = st.builds(str.__add__, hosts, ports)
    schemes = st.sampled_from(
        ["http://", "http://", "HTTP://", "https://", "//", "http:\\\\", "\\\\", "/\\"]
    )
    userinfo = st.sampled_from(["", "", "user@", "user:pw@", "%40@", "a%3Ab@"])
    joints = st.sampled_from(
        ["\\@", "\\@", "\t@", "\\\t@", "@", "%5C@", "\\", "\t", "#@", "?@", "/@"]
    )
    paths = st.sampled_from(
        [LISTING, "/", "", "/api/v2/activities/1.json", "\\api\\v2", "/%2e%2e/x", "/a?b=\\c",
         "/a\tb", "\t/x", "?page=2"]
    )  # fmt: skip
    single = st.builds(lambda *parts: "".join(parts), schemes, userinfo, authority, paths)
    smuggled = st.builds(
        lambda *parts: "".join(parts), schemes, authority, joints, authority, paths
    )
    simple = st.sampled_from([LISTING, "/api/v2/activities/count", "/api/v2/activities/7"])
    own = st.builds(lambda path: f"http://{host}:{target}{path}", simple)
    return st.one_of(single, smuggled, own, simple)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_credentials_reach_only_the_exact_origin(
    servers: tuple[RecordingServer, RecordingServer], host: str
) -> None:
    target, sink = servers
    other = "localhost" if host == "127.0.0.1" else "127.0.0.1"
    base = f"http://{host}:{target.port}"
    client = HttpClient(
        base, credentials=CREDENTIALS, retries=0, timeout=5, sleep=lambda seconds: None
    )

    @settings(max_examples=200, deadline=None)
    @given(links(host, target.port, sink.port))
    @example(f"http://{other}:{sink.port}\\@{host}:{target.port}{LISTING}")
    @example(f"http://[::1]:{sink.port}\\@{host}:{target.port}/")
    @example(f"http://{other}:{sink.port}\\\t@{host}:{target.port}/")
    @example(f"http://{other}:{target.port}{LISTING}")  # the same socket, another origin
    @example(f"http://[::1]:{target.port}/")
    @example(f"//{other}:{sink.port}/x")
    @example(f"http:\\\\{other}:{sink.port}/x")
    @example(f"http://{host}:{target.port}{LISTING}")
    @example(LISTING)
    def check(link: str) -> None:
        target.clear()
        sink.clear()
        client.get(link)
        sent = [s.header("Authorization") for s in sink.seen]
        leaked = [
            "the account's credentials" if value == AUTHORIZATION else f"{value!r}"
            for value in sent
            if value is not None
        ]
        assert leaked == [], f"{link!r} sent an Authorization header to the sink: {leaked}"
        for seen in target.seen:
            if seen.header("Authorization") is not None:
                assert exact_origin(link, host, target.port), (
                    f"{link!r} is not of the origin {base}, yet the target got the "
                    f"credentials on {seen.listener} for {seen.target!r}"
                )
        if plain(link, host, target.port):
            got = [s.header("Authorization") for s in target.seen]
            assert got == [AUTHORIZATION], f"{link!r} reached the target with {got}"

    try:
        check()
    finally:
        client.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_elsewhere_is_an_answer_never_followed(
    servers: tuple[RecordingServer, RecordingServer], status: int
) -> None:
    """A target answering with a Location on the sink: the answer is validated as it is,
    and neither the request nor the credentials go where it points."""
    _, sink = servers
    sink.clear()
    authorizations: list[str | None] = []

    class Redirecting(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            authorizations.append(self.headers.get("Authorization"))
            location = f"http://localhost:{sink.port}{LISTING}"
            answer(self, b"", status=status, headers={"Location": location})

    with (
        serving(Redirecting) as url,
        HttpClient(url, credentials=CREDENTIALS, sleep=lambda seconds: None) as client,
    ):
        exchange = client.get(LISTING)
    assert (exchange.status, exchange.attempts, exchange.error) == (status, 1, None)
    assert authorizations == [AUTHORIZATION]  # the target itself got them, once
    assert sink.seen == [], f"the redirect was followed: {sink.seen}"


@pytest.mark.slow
def test_a_backslash_link_in_a_listing_never_carries_the_token(tmp_path: Path) -> None:
    """End to end: the CLI with ZENDESK_EMAIL/ZENDESK_API_TOKEN, a listing whose next link
    reads as the target to Python and as the sink to every HTTP client."""
    mock = MockServer(MockConfig(activities=60, seed=3, now=datetime(2026, 11, 2, tzinfo=UTC)))
    with mock, RecordingServer(dual_stack=True) as sink:

        def evil(proxy: LinkRewritingProxy) -> str:
            return f"http://localhost:{sink.port}\\@127.0.0.1:{proxy.port}{LISTING}"

        with LinkRewritingProxy(mock.url, evil) as target:
            env = clean_env(ZENDESK_EMAIL=EMAIL, ZENDESK_API_TOKEN=TOKEN)
            options = ("--seed", "7", "--max-examples", "5", "--workers", "4")
            run = zd_run(target.url, tmp_path, *options, "--rate-limit", "100000/min", env=env)
            to_target = [s.header("Authorization") for s in target.seen]
            to_sink = sink.seen
    assert AUTHORIZATION in to_target  # the run did use the credentials on its target
    leaked = [s for s in to_sink if s.header("Authorization") is not None]
    assert leaked == [], f"the sink got the credentials: {leaked}"
    # The link is ambiguous: refused as a finding, not sent at all.
    assert to_sink == [], f"an ambiguous link was followed: {to_sink}"
    named = [
        f
        for f in run.report["findings"]
        if any(f"localhost:{sink.port}" in str(f[key]) for key in ("message", "actual", "request"))
    ]
    assert named, run.describe()
    assert run.code in (0, 1), run.describe()
    for written in [run.output, *(p.read_text() for p in tmp_path.iterdir() if p.is_file())]:
        assert TOKEN not in written
        assert AUTHORIZATION.split()[1] not in written
