"""``zdcontract run`` against a faulty network: every fault bounded, reported, never a hang.

Each scenario is a real ``zdcontract run`` process against the embedded mock on a real
socket, with one kind of fault injected (reset, truncate, delay and slow bodies longer than
``--timeout``, an HTML gateway page, 503 with Retry-After, a storm of 429s). The faults are
armed once the run's probe has been answered (a target that never answers is its own
scenario), so they hit the generated cases, one worker at a time, in a reproducible order.

What every scenario proves, from the mock's side and from the run's:

* the run ends, within the ``NO_HANG`` bound, with complete reports and no traceback;
* the mock saw no more requests than ``--max-requests``;
* each request took at most the documented attempts (four for a transport error, six for
  429/503), counted on the mock's request log, which lines up request for request with the
  attempts the HAR recording claims;
* the fault is in the JSON report under its kind: a ``transport-error`` finding naming the
  error, an ``undocumented-status`` finding, or rate-limit events (``rate_limited``, notes);
* after a 429 or 503 with ``Retry-After: N`` the mock hears nothing for N seconds, measured
  on its own clock.

The scenarios are independent processes that mostly wait (backoff, Retry-After), so they
run side by side and the module costs about the time of the slowest one.

The 429 storm comes from ``status:429@0.9``, not from the mock's own rate limit: that one
counts per minute, so its Retry-After runs up to 60 s, and the client, reading
``x-rate-limit-remaining``, slows itself to a few requests a minute well before it; either
is right for a live account and too slow for a test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability._helpers import (
    NO_HANG,
    RATE_LIMIT_ATTEMPTS,
    REPORT_FILES,
    TRANSPORT_ATTEMPTS,
    ArmAfterProbe,
    Finished,
    Seen,
    StampedLog,
    complete_reports,
    har_entries,
    run_cli,
    target_of,
    wait_for,
)

from zdcontract.mock import MockConfig, MockServer
from zdcontract.mock.faults import RETRY_AFTER

pytestmark = pytest.mark.slow


@dataclass(frozen=True, slots=True)
class Scenario:
    faults: tuple[str, ...]
    budget: int  # --max-requests
    options: tuple[str, ...] = ()
    from_start: bool = False  # in force for the probe too: the target never answers
    settle: bool = False  # the mock answers after the client gave up: wait for its log


SCENARIOS = {
    # four attempts per case, all failing: the probe and two cases fill the budget
    "reset": Scenario(("reset",), budget=1 + 2 * TRANSPORT_ATTEMPTS),
    "truncate": Scenario(("truncate",), budget=1 + 2 * TRANSPORT_ATTEMPTS),
    # longer than --timeout: each chunk of the body comes well within the read timeout,
    # the whole body does not
    "slow-body": Scenario(
        ("slow-body:4",), budget=1 + TRANSPORT_ATTEMPTS, options=("--timeout", "1")
    ),
    "delay": Scenario(
        ("delay:4",), budget=1 + TRANSPORT_ATTEMPTS, options=("--timeout", "1"), settle=True
    ),
    "html": Scenario(("html:502",), budget=6),
    "status-503": Scenario(("status:503@0.5",), budget=14),
    "status-429-storm": Scenario(("status:429@0.9",), budget=14),
    "reset-everything": Scenario(("reset",), budget=50, from_start=True),
}


@dataclass
class Played:
    """One scenario after its run: the process, the mock's log, the files it left."""

    name: str
    scenario: Scenario
    finished: Finished
    seen: list[Seen]
    directory: Path
    armed_at: float | None

    @property
    def reports(self) -> Path:
        return self.directory / "reports"

    @property
    def har(self) -> Path:
        return self.directory / "run.har"


