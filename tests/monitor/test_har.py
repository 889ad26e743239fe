"""HAR recording (credentials masked) and offline replay in bounded memory."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from in_process import zd

from zdcontract.mock import MockConfig, MockServer
from zdcontract.monitor.record import mask_url

from ._helpers import report

pytestmark = pytest.mark.slow

CANARY = "canary-TOKEN-9a8b7c6d5e"
EMAIL = "qa@acme.example"


def test_run_records_a_har_without_credentials_that_replays_to_the_same_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENDESK_EMAIL", EMAIL)
    monkeypatch.setenv("ZENDESK_API_TOKEN", CANARY)
    har = tmp_path / "capture" / "run.har"
    config = MockConfig(auth_token=CANARY, auth_email=EMAIL, activities=40)
    with MockServer(config) as server:
        base_url = server.url
        code, out, err = zd(
            [
                "run",
                "--base-url",
                server.url,
                "--seed",
                "9",
                "--max-examples",
                "4",
                "--rate-limit",
                "6000/min",
                "--record",
                str(har),
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            capsys,
        )
    assert code == 0, out + err  # a live target: the shipped baseline knows Zendesk's drift
    text = har.read_text()
    basic = base64.b64encode(f"{EMAIL}/token:{CANARY}".encode()).decode()
    assert CANARY not in text and basic not in text
    log = json.loads(text)["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "zdcontract"
    entries = log["entries"]
    assert len(entries) > 10
    for entry in entries:
        headers = {h["name"].lower(): h["value"] for h in entry["request"]["headers"]}
        assert headers["authorization"] == "***"
        assert entry["request"]["url"].startswith(base_url)
        assert entry["_zdcontract"]["operation"]
    assert not list(har.parent.glob(".*.tmp"))  # moved into place, nothing left behind

    recorded = {f["fingerprint"] for f in report(tmp_path / "reports")["findings"]}
    code, out, err = zd(["validate", "--har", str(har), "--format", "json"], capsys)
    replayed = json.loads(out)
    assert code == 1, err  # replay applies no baseline: Zendesk's drift is drift
    assert {f["fingerprint"] for f in replayed["findings"]} == recorded - {
        fp for fp in recorded if "semantic-violation" in fp
    }
    assert replayed["entries"] == len(entries)
    assert replayed["validated"] == len(entries)


def test_replay_skips_what_no_operation_serves_and_reads_base64(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = json.dumps({"count": {"refreshed_at": "2026-11-26T07:59:58Z", "value": "12"}})
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                _entry("https://acme.zendesk.com/api/v2/activities/count.json", body, b64=True),
                _entry("https://acme.zendesk.com/assets/app.js", "x" * 100, "text/javascript"),
                _entry("https://acme.zendesk.com/api/v2/activities/count.json", "", status=0),
                # a URL no parser reads (it used to end the replay as an internal error)
                _entry("http://[acme/api/v2/activities/count.json", body),
            ],
        }
    }
    path = tmp_path / "browser.har"
    path.write_text(json.dumps(har))
    code, out, _ = zd(["validate", "--har", str(path)], capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert "4 entries, 1 validated (CountActivities 1)" in first
    assert "2 matching no operation" in first and "1 without a response" in first
    assert "type-mismatch" in out and "/count/value" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"log": {"entries": [{"request": ', "is not a HAR file"),
        ('{"entries": []}', "no top-level 'log'"),
    ],
)
def test_a_broken_har_is_one_line_exit_2(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.har"
    path.write_text(content)
    code, _, err = zd(["validate", "--har", str(path)], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err


def test_har_and_body_file_exclude_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = zd(["validate", "body.json", "--har", "x.har"], capsys)
    assert code == 2 and "--har replaces BODY_FILE" in err


def test_mask_url_hides_tokens_and_passwords() -> None:
    url = "https://me:pw@acme.zendesk.com/api/v2/activities.json?access_token=abc&page%5Bsize%5D=2"
    masked = mask_url(url, ["zzz"])
    assert "pw" not in masked and "abc" not in masked
    assert "page%5Bsize%5D=2" in masked or "page[size]=2" in masked


def test_a_recorded_url_is_the_one_sent_with_an_escaped_secret_masked(tmp_path: Path) -> None:
    """No answer came: the URL is still the one sent, and a secret spelled with percent
    escapes (which mask_url's plain search cannot see) is masked all the same."""
    from zdcontract.monitor.record import HarRecorder
    from zdcontract.runner.client import Exchange

    base = "https://acme.zendesk.com/api/v2/activities.json"
    escaped = "".join(f"%{byte:02X}" for byte in CANARY.encode())
    exchange = Exchange("GET", base, {"page[size]": 2}, error="ConnectTimeout: no answer")
    exchange.sent_url = f"{base}?page%5Bsize%5D=2&echo={escaped}"
    recorder = HarRecorder(tmp_path / "run.har", secrets=[CANARY])
    request = recorder.entry("ListActivities", exchange)["request"]
    assert CANARY not in json.dumps(request) and escaped not in json.dumps(request)
    assert request["url"] == f"{base}?page[size]=2&echo=***"
    assert request["queryString"] == [
        {"name": "page[size]", "value": "2"},
        {"name": "echo", "value": "***"},
    ]


# --- bounded memory -------------------------------------------------------------------

_MEASURE = textwrap.dedent(
    """
    import resource, sys
    from zdcontract.drift import DriftValidator
    from zdcontract.monitor.har import replay_har
    validator = DriftValidator()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = replay_har(sys.argv[1], validator)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(summary.entries, summary.validated, len(summary.findings), before, after)
    """
)


def test_a_har_of_thousands_of_entries_replays_in_bounded_memory(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1]))
    import zendesk_bodies as zb

    api = json.dumps(zb.cursor_page(4))  # ~20 KB, Zendesk's cursor page
    asset = "/* bundle */" + "x" * 20_000
    small, large = tmp_path / "small.har", tmp_path / "large.har"
    _write_har(small, 500, api, asset)
    _write_har(large, 5_000, api, asset)
    assert large.stat().st_size > 90_000_000

    results = {}
    for path in (small, large):
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        entries, validated, findings, before, after = map(int, done.stdout.split())
        results[path.name] = (entries, validated, findings, after)
    assert results["small.har"][:3] == (500, 50, 5)
    assert results["large.har"][:3] == (5_000, 500, 5)
    grown_kib = results["large.har"][3] - results["small.har"][3]
    # Ten times the entries, 90 MB more file: memory must not follow (json.load would
    # need several times the file's size).
    assert grown_kib < 20 * 1024, f"peak RSS grew by {grown_kib} KiB"


