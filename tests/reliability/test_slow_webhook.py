"""A webhook that answers at one byte a second cannot hold the end of a run.

The alert goes out once the reports are written. A receiver on loopback takes the POST and
then trickles its answer a byte a second. Before, the timeout applied to each read, so a
3 s run took 302 s, and Ctrl-C did not stop it before the third SIGINT. Now the whole alert
(connecting, sending, reading) is bounded, and one signal abandons it: the run ends with
130, its reports whole, the alert reported as not delivered.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from loopback import QuietHandler, serving
from reliability._helpers import (
    alerting_run,
    complete_reports,
    run_cli,
    started_cli,
    wait_for,
)

from zdcontract.monitor.notify import TIMEOUT

pytestmark = pytest.mark.slow

#: How long the receiver would trickle: far beyond any bound a run should wait.
TRICKLE_SECONDS = 300


@dataclass
class Receiver:
    url: str = ""
    posts: list[bytes] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


@contextmanager
def trickling_receiver() -> Iterator[Receiver]:
    """Takes the POST, then sends its answer one byte a second."""
    state = Receiver()

    class Handler(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            state.posts.append(self.rfile.read(int(self.headers["Content-Length"])))
            answer = b"HTTP/1.1 200 OK\r\nX-Pad: " + b"." * TRICKLE_SECONDS
            for byte in answer:
                if state.stop.wait(1.0):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                except OSError:  # the client gave up
                    return

    with serving(Handler) as url:
        state.url = url
        try:
            yield state
        finally:
            state.stop.set()


def args_with_drift(tmp_path: Path, hook: str) -> list[str]:
    """A quick run that drifts, alerting a webhook whose path is its secret."""
    return alerting_run(tmp_path / "reports", f"{hook}/hooks/T0KEN")


def test_a_trickling_webhook_is_given_up_after_the_alert_bound(tmp_path: Path) -> None:
    with trickling_receiver() as hook:
        finished = run_cli(args_with_drift(tmp_path, hook.url), cwd=tmp_path)
        assert len(hook.posts) == 1
    assert finished.returncode == 1, finished.output  # the drift decides, not the webhook
    where = hook.url  # scheme and host only: the path of a webhook is its secret
    expected = f"zdcontract: warning: webhook {where}: no answer within {TIMEOUT:g} s"
    assert expected in finished.stderr.decode(), finished.output
    assert "T0KEN" not in finished.output
    complete_reports(tmp_path / "reports")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_one_signal_abandons_an_alert_under_way(tmp_path: Path, signum: int) -> None:
    with (
        trickling_receiver() as hook,
        started_cli(args_with_drift(tmp_path, hook.url), cwd=tmp_path) as running,
    ):
        wait_for(lambda: bool(hook.posts), 60, "the alert to be posted")
        time.sleep(0.5)  # the answer has begun to trickle
        running.signal(signum)
        finished = running.finish(60)
    assert finished.returncode == 130, finished.output
    assert "Traceback" not in finished.output
    assert "interrupted; the alert was not delivered" in finished.stderr.decode()
    data = complete_reports(tmp_path / "reports")
    assert data["findings"], "the reports were written before the alert"
