"""``--zd-contract``: the built-in suite on the embedded mock, drift, baselines, credentials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plugin_helpers import FAST, read_report

from zdcontract.mock import MockConfig, MockServer

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow

CONFORMANT = ("-o", "zd_mock_profile=conformant")
ITEMS = [
    "zdcontract::ListActivities::schema",
    "zdcontract::ListActivities::pagination-cursor",
    "zdcontract::ListActivities::pagination-offset",
    "zdcontract::ListActivities::ordering",
    "zdcontract::ListActivities::sideloads",
    "zdcontract::ListActivities::since",
    "zdcontract::ShowActivity::schema",
    "zdcontract::ShowActivity::show-equals-list",
    "zdcontract::CountActivities::schema",
    "zdcontract::CountActivities::count",
]


def test_collects_one_item_per_operation_and_check_without_any_test_file(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("--zd-contract", "--collect-only", "-q", *FAST)
    assert result.ret == 0
    assert [line for line in result.outlines if line.startswith("zdcontract::")] == ITEMS


def test_passes_on_the_conformant_mock_and_writes_every_format(
    project: pytest.Pytester,
) -> None:
    report = project.path / "out" / "drift.json"
    result = project.runpytest(
        "--zd-contract",
        *FAST,
        *CONFORMANT,
        "--zd-report",
        str(report),
        "--zd-report-formats",
        "json,junit,markdown,html",
    )
    # The conformant mock answers cursor parameters with offset pagination: that check skips.
    result.assert_outcomes(passed=9, skipped=1)
    assert result.ret == 0
    data = read_report(report)
    assert data["target"]["kind"] == "mock"
    assert data["target"]["profile"] == "conformant"
    assert data["run"]["seed"] == 1
    assert data["run"]["exit_code"] == 0
    assert [(c["operation"], c["check"]) for c in data["checks"]] == [
        tuple(item.split("::")[1:]) for item in ITEMS
    ]
    assert {f["severity"] for f in data["findings"]} <= {"info"}
    assert sorted(p.name for p in report.parent.iterdir()) == [
        "drift.json",
        "zdcontract-junit.xml",
        "zdcontract-report.html",
        "zdcontract-report.md",
    ]
    result.stdout.fnmatch_lines(
        [
            "*- zdcontract drift -*",
            "severity*kind*distinct*occurrences*known",
            "info*undocumented-status*",
            "target: the embedded mock (profile conformant) at http://127.0.0.1:*, seed 1*",
            "PASSED: no drift at or above warning*",
            f"*- zdcontract report: {report} -*",
        ]
    )


def test_fails_on_injected_drift_with_the_drift_in_the_report(project: pytest.Pytester) -> None:
    report = project.path / "drift.json"
    result = project.runpytest(
        "--zd-contract",
        *FAST,
        *CONFORMANT,
        "-o",
        "zd_mock_drift=type:/count/value=string",
        "--zd-report",
        str(report),
        "-k",
        "CountActivities",
    )
    result.assert_outcomes(passed=0, failed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*CountActivities schema: 1 finding at or above warning",
            "  breaking type-mismatch at /count/value x*",
            "    reproduce: curl -sS -X GET *http://127.0.0.1:*/api/v2/activities/count*",
            "FAILED: 1 finding at or above warning",
        ]
    )
    data = read_report(report)
    drift = [f for f in data["findings"] if f["kind"] == "type-mismatch"]
    assert [f["fingerprint"] for f in drift] == ["CountActivities|type-mismatch|/count/value"]
    assert drift[0]["request"].startswith("curl ")
    assert data["run"]["exit_code"] == 1


def test_a_baseline_of_known_drift_lets_the_session_pass(project: pytest.Pytester) -> None:
    drifting = ("--zd-contract", *FAST, *CONFORMANT, "-k", "CountActivities and schema")
    drifting += ("-o", "zd_mock_drift=type:/count/value=string")
    first = project.runpytest(*drifting, "--zd-report", "first.json")
    assert first.ret == 1
    # Yesterday's report is today's baseline.
    second = project.runpytest(*drifting, "--zd-baseline", "first.json", "--zd-report", "b.json")
    second.assert_outcomes(passed=1)
    assert second.ret == 0
    second.stdout.fnmatch_lines(
        [
            "breaking*type-mismatch*1*2*1",
            "PASSED: no new drift at or above warning (0 new, 1 known*",
        ]
    )
    data = read_report(project.path / "b.json")
    # The report agrees with the session's exit status: the known drift fails nothing.
    assert data["extra"]["baseline"]["known"] == ["CountActivities|type-mismatch|/count/value"]
    assert data["summary"]["failing"] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("{not json", "is not JSON"),
        ('{"something": 1}', "a report's findings or a list of fingerprints"),
    ],
)
def test_an_unusable_baseline_is_a_usage_error(
    project: pytest.Pytester, content: str | None, message: str
) -> None:
    if content is not None:
        (project.path / "known.json").write_text(content)
    result = project.runpytest("--zd-baseline", "known.json", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--zd-baseline: *{message}*"])


def test_credentials_reach_the_target_but_never_the_output_or_the_report(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "canary-token-5f0c2a"
    monkeypatch.setenv("ZENDESK_OAUTH_TOKEN", canary)
    config = MockConfig(
        activities=30, auth_token=canary, profile="conformant", drift=["null:/count/value"]
    )
    with MockServer(config) as server:
        result = project.runpytest(
            "--zd-contract",
            *FAST,
            "--zd-base-url",
            server.url,
            "-o",
            "zd_rate_limit=1000/s",  # as --rate-limit takes it
            "--zd-report",
            "drift.json",
            "--zd-report-formats",
            "json,junit,markdown,html",
            "-k",
            "CountActivities",
        )
        url, seen = server.url, server.requests
    # The drifting count fails (so a reproducer is printed); no request was refused.
    result.assert_outcomes(failed=2)
    assert seen
    assert all(request.status != 401 for request in seen)
    output = "\n".join(result.outlines + result.errlines)
    assert '-H "Authorization: Bearer $ZENDESK_OAUTH_TOKEN"' in output
    assert canary not in output
    for path in project.path.glob("*zdcontract*"):
        assert canary not in path.read_text()
    data = json.loads((project.path / "drift.json").read_text())
    assert canary not in json.dumps(data)
    assert data["target"] == {"url": url, "kind": "live", "profile": None, "auth": "bearer"}


def test_an_unreachable_target_errors_each_item_in_one_line(project: pytest.Pytester) -> None:
    result = project.runpytest(
        "--zd-contract",
        *FAST,
        "--zd-base-url",
        "http://127.0.0.1:9",
        "-o",
        "zd_rate_limit=60000",
        "-k",
        "CountActivities and schema",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["cannot reach http://127.0.0.1:9: *"])


def test_a_bad_spec_is_one_collection_error(project: pytest.Pytester, tmp_path: Path) -> None:
    result = project.runpytest("--zd-contract", "--zd-spec", str(tmp_path / "missing.yaml"))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*zdcontract: *missing.yaml*"])
