"""Shared helpers of the fault, interruption and secret tests: real processes, real sockets.

* ``StampedLog``: an access log for ``MockServer`` that notes, in this process's monotonic
  clock, when each request was answered (the mock's own request log has no times);
* ``run_cli`` / ``start_cli``: ``python -m zdcontract ...`` as a user runs it, with a clean
  environment and a no-hang bound;
* ``complete_reports``: the four reports exist, parse, and the JSON one validates against
  the published schema;
* ``secret_forms`` / ``assert_no_secret``: every form a token can take in written bytes.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jsonschema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "zdcontract" / "reports" / "report.schema.json"
REPORT_FILES = {
    "json": "zdcontract-report.json",
    "junit": "zdcontract-junit.xml",
    "markdown": "zdcontract-report.md",
    "html": "zdcontract-report.html",
}
#: The wall-clock bound past which a run counts as hung: generous, never a speed claim.
NO_HANG = 90.0
#: What the client documents: transport errors are retried three times (four attempts);
#: a 429 or 503 is waited out twice more than that (six attempts).
TRANSPORT_ATTEMPTS = 4
RATE_LIMIT_ATTEMPTS = 6


# --- the mock's requests, with times --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seen:
    """One request the mock answered, and when (``time.monotonic()`` of this process)."""

    at: float
    method: str
    target: str
    status: int  # 0: the connection was dropped without a response


class StampedLog:
    """A file-like access log for ``MockServer``: parses and stamps every line it is given.

    ``on_request`` runs inside the mock's request handling, before the reply leaves: a
    change it makes to the mock (``configure(faults=...)``) is in force for the very next
    request, whatever the client's timing.
    """

    def __init__(self, on_request: Callable[[Seen], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self._text: list[str] = []
        self._on_request = on_request

    def write(self, text: str) -> int:
        now = time.monotonic()
        for line in text.splitlines():
            method, _, rest = line.partition(" ")
            target, _, status = rest.rpartition(" ")
            seen = Seen(now, method, target, int(status) if status.isdigit() else 0)
            with self._lock:
                self._seen.append(seen)
                self._text.append(line + "\n")
            if self._on_request is not None:
                self._on_request(seen)
        return len(text)

    def flush(self) -> None:
        pass

    @property
    def seen(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    @property
    def text(self) -> str:
        with self._lock:
            return "".join(self._text)


class ArmAfterProbe:
    """Puts ``faults`` into a mock once it has answered the run's first request (the probe).

    A run first checks that the target answers at all; faults armed after that check hit
    the generated cases and the behaviour checks, where they become findings.
    """

    def __init__(self, faults: Iterable[str]) -> None:
        self.faults = list(faults)
        self.server: Any = None
        self.armed_at: float | None = None

    def __call__(self, seen: Seen) -> None:
        if self.armed_at is None and self.server is not None:
            self.server.configure(faults=self.faults)
            self.armed_at = seen.at


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``predicate`` until it holds; AssertionError naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.01)


# --- the CLI as a separate process ----------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without ZENDESK_* / ZDCONTRACT_* settings, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZENDESK_", "ZDCONTRACT_", "GITHUB_"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def zd_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "zdcontract", *args]


@dataclass(frozen=True, slots=True)
class Finished:
    """A finished ``zdcontract`` process."""

    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float

    @property
    def output(self) -> str:
        return (self.stdout + self.stderr).decode("utf-8", "replace")


def alerting_run(report_dir: Path, webhook: str) -> list[str]:
    """The arguments of a quick run against the mock made to drift: new drift, so its alert
    goes to ``webhook``."""
    return [
        "run",
        "-q",
        "--no-baseline",
        "--mock-drift",
        "remove:/activities/*/title",
        "--operation",
        "ListActivities",
        "--max-examples",
        "1",
        "--no-checks",
        "--report-dir",
        str(report_dir),
        "--notify-url",
        webhook,
    ]


def run_cli(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = NO_HANG
) -> Finished:
    """Run ``zdcontract args`` to the end; a run past ``timeout`` is killed and fails."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            zd_command(*args),
            cwd=cwd,
            env=env if env is not None else clean_env(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"")[-2000:].decode("utf-8", "replace")
        raise AssertionError(f"zdcontract {' '.join(args)} hung past {timeout} s: {tail}") from None
    return Finished(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


@dataclass
class Running:
    """A ``zdcontract`` process under way, its output going to files (no pipe can fill)."""

    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float) -> Finished:
        """Wait at most ``timeout`` s for the exit; kill and fail past it."""
        started = time.monotonic()
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(
                f"zdcontract did not exit within {timeout} s: "
                + self.stderr_path.read_text(errors="replace")[-2000:]
            ) from None
        return Finished(
            code,
            self.stdout_path.read_bytes(),
            self.stderr_path.read_bytes(),
            time.monotonic() - started,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def started_cli(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> Iterator[Running]:
    """``zdcontract args`` started in the background; killed on the way out if still alive."""
    stdout_path, stderr_path = cwd / "stdout.txt", cwd / "stderr.txt"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            zd_command(*args),
            cwd=cwd,
            env=env if env is not None else clean_env(),
            stdout=out,
            stderr=err,
        )
    running = Running(process, stdout_path, stderr_path)
    try:
        yield running
    finally:
        running.kill()


def interrupt_signals() -> list[int]:
    return [signal.SIGINT, signal.SIGTERM]


# --- reports --------------------------------------------------------------------------------


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def complete_reports(directory: Path) -> dict[str, Any]:
    """The four reports are whole: JSON valid against the schema, JUnit XML that parses,
    Markdown and HTML present and not empty. The JSON report's data."""
    data: dict[str, Any] = json.loads((directory / REPORT_FILES["json"]).read_text("utf-8"))
    jsonschema.validate(data, load_schema())
    root = ET.parse(directory / REPORT_FILES["junit"]).getroot()
    assert root.tag in ("testsuites", "testsuite"), root.tag
    markdown = (directory / REPORT_FILES["markdown"]).read_text("utf-8")
    assert markdown.strip(), "the Markdown report is empty"
    html = (directory / REPORT_FILES["html"]).read_text("utf-8")
    assert html.strip() and "</html>" in html.lower(), "the HTML report is cut short"
    return data


def har_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of a HAR file (which must parse as a whole)."""
    data = json.loads(path.read_text("utf-8"))
    entries: list[dict[str, Any]] = data["log"]["entries"]
    return entries


def target_of(url: str) -> str:
    """A URL as the mock logs it: path percent-decoded, query as sent."""
    parts = urlsplit(url)
    return unquote(parts.path) + (f"?{parts.query}" if parts.query else "")


def history_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of a history file, each of which must parse."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# --- secrets --------------------------------------------------------------------------------


def secret_forms(token: str, email: str | None = None) -> dict[str, bytes]:
    """Every form ``token`` can take in bytes someone writes, by name.

    The token itself, percent-encoded, its head (a long token cut short for display is
    still most of the token), the Basic header's base64 of
    ``email/token:TOKEN``; and, for base64 of any text that holds the token, the part of
    the encoding that only the token's bytes decide, at each of the three alignments.
    """
    forms = {"raw": token.encode(), "percent-encoded": quote(token, safe="").encode()}
    if len(token) >= 24:  # a long token shown cut short: its head is most of it
        forms["head"] = token[:16].encode()
    if email is not None:
        forms["basic header"] = base64.b64encode(f"{email}/token:{token}".encode())
    raw = token.encode()
    for lead in range(3):
        for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
            encoded = encode(b"\0" * lead + raw)
            start = 4 if lead else 0  # the first group mixes in the bytes before the token
            end = (len(raw) + lead) // 3 * 4  # the last full group holds only token bytes
            if end - start >= 8:
                forms[f"{name}@{lead}"] = encoded[start:end]
    return forms


def assert_no_secret(data: bytes | str, forms: dict[str, bytes], where: str) -> None:
    """No form of the secret in ``data`` (the message names the form, never the secret)."""
    blob = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    for name, form in forms.items():
        assert form not in blob, f"the token ({name}) leaked into {where}"


def every_file(*roots: Path) -> Iterator[Path]:
    """Every file under ``roots`` (temporary files left behind included)."""
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (p for p in sorted(root.rglob("*")) if p.is_file())
