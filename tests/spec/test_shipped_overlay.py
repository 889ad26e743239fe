"""spec/zendesk-observed.overlay.yaml: a valid overlay whose result other tools can use.

Checked against ZENDESK.md: the cursor form of the list answer, a null count.refreshed_at
while a count above 100,000 refreshes, the 400 and 404 bodies. And what it did not see is
still drift.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import zendesk_bodies as zb
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from schemathesis.specs.openapi.checks import response_schema_conformance

from zdcontract.drift import DriftValidator
from zdcontract.learn import dump_overlay
from zdcontract.mock import MockConfig, MockServer
from zdcontract.spec import load_spec
from zdcontract.spec.lint import lint_document
from zdcontract.spec.loader import read_document, shipped_overlay_path
from zdcontract.spec.overlay import overlay_schema

OVERLAY = shipped_overlay_path()
# The empty page after a last full one: null cursors and links (ZENDESK.md, Pagination).
END = {"has_more": False, "after_cursor": None, "before_cursor": None}
NO_LINKS = {"prev": None, "next": None}


@pytest.fixture(scope="module")
def applied() -> dict[str, Any]:
    return dict(load_spec(None, [OVERLAY]).document)


@pytest.fixture(scope="module")
def validator() -> DriftValidator:
    return DriftValidator(load_spec(None, [OVERLAY]))


def test_it_is_an_overlay_1_0_document_with_evidence_on_every_action() -> None:
    document = read_document(OVERLAY)
    assert list(Draft202012Validator(overlay_schema()).iter_errors(document)) == []
    assert document["overlay"] == "1.0.0"
    for action in document["actions"]:
        assert "Evidence:" in action["description"] and "first seen" in action["description"]
    assert load_spec(None, [OVERLAY]).warnings == ()  # every target matches


def test_the_applied_spec_is_valid_openapi_3_1_and_lints_clean(applied: dict[str, Any]) -> None:
    assert applied["openapi"] == "3.1.0"
    validate_openapi(applied)  # raises on any violation of the OpenAPI 3.1 schema
    assert lint_document(applied) == []


@pytest.mark.parametrize(
    ("operation", "status", "body"),
    [
        ("ListActivities", 200, zb.offset_page(3)),
        ("ListActivities", 200, zb.cursor_page(3)),
        ("ListActivities", 200, {**zb.cursor_page(0), "meta": END, "links": NO_LINKS}),
        ("ShowActivity", 200, zb.show()),
        ("CountActivities", 200, zb.count()),
        ("CountActivities", 200, zb.count(100000, None)),
        (
            "ListActivities",
            400,
            {"errors": [{"code": "InvalidPaginationDepth", "title": "t", "detail": "d"}]},
        ),
        ("ShowActivity", 404, {"error": "RecordNotFound", "description": "Not found"}),
    ],
    ids=["offset", "cursor", "cursor-end", "show", "count", "count-refreshing", "400", "404"],
)
def test_what_zendesk_serves_conforms(
    validator: DriftValidator, operation: str, status: int, body: Any
) -> None:
    assert validator.validate(zb.dumps(body), operation=operation, status=status) == []


@pytest.mark.parametrize(
    ("operation", "body", "expected"),
    [
        ("ListActivities", {**zb.cursor_page(2), "count": 2}, ("undocumented-field", "/count")),
        ("ListActivities", {**zb.offset_page(2), "meta": {}}, ("undocumented-field", "/meta")),
        ("CountActivities", zb.count(refreshed_at=12), ("type-mismatch", "/count/refreshed_at")),
        ("CountActivities", {"count": {"refreshed_at": None}}, ("missing-field", "/count/value")),
        (
            "ShowActivity",
            {"activity": {**zb.show()["activity"], "title": None}},
            ("unexpected-null", "/activity/title"),
        ),
    ],
    ids=["mixed-cursor", "mixed-offset", "retyped", "missing", "null-title"],
)
def test_what_it_did_not_see_is_still_drift(
    validator: DriftValidator, operation: str, body: Any, expected: tuple[str, str]
) -> None:
    found = {
        (f.kind.value, f.path) for f in validator.validate(zb.dumps(body), operation=operation)
    }
    assert expected in found


@pytest.mark.slow
def test_schemathesis_loads_it_and_its_check_passes_on_the_zendesk_profile(
    applied: dict[str, Any],
) -> None:
    schema = schemathesis.openapi.from_dict(applied)
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert operations == {
        "GET /api/v2/activities",
        "GET /api/v2/activities/{activity_id}",
        "GET /api/v2/activities/count",
    }
    calls = [
        ("/api/v2/activities", {}, {}),
        ("/api/v2/activities", {}, {"page[size]": 2}),
        ("/api/v2/activities/count", {}, {}),
        ("/api/v2/activities/{activity_id}", {"activity_id": 1}, {}),  # 404 RecordNotFound
        ("/api/v2/activities", {}, {"since": "yesterday"}),  # 400 errors
    ]
    with MockServer(MockConfig(activities=5)) as mock:
        for path, parameters, query in calls:
            case = schema[path]["GET"].Case(path_parameters=parameters, query=query)
            response = case.call(base_url=mock.url)
            case.validate_response(response, checks=[response_schema_conformance])


@pytest.mark.slow
def test_prism_serves_it_and_its_answers_conform(
    tmp_path: Path, applied: dict[str, Any], validator: DriftValidator
) -> None:
    from foreign.prism import prism_mock

    path = tmp_path / "activities.applied.yaml"
    path.write_text(dump_overlay(applied))
    calls = [
        ("ListActivities", "/api/v2/activities", {}, 200),
        ("ShowActivity", "/api/v2/activities/29183462", {}, 200),
        ("CountActivities", "/api/v2/activities/count", {}, 200),
        ("ShowActivity", "/api/v2/activities/29183462", {"Prefer": "code=404"}, 404),
        ("ListActivities", "/api/v2/activities", {"Prefer": "code=400"}, 400),
    ]
    with prism_mock(path, log_dir=tmp_path) as url:
        for operation, where, headers, status in calls:
            answer = requests.get(url + where, headers=headers, timeout=30)
            assert answer.status_code == status, answer.text
            found = validator.validate(
                answer.content,
                operation=operation,
                status=status,
                content_type=answer.headers["Content-Type"],
            )
            assert found == [], (where, status, [f.to_dict() for f in found])
