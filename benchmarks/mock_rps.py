"""Requests per second of a 100-activity page: zdcontract's mock against Prism's.

One load generator for both: two threads (the machine has two cores, and the generator
needs CPU too), each with its own keep-alive HTTP/1.1 connection,
reading every body in full, for D seconds. Prism serves the example the spec documents (one
activity); a second Prism serves a copy of the spec whose example is the same 100-activity
page, so the bodies weigh the same.
"""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._common import SPEC, Figure, Ratio, zendesk_bodies
from ._servers import find_prism, prism_mock, serve, zdcontract_mock

__all__ = ["load", "run"]

PAGE_PATH = "/api/v2/activities.json?per_page=100"
PRISM_PATH = "/api/v2/activities"


def load(base_url: str, path: str, seconds: float, threads: int) -> tuple[float, int]:
    """Completed 200 responses per second, and the size of one body."""
    parts = urlsplit(base_url)
    counts = [0] * threads
    sizes = [0] * threads
    stop = 0.0  # set once the warm-up is done: a slow first answer must not eat the window

    def worker(slot: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"Accept": "application/json", "Connection": "keep-alive"}
        while time.monotonic() < stop:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status == 200:
                counts[slot] += 1
                sizes[slot] = len(body)
        connection.close()

    # One warm-up request (compiles routes, fills caches) outside the timed window.
    warm = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    warm.request("GET", path)
    warm.getresponse().read()
    warm.close()
    started = time.monotonic()
    stop = started + seconds
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    return sum(counts) / elapsed, max(sizes)


def _spec_with_page_example(directory: str) -> str:
    from zdcontract.spec import load_spec

    document = json.loads(json.dumps(load_spec(str(SPEC)).document, default=str))
    response = document["paths"]["/api/v2/activities"]["get"]["responses"]["200"]
    page = zendesk_bodies.offset_page(100, page=2, total=251)
    response["content"]["application/json"]["examples"] = {"default": {"value": page}}
    document["components"]["schemas"]["ActivitiesResponse"]["example"] = page  # Prism's pick
    path = Path(directory) / "activities-page-example.json"
    path.write_text(json.dumps(document))
    return str(path)


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    seconds, threads = (1.0, 2) if quick else (10.0, 2)
    figures: list[Figure] = []
    measured: dict[str, float | None] = {}
    details: dict[str, Any] = {"seconds": seconds, "threads": threads}
    with serve(lambda port: zdcontract_mock(port)) as url:
        rps, size = load(url, PAGE_PATH, seconds, threads)
    measured["zdcontract mock"] = rps
    figures.append(Figure("zdcontract mock: 100-activity page", rps, "req/s", f"{size:,} B body"))
    prism = find_prism()
    if prism is None:
        details["prism"] = "not installed (npm install @stoplight/prism-cli in /tmp/prism)"
        measured["prism"] = None
        figures.append(Figure("prism mock", None, "req/s", details["prism"]))
    else:
        with tempfile.TemporaryDirectory(prefix="zdcontract-prism-") as scratch:
            specs = {
                "prism mock (spec as published: 1-activity example)": str(SPEC),
                "prism mock (example = the same 100-activity page)": _spec_with_page_example(
                    scratch
                ),
            }
            for name, spec in specs.items():
                try:
                    with serve(lambda port, spec=spec: prism_mock(prism, spec, port)) as url:
                        rps, size = load(url, PRISM_PATH, seconds, threads)
                except (RuntimeError, OSError) as exc:
                    figures.append(Figure(name, None, "req/s", str(exc)))
                    measured[name] = None
                    continue
                measured[name] = rps
                figures.append(Figure(name, rps, "req/s", f"{size:,} B body"))
    ratios = []
    for name, rps in measured.items():
        if name.startswith("prism"):
            ours = measured["zdcontract mock"]
            ratio = None if not rps or ours is None else ours / rps
            label = "zdcontract mock / " + name
            ratios.append(Ratio(label, ratio, ">= 3", None if ratio is None else ratio >= 3))
    return figures, ratios, details
