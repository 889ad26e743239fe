"""Every finding's ``schema_path`` names something the spec document really has.

The strict contract adds ``required`` lists and ``additionalProperties: false`` that the
published spec does not have; a finding must point at the published document, not at them.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import zendesk_bodies as zb
from drift_specs import one_operation

from zdcontract.drift import DriftValidator, Finding
from zdcontract.drift.findings import Kind
from zdcontract.spec import Spec, load_spec
from zdcontract.spec.pointer import resolve


def resolves(spec: Spec, findings: list[Finding]) -> dict[tuple[str, str], str]:
    """(kind, path) -> schema_path, after checking that each one resolves in the document."""
    # A JSON Pointer addresses the JSON form of the document (YAML's 200: is "200" there).
    document = json.loads(json.dumps(spec.document))
    seen = {}
    for finding in findings:
        if finding.schema_path is None:
            assert finding.kind in (Kind.UNDOCUMENTED_STATUS, Kind.MALFORMED_BODY), finding
            continue
        assert finding.schema_path.startswith("#/"), finding
        try:
            resolve(document, finding.schema_path)
        except LookupError:
            pytest.fail(f"{finding.kind} {finding.path}: {finding.schema_path} is not in the spec")
        seen[(finding.kind.value, finding.path)] = finding.schema_path
    return seen


def drifted_bodies() -> list[tuple[str, Any]]:
    cursor = zb.cursor_page(2)  # meta/links, no count/next_page/previous_page
    offset = zb.offset_page(2)
    del offset["count"]
    offset["extra"] = {"a": 1}
    first, second = offset["activities"]
    first["actor"]["email"] = 5
    del first["actor"]["name"]
    del first["actor"]["role"]
    first["created_at"] = None
    first["id"] = "x"
    first["object"] = []
    second["user"]["zzz"] = 1
    second["user"]["photo"] = "not an object"
    count = zb.count()
    count["count"]["refreshed_at"] = "yesterday"
    del count["count"]["value"]
    count["count"]["undocumented"] = True
    show = zb.show()
    del show["activity"]["actor"]["email"]
    show["activity"]["actor"]["role"] = 3
    show["activity"]["title"] = None
    return [
        ("ListActivities", cursor),
        ("ListActivities", offset),
        ("CountActivities", count),
        ("ShowActivity", show),
        ("ShowActivity", {"activity": None}),
        ("CountActivities", {"count": "many"}),
    ]


@pytest.mark.parametrize("fast", [True, False])
def test_every_schema_path_of_the_bundled_spec_resolves(fast: bool) -> None:
    spec = load_spec()
    validator = DriftValidator(spec, fast=fast)
    found: dict[tuple[str, str], str] = {}
    kinds = set()

    for operation, body in drifted_bodies():
        findings = validator.validate(zb.dumps(body), operation=operation)
        assert findings, operation
        found |= resolves(spec, findings)
        kinds |= {f.kind for f in findings}

    assert {Kind.MISSING_FIELD, Kind.UNDOCUMENTED_FIELD, Kind.TYPE_MISMATCH} <= kinds
    assert {Kind.UNEXPECTED_NULL, Kind.FORMAT_MISMATCH} <= kinds
    schemas = "#/components/schemas"
    # A missing field points at its declaration, not at a `required` the spec lacks.
    assert found[("missing-field", "/count")] == f"{schemas}/ActivitiesResponse/properties/count"
    assert found[("missing-field", "/count/value")] == (
        f"{schemas}/ActivitiesCountResponse/properties/count/properties/value"
    )
    # Declared only by the members of actor's allOf/anyOf: the first declaration.
    assert found[("missing-field", "/activity/actor/email")] == (
        f"{schemas}/UserForAdmin/properties/email"
    )
    # An undeclared field points at the object schema that does not declare it.
    assert found[("undocumented-field", "/meta")] == f"{schemas}/ActivitiesResponse"
    assert found[("undocumented-field", "/activities/1/user/zzz")] == (
        f"{schemas}/ActivityObject/properties/user"
    )
    # Keywords the spec has stay exact.
    assert found[("type-mismatch", "/activities/0/id")] == (
        f"{schemas}/ActivityObject/properties/id/type"
    )


def inline_spec() -> Spec:
    """OpenAPI 3.0: inline and referenced responses, nullable, explicit constraints."""
    thing = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "when": {"type": "string", "format": "date-time", "nullable": True},
            "a/b": {"type": "string", "maxLength": 3},
            "owner": {"nullable": True, "allOf": [{"$ref": "#/components/schemas/Owner"}]},
        },
    }
    page = {"type": "object", "properties": {"things": {"type": "array", "items": thing}}}
    document = one_operation(page, openapi="3.0.3", status=200)  # 200: as YAML reads it
    document["paths"]["/things/{id}"] = {
        "get": {
            "operationId": "ShowThing",
            "responses": {"200": {"$ref": "#/components/responses/One"}},
        }
    }
    document["components"] = {
        "responses": {
            "One": {"$ref": "#/components/responses/Thing"},
            "Thing": {
                "description": "one",
                "content": {"application/json": {"schema": copy.deepcopy(thing)}},
            },
        },
        "schemas": {
            "Owner": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "email": {"type": "string"}},
            }
        },
    }
    return Spec(document, "inline")


BAD_THINGS = [
    {"id": 0, "kind": "c", "when": "later", "a/b": "long", "owner": {"name": 1}, "x": 1},
    {"kind": None, "when": None, "a/b": 5, "owner": {"email": "e", "y": 2}},
    {"id": "one", "owner": "nobody"},
    {"id": 2, "owner": None, "when": 3},
]


@pytest.mark.parametrize("fast", [True, False])
def test_every_schema_path_of_an_inline_3_0_spec_resolves(fast: bool) -> None:
    spec = inline_spec()
    validator = DriftValidator(spec, fast=fast)

    listed = validator.validate(zb.dumps({"things": BAD_THINGS}), operation="ListThings")
    shown = [
        f
        for thing in BAD_THINGS
        for f in validator.validate(zb.dumps(thing), operation="ShowThing")
    ]
    found = resolves(spec, listed) | resolves(spec, shown)

    kinds = {f.kind for f in listed + shown}
    assert {Kind.CONSTRAINT_VIOLATION, Kind.MISSING_FIELD, Kind.UNDOCUMENTED_FIELD} <= kinds
    inline = "#/paths/~1things/get/responses/200/content/application~1json/schema"
    item = f"{inline}/properties/things/items"
    assert found[("constraint-violation", "/things/0/id")] == f"{item}/properties/id/minimum"
    assert found[("constraint-violation", "/things/0/a~1b")] == (
        f"{item}/properties/a~1b/maxLength"
    )
    # The spec says additionalProperties: false itself here, so that keyword is named.
    assert found[("undocumented-field", "/things/0/x")] == f"{item}/additionalProperties"
    assert found[("missing-field", "/things/1/id")] == f"{item}/properties/id"
    # Through a chain of response references: where the chain ends.
    referenced = "#/components/responses/Thing/content/application~1json/schema"
    assert found[("missing-field", "/id")] == f"{referenced}/properties/id"
    assert found[("type-mismatch", "/owner/name")] == (
        "#/components/schemas/Owner/properties/name/type"
    )
