"""``python -m benchmarks [--quick] [--json PATH] [--only NAME ...]``: run, print, write."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import cold, drift, end_to_end, hostile, mock_rps, plugin, replay, validation
from ._common import ROOT, Figure, Ratio

SUITES = {
    "validation": validation.run,
    "drift": drift.run,
    "cold": cold.run,
    "replay": replay.run,
    "hostile": hostile.run,
    "end-to-end": end_to_end.run,
    "plugin": plugin.run,
    "mock": mock_rps.run,
}


def markdown(figures: list[Figure], ratios: list[Ratio]) -> str:
    """The figures and the ratios as two Markdown tables."""
    lines = ["| measurement | median | note |", "|---|---:|---|"]
    lines += [f"| {f.name} | {f.shown()} | {f.note} |" for f in figures]
    lines += ["", "| ratio | value | target | met |", "|---|---:|---|---|"]
    for r in ratios:
        met = "n/a" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.name} | {r.shown()} | {r.target} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Smoke mode: seconds, not minutes")
    parser.add_argument("--json", type=Path, help="Where to write the results as JSON")
    parser.add_argument("--only", action="append", choices=sorted(SUITES), help="Run only these")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    ratios: list[Ratio] = []
    details: dict[str, Any] = {}
    started = time.perf_counter()
    for name, suite in SUITES.items():
        if args.only and name not in args.only:
            continue
        sys.stderr.write(f"running {name} ...\n")
        sys.stderr.flush()
        found, ratio, detail = suite(args.quick)
        figures += found
        ratios += ratio
        details[name] = detail
    table = markdown(figures, ratios)
    sys.stdout.write(table + "\n")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = (
        args.json
        or ROOT / "benchmarks" / "results" / f"{stamp}{'-quick' if args.quick else ''}.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "quick": args.quick,
        "when": stamp,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "figures": [_asdict(f) for f in figures],
        "ratios": [_asdict(r) for r in ratios],
        "details": details,
        "markdown": table,
    }
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    sys.stderr.write(f"\nwritten: {path}\n")
    return 0


def _asdict(value: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(value)


if __name__ == "__main__":
    raise SystemExit(main())