def play(name: str, scenario: Scenario, root: Path) -> Played:
    directory = root / name
    directory.mkdir()
    arm = ArmAfterProbe(scenario.faults)
    log = StampedLog(on_request=None if scenario.from_start else arm)
    config = MockConfig(
        profile="conformant",
        activities=20,
        seed=7,
        faults=scenario.faults if scenario.from_start else (),
    )
    with MockServer(config, access_log=log) as server:  # type: ignore[arg-type]
        arm.server = server
        finished = run_cli(
            [
                "run",
                "--base-url",
                server.url,
                "--seed",
                "7",
                "--max-examples",
                "2",
                "--workers",
                "1",
                "--rate-limit",
                "60000/min",
                "--max-requests",
                str(scenario.budget),
                "--no-baseline",
                "--report-dir",
                str(directory / "reports"),
                "--record",
                str(directory / "run.har"),
                "-q",
                *scenario.options,
            ],
            cwd=directory,
        )
        if scenario.settle:
            wait_for(lambda: len(log.seen) >= scenario.budget, 15, "the delayed answers")
    return Played(name, scenario, finished, log.seen, directory, arm.armed_at)


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Played | BaseException]]:
    root = tmp_path_factory.mktemp("faults")
    with ThreadPoolExecutor(max_workers=len(SCENARIOS)) as pool:
        futures = {name: pool.submit(play, name, s, root) for name, s in SCENARIOS.items()}
        results: dict[str, Played | BaseException] = {}
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except Exception as exc:  # reported by the scenario's own test
                results[name] = exc
    yield results


def outcome(played: dict[str, Played | BaseException], name: str) -> Played:
    result = played[name]
    if isinstance(result, BaseException):
        raise result
    return result


def completed(run: Played) -> dict[str, Any]:
    """What holds for every run that got past its probe: it ended by itself, within its
    budget, with whole reports; every request's attempts are bounded, and the mock's log
    shows exactly the attempts the recording claims."""
    finished = run.finished
    assert finished.returncode in (0, 1), finished.output
    assert "Traceback" not in finished.output
    assert len(run.seen) <= run.scenario.budget, Counter(s.status for s in run.seen)
    data = complete_reports(run.reports)
    assert data["run"]["interrupted"] is False
    assert data["summary"]["requests"] <= run.scenario.budget
    assert run.armed_at == run.seen[0].at  # the faults came right after the probe
    entries = har_entries(run.har)
    for entry in entries:
        attempts = entry["_zdcontract"]["attempts"]
        limit = TRANSPORT_ATTEMPTS if "error" in entry["_zdcontract"] else RATE_LIMIT_ATTEMPTS
        assert 1 <= attempts <= limit, entry["_zdcontract"]
    # The mock heard exactly the attempts the recording claims (the probe included: it is a
    # CountActivities request like any other), a request cut short by the spent budget
    # included: the bound on the attempts holds on the server's side, not only in what the
    # client says.
    claimed: Counter[str] = Counter()
    for entry in entries:
        claimed[target_of(entry["request"]["url"])] += entry["_zdcontract"]["attempts"]
    heard = Counter(target_of(s.target) for s in run.seen)
    assert claimed == heard, (claimed - heard, heard - claimed)
    assert data["summary"]["requests"] == len(run.seen)
    # Every request sent is accounted for: answered, failed, or retried for a cause.
    for op in data["operations"]:
        assert op["requests"] == op["answered"] + op["transport_errors"] + op["retried"], op
        assert op["retried"] == sum(op["retries"].values()), op
    return data


def transport_errors(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in data["findings"] if f["kind"] == "transport-error"]


def retry_after_honoured(run: Played) -> int:
    """After every 429/503 the mock hears nothing for Retry-After seconds; how many there were."""
    pauses = 0
    wait = float(RETRY_AFTER)
    for before, after in zip(run.seen, run.seen[1:], strict=False):
        if before.status in (429, 503):
            pauses += 1
            assert after.at - before.at >= wait * 0.99, (before, after)
    return pauses


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("reset", "ConnectionError", "reset"),
        ("truncate", "ChunkedEncodingError", "ended before its declared length"),
        # the body outlasting --timeout (a loaded machine may also miss one chunk's read)
        ("slow-body", "ReadTimeout", "ReadTimeout: "),
        ("delay", "ReadTimeout", "no answer within the timeout"),
    ],
)
def test_transport_faults_become_transport_error_findings_after_bounded_retries(
    played: dict[str, Played | BaseException], name: str, error: str, words: str
) -> None:
    run = outcome(played, name)
    data = completed(run)
    found = transport_errors(data)
    assert found, data["findings"]
    for finding in found:
        assert finding["fingerprint"].endswith(f"|transport-error||{error}"), finding
        assert words in finding["message"], finding["message"]
        assert f"after {TRANSPORT_ATTEMPTS} attempts" in finding["message"]
        assert finding["request"].startswith("curl ")
    assert sum(op["transport_errors"] for op in data["operations"]) >= len(found)
    # every fault fires: each case took exactly the four attempts, no more (the probe, the
    # first entry, came before the fault was armed)
    entries = har_entries(run.har)[1:]
    assert entries and all(e["_zdcontract"]["attempts"] == TRANSPORT_ATTEMPTS for e in entries)
    assert all(e["_zdcontract"]["error"].startswith(error) for e in entries)
    assert len(run.seen) == run.scenario.budget  # the budget, and not one request more
    # every attempt but the last of each request was retried, and counted by its cause
    cause = {"reset": "reset", "truncate": "truncated"}.get(name, "timeout")
    retries = Counter()
    for op in data["operations"]:
        retries.update(op["retries"])
    assert retries[cause] == sum(e["_zdcontract"]["attempts"] - 1 for e in entries), retries


