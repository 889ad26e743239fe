"""The drift validator on realistic Zendesk bodies: quiet when they conform, precise when not."""

from __future__ import annotations

import json

import pytest
import zendesk_bodies as zb
from drift_specs import one_operation

from zdcontract import DriftValidator, Kind, Severity, SeverityPolicy, load_spec, validate_response
from zdcontract.spec import Spec


def kinds_at(findings: list) -> set[tuple[str, str]]:
    return {(f.kind.value, f.path) for f in findings}


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("ListActivities", zb.offset_page(3)),
        ("ListActivities", zb.offset_page(100, page=2, total=251)),
        ("ShowActivity", zb.show()),
        ("CountActivities", zb.count()),
    ],
    ids=["offset-page", "offset-page-100", "show", "count"],
)
def test_clean_realistic_bodies_have_no_findings(operation: str, body: dict) -> None:
    assert validate_response(zb.dumps(body), operation=operation) == []


def test_every_example_of_the_bundled_spec_conforms() -> None:
    spec = load_spec()
    examples = spec.document["components"]["examples"]
    by_operation = {
        "ActivitiesResponseExample": "ListActivities",
        "ActivityResponseExample": "ShowActivity",
        "ActivitiesCountResponseExample": "CountActivities",
    }
    for name, operation in by_operation.items():
        assert validate_response(zb.dumps(examples[name]["value"]), operation=operation) == []
    schemas = spec.document["components"]["schemas"]
    assert (
        validate_response(
            zb.dumps(schemas["ActivitiesResponse"]["example"]), operation="ListActivities"
        )
        == []
    )
    assert (
        validate_response(
            zb.dumps(schemas["ActivityResponse"]["example"]), operation="ShowActivity"
        )
        == []
    )


def test_cursor_page_is_reported_as_the_drift_it_is() -> None:
    findings = validate_response(zb.dumps(zb.cursor_page()), operation="ListActivities")
    assert kinds_at(findings) == {
        ("missing-field", "/count"),
        ("missing-field", "/next_page"),
        ("missing-field", "/previous_page"),
        ("undocumented-field", "/meta"),
        ("undocumented-field", "/links"),
    }
    assert all(f.severity is Severity.WARNING for f in findings)


def test_undocumented_field_on_every_record_is_one_finding_with_count() -> None:
    body = zb.offset_page(4)
    for item in body["activities"]:
        item["via"] = {"channel": "api"}
    [finding] = validate_response(zb.dumps(body), operation="ListActivities")
    assert finding.kind is Kind.UNDOCUMENTED_FIELD
    assert finding.path == "/activities/0/via"
    assert finding.count == 4
    assert finding.examples == tuple(f"/activities/{i}/via" for i in range(4))
    assert finding.fingerprint == "ListActivities|undocumented-field|/activities/*/via"
    assert finding.operation == "ListActivities"
    assert finding.severity is Severity.WARNING


def test_missing_optional_field_is_a_warning_and_missing_required_is_breaking() -> None:
    body = zb.show()
    del body["activity"]["title"]
    del body["activity"]["actor"]["name"]
    findings = {f.path: f for f in validate_response(zb.dumps(body), operation="ShowActivity")}
    assert findings["/activity/title"].kind is Kind.MISSING_FIELD
    assert findings["/activity/title"].severity is Severity.WARNING
    assert findings["/activity/actor/name"].kind is Kind.MISSING_FIELD
    assert (
        findings["/activity/actor/name"].severity is Severity.BREAKING
    )  # `required` in both branches
    assert set(findings) == {"/activity/title", "/activity/actor/name"}


def test_findings_inside_the_user_anyof_point_at_the_field() -> None:
    body = zb.show()
    body["activity"]["actor"]["email"] = 42
    body["activity"]["actor"]["pronouns"] = "they/them"
    body["activity"]["user"]["last_login_at"] = "last tuesday"
    findings = validate_response(zb.dumps(body), operation="ShowActivity")
    assert kinds_at(findings) == {
        ("type-mismatch", "/activity/actor/email"),
        ("undocumented-field", "/activity/actor/pronouns"),
        ("format-mismatch", "/activity/user/last_login_at"),
    }
    email = next(f for f in findings if f.path == "/activity/actor/email")
    assert (email.expected, email.actual) == ("string", "integer")
    assert email.schema_path == "#/components/schemas/UserForAdmin/properties/email/type"


def test_documented_nulls_and_free_form_objects_pass() -> None:
    body = zb.show()
    actor = body["activity"]["actor"]
    actor.update(photo=None, phone=None, organization_id=None, role_type=None)
    actor["user_fields"] = {"anything": [1, {"nested": True}], "another_field": None}
    body["activity"]["object"] = {"change": {"from": "low", "to": "high", "unknown": 1}}
    body["activity"]["target"] = {"ticket": {"id": 1, "brand_new_key": "x"}}
    body["activity"]["user"]["photo"]["brand_new_attachment_key"] = 1
    assert validate_response(zb.dumps(body), operation="ShowActivity") == []


