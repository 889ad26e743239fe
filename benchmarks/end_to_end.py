"""``zdcontract run`` against schemathesis' ``st run``: same spec, same mock, same N and seed.

One ``zdcontract mock`` serves both; the requests each tool sends are counted from the
mock's request log. zdcontract runs with its own defaults (Zendesk behaviour checks and
drift validation of every response) except the limits meant for a live account: the rate
limit and the request budget are lifted, and both tools get the same number of workers.
st runs the examples, coverage and fuzzing phases with one cheap check
(not_a_server_error), so it does less per response than zdcontract.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._common import ROOT, SPEC, Figure, Ratio, console_script, exited_as
from ._servers import serve, zdcontract_mock

__all__ = ["run"]

SEED = 7


def _zdcontract(url: str, n: int, workers: int, reports: str) -> list[str]:
    return [
        sys.executable, "-m", "zdcontract", "run", "--base-url", url,
        "--max-examples", str(n), "--seed", str(SEED), "--workers", str(workers),
        "--rate-limit", "1000000/s", "--max-requests", "1000000",
        "--report-dir", reports, "--no-baseline", "--fail-on", "never", "--quiet",
    ]  # fmt: skip


def _st(url: str, n: int, workers: int) -> list[str]:
    st = console_script("st")
    return [
        st, "run", str(SPEC), "-u", url, "-n", str(n), "--seed", str(SEED),
        "--phases", "examples,coverage,fuzzing", "--checks", "not_a_server_error",
        "--workers", str(workers),
    ]  # fmt: skip


#: The exit statuses of a run that did its work. zdcontract runs with --fail-on never, so
#: its 1 is a run that exercised nothing; st's 1 is a check that failed.
_DONE = {"zdcontract run": (0,), "st run": (0, 1)}


def _timed(name: str, argv: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    return seconds, exited_as(name, done.returncode, done.stderr or done.stdout, _DONE[name])


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    n, workers, rounds = (2, 1, 1) if quick else (25, 1, 5)
    figures: list[Figure] = []
    ratios: list[Ratio] = []
    details: dict[str, Any] = {"max_examples": n, "seed": SEED, "workers": workers}
    for profile in ("conformant", "zendesk"):
        with (
            tempfile.TemporaryDirectory(prefix="zdcontract-e2e-") as scratch,
            open(Path(scratch) / "mock.log", "a+b") as log,
        ):
            timings: dict[str, list[float]] = {"zdcontract run": [], "st run": []}
            outcome: dict[str, tuple[int, int]] = {}

            def mock(port: int, profile: str = profile) -> list[str]:
                return zdcontract_mock(port, "--profile", profile)

            with serve(mock, log) as url:
                commands = {
                    "zdcontract run": _zdcontract(url, n, workers, scratch + "/reports"),
                    "st run": _st(url, n, workers),
                }
                # Rounds alternate the two tools, so a slow spell of the machine hits both.
                for _ in range(rounds):
                    for name, argv in commands.items():
                        before = _lines(log)
                        seconds, code = _timed(name, argv)
                        timings[name].append(seconds)
                        outcome[name] = (_lines(log) - before, code)
            medians = {name: statistics.median(values) for name, values in timings.items()}
            for name, seconds in medians.items():
                sent, code = outcome[name]
                figures.append(
                    Figure(f"{name} (mock profile {profile}, N={n})", seconds, "s",
                           f"median of {rounds}; {sent} requests, exit {code}")
                )  # fmt: skip
                details[f"{profile}/{name}"] = {
                    "seconds": seconds, "runs": timings[name], "requests": sent
                }  # fmt: skip
            ratio = medians["zdcontract run"] / medians["st run"]
            ratios.append(Ratio(f"zdcontract run / st run ({profile} mock)", ratio, "<= 1",
                                ratio <= 1))  # fmt: skip
    return figures, ratios, details


def _lines(log: Any) -> int:
    time.sleep(0.2)  # let the mock flush its last log lines
    log.flush()
    log.seek(0)
    return sum(1 for _ in log)