def _write_har(path: Path, count: int, api: str, asset: str) -> None:
    with path.open("w") as handle:
        handle.write('{"log": {"version": "1.2", "creator": {"name": "test"}, "entries": [\n')
        for index in range(count):
            if index % 10 == 0:
                url = f"https://acme.zendesk.com/api/v2/activities.json?page%5Bsize%5D=4&i={index}"
                entry = _entry(url, api)
            else:
                entry = _entry(f"https://acme.zendesk.com/assets/{index}.js", asset, "text/js")
            handle.write(("," if index else "") + json.dumps(entry) + "\n")
        handle.write("]}}\n")


def _entry(
    url: str,
    text: str,
    mime: str = "application/json; charset=utf-8",
    *,
    status: int = 200,
    b64: bool = False,
) -> dict:
    content: dict = {"size": len(text), "mimeType": mime, "text": text}
    if b64:
        content["text"] = base64.b64encode(text.encode()).decode()
        content["encoding"] = "base64"
    return {
        "startedDateTime": "2026-11-26T08:00:00.000Z",
        "time": 12.5,
        "request": {"method": "GET", "url": url, "headers": [], "queryString": []},
        "response": {
            "status": status,
            "headers": [{"name": "Content-Type", "value": mime}],
            "content": content,
        },
    }
