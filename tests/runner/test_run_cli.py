"""``zdcontract run`` end to end on real sockets: the main job as users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from in_process import zd

from zdcontract.mock import MockConfig, MockServer
from zdcontract.reports import validate_report_dict

pytestmark = pytest.mark.slow


def report(directory: Path) -> dict:
    data = json.loads((directory / "zdcontract-report.json").read_text())
    validate_report_dict(data)
    return data


def test_conformant_mock_runs_clean_and_reports_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = zd(
        [
            "run",
            "--profile",
            "conformant",
            "--seed",
            "5",
            "--max-examples",
            "10",
            "--report-dir",
            str(tmp_path),
        ],
        capsys,
    )
    data = report(tmp_path)
    assert code == 0, out + err
    assert "seed 5" in out  # stdout: the run's own lines, in order; stderr is for errors
    assert data["run"]["seed"] == 5
    assert data["target"]["kind"] == "mock"
    blocking = [f for f in data["findings"] if f["severity"] in ("breaking", "warning")]
    assert blocking == []
    tree = ET.parse(tmp_path / "zdcontract-junit.xml")
    cases = tree.getroot().iter("testcase")
    names = {(c.get("classname"), c.get("name")) for c in cases}
    assert ("zdcontract.ListActivities", "schema") in names
    assert ("zdcontract.ListActivities", "pagination-offset") in names
    assert ("zdcontract.ShowActivity", "show-equals-list") in names
    html = (tmp_path / "zdcontract-report.html").read_text()
    assert "<html" in html.lower()
    assert "ListActivities" in (tmp_path / "zdcontract-report.md").read_text()


def test_injected_drift_exits_1_with_the_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = zd(
        [
            "run",
            "--profile",
            "conformant",
            "--seed",
            "1",
            "--max-examples",
            "5",
            "--mock-drift",
            "type:/count/value=string",
            "--mock-drift",
            "remove:/activities/*/title",
            "--report-dir",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 1
    fingerprints = {f["fingerprint"]: f for f in report(tmp_path)["findings"]}
    count = fingerprints["CountActivities|type-mismatch|/count/value"]
    assert count["severity"] == "breaking" and count["request"].startswith("curl ")
    assert "ListActivities|missing-field|/activities/*/title" in fingerprints
    assert "type-mismatch" in out


def test_default_run_reports_zendesks_real_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --no-baseline: every finding counts, including the deviations zdcontract knows about
    argv = ["run", "--seed", "2", "--max-examples", "5", "--no-baseline"]
    code, _, _ = zd([*argv, "--report-dir", str(tmp_path)], capsys)
    found = {f["fingerprint"] for f in report(tmp_path)["findings"]}
    assert "ListActivities|undocumented-field|/meta" in found  # cursor pages, as on the live API
    assert code == 1
    code, _, _ = zd([*argv, "--fail-on", "breaking", "--report-dir", str(tmp_path)], capsys)
    assert code == 0


def test_faults_are_reported_and_the_run_completes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = zd(
        [
            "run",
            "--profile",
            "conformant",
            "--seed",
            "4",
            "--max-examples",
            "5",
            # one worker: the seeded faults then hit the same requests on every run
            "--workers",
            "1",
            "--mock-fault",
            "reset@0.6",
            "--mock-fault",
            "status:500@0.1",
            "--mock-fault",
            "html@0.1",
            "--report-dir",
            str(tmp_path),
        ],
        capsys,
    )
    data = report(tmp_path)
    found = {f["fingerprint"]: f for f in data["findings"]}
    assert code == 1
    assert any(f["kind"] == "transport-error" for f in found.values())
    assert any(fp.endswith("undocumented-status||500") for fp in found)
    assert any(fp.endswith("undocumented-status||502") for fp in found)  # the HTML error page
    assert data["run"]["interrupted"] is False
    assert sum(op["requests"] for op in data["operations"]) > 10


def test_live_target_with_env_credentials_sees_only_get_and_never_leaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "canary-TOKEN-5f1e2d3c4b"
    monkeypatch.setenv("ZENDESK_EMAIL", "qa@acme.example")
    monkeypatch.setenv("ZENDESK_API_TOKEN", canary)
    config = MockConfig(
        profile="conformant", auth_token=canary, auth_email="qa@acme.example", activities=40
    )
    with MockServer(config) as server:
        code, out, err = zd(
            [
                "run",
                "--base-url",
                server.url,
                "--seed",
                "9",
                "--max-examples",
                "5",
                "--rate-limit",
                "6000/min",
                "--report-dir",
                str(tmp_path),
            ],
            capsys,
        )
        seen = list(server.requests)
    assert code == 0, out + err
    assert seen and {r.method for r in seen} == {"GET"}
    assert all(r.status != 401 for r in seen)
    import base64

    forms = [canary, base64.b64encode(f"qa@acme.example/token:{canary}".encode()).decode()]
    texts = [out, err] + [p.read_text(errors="replace") for p in tmp_path.iterdir()]
    for text in texts:
        for form in forms:
            assert form not in text
    data = report(tmp_path)
    assert data["target"]["kind"] == "live" and data["target"]["auth"] == "basic"


def test_wrong_credentials_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ZENDESK_OAUTH_TOKEN", "wrong-token-1234")
    with MockServer(MockConfig(auth_token="right-token-5678", activities=5)) as server:
        code, out, err = zd(
            ["run", "--base-url", server.url, "--report-dir", str(tmp_path)], capsys
        )
    assert code == 2
    assert len(err.strip().splitlines()) == 1  # the error, one line (the seed went to stdout)
    assert "refused the credentials" in err
    assert "wrong-token-1234" not in out + err


def test_the_same_seed_sends_the_same_requests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = []
    for attempt in range(2):
        with MockServer(MockConfig(profile="conformant", activities=30)) as server:
            zd(
                [
                    "run",
                    "--base-url",
                    server.url,
                    "--seed",
                    "77",
                    "--max-examples",
                    "8",
                    "--workers",
                    "1",
                    "--no-checks",
                    "--rate-limit",
                    "6000/min",
                    "--report-dir",
                    str(tmp_path / str(attempt)),
                ],
                capsys,
            )
            sent.append([(r.method, r.target) for r in server.requests])
    assert len(sent[0]) > 10
    assert sent[0] == sent[1]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["run", "--max-examples", "0"], "--max-examples"),
        (["run", "--rate-limit", "fast"], "--rate-limit"),
        (["run", "--base-url", "ftp://x"], "--base-url must start with"),
        (["run", "--base-url", "http://127.0.0.1:9", "--subdomain", "acme"], "not both"),
        (["run", "--operation", "ListActivity"], "Did you mean 'ListActivities'"),
        (["run", "--spec", "/no/such.yaml"], "no such file"),
        (["run", "--mock-drift", "explode:/x"], "drift"),
        (
            ["run", "--base-url", "http://127.0.0.1:9", "--timeout", "1", "--report-dir", "{tmp}"],
            "cannot reach",
        ),
    ],
)
def test_bad_use_is_exit_2(
    argv: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = zd([a.replace("{tmp}", str(tmp_path)) for a in argv], capsys)
    assert code == 2, out + err
    assert fragment in err
    assert "Traceback" not in out + err


def test_settings_come_from_pyproject_and_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.zdcontract]\nprofile = "conformant"\nmax-examples = 3\nseed = 11\n'
        'report-dir = "out"\n'
        # A list setting too: the run covers the two operations it names.
        'operation = ["ListActivities", "CountActivities"]\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZDCONTRACT_SEED", "12")
    code, _, err = zd(["run", "--no-checks"], capsys)
    data = report(tmp_path / "out")
    assert code == 0, err
    assert data["run"]["seed"] == 12  # the environment beats the file
    assert data["run"]["max_examples"] == 3
    assert [c["operation"] for c in data["checks"]] == ["ListActivities", "CountActivities"]
    code, _, _ = zd(["run", "--no-checks", "--seed", "13"], capsys)
    assert report(tmp_path / "out")["run"]["seed"] == 13  # the command line beats both
    (tmp_path / "pyproject.toml").write_text("[tool.zdcontract]\nmax-exampels = 3\n")
    code, _, err = zd(["run"], capsys)
    assert code == 2 and "unknown setting 'max-exampels'" in err


def test_sigterm_leaves_complete_reports_marked_interrupted(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zdcontract",
            "run",
            "--seed",
            "3",
            "--max-examples",
            "200",
            "--mock-fault",
            "delay:0.3",
            "--workers",
            "1",
            "--report-dir",
            str(tmp_path),
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # the seed line: the run has started
        time.sleep(2.0)
        process.terminate()
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    data = report(tmp_path)
    assert data["run"]["interrupted"] is True
    assert b"Traceback" not in err
