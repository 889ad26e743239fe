"""What every benchmark shares: medians, result rows, realistic bodies, free ports."""

from __future__ import annotations

import shutil
import socket
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "activities.yaml"

# The realistic bodies the validator is judged on, and the throwaway loopback server the
# hostile targets are served from, live with the tests (modules of their own, no test).
sys.path.insert(0, str(ROOT / "tests"))
import loopback  # noqa: E402
import zendesk_bodies  # noqa: E402

__all__ = [
    "ROOT",
    "SPEC",
    "Figure",
    "Ratio",
    "child_cpu_seconds",
    "console_script",
    "exited_as",
    "free_port",
    "loopback",
    "median_cpu_seconds",
    "page_body",
    "zendesk_bodies",
]


def exited_as(name: str, returncode: int, output: bytes | str, ok: tuple[int, ...] = (0,)) -> int:
    """``returncode`` if it is one of ``ok``; RuntimeError with the last lines of ``output``
    else. A command that stopped before its work, or a run that exercised nothing, took no
    time worth a figure, and would make every ratio look met."""
    if returncode not in ok:
        text = output.decode(errors="replace") if isinstance(output, bytes) else output
        last = text.strip().splitlines()[-3:]
        raise RuntimeError(f"{name} exited {returncode}: {' / '.join(last)}")
    return returncode


def console_script(name: str) -> str:
    """The path of an installed command: beside this interpreter, else its base's, else PATH.

    A virtualenv that reaches the system's packages has their commands in the base
    interpreter's directory, not its own.
    """
    for directory in (Path(sys.executable).parent, Path(sys.base_prefix) / "bin"):
        if (directory / name).is_file():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"benchmarks: the command {name!r} is not installed")
    return found


@dataclass(slots=True)
class Figure:
    """One measured quantity: a median (or a single run), its unit and how it was taken."""

    name: str
    value: float | None
    unit: str
    note: str = ""

    def shown(self) -> str:
        if self.value is None:
            return "unavailable"
        if self.unit == "ms":
            return f"{self.value:.3f} ms"
        if self.unit == "s":
            return f"{self.value:.2f} s"
        if self.unit == "MiB":
            return f"{self.value:.1f} MiB"
        return f"{self.value:,.0f} {self.unit}"


@dataclass(slots=True)
class Ratio:
    """A ratio of two figures and the target the issue sets for it."""

    name: str
    value: float | None
    target: str
    met: bool | None
    extra: dict[str, Any] = field(default_factory=dict)

    def shown(self) -> str:
        return "unavailable" if self.value is None else f"{self.value:.2f}"


def median_cpu_seconds(call: Callable[[], object], repeat: int, *, warmup: int = 2) -> float:
    """The median CPU time of ``call`` in this process: what other processes on a shared
    machine take from the wall clock does not count."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        call()
        times.append(time.process_time() - start)
    return statistics.median(times)


def child_cpu_seconds(argv: list[str], **kwargs: Any) -> tuple[float, float, int]:
    """CPU seconds (user + system) and wall seconds of a child process, and its exit status."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False, **kwargs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.returncode


def page_body(activities: int = 100) -> bytes:
    """A clean ListActivities page as Zendesk sends it (compact JSON)."""
    return zendesk_bodies.dumps(
        zendesk_bodies.offset_page(activities, page=2, total=max(activities, 251))
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> bool:
    """Whether something listens on ``port`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False
