"""``pytest --zd-contract`` serial against ``-n 2``: wall time, as a user runs it.

Both run the built-in contract suite against the embedded mock from an empty folder, with
the same seed and example count; the rounds alternate the two.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from ._common import Figure, Ratio

__all__ = ["run"]


def _pytest(folder: str, examples: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "pytest", "--zd-contract", "--zd-seed", "7",
        "--zd-max-examples", str(examples), "-q", "-p", "no:cacheprovider", *extra,
    ]  # fmt: skip


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    rounds, examples = (1, 2) if quick else (3, 10)
    runs: dict[str, list[float]] = {"serial": [], "-n 2": []}
    codes: dict[str, int] = {}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "ZDCONTRACT_"))}
    with tempfile.TemporaryDirectory(prefix="zdcontract-plugin-") as folder:
        commands = {
            "serial": _pytest(folder, examples),
            "-n 2": _pytest(folder, examples, "-n", "2"),
        }
        for _ in range(rounds):
            for name, argv in commands.items():
                start = time.perf_counter()
                done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, check=False)
                runs[name].append(time.perf_counter() - start)
                codes[name] = done.returncode
    medians = {name: statistics.median(times) for name, times in runs.items()}
    figures = [
        Figure(f"pytest --zd-contract {name}", seconds, "s",
               f"median of {rounds}; N={examples}; exit {codes[name]}")
        for name, seconds in medians.items()
    ]  # fmt: skip
    ratio = medians["-n 2"] / medians["serial"]
    ratios = [Ratio("pytest --zd-contract -n 2 / serial (wall)", ratio, "<= 1", ratio <= 1)]
    return figures, ratios, {"runs": runs, "exit": codes, "max_examples": examples}