def test_end_user_actor_needs_only_the_fields_every_user_shape_declares() -> None:
    body = zb.show()
    admin_only = ("active", "alias", "chat_only", "custom_role_id", "default_group_id", "details")
    for key in admin_only:
        body["activity"]["actor"].pop(key)
    assert validate_response(zb.dumps(body), operation="ShowActivity") == []


def test_undocumented_null_is_unexpected_null() -> None:
    [finding] = validate_response(zb.dumps(zb.count(150000, None)), operation="CountActivities")
    assert (finding.kind, finding.path, finding.severity) == (
        Kind.UNEXPECTED_NULL,
        "/count/refreshed_at",
        Severity.BREAKING,
    )


def test_type_mismatch_on_many_records() -> None:
    body = zb.offset_page(3)
    for item in body["activities"]:
        item["id"] = str(item["id"])
    [finding] = validate_response(zb.dumps(body), operation="ListActivities")
    assert (finding.kind, finding.count, finding.severity) == (
        Kind.TYPE_MISMATCH,
        3,
        Severity.BREAKING,
    )
    assert finding.message.startswith("expected integer, got string")


def test_constraint_violation_on_a_spec_with_constraints() -> None:
    document = one_operation(
        {
            "type": "object",
            "properties": {
                "state": {"type": "string", "enum": ["open", "closed"]},
                "size": {"type": "integer", "minimum": 0},
            },
        }
    )
    validator = DriftValidator(Spec(document, "inline"))
    findings = validator.validate(b'{"state": "lost", "size": -1}', operation="ListThings")
    assert kinds_at(findings) == {
        ("constraint-violation", "/state"),
        ("constraint-violation", "/size"),
    }


@pytest.mark.parametrize(
    ("status", "severity"),
    [(500, Severity.BREAKING), (404, Severity.INFO), (204, Severity.WARNING)],
)
def test_undocumented_status(status: int, severity: Severity) -> None:
    body = b'{"error":"RecordNotFound","description":"Not found"}'
    [finding] = validate_response(body, operation="ShowActivity", status=status)
    assert finding.kind is Kind.UNDOCUMENTED_STATUS
    assert finding.severity is severity
    assert finding.path == ""
    assert finding.fingerprint == f"ShowActivity|undocumented-status||{status}"


def test_content_type_parameters_are_ignored_and_other_types_are_findings() -> None:
    body = zb.dumps(zb.count())
    assert (
        validate_response(
            body, operation="CountActivities", content_type="application/json; charset=utf-8"
        )
        == []
    )
    [finding] = validate_response(
        b"<html>502</html>", operation="CountActivities", content_type="text/html; charset=utf-8"
    )
    assert finding.kind is Kind.UNDOCUMENTED_CONTENT_TYPE
    assert finding.actual == "text/html"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"count": {"value": 1', "truncated"),
        (b"{'count': 1}", "not valid JSON"),
        (b'{"count": {"value": NaN, "refreshed_at": null}}', "NaN"),
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b'{"count": {"value": ' + b"9" * 5000 + b"}}", "integer too long"),
        (b"<!DOCTYPE html><html><body>Bad gateway</body></html>", "not valid JSON"),
    ],
)
def test_malformed_bodies_are_findings_not_exceptions(body: bytes, fragment: str) -> None:
    findings = validate_response(body, operation="CountActivities")
    malformed = [f for f in findings if f.kind is Kind.MALFORMED_BODY]
    assert malformed, findings
    assert fragment in malformed[0].message
    assert malformed[0].severity is Severity.BREAKING


def test_bom_and_duplicate_keys_are_reported_and_the_rest_still_validated() -> None:
    body = (
        b'\xef\xbb\xbf{"count": {"value": 1, "value": "2", "refreshed_at": "2026-11-26T00:00:00Z"}}'
    )
    findings = validate_response(body, operation="CountActivities")
    messages = [f.message for f in findings if f.kind is Kind.MALFORMED_BODY]
    assert any("byte order mark" in m for m in messages)
    assert any("repeats the object key 'value'" in m for m in messages)
    assert ("type-mismatch", "/count/value") in kinds_at(findings)


def test_huge_string_is_validated_without_trouble() -> None:
    body = zb.show()
    body["activity"]["title"] = "x" * 20_000_000
    assert validate_response(zb.dumps(body), operation="ShowActivity") == []


def test_severity_policy_overrides_win() -> None:
    validator = DriftValidator(policy=SeverityPolicy.from_strings({"undocumented-field": "info"}))
    body = zb.count()
    body["count"]["source"] = "cache"
    [finding] = validator.validate(zb.dumps(body), operation="CountActivities")
    assert finding.severity is Severity.INFO
    with pytest.raises(ValueError):
        SeverityPolicy.from_strings({"no-such-kind": "info"})


