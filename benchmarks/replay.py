"""Offline replay of N captured responses: time and peak RSS, each run in a fresh process.

The capture rotates through a 10-activity ListActivities page, a ShowActivity and a
CountActivities body; one entry in a hundred is a ShowActivity that drifts (an undocumented
field; its id, title and time differ from entry to entry), so the reference path runs too.
Two replayers: ``zdcontract validate --har`` (streamed HAR) and a plain Python loop over
the validator (one body per line). Each runs in a fresh process (benchmarks._peak) that
imports the heavy libraries before its clock starts, so the time is the replay's own. The
floor (``benchmarks._har_floor``) reads the same HAR with ijson and parses each body with
orjson, validating nothing. The three take turns, round by round. A fixed cost remains
(spec loading, compilation, the first reference validation), so linearity compares the
marginal cost per response over N=1,000 -> 5,500 with that over 5,500 -> 10,000: 1.0 means
a straight line.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ._common import ROOT, Figure, Ratio, zendesk_bodies

__all__ = ["run"]


def _captures() -> list[tuple[str, str, bytes]]:
    page = zendesk_bodies.offset_page(10)
    return [
        ("ListActivities", "/api/v2/activities.json?per_page=10", zendesk_bodies.dumps(page)),
        (
            "ShowActivity",
            "/api/v2/activities/29183462000000.json",
            zendesk_bodies.dumps(zendesk_bodies.show()),
        ),
        (
            "CountActivities",
            "/api/v2/activities/count.json",
            zendesk_bodies.dumps(zendesk_bodies.count()),
        ),
    ]


def _drifted(index: int) -> tuple[str, str, bytes]:
    """A ShowActivity with an undocumented field; its id, title and time differ per entry.

    Like the pages of a drifted API: the same drift in other records, not the same bytes.
    """
    body = zendesk_bodies.show()
    activity = body["activity"]
    activity["id"] = 29183462000000 + index
    activity["title"] = f"{activity['title']} ({index})"
    activity["created_at"] = f"2026-11-{1 + index % 28:02d}T{index % 24:02d}:00:00Z"
    activity["via"] = {"channel": "api"}
    return "ShowActivity", f"/api/v2/activities/{activity['id']}.json", zendesk_bodies.dumps(body)


def _entry(index: int, captures: list[tuple[str, str, bytes]]) -> tuple[str, str, bytes]:
    return _drifted(index) if index % 100 == 99 else captures[index % 3]


def write_har(path: Path, count: int) -> None:
    """A HAR of ``count`` entries, written entry by entry."""
    captures = _captures()
    with path.open("w", encoding="utf-8") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "benchmarks"}, "entries": [')
        for index in range(count):
            _, url, body = _entry(index, captures)
            entry = {
                "request": {"method": "GET", "url": "https://acme.zendesk.com" + url},
                "response": {
                    "status": 200,
                    "headers": [{"name": "Content-Type", "value": "application/json"}],
                    "content": {"mimeType": "application/json", "text": body.decode()},
                },
            }
            out.write(("," if index else "") + json.dumps(entry))
        out.write("]}}")


def write_lines(path: Path, count: int) -> None:
    captures = _captures()
    with path.open("wb") as out:
        for index in range(count):
            operation, _, body = _entry(index, captures)
            out.write(operation.encode() + b"\t200\t" + body + b"\n")


#: ijson reads the entries, orjson parses each body, nothing is validated (_har_floor).
FLOOR = "ijson+orjson streaming floor"

# Imported before the clock starts: start-up is not what linearity is about.
PRELOAD = ",".join(
    [
        "ijson",
        "orjson",
        "openapi_schema_validator",
        "zdcontract.cli",
        "zdcontract.cli.validate",
        "zdcontract.monitor.har",
    ]
)


def _measure(command: list[str], count: int) -> tuple[float, float]:
    """Seconds (CPU, start-up excluded) and peak RSS (MiB) of one ``python -m MODULE ARGS``.

    The child must say (JSON on stdout) that it went through all ``count`` responses: a
    replay that skipped them would be timed doing nothing.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_PRELOAD": PRELOAD}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "peak.json"
        argv = [sys.executable, "-m", "benchmarks._peak", str(out), *command]
        done = subprocess.run(argv, capture_output=True, env=env, cwd=ROOT, check=False)
        if not out.exists():
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
        measured = json.loads(out.read_text())
    said = json.loads(done.stdout)
    went = said.get("validated", said.get("parsed"))
    if went != count:
        raise RuntimeError(f"{' '.join(command)} went through {went} of {count}")
    # CPU time: on a shared machine the wall clock counts other people's work too.
    return measured["cpu_seconds"], measured["peak_kib"] / 1024


