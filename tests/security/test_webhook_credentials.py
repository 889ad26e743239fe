"""A user and password in ``--notify-url`` are credentials for the webhook, not a host name.

urllib reads ``http://user:PASS@127.0.0.1:PORT/x`` as the host ``user:PASS@127.0.0.1`` and
asks the resolver for it: the password went to the DNS. Here every host name a real
``zdcontract run`` process looks up is logged (``socket.getaddrinfo`` wrapped by a
``sitecustomize`` on the child's path): the password is never among them, a receiver on
loopback gets it as HTTP Basic credentials with a plain ``Host``, and nothing written or
printed holds it, whether the webhook answers or not.
"""

from __future__ import annotations

import base64
import os
import socket
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from loopback import QuietHandler, answer, serving
from reliability._helpers import Finished, alerting_run, clean_env, every_file, run_cli

pytestmark = pytest.mark.slow

USER = "hookuser"
PASSWORD = "PA55-w0rd-s3cret-hook"

LOG_LOOKUPS = textwrap.dedent(
    """
    import os, socket

    _real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        with open(os.environ["ZD_TEST_LOOKUPS"], "a") as log:
            log.write(f"{host}\\n")
        return _real(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    """
)


@dataclass
class Hook:
    url: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def receiver() -> Iterator[Hook]:
    state = Hook()

    class Handler(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(dict(self.headers.items()))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as url:
        state.url = url
        yield state


def run_with_webhook(tmp_path: Path, webhook: str) -> tuple[Finished, list[str]]:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(LOG_LOOKUPS)
    lookups = tmp_path / "lookups.txt"
    path = os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))
    finished = run_cli(
        alerting_run(tmp_path / "reports", webhook),
        cwd=tmp_path,
        env=clean_env(PYTHONPATH=path, ZD_TEST_LOOKUPS=str(lookups)),
    )
    assert finished.returncode == 1, finished.output  # the injected drift
    assert "Traceback" not in finished.output
    assert PASSWORD not in finished.output
    for written in every_file(tmp_path / "reports"):
        assert PASSWORD.encode() not in written.read_bytes(), written
    return finished, lookups.read_text().splitlines() if lookups.exists() else []


def test_the_password_of_a_webhook_goes_as_basic_credentials(tmp_path: Path) -> None:
    with receiver() as hook:
        host = hook.url.removeprefix("http://")
        finished, lookups = run_with_webhook(tmp_path, f"http://{USER}:{PASSWORD}@{host}/x")
    assert "alert sent" in finished.stdout.decode(), finished.output
    [request] = hook.requests
    expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert request["Authorization"] == f"Basic {expected}"
    assert request["Host"] == host
    assert "127.0.0.1" in lookups  # the lookups were logged: the host alone was looked up
    assert not [name for name in lookups if PASSWORD in name], lookups


def test_an_unreachable_webhook_never_looks_its_password_up(tmp_path: Path) -> None:
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        finished, lookups = run_with_webhook(
            tmp_path, f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/x"
        )
    assert f"webhook http://127.0.0.1:{port} failed" in finished.stderr.decode()
    assert "127.0.0.1" in lookups  # the lookup happened, of the host alone
    assert not [name for name in lookups if PASSWORD in name], lookups


def test_a_redirect_is_not_followed_with_the_credentials() -> None:
    """A webhook answering 302 to another origin: urllib would repeat the request there as a
    GET, Authorization header and all, and call the alert delivered."""
    from zdcontract.monitor.notify import post_json

    elsewhere: list[dict[str, str]] = []

    class Elsewhere(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            elsewhere.append(dict(self.headers.items()))
            answer(self, b"", headers={})

        do_POST = do_GET  # noqa: N815

    class Redirecting(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            self.rfile.read(int(self.headers["Content-Length"]))
            # another origin: the same address by another name, another port
            answer(self, b"", status=302, headers={"Location": f"{moved_to}/x"})

    with serving(Elsewhere) as other, serving(Redirecting) as hook:
        moved_to = other.replace("127.0.0.1", "localhost")
        host = hook.removeprefix("http://")
        problem = post_json(f"http://{USER}:{PASSWORD}@{host}/x", {"text": "drift"})

    assert elsewhere == []
    assert problem == f"webhook {hook} answered HTTP 302; the alert was not delivered"
    assert PASSWORD not in problem
