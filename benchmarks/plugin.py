"""``pytest --zd-contract`` against ``zdcontract run``; ``-n 2`` against ``-n 1`` and serial.

Each runs the built-in contract suite against the embedded mock from an empty folder, with
the same seed and example count, as a user runs it; the rounds alternate the commands. Two
example counts: the default (25), where start-up dominates, and a large one (400), where
the suite's own work does. pytest-xdist starts two more interpreters under ``-n 2``, which
costs 0.8 s or more on this machine even for an empty test session (measured here too),
so ``-n 2`` can only be no slower once the suite has more than that to share out.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from ._common import Figure, Ratio, exited_as

__all__ = ["run"]


# Both with fail-on never: each must then exit 0, and a session or run that exercised
# nothing (which fails whatever fail-on says) stops the benchmark instead of being timed.
def _pytest(examples: int, *extra: str) -> list[str]:
    """The built-in suite alone: pytest is pointed at an empty folder of tests."""
    return [
        sys.executable, "-m", "pytest", "--zd-contract", "--zd-seed", "7",
        "--zd-max-examples", str(examples), "--zd-fail-on", "never", "-q",
        "-p", "no:cacheprovider", *extra, "contract",
    ]  # fmt: skip


def _cli(examples: int, folder: str) -> list[str]:
    return [
        sys.executable, "-m", "zdcontract", "run", "--seed", "7", "--max-examples",
        str(examples), "--fail-on", "never", "-q", "--report-dir",
        os.path.join(folder, "reports"),
    ]  # fmt: skip


def _empty(*extra: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, "empty"]


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    rounds, counts = (1, (2,)) if quick else (3, (25, 400))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "ZDCONTRACT_"))}
    runs: dict[str, list[float]] = {}
    codes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="zdcontract-plugin-") as folder:
        os.mkdir(os.path.join(folder, "contract"))  # no tests of its own beside the suite
        os.mkdir(os.path.join(folder, "empty"))
        with open(os.path.join(folder, "empty", "test_empty.py"), "w") as handle:
            handle.write("def test_nothing():\n    pass\n")
        commands: dict[str, list[str]] = {}
        if not quick:  # what xdist itself costs: the figure that explains the ratios
            commands["empty session, serial"] = _empty()
            commands["empty session, -n 2"] = _empty("-n", "2")
        for n in counts:
            commands[f"zdcontract run, N={n}"] = _cli(n, folder)
            commands[f"pytest --zd-contract, N={n}"] = _pytest(n)
            commands[f"pytest --zd-contract -n 1, N={n}"] = _pytest(n, "-n", "1")
            commands[f"pytest --zd-contract -n 2, N={n}"] = _pytest(n, "-n", "2")
        for _ in range(rounds):
            for name, argv in commands.items():
                start = time.perf_counter()
                done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, check=False)
                runs.setdefault(name, []).append(time.perf_counter() - start)
                codes[name] = exited_as(name, done.returncode, done.stderr or done.stdout)
    medians = {name: statistics.median(times) for name, times in runs.items()}
    figures = [
        Figure(name, seconds, "s", f"median of {rounds}; exit {codes[name]}")
        for name, seconds in medians.items()
    ]
    if not quick:
        overhead = medians["empty session, -n 2"] - medians["empty session, serial"]
        figures.append(Figure("pytest-xdist start-up, -n 2 over serial", overhead, "s", "empty"))
    ratios = []
    for n in counts:
        plugin, cli = medians[f"pytest --zd-contract, N={n}"], medians[f"zdcontract run, N={n}"]
        parallel = medians[f"pytest --zd-contract -n 2, N={n}"]
        one = medians[f"pytest --zd-contract -n 1, N={n}"]
        ratios.append(
            Ratio(f"pytest --zd-contract / zdcontract run, N={n} (wall)", plugin / cli, "<= 1.5",
                  plugin / cli <= 1.5)
        )  # fmt: skip
        ratios.append(
            Ratio(f"pytest --zd-contract -n 2 / -n 1, N={n} (wall)", parallel / one, "<= 1",
                  parallel / one <= 1)
        )  # fmt: skip
        ratios.append(
            Ratio(f"pytest --zd-contract -n 2 / serial, N={n} (wall)", parallel / plugin, "<= 1",
                  parallel / plugin <= 1)
        )  # fmt: skip
    return figures, ratios, {"runs": runs, "exit": codes, "examples": list(counts)}
