"""Behaviour checks against loopback targets: a CheckContext that reads every answer as JSON."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from loopback import serving

from zdcontract.runner.checks import CheckContext, Walk
from zdcontract.runner.client import HttpClient
from zdcontract.runner.observe import json_object


def check_context(client: HttpClient, url: str) -> CheckContext:
    """A context for ``client``, bound to the target at ``url``, validating nothing."""
    return CheckContext(
        client=client,
        observe=lambda _operation, exchange: json_object(exchange),
        account_host=urlsplit(url).netloc,
    )


@contextmanager
def checking(handler: type[BaseHTTPRequestHandler]) -> Iterator[CheckContext]:
    """A context for checks against ``handler`` served on loopback (no retries), for the block."""
    with serving(handler) as url, HttpClient(url, retries=0) as client:
        yield check_context(client, url)


def walked(stamps: dict[int, str]) -> Walk:
    """A complete walk of activities ``id -> created_at``, in the order given."""
    walk = Walk(complete=True)
    for ident, stamp in stamps.items():
        walk.ids.append(ident)
        walk.records[ident] = {"id": ident, "created_at": stamp}
    return walk