def test_an_html_gateway_page_is_an_undocumented_status_not_retried(
    played: dict[str, Played | BaseException],
) -> None:
    run = outcome(played, "html")
    data = completed(run)
    statuses = {f["status"] for f in data["findings"] if f["kind"] == "undocumented-status"}
    assert 502 in statuses, data["findings"]
    assert all(e["_zdcontract"]["attempts"] == 1 for e in har_entries(run.har))
    assert {s.status for s in run.seen[1:]} == {502}


def test_503_with_retry_after_is_waited_out_and_counted(
    played: dict[str, Played | BaseException],
) -> None:
    run = outcome(played, "status-503")
    data = completed(run)
    assert retry_after_honoured(run) >= 1
    # A 503 is a server error that was retried, never a rate-limit event.
    retried = sum(op["retries"].get("5xx", 0) for op in data["operations"])
    assert 1 <= retried <= sum(1 for s in run.seen if s.status == 503)
    assert sum(op["rate_limited"] for op in data["operations"]) == 0
    assert not any("rate limited" in note for note in data["run"]["notes"])
    # a 503 that outlasts its retries is drift; one that was waited out is not
    final = {e["response"]["status"] for e in har_entries(run.har)}
    drift_503 = any(f["status"] == 503 for f in data["findings"])
    assert drift_503 == (503 in final)


def test_a_429_storm_is_rate_limit_events_never_drift(
    played: dict[str, Played | BaseException],
) -> None:
    run = outcome(played, "status-429-storm")
    data = completed(run)
    storm = sum(1 for s in run.seen if s.status == 429)
    assert storm >= run.scenario.budget // 2  # a storm indeed
    assert retry_after_honoured(run) >= storm - 1  # the last one may end the run
    assert sum(op["rate_limited"] for op in data["operations"]) <= storm
    assert sum(op["rate_limited"] for op in data["operations"]) >= 1
    assert any("rate limited" in note for note in data["run"]["notes"])
    assert not [f for f in data["findings"] if f["status"] == 429]
    retried = sum(op["retries"].get("429", 0) for op in data["operations"])
    assert retried >= 1 and retried <= storm
    # it ended on the budget, or because the target kept answering 429 after every retry
    notes = data["run"]["notes"]
    assert any("budget" in note or "in a row" in note for note in notes), notes


def test_a_target_that_resets_every_connection_is_one_line_exit_2(
    played: dict[str, Played | BaseException],
) -> None:
    run = outcome(played, "reset-everything")
    finished = run.finished
    assert finished.returncode == 2, finished.output
    assert "Traceback" not in finished.output
    lines = finished.stderr.decode().strip().splitlines()
    assert lines[-1].startswith("zdcontract: error: cannot reach http://127.0.0.1:")
    assert "reset" in lines[-1] and len(lines) == 1  # the reason alone (the seed: stdout)
    # the probe's attempts and nothing more: no run against a target that is not there
    assert [s.status for s in run.seen] == [0] * TRANSPORT_ATTEMPTS
    assert not (run.reports / REPORT_FILES["json"]).exists()
    assert finished.seconds < NO_HANG
