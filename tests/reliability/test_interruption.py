"""Stopping ``zdcontract run`` half-way: prompt exit 130, whole reports, nothing lost.

A real ``zdcontract run`` process runs against the embedded mock (answers slowed by a delay
fault, so the run is surely in flight), with drift to find (the zendesk profile without a
baseline), recording its traffic (``--record``) and keeping a history (``--history``).
Once the mock has answered a few requests the test signals it and proves that:

* it exits 130 within a generous bound, without a traceback;
* the four reports are complete (the JSON one valid against the published schema), say
  ``interrupted`` and exit code 130; the HAR and the history parse, the history gained
  exactly one line and kept the old ones;
* nothing answered before the signal is missing: every request the mock had answered is
  in the recording, and every drift finding of every recorded response is in the report;
* a second Ctrl-C, right after the first or while the reports are being written, changes
  none of that (before, it could cut the run short with no reports at all).

The atomic writer is also tested on its own: a process rewriting a large report in a loop
is killed with SIGKILL at random moments, and the target file is always a whole report,
the old one or the new one, for the killed process and for a reader watching meanwhile.
(The plain SIGTERM case is ``tests/runner/test_run_cli.py``.)
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability._helpers import (
    REPORT_FILES,
    Finished,
    Running,
    Seen,
    StampedLog,
    clean_env,
    complete_reports,
    har_entries,
    history_lines,
    started_cli,
    target_of,
    wait_for,
)

from zdcontract.drift import validate_response
from zdcontract.mock import MockConfig, MockServer

pytestmark = pytest.mark.slow

#: How long a signalled run may take to exit: generous, a no-hang bound only.
EXIT_BOUND = 15.0
#: Requests the mock must have answered before the signal goes.
IN_FLIGHT_AFTER = 6
OLD_HISTORY = {"time": "2020-01-01T00:00:00Z", "exit_code": 0, "interrupted": False}


@dataclass
class Stopped:
    finished: Finished
    seen_before: list[Seen]
    directory: Path

    @property
    def reports(self) -> Path:
        return self.directory / "reports"


@contextmanager
def slow_run(tmp_path: Path) -> Iterator[tuple[Running, StampedLog]]:
    """A run in flight: the zendesk profile (real drift), each answer 0.2 s late."""
    log = StampedLog()
    history = tmp_path / "history.jsonl"
    history.write_text(json.dumps(OLD_HISTORY) + "\n")
    config = MockConfig(profile="zendesk", activities=30, seed=3, faults=["delay:0.2"])
    with MockServer(config, access_log=log) as server:  # type: ignore[arg-type]
        args = [
            "run",
            "--base-url",
            server.url,
            "--seed",
            "3",
            "--max-examples",
            "40",
            "--workers",
            "1",
            "--rate-limit",
            "60000/min",
            "--no-baseline",
            "--report-dir",
            str(tmp_path / "reports"),
            "--record",
            str(tmp_path / "run.har"),
            "--history",
            str(history),
            "-q",
        ]
        with started_cli(args, cwd=tmp_path, env=clean_env()) as running:
            wait_for(lambda: len(log.seen) >= IN_FLIGHT_AFTER, 60, "the run to be under way")
            yield running, log


def whole_and_interrupted(stopped: Stopped) -> dict[str, Any]:
    """Exit 130 and every file complete, marked interrupted; the JSON report's data."""
    finished = stopped.finished
    assert finished.returncode == 130, finished.output
    assert "Traceback" not in finished.output
    assert "Exception ignored" not in finished.output
    data = complete_reports(stopped.reports)
    assert data["run"]["interrupted"] is True
    assert data["run"]["exit_code"] == 130
    assert any("interrupted" in note for note in data["run"]["notes"])
    # no temporary file left beside the reports
    assert sorted(p.name for p in stopped.reports.iterdir()) == sorted(REPORT_FILES.values())
    lines = history_lines(stopped.directory / "history.jsonl")
    assert len(lines) == 2 and lines[0] == OLD_HISTORY
    assert lines[1]["interrupted"] is True and lines[1]["exit_code"] == 130
    return data


def nothing_lost(stopped: Stopped, data: dict[str, Any]) -> None:
    """Every request the mock answered before the signal is in the recording (the probe
    aside), and every drift finding of every recorded response is in the report."""
    entries = har_entries(stopped.directory / "run.har")
    recorded: Counter[str] = Counter()
    for entry in entries:
        recorded[target_of(entry["request"]["url"])] += entry["_zdcontract"]["attempts"]
    answered = Counter(target_of(s.target) for s in stopped.seen_before[1:])
    assert not answered - recorded, "answered before the signal but not recorded"
    reported = {f["fingerprint"] for f in data["findings"]}
    assert reported, "the run had found drift before the signal"
    for entry in entries:
        response = entry["response"]
        findings = validate_response(
            response["content"]["text"].encode(),
            operation=entry["_zdcontract"]["operation"],
            status=response["status"],
            content_type=response["content"]["mimeType"],
        )
        missing = {f.fingerprint for f in findings} - reported
        assert not missing, missing


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_run_leaves_whole_reports_har_and_history(tmp_path: Path, signum: int) -> None:
    with slow_run(tmp_path) as (running, log):
        seen_before = log.seen
        running.signal(signum)
        finished = running.finish(EXIT_BOUND)
    stopped = Stopped(finished, seen_before, tmp_path)
    data = whole_and_interrupted(stopped)
    nothing_lost(stopped, data)


