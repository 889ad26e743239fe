"""Input someone else wrote: memory and time bounded by the file, not by its shape.

Each row replays a HAR built to hurt (``zdcontract validate --har``) in a fresh process
(benchmarks._peak: wall time, and VmHWM of that process):

* one entry nested 30,000 levels deep (60 KB): the peak RSS must stay under 400 MB
  (ijson's items() needed 2.26 GB for it);
* one entry whose body is a long string (10 MB, then 50 MB): the time must grow with the
  size, not its square (16 s for 50 MB before).

and ``zdcontract run`` against hostile *targets*, served on loopback (tests/loopback.py), in a
fresh process too:

* every answer a gzip bomb (10 GiB of zeros, about 10 MB on the wire);
* every answer a 50 MB body;

whose peak RSS must stay under 400 MB: the body is read up to --max-body-size (16 MiB once
decoded), counted as it streams, and never held whole.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._common import ROOT, Figure, Ratio, exited_as, loopback, zendesk_bodies

__all__ = ["run"]

COUNT_URL = "https://acme.zendesk.com/api/v2/activities/count.json"
LIST_URL = "https://acme.zendesk.com/api/v2/activities.json"


def _entry(url: str, text: str) -> dict[str, Any]:
    return {
        "request": {"method": "GET", "url": url},
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": text},
        },
    }


def deep_har(path: Path, depth: int) -> None:
    """A HAR of two entries, the first carrying a field nested ``depth`` levels deep."""
    count = zendesk_bodies.dumps(zendesk_bodies.count()).decode()
    first = json.dumps(_entry(COUNT_URL, count))[:-1] + ', "_deep": '
    with path.open("w") as out:
        out.write('{"log": {"version": "1.2", "entries": [' + first)
        out.write("[" * depth + "]" * depth + "}, ")
        out.write(json.dumps(_entry(COUNT_URL, count)) + "]}}")


def long_body_har(path: Path, megabytes: int) -> None:
    """A HAR of one ListActivities entry whose body is about ``megabytes`` MB."""
    activities = int(megabytes * 1_000_000 / 3_500)
    page = zendesk_bodies.offset_page(activities, total=activities)
    text = zendesk_bodies.dumps(page).decode()
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [_entry(LIST_URL, text)]}}))


def _replay(path: Path) -> tuple[float, float, str]:
    """CPU seconds and peak RSS (MiB) of ``zdcontract validate --har PATH``, its first line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_PRELOAD": "zdcontract.cli"}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "peak.json"
        argv = [sys.executable, "-m", "benchmarks._peak", str(out), "zdcontract", "validate",
                "--har", str(path), "--fail-on", "never"]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
        if not out.exists():
            raise RuntimeError(f"replay of {path.name} failed: {done.stderr[-500:]}")
        measured = json.loads(out.read_text())
    first = (done.stdout.splitlines() or [done.stderr.strip()])[0]
    return measured["cpu_seconds"], measured["peak_kib"] / 1024, first


def gzip_bomb(mebibytes: int) -> bytes:
    """``mebibytes`` MiB of zeros, gzip-compressed (about a thousandth of that on the wire)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    return b"".join([deflate.compress(zeros) for _ in range(mebibytes)] + [deflate.flush()])


def _run_against(url: str) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of a short ``zdcontract run`` at ``url``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_PRELOAD": "zdcontract.cli"}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "peak.json"
        argv = [sys.executable, "-m", "benchmarks._peak", str(out), "zdcontract", "run",
                "--base-url", url, "--seed", "1", "--max-examples", "2", "--no-checks",
                "--operation", "CountActivities", "--rate-limit", "60000/min", "--no-baseline",
                "--max-time", "60", "-q", "--report-dir", str(Path(scratch) / "r")]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=scratch)
        # peak.json is written at any exit: what proves the run read the body is exit 1
        # with a finding on the answer (too large, or drift in it), not only the file.
        exited_as(f"zdcontract run against {url}", done.returncode, done.stderr, ok=(1,))
        report = json.loads((Path(scratch) / "r" / "zdcontract-report.json").read_text())
        if not [f for f in report["findings"] if f["kind"] != "not-exercised"]:
            raise RuntimeError(f"the run against {url} found nothing in the answer")
        measured = json.loads(out.read_text())
    return measured["seconds"], measured["peak_kib"] / 1024, done.returncode


TARGETS: dict[str, Callable[[bool], tuple[bytes, dict[str, str]]]] = {
    "a gzip bomb": lambda quick: (
        gzip_bomb(64 if quick else 10 << 10),  # 10 GiB; the bound is 16 MiB either way
        {"Content-Type": "application/json", "Content-Encoding": "gzip"},
    ),
    "a 50 MB body": lambda quick: (
        b'{"count": {"value": 1, "pad": "' + b"x" * ((5 if quick else 50) * 10**6) + b'"}}',
        {"Content-Type": "application/json"},
    ),
}


def _targets(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    figures, ratios, details = [], [], {}
    for name, make in TARGETS.items():
        body, headers = make(quick)
        with loopback.answering(body, headers=headers) as url:
            seconds, peak, status = _run_against(url)
        details[name] = {"wire_bytes": len(body), "seconds": seconds, "peak_rss_mib": peak,
                         "exit": status}  # fmt: skip
        note = f"{len(body):,} B on the wire; {seconds:.1f} s; exit {status}"
        figures.append(Figure(f"zdcontract run against {name}: peak RSS", peak, "MiB", note))
        ratios.append(Ratio(f"zdcontract run against {name}: peak RSS (MiB)", peak, "< 400",
                            peak < 400))  # fmt: skip
    return figures, ratios, details


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    figures, ratios, details = _replays(quick)
    more = _targets(quick)
    return figures + more[0], ratios + more[1], {**details, **more[2]}


def _replays(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    depth = 3_000 if quick else 30_000
    small, large = (2, 6) if quick else (10, 50)
    figures: list[Figure] = []
    details: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="zdcontract-hostile-") as scratch:
        deep = Path(scratch) / "deep.har"
        deep_har(deep, depth)
        seconds, peak, first = _replay(deep)
        details["deep"] = {"depth": depth, "bytes": deep.stat().st_size, "seconds": seconds,
                           "peak_rss_mib": peak, "says": first}  # fmt: skip
        note = f"{deep.stat().st_size:,} B file; {seconds:.2f} s"
        name = f"validate --har, one entry nested {depth:,} deep: peak RSS"
        figures.append(Figure(name, peak, "MiB", note))
        times = {}
        for megabytes in (small, large):
            path = Path(scratch) / f"long-{megabytes}.har"
            long_body_har(path, megabytes)
            seconds, peak, first = _replay(path)
            times[megabytes] = seconds
            details[f"long-{megabytes}"] = {"bytes": path.stat().st_size, "seconds": seconds,
                                            "peak_rss_mib": peak, "says": first}  # fmt: skip
            note = f"{path.stat().st_size:,} B file; peak RSS {peak:.0f} MiB"
            figures.append(Figure(f"validate --har, one {megabytes} MB body", seconds, "s", note))
    growth = times[large] / times[small]
    size = large / small
    ratios = [
        Ratio(f"validate --har, one entry nested {depth:,} deep: peak RSS (MiB)", peak_of(details),
              "< 400", peak_of(details) < 400),
        Ratio(f"validate --har, one long body: time {large} MB / {small} MB", growth,
              f"~{size:.0f} (linear), far from {size * size:.0f}", growth <= size * 1.5),
    ]  # fmt: skip
    return figures, ratios, details


def peak_of(details: dict[str, Any]) -> float:
    return float(details["deep"]["peak_rss_mib"])
