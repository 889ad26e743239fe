"""Mock servers as child processes: zdcontract's own and Prism's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ._common import ROOT, free_port, wait_for_port

__all__ = ["find_prism", "serve"]

PRISM_CANDIDATES = (
    str(ROOT / "tests" / "foreign" / "node" / "node_modules" / ".bin" / "prism"),
    "/tmp/prism/node_modules/.bin/prism",
)


def find_prism() -> str | None:
    """Prism's CLI: $PRISM, then `prism` on PATH, then the scratch install in /tmp/prism."""
    for candidate in (os.environ.get("PRISM"), shutil.which("prism"), *PRISM_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def zdcontract_mock(port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "zdcontract", "mock", "--port", str(port), *extra]


def prism_mock(prism: str, spec: str, port: int) -> list[str]:
    return [prism, "mock", spec, "-p", str(port), "--host", "127.0.0.1"]


@contextmanager
def serve(command_for_port: object, log: IO[bytes] | None = None) -> Iterator[str]:
    """Start a server (``command_for_port(port) -> argv``); yield its base URL; stop it."""
    port = free_port()
    argv = command_for_port(port)  # type: ignore[operator]
    child = subprocess.Popen(
        argv,
        stdout=log if log is not None else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        if not wait_for_port(port):
            raise RuntimeError(f"{argv[0]} did not listen on port {port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
