"""``zdcontract run --record`` against a target that echoes secrets and sends too much.

A real ``zdcontract run`` process records its traffic with credentials in ``ZENDESK_*``
variables, against a server on loopback that

* echoes the token into every string a HAR entry holds besides the header values already
  masked by name: the media type, the status text, a header *name*, and a body that is not
  UTF-8 (which a recording stores as base64, where masking text would never see it);
* answers the count with a 3 MiB body, and the listing with a next link whose query
  string is 1 MB long, which the pagination check follows.

Every byte written is searched for every form of the token, and every entry of the
recording is bounded, with what was cut listed in the entry.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from loopback import QuietHandler, serving
from reliability._helpers import (
    assert_no_secret,
    clean_env,
    every_file,
    har_entries,
    run_cli,
    secret_forms,
)

from zdcontract.monitor.record import MAX_BODY_CHARS, MAX_FIELD_CHARS, MAX_URL_CHARS

pytestmark = pytest.mark.slow

EMAIL = "qa@acme.example"
TOKEN = "cAnArYrec0rd7f3e9d2b1a0c4e6f8a2b4d6e8f0TOKEN"
BIG_BODY = 3 << 20
LONG_QUERY = 1_000_000


@contextmanager
def echoing_target() -> Iterator[str]:
    """Echoes the token everywhere; the count is 3 MiB, the listing links 1 MB away."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            base = f"http://{self.headers['Host']}"
            content_type = f"application/json; charset=utf-8; echo={TOKEN}"
            if self.path.startswith("/api/v2/activities/count"):
                pad = "x" * BIG_BODY
                payload = {"count": {"value": 1, "refreshed_at": None}, "pad": pad, "t": TOKEN}
                body = json.dumps(payload).encode()
            elif self.path.startswith(("/api/v2/activities.json?page", "/api/v2/activities?page")):
                link = f"{base}/api/v2/activities.json?pad={'q' * LONG_QUERY}"
                payload = {
                    "activities": [],
                    "meta": {"has_more": True, "after_cursor": "c", "before_cursor": None},
                    "links": {"next": link, "prev": None},
                }
                body = json.dumps(payload).encode()
            else:  # not UTF-8: the token as UTF-8 and as UTF-16 between invalid bytes
                body = b"\xff\xfe" + TOKEN.encode() + b"\xff" + TOKEN.encode("utf-16-le")
            self.send_response(200, f"OK {TOKEN}")
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header(TOKEN, "1")  # a header named after the token
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as url:
        yield url


def record_a_run(tmp_path: Path, *, credentials: bool) -> tuple[list[dict[str, Any]], Path]:
    har = tmp_path / "run.har"
    with echoing_target() as url:
        finished = run_cli(
            [
                "run",
                "--base-url",
                url,
                "--seed",
                "4",
                "--max-examples",
                "2",
                "--rate-limit",
                "60000/min",
                "--max-requests",
                "60",
                "--no-baseline",
                "--report-dir",
                str(tmp_path / "reports"),
                "--history",
                str(tmp_path / "history.jsonl"),
                "--record",
                str(har),
            ],
            cwd=tmp_path,
            env=clean_env(ZENDESK_EMAIL=EMAIL, ZENDESK_API_TOKEN=TOKEN) if credentials else None,
        )
    assert finished.returncode in (0, 1), finished.output
    assert "Traceback" not in finished.output
    if not credentials:  # the echoed "token" is then just text
        return har_entries(har), har
    forms = secret_forms(TOKEN, EMAIL)
    assert_no_secret(finished.stdout + finished.stderr, forms, "the output")
    for path in every_file(tmp_path):
        assert_no_secret(path.read_bytes(), forms, str(path))
    return har_entries(har), har


def test_a_recording_masks_a_token_echoed_anywhere(tmp_path: Path) -> None:
    entries, _ = record_a_run(tmp_path, credentials=True)
    responses = [entry["response"] for entry in entries]
    # 0: a link refused before sending (beyond 8 KiB); 414: a server refusing a long one
    assert responses and all(r["status"] == 200 for r in responses if r["status"] not in (0, 414))
    answered = [r for r in responses if r["status"] == 200]
    assert answered
    for response in answered:
        assert response["statusText"] == "OK ***", response["statusText"]
        assert response["content"]["mimeType"].endswith("echo=***")
        names = {h["name"] for h in response["headers"]}
        assert "***" in names, names
    binary = [r["content"] for r in answered if r["content"].get("encoding") == "base64"]
    assert binary, "the body that is not UTF-8 was recorded as base64"
    for content in binary:
        raw = base64.b64decode(content["text"])
        assert raw == b"\xff\xfe***\xff" + "***".encode("utf-16-le"), raw


def test_one_entry_of_a_recording_is_bounded_and_says_what_was_cut(tmp_path: Path) -> None:
    entries, har = record_a_run(tmp_path, credentials=False)
    for entry in entries:
        size = len(json.dumps(entry, ensure_ascii=False).encode())
        # the body, the URL and its parameters, a few dozen headers: nothing more
        assert size < MAX_BODY_CHARS + 4 * MAX_URL_CHARS + 64 * MAX_FIELD_CHARS, size
    counts = [e for e in entries if "/count" in e["request"]["url"]]
    assert counts
    for entry in counts:
        content = entry["response"]["content"]
        assert content["size"] > BIG_BODY  # the size received is kept
        assert len(content["text"]) <= MAX_BODY_CHARS
        assert "truncated" in content["comment"]
        assert "response.content.text" in entry["_zdcontract"]["truncated"]
    followed = [e for e in entries if "pad=qqq" in e["request"]["url"]]
    assert followed, "the pagination check followed the long link"
    for entry in followed:
        request = entry["request"]
        assert len(request["url"]) <= MAX_URL_CHARS
        assert sum(len(p["value"]) for p in request["queryString"]) <= MAX_URL_CHARS
        assert "request.url" in entry["_zdcontract"]["truncated"]
    assert har.stat().st_size < len(entries) * (MAX_BODY_CHARS + 4 * MAX_URL_CHARS) + 1_000_000
