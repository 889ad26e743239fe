"""Cold starts: ``zdcontract --help`` against schemathesis' ``st --help``.

Both are console scripts of the same virtualenv, started as a shell starts them; the
rounds alternate the two, so a slow spell of the machine hits both alike. The figure is
the child's CPU time (user + system, from the kernel's accounting): on a shared machine
the wall clock also counts other people's work. Wall times are kept in the details.
"""

from __future__ import annotations

import statistics
from typing import Any

from ._common import ROOT, Figure, Ratio, child_cpu_seconds, console_script, exited_as

__all__ = ["run"]


def _timed(argv: list[str], walls: list[float]) -> float:
    cpu, wall, code = child_cpu_seconds(argv, cwd=ROOT)
    exited_as(" ".join(argv), code, "")
    walls.append(wall)
    return cpu


def _ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1e3:.0f} ms"


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    rounds = 3 if quick else 15
    commands = {
        "zdcontract --help": [console_script("zdcontract"), "--help"],
        "st --help": [console_script("st"), "--help"],
    }
    runs: dict[str, list[float]] = {name: [] for name in commands}
    walls: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():
        _timed(argv, [])  # warm the file cache
    for _ in range(rounds):
        for name, argv in commands.items():
            runs[name].append(_timed(argv, walls[name]))
    medians = {name: statistics.median(times) for name, times in runs.items()}
    figures = [
        Figure(
            name,
            seconds * 1e3,
            "ms",
            f"CPU; median of {rounds}, alternating; wall {_ms(walls[name])}",
        )
        for name, seconds in medians.items()
    ]
    ratio = medians["zdcontract --help"] / medians["st --help"]
    ratios = [Ratio("zdcontract --help / st --help", ratio, "<= 1", ratio <= 1)]
    return figures, ratios, {"cpu": runs, "wall": walls}
