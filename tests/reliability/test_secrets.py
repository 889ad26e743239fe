"""A canary token given through the environment reaches the target and nothing else.

Each test runs a real ``zdcontract run`` process with credentials in ``ZENDESK_*`` variables
and then searches every byte it wrote (the four reports, the HAR recording, the history,
the baseline, stray temporary files, stdout and stderr) and every byte the mock logged for
every form of the token: the token itself, the Basic header's base64 of
``email/token:TOKEN``, and the part of any base64 text that only the token's bytes decide.

* A hostile target echoes the Authorization header back: in a 500 page (JSON and HTML), in
  a field value that becomes a finding's ``actual``, in a field *named* after it (a
  finding's path and fingerprint), in response headers (one named like a credential, one
  not). Nothing leaks, and the reproducers still read their credentials from the
  environment (``$ZENDESK_API_TOKEN``), never by value.
* Against the mock requiring the token (so every request authenticates) with links that
  point at another host: the other host never receives the credentials.
* Runs that fail inside: a wrong token (401), an unreachable host, tokens that cannot go
  into a header. Each is one line on stderr, exit 2, no traceback, no token.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from loopback import QuietHandler, serving
from reliability._helpers import (
    REPORT_FILES,
    Finished,
    StampedLog,
    assert_no_secret,
    clean_env,
    complete_reports,
    every_file,
    har_entries,
    run_cli,
    secret_forms,
)

from zdcontract.mock import MockConfig, MockServer

pytestmark = pytest.mark.slow

EMAIL = "qa@acme.example"
# As long as the real ones (40 and 64 characters): a value shown cut short must not show
# most of a token either.
API_TOKEN = "cAnArYapi7f3e9d2b1a0c4e6f8a2b4d6e8f0TOKEN"
OAUTH_TOKEN = "cAnArYoauth4c8a1e0f5b7d9c3e2a1f0b9c8d7e6f5a4b3c2d1e0f9a8b7TOKEN"
REPRODUCER = {
    "basic": '-u "$ZENDESK_EMAIL/token:$ZENDESK_API_TOKEN"',
    "bearer": '-H "Authorization: Bearer $ZENDESK_OAUTH_TOKEN"',
}


def credentials_env(scheme: str, token: str | None = None) -> dict[str, str]:
    if scheme == "bearer":
        return clean_env(ZENDESK_OAUTH_TOKEN=token or OAUTH_TOKEN)
    return clean_env(ZENDESK_EMAIL=EMAIL, ZENDESK_API_TOKEN=token or API_TOKEN)


def forms_of(scheme: str) -> dict[str, bytes]:
    if scheme == "bearer":
        return secret_forms(OAUTH_TOKEN)
    return secret_forms(API_TOKEN, EMAIL)


def nothing_leaked(finished: Finished, forms: dict[str, bytes], *roots: Path) -> set[str]:
    """No form of the token in the output or in any file under ``roots``; the names of the
    files searched."""
    assert_no_secret(finished.stdout, forms, "stdout")
    assert_no_secret(finished.stderr, forms, "stderr")
    searched = set()
    for path in every_file(*roots):
        assert_no_secret(path.read_bytes(), forms, str(path))
        searched.add(path.name)
    return searched


# --- a target that echoes the credentials back ---------------------------------------------


@dataclass
class Echo:
    url: str = ""
    authorizations: list[str | None] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def echo_server(token: str) -> Iterator[Echo]:
    """Answers every request with what it was sent, Authorization header included."""
    state = Echo()

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            auth = self.headers.get("Authorization") or ""
            state.authorizations.append(self.headers.get("Authorization"))
            status, content_type = 500, "application/json"
            if self.path.startswith("/api/v2/activities/count"):
                # 200, drifting: the value in `actual`, the name in a path and fingerprint
                payload: Any = {"count": {"value": auth, "refreshed_at": None}, auth: 1}
                body, status = json.dumps(payload).encode(), 200
            elif "/activities/" in self.path:
                content_type = "text/html"
                body = f"<html><body><pre>Authorization: {auth}</pre></body></html>".encode()
            else:
                payload = {"error": "InternalError", "description": f"rejected {auth}"}
                payload["request"] = {"headers": dict(self.headers.items())}
                body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Echo-Authorization", auth)
            self.send_header("X-Debug", f"seen {auth}")
            self.send_header("Set-Cookie", f"session={token}; HttpOnly")
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as url:
        state.url = url
        yield state


@pytest.mark.parametrize("scheme", ["basic", "bearer"])
def test_a_target_echoing_the_credentials_puts_them_nowhere(tmp_path: Path, scheme: str) -> None:
    token = OAUTH_TOKEN if scheme == "bearer" else API_TOKEN
    with echo_server(token) as echo:
        finished = run_cli(
            [
                "run",
                "--base-url",
                echo.url,
                "--seed",
                "1",
                "--max-examples",
                "2",
                "--rate-limit",
                "60000/min",
                "--max-requests",
                "40",
                "--no-baseline",
                "--report-dir",
                str(tmp_path / "reports"),
                "--record",
                str(tmp_path / "run.har"),
                "--history",
                str(tmp_path / "history.jsonl"),
                "--update-baseline",
                str(tmp_path / "baseline.json"),
            ],
            cwd=tmp_path,
            env=credentials_env(scheme),
        )
    assert finished.returncode == 0, finished.output  # the baseline was updated
    assert "Traceback" not in finished.output
    # the credentials did reach the target, on every request
    assert echo.authorizations and None not in echo.authorizations
    assert "Findings: " in finished.stdout.decode()  # the summary, findings and all, was shown
    searched = nothing_leaked(finished, forms_of(scheme), tmp_path)
    written = {*REPORT_FILES.values(), "run.har", "history.jsonl", "baseline.json"}
    assert written <= searched, written - searched
    data = complete_reports(tmp_path / "reports")
    # the echoed header became findings, masked: a value, a field name, a 500 page
    assert any("***" in f["fingerprint"] for f in data["findings"]), data["findings"]
    shown = next(f for f in data["findings"] if f["path"] == "/count/value")
    assert "***" in shown["message"], shown  # the value, cut short for display, masked too
    assert {f["status"] for f in data["findings"]} >= {500}
    for finding in data["findings"]:
        if finding["request"] is not None:
            assert REPRODUCER[scheme] in finding["request"], finding["request"]
    for entry in har_entries(tmp_path / "run.har"):
        sent = {h["name"].lower(): h["value"] for h in entry["request"]["headers"]}
        assert sent["authorization"] == "***"
        received = {h["name"].lower(): h["value"] for h in entry["response"]["headers"]}
        assert received["x-echo-authorization"] == "***"
        assert received["set-cookie"] == "***"
        assert received["x-debug"].endswith("***")  # named innocently, masked by value


# --- the mock requiring the token, its links pointing elsewhere ------------------------------


@contextmanager
def catcher() -> Iterator[Echo]:
    """Another host: keeps the Authorization header of whatever reaches it, answers 404."""
    state = Echo()

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            state.authorizations.append(self.headers.get("Authorization"))
            state.headers.append(dict(self.headers.items()))
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as url:
        state.url = url
        yield state


def test_an_authenticated_run_leaks_nothing_and_sends_no_credentials_off_host(
    tmp_path: Path,
) -> None:
    log = StampedLog()
    with catcher() as other:
        config = MockConfig(
            profile="conformant",
            activities=30,
            auth_token=API_TOKEN,
            auth_email=EMAIL,
            drift=["remove:/activities/*/title", "type:/count/value=string"],
            public_url=other.url,  # every link and url in a body names the other host
        )
        with MockServer(config, access_log=log) as server:  # type: ignore[arg-type]
            finished = run_cli(
                [
                    "run",
                    "--base-url",
                    server.url,
                    "--seed",
                    "2",
                    "--max-examples",
                    "3",
                    "--rate-limit",
                    "60000/min",
                    "--report-dir",
                    str(tmp_path / "reports"),
                    "--record",
                    str(tmp_path / "run.har"),
                    "--history",
                    str(tmp_path / "history.jsonl"),
                ],
                cwd=tmp_path,
                env=credentials_env("basic"),
            )
    assert finished.returncode == 1, finished.output  # the injected drift
    assert "Traceback" not in finished.output
    seen = log.seen
    assert seen and all(s.status != 401 for s in seen)  # every request authenticated
    # the pagination walk followed the links to the other host, without the credentials
    assert other.authorizations, "the links were never followed"
    assert set(other.authorizations) == {None}
    forms = forms_of("basic")
    assert_no_secret(json.dumps(other.headers), forms, "the requests to the other host")
    assert_no_secret(log.text, forms, "the mock's access log")
    nothing_leaked(finished, forms, tmp_path)
    data = complete_reports(tmp_path / "reports")
    assert data["target"]["auth"] == "basic"
    requests = [f["request"] for f in data["findings"] if f["request"]]
    assert requests and all(REPRODUCER["basic"] in r for r in requests)
    for entry in har_entries(tmp_path / "run.har"):
        sent = {h["name"].lower(): h["value"] for h in entry["request"]["headers"]}
        assert sent.get("authorization") in ("***", None)


# --- failures inside the run -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def one_line_exit_2(finished: Finished, fragment: str) -> None:
    assert finished.returncode == 2, finished.output
    assert "Traceback" not in finished.output
    last = finished.stderr.decode().strip().splitlines()[-1]
    assert last.startswith("zdcontract: error:") and fragment in last, last


@pytest.mark.parametrize("scheme", ["basic", "bearer"])
def test_a_refused_token_is_one_line_without_the_token(tmp_path: Path, scheme: str) -> None:
    log = StampedLog()
    with MockServer(MockConfig(auth_token="the-right-token", activities=5), access_log=log) as mock:  # type: ignore[arg-type]
        finished = run_cli(
            ["run", "--base-url", mock.url, "--report-dir", str(tmp_path / "reports")],
            cwd=tmp_path,
            env=credentials_env(scheme),
        )
    one_line_exit_2(finished, "refused the credentials (HTTP 401)")
    assert [s.status for s in log.seen] == [401]
    forms = forms_of(scheme)
    assert_no_secret(log.text, forms, "the mock's access log")
    nothing_leaked(finished, forms, tmp_path)


def test_an_unreachable_host_is_one_line_without_the_token(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    finished = run_cli(
        ["run", "--base-url", url, "--timeout", "2", "--report-dir", str(tmp_path / "reports")],
        cwd=tmp_path,
        env=credentials_env("bearer"),
    )
    one_line_exit_2(finished, f"cannot reach {url}")
    nothing_leaked(finished, forms_of("bearer"), tmp_path)


@pytest.mark.parametrize(
    "token",
    [f"{OAUTH_TOKEN}\r\nX-Injected: 1", f"{OAUTH_TOKEN} spaced", f"{OAUTH_TOKEN}\u2019"],
    ids=["crlf", "space", "non-ascii"],
)
def test_a_token_that_cannot_be_a_header_is_refused_unshown(tmp_path: Path, token: str) -> None:
    with MockServer(MockConfig(auth_token=OAUTH_TOKEN, activities=5)) as mock:
        finished = run_cli(
            ["run", "--base-url", mock.url, "--report-dir", str(tmp_path / "reports")],
            cwd=tmp_path,
            env=credentials_env("bearer", token),
        )
        seen = mock.requests
    one_line_exit_2(finished, "ZENDESK_OAUTH_TOKEN holds whitespace, control or non-ASCII")
    assert seen == []  # refused before anything was sent
    nothing_leaked(finished, secret_forms(OAUTH_TOKEN), tmp_path)


def test_a_token_with_a_trailing_newline_still_authenticates(tmp_path: Path) -> None:
    log = StampedLog()
    config = MockConfig(profile="conformant", auth_token=OAUTH_TOKEN, activities=10)
    with MockServer(config, access_log=log) as mock:  # type: ignore[arg-type]
        finished = run_cli(
            [
                "run",
                "--base-url",
                mock.url,
                "--max-examples",
                "1",
                "--no-checks",
                "--rate-limit",
                "60000/min",
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            cwd=tmp_path,
            env=credentials_env("bearer", f"{OAUTH_TOKEN}\r\n"),  # as `$(cat token.txt)` on CRLF
        )
    assert finished.returncode in (0, 1), finished.output
    assert log.seen and all(s.status != 401 for s in log.seen)
    nothing_leaked(finished, secret_forms(OAUTH_TOKEN), tmp_path)