def _har_available() -> bool:
    helped = subprocess.run(
        [sys.executable, "-m", "zdcontract", "validate", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return "--har" in helped.stdout


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    small, mid, large = (300, 650, 1_000) if quick else (1_000, 5_500, 10_000)
    repeat = 1 if quick else 3
    figures: list[Figure] = []
    ratios: list[Ratio] = []
    details: dict[str, Any] = {"counts": [small, mid, large], "repeat": repeat}
    with tempfile.TemporaryDirectory(prefix="zdcontract-replay-") as scratch:
        replayers: dict[str, Any] = {}
        if _har_available():
            replayers["zdcontract validate --har"] = lambda n: [
                "zdcontract", "validate", "--har", _file(scratch, n, write_har, "har"),
                "--format", "json", "--fail-on", "never",
            ]  # fmt: skip
        else:
            details["har"] = "zdcontract validate --har is not available in this checkout"
        replayers["Python loop over DriftValidator"] = lambda n: [
            "benchmarks._replay_loop",
            _file(scratch, n, write_lines, "txt"),
        ]
        replayers[FLOOR] = lambda n: ["benchmarks._har_floor", _file(scratch, n, write_har, "har")]
        # Round by round, every replayer at every N in turn: the machine's speed drifts over
        # a run, and a ratio should compare figures taken under the same conditions.
        taken: dict[tuple[str, int], list[tuple[float, float]]] = {}
        for _ in range(repeat):
            for n in (small, mid, large):
                for name, command in replayers.items():
                    taken.setdefault((name, n), []).append(_measure(command(n), n))
        for name in replayers:
            runs = {
                n: (
                    statistics.median(t for t, _ in taken[(name, n)]),
                    max(m for _, m in taken[(name, n)]),
                )
                for n in (small, mid, large)
            }
            first = (runs[mid][0] - runs[small][0]) / (mid - small) * 1000
            second = (runs[large][0] - runs[mid][0]) / (large - mid) * 1000
            for n in (small, mid, large):
                seconds, rss = runs[n]
                note = f"CPU, median of {repeat}, start-up excluded; peak RSS {rss:.1f} MiB"
                figures.append(Figure(f"{name}: N={n:,}", seconds, "s", note))
            figures.append(
                Figure(f"{name}: marginal cost per response", second, "ms",
                       f"N={mid:,} -> {large:,}")
            )  # fmt: skip
            details[name] = {
                str(n): {"seconds": t, "peak_rss_mib": m} for n, (t, m) in runs.items()
            }
            linear = second / first
            flat = runs[large][1] / runs[small][1]
            ratios.append(
                Ratio(f"{name}: ms/response {mid:,}->{large:,} / {small:,}->{mid:,}", linear,
                      "~1 (linear)", 0.75 <= linear <= 1.25)
            )  # fmt: skip
            ratios.append(
                Ratio(f"{name}: peak RSS N={large:,} / N={small:,}", flat, "~1 (flat)",
                      flat <= 1.15)
            )  # fmt: skip
    ours = details.get("zdcontract validate --har")
    if ours is not None:
        floor = details[FLOOR][str(large)]["seconds"]
        ratio = ours[str(large)]["seconds"] / floor
        ratios.append(
            Ratio(f"zdcontract validate --har / {FLOOR}, N={large:,}", ratio, "<= 1.5",
                  ratio <= 1.5)
        )  # fmt: skip
    return figures, ratios, details


def _file(scratch: str, count: int, writer: Any, suffix: str) -> str:
    path = Path(scratch) / f"capture-{count}.{suffix}"
    if not path.exists():
        writer(path, count)
    return str(path)
