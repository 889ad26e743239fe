"""The monitor's whole cycle on real sockets: baseline, known, new + alert, resolved, expired."""

from __future__ import annotations

import json
import re
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from in_process import zd

from ._helpers import receiver, report

pytestmark = pytest.mark.slow

TITLE = "ListActivities|missing-field|/activities/*/title"
COUNT_TYPE = "CountActivities|type-mismatch|/count/value"


def run_args(directory: Path, *drift: str) -> list[str]:
    """A short, reproducible run against the conformant mock with ``drift`` injected."""
    args = ["run", "--profile", "conformant", "--seed", "3", "--max-examples", "4"]
    args += ["--no-checks", "--report-dir", str(directory), "-q"]
    for mutation in drift:
        args += ["--mock-drift", mutation]
    return args


def history(directory: Path) -> list[dict]:
    lines = (directory / "history.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_the_whole_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports, baseline = tmp_path / "reports", tmp_path / "baseline.json"
    title = "remove:/activities/*/title"

    # 1. Accept today's drift.
    code, out, _ = zd([*run_args(reports, title), "--update-baseline", str(baseline)], capsys)
    assert code == 0, out + _
    accepted = json.loads(baseline.read_text())
    entry = next(e for e in accepted["entries"] if e["fingerprint"] == TITLE)
    assert entry["kind"] == "missing-field" and entry["operation"] == "ListActivities"
    assert entry["path"] == "/activities/*/title"
    assert entry["reason"] == "" and entry["expires"] is None
    assert entry["first_seen"] and entry["last_seen"]
    assert "without a reason" in out
    entry["reason"] = "Zendesk dropped titles on purpose (ticket 123)"
    baseline.write_text(json.dumps(accepted))

    with receiver() as hook:
        # 2. The same drift is known: exit 0, and nobody is alerted.
        base = ["--baseline", str(baseline), "--notify-url", hook.url]
        code, out, _ = zd([*run_args(reports, title), *base], capsys)
        assert code == 0, out + _
        data = report(reports)
        assert TITLE in data["extra"]["baseline"]["known"]
        assert data["extra"]["baseline"]["new"] == []
        assert data["run"]["exit_code"] == 0
        assert hook.received == []
        assert "0 new" in out

        # 3. New drift: exit 1 and the webhook receives it.
        code, out, err = zd([*run_args(reports, title, "type:/count/value=string"), *base], capsys)
        assert code == 1, out + err
        data = report(reports)
        assert COUNT_TYPE in data["extra"]["baseline"]["new"]
        assert TITLE in data["extra"]["baseline"]["known"]
        assert data["run"]["exit_code"] == 1
        assert len(hook.received) == 1
        message = hook.received[0]
        assert message["content_type"].startswith("application/json")
        body = message["body"]
        assert COUNT_TYPE in body["text"] and TITLE not in body["text"]
        assert [f["fingerprint"] for f in body["new"]] == [COUNT_TYPE]
        assert body["counts"]["status"]["new"] == 1 and body["counts"]["status"]["known"] >= 1

    # 4. The drift is gone: the accepted entry shows as resolved.
    code, out, _ = zd([*run_args(reports), "--baseline", str(baseline)], capsys)
    assert code == 0, out + _
    resolved = report(reports)["extra"]["baseline"]["resolved"]
    assert [e["fingerprint"] for e in resolved if e["fingerprint"] == TITLE] == [TITLE]
    assert resolved[0]["reason"].startswith("Zendesk dropped titles")
    html = (reports / "zdcontract-report.html").read_text()
    assert 'id="resolved"' in html and "Zendesk dropped titles" in html

    # 5. An expired acceptance counts as new again.
    entry["expires"] = "2020-01-01"
    baseline.write_text(json.dumps(accepted))
    code, out, _ = zd([*run_args(reports, title), "--baseline", str(baseline)], capsys)
    assert code == 1, out
    state = report(reports)["extra"]["baseline"]
    assert TITLE in state["new"] and TITLE in state["expired"]
    assert "1 expired" in out

    # One history line per run, each with its counts and fingerprints.
    lines = history(reports)
    assert len(lines) == 5
    assert [line["exit_code"] for line in lines] == [0, 0, 1, 0, 1]
    assert lines[2]["fingerprints"]["new"] == [COUNT_TYPE]
    assert lines[2]["counts"]["status"]["new"] == 1
    assert lines[2]["counts"]["status"]["known"] == len(lines[2]["fingerprints"]["known"]) >= 1
    assert set(lines[2]["counts"]["severity"]) == {"breaking", "warning", "info"}
    assert lines[3]["fingerprints"]["resolved"] == [TITLE]
    assert all(line["target"]["kind"] == "mock" and line["time"] for line in lines)
    html = (reports / "zdcontract-report.html").read_text()
    assert html.count('<g class="run">') == 5  # the trend: every run, this one included


@pytest.mark.parametrize("failure", ["status-500", "closed-port"])
def test_a_failing_webhook_is_one_line_and_never_changes_the_exit_status(
    failure: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if failure == "closed-port":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook/secret-path"
        code, out, err = zd(
            [*run_args(tmp_path, "remove:/activities/*/title"), "--notify-url", url], capsys
        )
    else:
        with receiver(status=500) as hook:
            url = hook.url
            code, out, err = zd(
                [*run_args(tmp_path, "remove:/activities/*/title"), "--notify-url", url], capsys
            )
        assert len(hook.received) == 1
    assert code == 1, out + err  # the findings decide, not the webhook
    warnings = [line for line in err.splitlines() if "webhook" in line]
    assert len(warnings) == 1, err
    assert "not delivered" in warnings[0]
    assert "secret-path" not in err  # a webhook's path is its secret
    assert (tmp_path / "zdcontract-report.json").is_file()


def test_default_run_knows_zendesks_deviations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", "--seed", "2", "--max-examples", "5", "--report-dir", str(tmp_path)]
    code, out, _ = zd(args, capsys)
    assert code == 0, out + _
    state = report(tmp_path)["extra"]["baseline"]
    assert state["file"] == "zdcontract:zendesk"
    assert state["new"] == []
    assert "ListActivities|undocumented-field|/meta" in state["known"]
    assert re.search(r"known\s+\S\s+warning", out), out  # the findings table: known drift
    # The mock's count stays below 100,000: the refreshed_at entry was not exercised, and a
    # run that could not see it must not call it resolved.
    assert "CountActivities|unexpected-null|/count/refreshed_at" not in [
        e["fingerprint"] for e in state["resolved"]
    ]
    assert "CountActivities|unexpected-null|/count/refreshed_at" in [
        e["fingerprint"] for e in state["unexercised"]
    ]
    assert report(tmp_path)["summary"]["failing"] == 0  # the exit code's view: nothing new
    html = (tmp_path / "zdcontract-report.html").read_text()
    assert "no new drift at or above warning" in html.lower()
    assert 'class="outcome fail"' not in html  # known drift only: no row contradicts the verdict
    assert 'class="outcome known"' in html
    assert 'id="unexercised"' in html
    markdown = (tmp_path / "zdcontract-report.md").read_text()
    assert "✅ **No new drift at or above warning**" in markdown
    assert "with known drift only" in markdown
    junit = ET.parse(tmp_path / "zdcontract-junit.xml").getroot()
    assert junit.get("failures") == "0"

    code, out, _ = zd([*args, "--no-baseline"], capsys)
    assert code == 1, out
    assert "baseline" not in report(tmp_path)["extra"]
    assert report(tmp_path)["summary"]["failing"] > 0
    assert int(ET.parse(tmp_path / "zdcontract-junit.xml").getroot().get("failures", "0")) > 0


def test_bad_baseline_options_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"entries": [{"fingerprint": "x"}]}')
    cases = [
        (["--baseline", str(tmp_path / "missing.json")], "--update-baseline"),
        (["--baseline", str(broken)], "not a zdcontract baseline"),
        (["--baseline", str(broken), "--no-baseline"], "not both"),
    ]
    for extra, expected in cases:
        code, _, err = zd([*run_args(tmp_path), *extra], capsys)
        assert code == 2
        assert len(err.strip().splitlines()) == 1 and expected in err, err
