"""``zdcontract mock`` as a user runs it: a subprocess that serves, logs and stops on a signal."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
import requests

import zdcontract
from zdcontract.cli import main

ROOT = Path(zdcontract.__file__).resolve().parents[1]
RunMock = Callable[..., "subprocess.Popen[str]"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Lines:
    """The lines a process writes to a pipe, readable with a timeout."""

    def __init__(self, pipe: IO[str] | None) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(pipe,), daemon=True).start()

    def _pump(self, pipe: IO[str] | None) -> None:
        for line in pipe or ():
            self._lines.put(line.rstrip("\n"))

    def next(self, timeout: float = 15.0) -> str:
        return self._lines.get(timeout=timeout)


@pytest.fixture
def run_mock() -> Iterator[RunMock]:
    processes: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "zdcontract", "mock", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)  # also closes the pipes


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serves_logs_and_stops_cleanly(run_mock: RunMock, signum: int) -> None:
    port = free_port()
    process = run_mock(
        "--port", str(port), "--activities", "5", "--seed", "3", "--auth-token", "t0k3n"
    )
    stdout = Lines(process.stdout)
    url = f"http://127.0.0.1:{port}"
    assert stdout.next() == f"zdcontract mock serving {url} (profile zendesk, 5 activities, seed 3)"
    response = requests.get(
        f"{url}/api/v2/activities.json?page[size]=2", auth=("a@b.c/token", "t0k3n"), timeout=10
    )
    assert response.status_code == 200 and response.json()["links"]["next"].startswith(url)
    assert stdout.next() == "GET /api/v2/activities.json?page%5Bsize%5D=2 200"
    requests.head(f"{url}/nowhere", timeout=10)
    assert stdout.next() == "HEAD /nowhere 401"
    process.send_signal(signum)
    assert process.wait(timeout=10) == 0
    _, stderr = process.communicate(timeout=10)
    assert "t0k3n" not in stderr


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["slow-body:30", "delay:30"])
def test_stopping_with_an_answer_under_way_prints_no_traceback(
    run_mock: RunMock, fault: str
) -> None:
    port = free_port()
    process = run_mock("--port", str(port), "--fault", fault)
    stdout = Lines(process.stdout)
    url = f"http://127.0.0.1:{port}"
    assert stdout.next().startswith(f"zdcontract mock serving {url}")
    waiting = threading.Thread(
        target=lambda: _ignore_errors(requests.get, f"{url}/api/v2/activities/count.json"),
        daemon=True,
    )
    waiting.start()
    if fault.startswith("slow-body"):
        assert stdout.next() == "GET /api/v2/activities/count.json 200"  # the answer has begun
    else:
        threading.Event().wait(1.0)  # the request is in, its delay running
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    _, stderr = process.communicate(timeout=10)
    assert "Traceback" not in stderr and "Exception in ASGI application" not in stderr, stderr


def _ignore_errors(call: Callable[..., object], *args: object) -> None:
    with contextlib.suppress(requests.RequestException):  # the server went away mid-answer
        call(*args, timeout=60)


@pytest.mark.slow
def test_port_in_use_is_one_line_and_exit_2(run_mock: RunMock) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = run_mock("--port", str(port))
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr == f"zdcontract: error: port {port} on 127.0.0.1 is already in use\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--drift", "remove:nope"], "zdcontract: error: bad --drift 'remove:nope'"),
        (["--fault", "status:99"], "zdcontract: error: bad --fault 'status:99'"),
        (["--port", "70000"], "zdcontract: error: Invalid value for '--port'"),
        (["--activities", "-1"], "zdcontract: error: Invalid value for '--activities'"),
        (["--rate-limit", "0"], "zdcontract: error: Invalid value for '--rate-limit'"),
        (["--profile", "strict"], "zdcontract: error: Invalid value for '--profile'"),
        (["--auth-email", "a@b.c"], "zdcontract: error: an auth email needs an auth token"),
        (["--public-url", "ftp://x"], "zdcontract: error: public URL must be http(s)"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ZDCONTRACT_MOCK_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["mock", "--port", "0", *args])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(message) and captured.err.count("\n") == 1


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["mock", "--help"])
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    options = "host port seed activities profile auth-token auth-email rate-limit drift fault"
    for option in [*options.split(), "count-total", "public-url"]:
        assert f"--{option}" in help_text


@pytest.mark.slow
def test_serves_the_contract_it_is_described_by(run_mock: RunMock) -> None:
    from zdcontract.spec import load_spec

    overlay = ROOT / "spec" / "zendesk-observed.overlay.yaml"
    port = free_port()
    process = run_mock("--port", str(port), "--overlay", str(overlay))
    stdout = Lines(process.stdout)
    url = f"http://127.0.0.1:{port}"
    assert stdout.next().startswith(f"zdcontract mock serving {url}")
    assert stdout.next() == (
        f"zdcontract mock contract {url}/openapi.json "
        "(the bundled spec + zendesk-observed.overlay.yaml)"
    )
    served = requests.get(f"{url}/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.json() == load_spec(None, [overlay]).document
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
