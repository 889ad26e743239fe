"""Hostile targets through the CLI: bombs, huge bodies and links, a 429-only server,
a quota that never refills, and a password smuggled into the base URL.

Every case runs ``zdcontract run`` as a user would, against a loopback server written here.
What holds for each: the run ends by itself (within --max-time, never hung), exits
non-zero, its reports say what was not exercised and why, and nothing is held or written
without a bound. Peak memory is measured in benchmarks/ (not here: no timed or sized
assertion in a test beyond the no-hang bound).
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from email.utils import formatdate
from pathlib import Path
from typing import Any

import brotli
import pytest
import zendesk_bodies as zb
from loopback import QuietHandler, answer, answering, serving
from reliability._helpers import Finished, clean_env, complete_reports, run_cli

pytestmark = pytest.mark.slow

#: What every run here is given: enough room for the probe and a few cases, a short clock.
MAX_TIME = 6.0


def _run(url: str, tmp_path: Path, *extra: str, timeout: float = 90.0) -> Finished:
    tmp_path.mkdir(parents=True, exist_ok=True)
    return run_cli(
        ["run", "--base-url", url, "--seed", "1", "--max-examples", "2", "--no-baseline",
         "--rate-limit", "60000/min", "--max-time", str(MAX_TIME),
         "--report-dir", str(tmp_path / "reports"), *extra],
        cwd=tmp_path,
        timeout=timeout,
    )  # fmt: skip


# --- bodies without a bound -----------------------------------------------------------------


def _bomb(coding: str) -> bytes:
    """256 MiB of zeros (512 MiB for gzip), compressed: a few hundred KB on the wire."""
    zeros = b"\0" * (1 << 20)
    if coding == "br":
        compressor = brotli.Compressor(quality=1)
        parts = [compressor.process(zeros) for _ in range(256)]
        return b"".join(parts) + compressor.finish()
    wbits = 31 if coding == "gzip" else 15  # gzip container, or zlib's (HTTP "deflate")
    deflate = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join([deflate.compress(zeros) for _ in range(512)] + [deflate.flush()])


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_decompression_bomb_is_a_finding_not_an_out_of_memory(
    tmp_path: Path, coding: str
) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": coding}
    with answering(_bomb(coding), headers=headers) as url:
        finished = _run(url, tmp_path, "--no-checks", "--operation", "CountActivities")
    assert finished.returncode == 1, finished.output
    assert "Traceback" not in finished.output
    data = complete_reports(tmp_path / "reports")
    too_large = [f for f in data["findings"] if f["fingerprint"].endswith("||too-large")]
    assert too_large, data["findings"]
    assert "once decoded" in too_large[0]["message"]
    assert too_large[0]["request"].startswith("curl ")


def test_a_body_beyond_the_bound_is_cut_off_and_one_within_it_is_read(tmp_path: Path) -> None:
    """50 MB of valid JSON: beyond the default 16 MiB it is a finding; a user who raises the
    bound gets it read and validated."""
    padding = "x" * (50 * 1000 * 1000)
    count = json.dumps({"count": {"value": 3, "refreshed_at": "2024-01-01T00:00:00Z"},
                        "padding": padding}).encode()  # fmt: skip

    with answering(count) as url:
        small = _run(url, tmp_path / "small", "--no-checks", "--operation", "CountActivities")
        large = _run(url, tmp_path / "large", "--no-checks", "--operation", "CountActivities",
                     "--max-body-size", "64MiB")  # fmt: skip
    assert small.returncode == 1, small.output
    assert large.returncode == 1, large.output
    kinds = {f["fingerprint"] for f in complete_reports(tmp_path / "small/reports")["findings"]}
    assert "CountActivities|malformed-body||too-large" in kinds
    findings = complete_reports(tmp_path / "large/reports")["findings"]
    assert "CountActivities|malformed-body||too-large" not in {f["fingerprint"] for f in findings}
    # read in full, the body is validated: the undocumented field is drift like any other
    assert any(f["path"] == "/padding" for f in findings), findings


def test_a_link_of_a_megabyte_is_refused_not_sent_and_not_repeated(tmp_path: Path) -> None:
    seen: list[int] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            seen.append(len(self.path))
            page = zb.cursor_page(1)
            page["meta"]["has_more"] = True
            page["links"]["next"] = f"http://{self.headers['Host']}/api/v2/activities?q=" + (
                "a" * 1_000_000
            )
            answer(self, zb.dumps(page))

    with serving(Handler) as url:
        finished = _run(url, tmp_path, "--operation", "ListActivities")
    assert finished.returncode == 1, finished.output
    assert max(seen) < 10_000  # the megabyte link never went out
    data = complete_reports(tmp_path / "reports")
    refused = [f for f in data["findings"] if "characters long" in f["message"]]
    assert refused and all("(not sent)" in f["message"] for f in refused), data["findings"]
    report = (tmp_path / "reports" / "zdcontract-report.json").stat().st_size
    assert report < 1_000_000  # the link is not copied into the report in full


# --- rate limits that never end -------------------------------------------------------------


def _limited(retry_after: str | None) -> AbstractContextManager[str]:
    """A target answering 429 to everything, with this Retry-After (None: none)."""
    headers = {"Content-Type": "text/plain"}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    body = b"Number of allowed API requests per minute exceeded"
    return answering(body, status=429, headers=headers)


RETRY_AFTERS: dict[str, Callable[[], str | None]] = {
    "absent": lambda: None,
    "garbage": lambda: "soon, maybe",
    "http-date": lambda: formatdate(time.time() + 2, usegmt=True),
    "negative": lambda: "-1",
    "nan": lambda: "nan",
    "huge": lambda: "100000",
    "inf": lambda: "inf",
}


@pytest.fixture(scope="module")
def limited_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One run per Retry-After variant, side by side (each one waits on a clock)."""
    root = tmp_path_factory.mktemp("limited")

    def play(name: str) -> tuple[Finished, Path]:
        where = root / name
        where.mkdir()
        with _limited(RETRY_AFTERS[name]()) as url:
            return _run(url, where), where

    with ThreadPoolExecutor(max_workers=len(RETRY_AFTERS)) as pool:
        futures = {name: pool.submit(play, name) for name in RETRY_AFTERS}
        yield {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("variant", list(RETRY_AFTERS))
def test_a_target_answering_only_429_ends_in_time_and_exercised_nothing(
    limited_runs: dict[str, Any], variant: str
) -> None:
    finished, where = limited_runs[variant]
    assert finished.returncode == 1, finished.output  # never "no drift", never exit 0
    assert finished.seconds < MAX_TIME + 30, finished.seconds  # ends by itself, not hung
    assert "No drift" not in finished.output
    data = complete_reports(where / "reports")
    outcomes = {(c["operation"], c["check"]): c for c in data["checks"]}
    assert all(c["outcome"] == "not-exercised" for c in outcomes.values()), outcomes
    schema = outcomes[("ListActivities", "schema")]
    assert schema["exercised"]["validated"] == 0
    assert "stopped sending" in " ".join(data["run"]["notes"]), data["run"]["notes"]
    unexercised = [f for f in data["findings"] if f["kind"] == "not-exercised"]
    assert {f["severity"] for f in unexercised} >= {"breaking"}
    # every 429 that was retried is counted, apart from any server error
    for op in data["operations"]:
        assert op["requests"] == op["answered"] + op["transport_errors"] + op["retried"], op
        assert set(op["retries"]) <= {"429"}, op


def test_a_quota_that_never_refills_ends_at_the_time_budget(tmp_path: Path) -> None:
    """X-Rate-Limit-Remaining: 0 on every answer: the client waits for the reset each time,
    and the run ends at --max-time with what it validated until then."""
    headers = {"Content-Type": "application/json", "X-Rate-Limit-Remaining": "0",
               "Rate-Limit-Reset": "5"}  # fmt: skip
    with answering(zb.dumps(zb.count()), headers=headers) as url:
        finished = _run(url, tmp_path, "--operation", "CountActivities")
    assert finished.returncode == 1, finished.output
    assert finished.seconds < MAX_TIME + 30, finished.seconds
    data = complete_reports(tmp_path / "reports")
    notes = " ".join(data["run"]["notes"])
    assert "time budget" in notes, notes
    outcomes = {c["check"]: c["outcome"] for c in data["checks"]}
    assert outcomes["schema"] == "pass", outcomes  # what was answered was validated
    assert outcomes["count"] == "not-exercised", outcomes  # what was left was not


def test_a_quota_spent_for_longer_than_max_wait_stops_the_sending(tmp_path: Path) -> None:
    """X-Rate-Limit-Remaining: 0 with a reset ten minutes away and --max-wait 5: the client
    stops sending at once, as for a Retry-After that long, rather than crawl on at one
    request a minute until the time budget ends it."""
    headers = {"Content-Type": "application/json", "X-Rate-Limit-Remaining": "0",
               "Rate-Limit-Reset": "600"}  # fmt: skip
    with answering(zb.dumps(zb.count()), headers=headers) as url:
        finished = _run(url, tmp_path, "--operation", "CountActivities", "--max-wait", "5")
    assert finished.returncode == 1, finished.output
    data = complete_reports(tmp_path / "reports")
    notes = " ".join(data["run"]["notes"])
    assert "quota is spent for 600 s" in notes and "longest wait of 5 s" in notes, notes
    assert "time budget" not in notes, notes
    # The first answer (the probe) already said so: nothing of the operation was sent.
    for check in data["checks"]:
        assert check["outcome"] == "not-exercised", check
        assert "quota is spent" in check["reason"], check


# --- credentials in the wrong place ---------------------------------------------------------

PASSWORD = "Pw-3d6f1c2a-never-shown"


@pytest.mark.parametrize("where", ["option", "environment", "pyproject"])
def test_a_password_in_the_base_url_is_refused_without_being_shown(
    tmp_path: Path, where: str
) -> None:
    url = f"http://user:{PASSWORD}@127.0.0.1:9/"
    args = ["run", "--report-dir", str(tmp_path / "reports")]
    env = clean_env()
    if where == "option":
        args += ["--base-url", url]
    elif where == "environment":
        env["ZDCONTRACT_BASE_URL"] = url
    else:
        (tmp_path / "pyproject.toml").write_text(f'[tool.zdcontract]\nbase-url = "{url}"\n')
    finished = run_cli(args, cwd=tmp_path, env=env)
    assert finished.returncode == 2, finished.output
    assert PASSWORD not in finished.output
    lines = finished.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "user information" in lines[0], lines
    assert not (tmp_path / "reports").exists()  # refused before anything was written


def test_a_password_in_the_pytest_base_url_is_a_usage_error_without_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--zd-contract",
         f"--zd-base-url=http://user:{PASSWORD}@127.0.0.1:9/", str(tmp_path)],
        cwd=tmp_path, capture_output=True, env=clean_env(), timeout=120, check=False,
    )  # fmt: skip
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 4, output  # pytest's usage error
    assert "user information" in output and PASSWORD not in output
