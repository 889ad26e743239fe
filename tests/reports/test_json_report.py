from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from zdcontract.drift.findings import Kind, Severity
from zdcontract.errors import UsageError
from zdcontract.reports import (
    load_schema,
    read_json_report,
    render_json,
    to_json_dict,
    validate_report_dict,
    write_json,
)
from zdcontract.reports.json_report import result_from_dict
from zdcontract.results import REPORT_SCHEMA_VERSION

from ._factories import CURSOR, REFRESHED_AT, VIA, clean_result, sample_result


def test_shipped_schema_is_a_valid_2020_12_schema() -> None:
    schema = load_schema()

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_knows_every_kind_and_severity() -> None:
    defs = load_schema()["$defs"]

    assert defs["kind"]["enum"] == [k.value for k in Kind]
    assert defs["finding"]["properties"]["severity"]["enum"] == [s.value for s in Severity]


@pytest.mark.parametrize("make", [sample_result, clean_result])
def test_report_validates_against_the_shipped_schema(make: Any) -> None:
    data = to_json_dict(make())

    validate_report_dict(data)
    Draft202012Validator(load_schema()).validate(data)


def test_layout() -> None:
    data = to_json_dict(sample_result())

    assert list(data) == [
        "schema_version",
        "tool",
        "run",
        "target",
        "summary",
        "operations",
        "checks",
        "findings",
        "extra",
    ]
    assert data["schema_version"] == REPORT_SCHEMA_VERSION
    assert data["tool"] == {"name": "zdcontract", "version": "0.1.0"}
    assert data["run"]["seed"] == 1234567
    assert data["run"]["fail_on"] == "warning"
    assert data["target"] == {
        "url": "http://127.0.0.1:8765",
        "kind": "mock",
        "profile": "drifty",
        "auth": "bearer",
    }
    assert data["summary"] == {
        "requests": 190,
        "findings": 5,
        "failing": 4,
        "occurrences": 113,
        "by_severity": {"breaking": 2, "warning": 2, "info": 1},
        "by_kind": {
            "undocumented-field": 1,
            "unexpected-null": 1,
            "semantic-violation": 1,
            "transport-error": 1,
            "undocumented-status": 1,
        },
    }
    assert data["operations"][0] == {
        "operation": "ListActivities",
        "requests": 120,
        "answered": 118,
        "statuses": {"200": 115, "429": 3},
        "transport_errors": 2,
        "not_sent": 0,
        "retried": 0,
        "retries": {},
        "rate_limited": 3,
        "total_seconds": 20.0,
    }
    assert data["checks"][1] == {
        "operation": "ListActivities",
        "check": "pagination-cursor",
        "outcome": "fail",
        "passed": False,
        "reason": None,
        "skipped": None,
        "exercised": {"requests": 0, "pages": 0, "records": 0, "validated": 0},
        "cases": 10,
        "fingerprints": [CURSOR.fingerprint],
    }
    assert data["checks"][-1]["outcome"] == "not-exercised"
    assert data["checks"][-1]["passed"] is False
    assert data["checks"][-1]["reason"] == "not a paginated operation"
    assert data["findings"][0] == VIA.to_dict()
    assert data["findings"][0]["count"] == 100
    assert len(data["findings"][0]["examples"]) == 5


def test_round_trip_through_the_file(tmp_path: Path) -> None:
    result = sample_result()

    path = write_json(result, tmp_path / "out" / "zdcontract-report.json")

    assert read_json_report(path) == result


def test_text_is_indented_utf8_with_a_final_newline() -> None:
    text = render_json(sample_result(spec="spéc.yaml"))

    assert text.endswith("}\n")
    assert '\n  "schema_version": "1.1",' in text
    assert "spéc.yaml" in text


def test_extra_and_durations_are_made_json_ready() -> None:
    result = sample_result(
        duration_seconds=float("nan"),
        extra={
            "severity": Severity.INFO,
            "tags": ("a", "b"),
            "path": Path("x"),
            "ratio": float("inf"),
        },
    )

    data = json.loads(render_json(result))

    validate_report_dict(data)
    assert data["run"]["duration_seconds"] == 0.0
    assert data["extra"] == {"severity": "info", "tags": ["a", "b"], "path": "x", "ratio": None}


def test_invalid_report_raises_value_error_with_one_line() -> None:
    data = to_json_dict(sample_result())
    data["findings"][1]["severity"] = "fatal\nreally"

    with pytest.raises(
        ValueError, match=r"^invalid zdcontract report at /findings/1/severity: "
    ) as info:
        validate_report_dict(data)
    assert "\n" not in str(info.value)


def test_missing_member_is_reported() -> None:
    data = to_json_dict(sample_result())
    del data["run"]["seed"]

    with pytest.raises(ValueError, match="'seed' is a required property"):
        validate_report_dict(data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ("[]", "not a zdcontract report"),
        ('{"schema_version": "2.0"}', "schema version '2.0' is not supported"),
        ('{"schema_version": "1.99"}', "written by a newer zdcontract"),
        ('{"schema_version": "1.0"}', "invalid zdcontract report at /: 'tool' is a required"),
    ],
)
def test_reading_a_bad_file_raises_usage_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(content)

    with pytest.raises(UsageError, match=message):
        read_json_report(path)


def test_reading_a_missing_file_raises_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read report .*nope.json: No such file"):
        read_json_report(tmp_path / "nope.json")


def test_round_trip_keeps_findings_without_a_check() -> None:
    result = sample_result(findings=(REFRESHED_AT,), checks=())

    assert result_from_dict(to_json_dict(result)) == result
