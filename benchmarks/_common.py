"""What every benchmark shares: medians, result rows, realistic bodies, free ports."""

from __future__ import annotations

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

# The realistic bodies the validator is judged on live with the tests.
sys.path.insert(0, str(ROOT / "tests"))
import zendesk_bodies  # noqa: E402

__all__ = ["ROOT", "SPEC", "Figure", "Ratio", "free_port", "median_seconds", "page_body"]


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


def median_seconds(call: Callable[[], object], repeat: int, *, warmup: int = 2) -> float:
    """The median wall time of ``call`` over ``repeat`` runs, after a warm-up."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
