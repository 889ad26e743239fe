"""Stoplight Prism's mock as a child process, for tests that need a server we did not write.

Prism comes from npm, pinned in tests/foreign/node/package.json and installed by .ci/run
(``npm ci --prefix tests/foreign/node``). Outside CI a missing Prism skips the test; under
CI it fails it, so a broken install step cannot turn the foreign-target suite into skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"
PRISM = NODE_DIR / "node_modules" / ".bin" / "prism"


def prism_binary() -> str:
    """Prism's CLI: $PRISM, the project's pinned install, then ``prism`` on PATH."""
    for candidate in (os.environ.get("PRISM"), str(PRISM), shutil.which("prism")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    if os.environ.get("CI"):
        pytest.fail("Prism is missing in CI: .ci/run runs npm ci --prefix tests/foreign/node")
    pytest.skip("Prism is not installed (npm ci --prefix tests/foreign/node)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prism exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    tail = log.read_text()[-2000:]
    raise RuntimeError(f"prism did not listen on {port} within {timeout:g} s: {tail}")


@contextmanager
def prism_mock(spec: str | os.PathLike[str], *args: str, log_dir: Path) -> Iterator[str]:
    """``prism mock SPEC ARGS`` on a free loopback port; yields its base URL, then stops it."""
    port = _free_port()
    log = log_dir / f"prism-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [prism_binary(), "mock", os.fspath(spec), "-p", str(port), "-h", "127.0.0.1", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, process, log, timeout=60)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