@pytest.mark.parametrize("when", ["while stopping", "while writing reports"])
def test_a_second_ctrl_c_does_not_cut_the_reports_short(tmp_path: Path, when: str) -> None:
    json_report = tmp_path / "reports" / REPORT_FILES["json"]
    with slow_run(tmp_path) as (running, log):
        seen_before = log.seen
        running.signal(signal.SIGINT)
        if when == "while writing reports":
            # The JSON report is written first; the other three and the history follow
            # within milliseconds: look often.
            deadline = time.monotonic() + EXIT_BOUND
            while not json_report.exists() and running.process.poll() is None:
                assert time.monotonic() < deadline, "no report was written"
                time.sleep(0.0005)
        else:
            # Two signals sent back to back arrive as one: let the first be handled. Where
            # the second lands (the last answers, the end of the recording) varies; what
            # must hold does not.
            time.sleep(0.1)
        running.signal(signal.SIGINT)
        finished = running.finish(EXIT_BOUND)
    # Wherever the second one lands, even after the last file was written while the
    # interpreter shuts down, the exit is 130, never a death by signal.
    stopped = Stopped(finished, seen_before, tmp_path)
    data = whole_and_interrupted(stopped)
    nothing_lost(stopped, data)


#: Where a second SIGTERM landed in the trials that found the process killed by it.
SECOND_AFTER = (0.1, 0.12, 0.14, 0.16, 0.18, 0.2)


def test_a_second_sigterm_soon_after_the_first_never_kills_the_process(tmp_path: Path) -> None:
    """A service manager's SIGTERM twice (systemd, a CI runner's cancel): the second one,
    0.1-0.2 s later, lands while the run stops, writes or exits; each time the exit is 130
    with whole reports (before, 4 trials in 6 ended killed by the signal, exit -15). The
    trials run side by side: each has its own mock, run and folder."""

    def trial(number: int, delay: float) -> None:
        directory = tmp_path / f"trial-{number}"
        directory.mkdir()
        with slow_run(directory) as (running, log):
            seen_before = log.seen
            running.signal(signal.SIGTERM)
            time.sleep(delay)
            running.signal(signal.SIGTERM)
            finished = running.finish(EXIT_BOUND)
        assert finished.returncode == 130, (delay, finished.output)
        whole_and_interrupted(Stopped(finished, seen_before, directory))

    with ThreadPoolExecutor(max_workers=3) as pool:
        for future in [pool.submit(trial, n, d) for n, d in enumerate(SECOND_AFTER)]:
            future.result()


# --- the atomic writer under SIGKILL ------------------------------------------------------

WRITER = """
import sys
from zdcontract.reports._atomic import atomic_write_bytes

target, size = sys.argv[1], int(sys.argv[2])
version = 0
while True:
    version += 1
    body = b"%012d" % version * (size // 12)
    atomic_write_bytes(target, b"BEGIN %d %d\\n" % (version, len(body)) + body + b"\\nEND\\n")
    sys.stdout.write(f"{version}\\n")
    sys.stdout.flush()
"""
SIZE = 16 << 20


def whole_version(data: bytes) -> int:
    """The version of a complete report; AssertionError for anything cut short."""
    head, _, rest = data.partition(b"\n")
    word, version, length = head.split(b" ")
    assert word == b"BEGIN"
    body, end = rest[: int(length)], rest[int(length) :]
    assert end == b"\nEND\n", f"version {int(version)} is cut short ({len(data)} bytes)"
    assert body == b"%012d" % int(version) * (int(length) // 12)
    return int(version)


def test_sigkill_while_writing_never_leaves_a_half_written_report(tmp_path: Path) -> None:
    target = tmp_path / "zdcontract-report.json"
    body = b"%012d" % 0 * (SIZE // 12)
    target.write_bytes(b"BEGIN 0 %d\n" % len(body) + body + b"\nEND\n")
    reads: list[int] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:  # another process's view while the writer is killed
        while not done.is_set():
            try:
                reads.append(whole_version(target.read_bytes()))
            except BaseException as exc:
                failures.append(exc)
                return

    watcher = threading.Thread(target=reader)
    watcher.start()
    chance = random.Random(2024)
    last = 0
    try:
        for _round in range(8):
            with subprocess.Popen(
                [sys.executable, "-c", WRITER, str(target), str(SIZE)],
                stdout=subprocess.PIPE,
                env=clean_env(),
            ) as writer:
                assert writer.stdout is not None
                written = int(writer.stdout.readline())  # one whole write done
                time.sleep(chance.uniform(0.0, 0.05))  # somewhere in a later write
                writer.send_signal(signal.SIGKILL)
                writer.wait(10)
                written = max([written, *(int(n) for n in writer.stdout.read().split())])
            assert writer.returncode == -signal.SIGKILL
            version = whole_version(target.read_bytes())
            # the last write reported done is there, or the next one, whole
            assert version in (written, written + 1), (version, written)
            last = version
    finally:
        done.set()
        watcher.join(10)
    assert not failures, failures[0]
    assert reads and last >= 1
