"""Drifted pages, the way a drift monitor meets them: every activity off the contract.

The page is Zendesk's 100-activity page where every activity lacks one documented field
(``title``, ``url`` or ``verb`` in turn) and carries one undocumented one (``via``): the
drift of a systematic API change, on every record. Measured in one process beside
``orjson.loads`` of the same bytes (ratios are paired), then at 10,000 activities, where
the cost per activity must stay flat (the floor's own cost per activity is shown: a 35 MB
page leaves the caches). The first drifted body of a fresh process (the drift layer
imported, as ``zdcontract validate`` imports it; the bundled spec, the validator and
openapi-core's body validator not yet loaded) is timed in child processes. The page is
explained anew on every call (its explanation, which the validator keeps for the pages
that drift alike, is dropped first); a row beside it times the page once it is kept.
All times are CPU times of the measuring process: on a machine shared with other work,
what they take from the wall clock is not ours.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from typing import Any

import orjson

from ._common import ROOT, Figure, Ratio, median_cpu_seconds, zendesk_bodies

__all__ = ["drifted_page", "run"]


def drifted_page(activities: int) -> bytes:
    """A ListActivities page whose every activity misses a field and has an extra one."""
    page = zendesk_bodies.offset_page(activities, page=2, total=max(activities, 251))
    for index, activity in enumerate(page["activities"]):
        del activity[("title", "url", "verb")[index % 3]]
        activity["via"] = {"channel": "web", "source": {"rel": None}}
    return zendesk_bodies.dumps(page)


# Run with the repository on PYTHONPATH (benchmarks.drift is imported from there).
_COLD = """
import json, time
from benchmarks.drift import drifted_page
body = drifted_page(100)
from zdcontract.drift import validate_response  # what validate's CLI module imports
start = time.process_time()
findings = validate_response(body, operation="ListActivities")
seconds = time.process_time() - start
print(json.dumps({"seconds": seconds, "findings": len(findings)}))
"""


def _first_drift(rounds: int) -> tuple[float, int]:
    """Median seconds of the first drifted body in a fresh process, and its findings."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = []
    found = 0
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, "-c", _COLD], capture_output=True, text=True, env=env, check=True
        )
        measured = json.loads(done.stdout)
        runs.append(measured["seconds"])
        found = measured["findings"]
    return statistics.median(runs), found


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    from zdcontract import DriftValidator

    small, large = drifted_page(100), drifted_page(1_000 if quick else 10_000)
    per_large = 1_000 if quick else 10_000
    repeat, slow, cold = (10, 2, 1) if quick else (200, 7, 7)
    validator = DriftValidator()

    def check(body: bytes) -> None:
        # Explained every time: openapi-core reads the narrowed page on each call, as it
        # does for the first page of a drift (later pages that drift alike reuse it).
        for compiled in validator._compiled.values():
            compiled.explained.clear()
        validator.validate(body, operation="ListActivities")

    def again(body: bytes) -> None:
        validator.validate(body, operation="ListActivities")

    findings = validator.validate(small, operation="ListActivities")
    assert findings and all(f.count >= 33 for f in findings), findings
    timed = {
        "orjson.loads, drifted page": median_cpu_seconds(lambda: orjson.loads(small), repeat),
        "validate_response, drifted page": median_cpu_seconds(lambda: check(small), repeat),
        "validate_response, drifted page again": median_cpu_seconds(lambda: again(small), repeat),
        "orjson.loads, large drifted page": median_cpu_seconds(
            lambda: orjson.loads(large), slow, warmup=1
        ),
        "validate_response, large drifted page": median_cpu_seconds(
            lambda: check(large), slow, warmup=1
        ),
    }
    first, first_findings = _first_drift(cold)
    n = f"{per_large:,}"
    figures = [
        Figure("orjson.loads, drifted 100-activity page", timed["orjson.loads, drifted page"] * 1e3,
               "ms", f"{len(small):,} B; median of {repeat}"),
        Figure("validate_response, drifted 100-activity page",
               timed["validate_response, drifted page"] * 1e3, "ms",
               f"{len(findings)} findings, each x33-100; median of {repeat}"),
        Figure("validate_response, the same drift again",
               timed["validate_response, drifted page again"] * 1e3, "ms",
               f"openapi-core's explanation remembered; median of {repeat}"),
        Figure(f"orjson.loads, drifted {n}-activity page",
               timed["orjson.loads, large drifted page"] * 1e3, "ms",
               f"{len(large):,} B; median of {slow}"),
        Figure(f"validate_response, drifted {n}-activity page",
               timed["validate_response, large drifted page"] * 1e3, "ms", f"median of {slow}"),
        Figure("first drifted page in a fresh process", first * 1e3, "ms",
               f"CPU; drift layer imported, nothing built; {first_findings} findings; "
               f"median of {cold} processes"),
    ]  # fmt: skip
    page = timed["validate_response, drifted page"] / timed["orjson.loads, drifted page"]
    big = timed["validate_response, large drifted page"] / timed["orjson.loads, large drifted page"]
    scale = per_large / 100
    ours = timed["validate_response, large drifted page"] / scale
    ours /= timed["validate_response, drifted page"]
    floor = timed["orjson.loads, large drifted page"] / scale / timed["orjson.loads, drifted page"]
    linear = ours <= max(1.25, floor * 1.1)
    ratios = [
        Ratio("validate_response, drifted page / orjson.loads", page, "<= 10", page <= 10),
        Ratio(f"validate_response, drifted {n}-activity page / orjson.loads", big, "<= 10",
              big <= 10),
        Ratio(f"drifted page: cost per activity at {n} / at 100", ours,
              f"~1 (linear); orjson.loads' own: {floor:.2f}", linear),
        Ratio("first drifted page in a fresh process (ms)", first * 1e3, "<= 300",
              first <= 0.3),
    ]  # fmt: skip
    details = {
        "page_bytes": len(small),
        "large_activities": per_large,
        "large_bytes": len(large),
        "seconds": timed,
        "first_drift_seconds": first,
    }
    return figures, ratios, details
