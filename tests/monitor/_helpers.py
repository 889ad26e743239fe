"""Shared helpers of the monitor tests: the CLI in-process and a local webhook receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loopback import QuietHandler, serving


def report(directory: Path) -> dict[str, Any]:
    """The JSON report in ``directory``."""
    data: dict[str, Any] = json.loads((directory / "zdcontract-report.json").read_text())
    return data


class Receiver:
    """A webhook on 127.0.0.1 that keeps what it is sent and answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[dict[str, Any]] = []
        self.url = ""


@contextmanager
def receiver(status: int = 200) -> Iterator[Receiver]:
    """A Receiver serving in a thread for the duration of the block."""
    state = Receiver(status)

    class Handler(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length") or 0)
            state.received.append(
                {
                    "path": self.path,
                    "content_type": self.headers.get("Content-Type"),
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            self.send_response(state.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    with serving(Handler) as url:
        state.url = url + "/hooks/T000/B000/secret-path"
        yield state