@pytest.mark.parametrize(
    ("url", "operation"),
    [
        ("https://acme.zendesk.com/api/v2/activities.json?page[size]=100", "ListActivities"),
        ("/api/v2/activities", "ListActivities"),
        ("/api/v2/activities/count.json", "CountActivities"),
        ("/api/v2/activities/count", "CountActivities"),
        ("http://127.0.0.1:8080/api/v2/activities/29183462000000.json", "ShowActivity"),
    ],
)
def test_calls_are_matched_to_operations(url: str, operation: str) -> None:
    assert load_spec().match("GET", url).operation_id == operation
    validator = DriftValidator()
    findings = validator.validate_call(b"{}", method="GET", url=url)
    assert {f.operation for f in findings} == {operation}


def test_unknown_operation_is_a_usage_error() -> None:
    from zdcontract import UsageError

    with pytest.raises(UsageError, match="Did you mean 'ListActivities'"):
        validate_response(b"{}", operation="ListActivity")


def test_zendesks_full_published_spec_loads_and_validates(zendesk_spec_path: str) -> None:
    validator = DriftValidator(load_spec(zendesk_spec_path))
    assert validator.validate(zb.dumps(zb.offset_page(2)), operation="ListActivities") == []
    [finding] = validator.validate(zb.dumps(zb.count(1, None)), operation="CountActivities")
    assert finding.kind is Kind.UNEXPECTED_NULL


def test_findings_serialise_to_plain_json() -> None:
    body = zb.show()
    body["activity"]["verb"] = None
    [finding] = validate_response(zb.dumps(body), operation="ShowActivity")
    data = json.loads(json.dumps(finding.to_dict()))
    assert data["kind"] == "unexpected-null"
    assert data["severity"] == "breaking"
    assert data["path"] == "/activity/verb"
    assert type(finding).from_dict(data) == finding
    assert {finding: 1}[type(finding).from_dict(data)] == 1  # frozen: usable as a dedup key


def test_drifted_bodies_are_read_by_the_validator_openapi_core_builds() -> None:
    """The narrowed path calls openapi-core's body validator directly: the same one.

    openapi-core validates a 3.1 body with the validator its oas31 factory builds (class and
    format checks); the narrowed path builds it without the rest of openapi-core. If an
    upgrade changes either, this fails.
    """
    from jsonschema_path import SchemaPath
    from openapi_core.validation.schemas import oas31_schema_validators_factory

    from zdcontract.drift._openapi_core import body_validator

    schema = DriftValidator().strict_schema("ListActivities")
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"body": schema}},
    }
    spec = SchemaPath.from_dict(document)
    theirs = oas31_schema_validators_factory.create(spec, spec / "components" / "schemas" / "body")
    ours = body_validator(schema)
    assert type(ours) is type(theirs.validator)
    assert ours.schema == theirs.validator.schema
    checks = {name: check[0] for name, check in ours.format_checker.checkers.items()}
    assert checks == {name: c[0] for name, c in theirs.validator.format_checker.checkers.items()}
    assert body_validator(json.loads(json.dumps(schema))) is ours  # one per schema, per process


def test_every_json_media_type_is_parsed_as_json_by_the_reference() -> None:
    """openapi-core alone hands an application/problem+json body to the schema as bytes."""
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    for media in ("application/json", "application/problem+json", "application/vnd.api+json"):
        document = one_operation(schema, media=media)
        fast = DriftValidator(Spec(document, "inline"))
        reference = DriftValidator(Spec(document, "inline"), fast=False)
        expected = {b'{"n": "x"}': {"/n"}, b'{"n": 1, "m": 2}': {"/m"}, b'{"n": 1}': set()}
        for body, paths in expected.items():
            found = reference.validate(body, operation="ListThings", content_type=media)
            assert {f.path for f in found} == paths, (media, found)
            assert fast.validate(body, operation="ListThings", content_type=media) == found


def test_aggregate_adds_counts_keeps_the_first_pointers_and_the_worst_severity() -> None:
    from dataclasses import replace

    from zdcontract.drift import Finding, aggregate
    from zdcontract.drift.findings import MAX_EXAMPLES, fingerprint

    def at(path: str, severity: Severity = Severity.WARNING, kind: Kind = Kind.TYPE_MISMATCH):
        return Finding(
            kind=kind,
            severity=severity,
            operation="ListActivities",
            path=path,
            message="m",
            fingerprint=fingerprint("ListActivities", kind, path),
        )

    other = at("/count", kind=Kind.MISSING_FIELD)
    items = [at(f"/activities/{i}/id") for i in range(MAX_EXAMPLES + 3)]
    items.insert(2, other)
    items.insert(4, at("/activities/0/id", Severity.BREAKING))  # a pointer seen already
    merged, kept = aggregate(items)
    assert merged.fingerprint == items[0].fingerprint  # in order of first appearance
    assert kept == replace(other, examples=("/count",))
    assert merged.count == MAX_EXAMPLES + 4 and merged.severity is Severity.BREAKING
    assert merged.examples == tuple(f"/activities/{i}/id" for i in range(MAX_EXAMPLES))
    assert merged.path == "/activities/0/id" and kept.examples == ("/count",)
    # Merging again merges nothing twice; a finding that needs no change is not rebuilt.
    again = aggregate([merged, kept, replace(items[0], count=2)])
    assert again[0].count == MAX_EXAMPLES + 6 and again[0].examples == merged.examples
    assert again[1] is kept
