"""The plugin's objects without pytester: recorder, baseline, terminal text."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from zdcontract.drift import Finding, Kind, Severity, fingerprint
from zdcontract.errors import UsageError
from zdcontract.monitor.baseline import load_baseline
from zdcontract.pytest_plugin.recorder import DriftRecorder
from zdcontract.pytest_plugin.summary import drift_table, failure_text
from zdcontract.reports import to_json_dict, validate_report_dict
from zdcontract.reports._summary import judge
from zdcontract.results import RequestTally, Target


def finding(
    path: str = "/count/value",
    kind: Kind = Kind.TYPE_MISMATCH,
    severity: Severity = Severity.BREAKING,
    count: int = 1,
) -> Finding:
    return Finding(
        kind=kind,
        severity=severity,
        operation="CountActivities",
        path=path,
        message=f"{kind} at {path}",
        fingerprint=fingerprint("CountActivities", kind, path),
        count=count,
        request="curl -sS -X GET http://127.0.0.1:1/api/v2/activities/count.json",
    )


def worker(*findings: Finding, check: str = "schema", requests: int = 3) -> DriftRecorder:
    recorder = DriftRecorder()
    recorder.record(findings, operation="CountActivities", check=check, cases=requests)
    tally = RequestTally()
    for _ in range(requests):
        tally.record(attempts=1, status=200, seconds=0.01)
    recorder.take_tallies({"CountActivities": tally})
    recorder.target = Target(url="http://127.0.0.1:1", kind="mock", profile="zendesk")
    return recorder


def test_a_tally_crosses_to_the_controller_whole() -> None:
    """Every count of a worker's tally arrives: a field added to RequestTally and left out
    of the payload would fail here."""
    tally = RequestTally()
    for field in dataclasses.fields(RequestTally):
        current = getattr(tally, field.name)
        if isinstance(current, dict):
            current.update({"200": 2, "connect": 1})
        else:
            setattr(tally, field.name, type(current)(7))
    sent = json.loads(json.dumps(tally.to_dict()))
    assert RequestTally.from_dict(sent) == tally
    twice = RequestTally.from_dict(sent)
    twice.add(RequestTally.from_dict(sent))
    assert twice.requests == 14 and twice.statuses["200"] == 4 and twice.seconds == 14.0


def test_worker_payloads_survive_json_and_merge_into_one_finding_per_fingerprint() -> None:
    controller = DriftRecorder()
    assert not controller.used
    first = worker(finding(count=2), finding("/count/refreshed_at", Kind.MISSING_FIELD))
    second = worker(finding(count=3), check="count", requests=2)
    for recorder in (first, second):
        controller.merge_payload(json.loads(json.dumps(recorder.to_payload())))
    merged = controller.merged()
    assert [(f.fingerprint, f.count) for f in merged] == [
        ("CountActivities|type-mismatch|/count/value", 5),
        ("CountActivities|missing-field|/count/refreshed_at", 1),
    ]
    assert [c.check for c in controller.checks.values()] == ["schema", "count"]
    assert controller.tallies["CountActivities"].requests == 5
    assert controller.target == first.target
    result = controller.result(
        target=Target(url="(not started)", kind="mock", profile="zendesk"),
        started_at="2024-01-01T00:00:00Z",
        finished_at="2024-01-01T00:00:01Z",
        duration_seconds=1.0,
        spec="bundled",
        seed=1,
        max_examples=3,
        fail_on="warning",
        exit_code=1,
        order=[("CountActivities", "count"), ("CountActivities", "schema")],
    )
    assert [c.check for c in result.checks] == ["count", "schema"]
    assert result.target.url == "http://127.0.0.1:1"
    validate_report_dict(to_json_dict(result))


def test_recording_twice_under_one_check_merges_the_outcome() -> None:
    recorder = DriftRecorder()
    recorder.record([finding()], operation="CountActivities", check="t.py::test_a")
    recorder.record([], operation="CountActivities", check="t.py::test_a", skipped="why")
    (outcome,) = recorder.checks.values()
    assert outcome.fingerprints == ("CountActivities|type-mismatch|/count/value",)
    assert outcome.not_exercised == "why"


def test_the_verdict_honours_the_threshold_and_the_baseline() -> None:
    found = [finding(), finding("/count", Kind.MISSING_FIELD, Severity.WARNING)]
    assert judge(found, fail_on="breaking").failing == 1
    assert judge(found, fail_on="warning").failing == 2
    assert judge(found, fail_on="never").failing == 0
    accepted = frozenset({found[0].fingerprint})
    assert judge(found, fail_on="info", known=accepted).failing == 1


@pytest.mark.parametrize(
    "content",
    [
        {"findings": [{"fingerprint": "a|b|/c"}]},
        {"fingerprints": ["a|b|/c"]},
        ["a|b|/c"],
        [{"fingerprint": "a|b|/c", "count": 3}],
        {"version": 1, "entries": [{"fingerprint": "a|b|/c", "reason": "accepted"}]},
    ],
)
def test_baselines_come_in_several_shapes(tmp_path: Path, content: object) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(content))
    assert load_baseline(path).accepted() == frozenset({"a|b|/c"})


def test_a_baseline_entry_without_fingerprint_is_named(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps([{"fingerprint": "a|b|/c"}, {"kind": "x"}]))
    with pytest.raises(UsageError, match=r"baseline .* entry 1 has no fingerprint"):
        load_baseline(path)


def test_the_drift_table_groups_by_severity_and_kind() -> None:
    found = [
        finding("/count", Kind.MISSING_FIELD, Severity.WARNING, count=4),
        finding(count=2),
        finding("/count/x", Kind.TYPE_MISMATCH, count=1),
    ]
    assert drift_table(found, frozenset({found[1].fingerprint})) == [
        "severity  kind           distinct  occurrences  known",
        "breaking  type-mismatch         2            3      1",
        "warning   missing-field         1            4      0",
    ]
    assert drift_table([]) == ["no drift: every response matched the contract"]


def test_verdict_lines() -> None:
    assert judge([finding()], fail_on="warning").line == "FAILED: 1 finding at or above warning"
    assert judge([], fail_on="breaking").line == "PASSED: no drift at or above breaking"
    assert judge([finding()], fail_on="never").line == (
        "PASSED: no finding fails the run (fail-on never, 1 finding)"
    )


def test_failure_text_lists_findings_and_each_reproducer_once() -> None:
    found = [finding(str(f"/count/{i}")) for i in range(12)]
    text = failure_text("CountActivities schema", found, "warning").splitlines()
    assert text[0] == "CountActivities schema: 12 findings at or above warning"
    assert sum(line.startswith("    reproduce: curl ") for line in text) == 1
    assert text[-1] == "  ... and 2 more (all of them in the --zd-report)"


def test_a_workers_payload_carries_no_secret() -> None:
    leaky = dataclasses.replace(finding(), message="the API echoed s3cr3t back")
    payload = worker(leaky).to_payload(["s3cr3t", ""])
    assert "s3cr3t" not in json.dumps(payload)
    assert payload["zdcontract_findings"][0]["message"] == "the API echoed *** back"
