"""Objects that come in shapes: anyOf branches whose absent fields are declared ``false``.

This is how a learned overlay models Zendesk's offset and cursor pages; the strict reading
and the findings must make sense of it, on the fast path and on the reference alike.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from drift_specs import one_operation_spec

from zdcontract import DriftValidator
from zdcontract.drift._fast import fast_check
from zdcontract.spec import Spec


def _spec(schema: dict[str, Any]) -> Spec:
    return one_operation_spec(schema, path="/pages", operation="ListPages")


PAGE = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "integer"}}},
    "anyOf": [
        {
            "properties": {"count": {"type": "integer"}, "links": False, "meta": False},
            "required": ["count"],
        },
        {
            "properties": {
                "count": False,
                "links": {"type": "object", "properties": {"next": {"type": ["string", "null"]}}},
                "meta": {"type": "object", "properties": {"has_more": {"type": "boolean"}}},
            },
            "required": ["links", "meta"],
        },
    ],
}
OFFSET = {"items": [1, 2], "count": 2}
CURSOR = {"items": [1], "links": {"next": None}, "meta": {"has_more": False}}


def _found(body: dict[str, Any], *, fast: bool) -> set[tuple[str, str]]:
    validator = DriftValidator(_spec(PAGE), fast=fast)
    findings = validator.validate(json.dumps(body).encode(), operation="ListPages")
    return {(f.kind.value, f.path) for f in findings}


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
def test_each_shape_conforms_and_a_field_declared_false_is_not_required(fast: bool) -> None:
    assert _found(OFFSET, fast=fast) == set()
    assert _found(CURSOR, fast=fast) == set()


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
def test_a_mix_of_shapes_is_reported_at_the_field_that_does_not_belong(fast: bool) -> None:
    assert _found({**CURSOR, "count": 3}, fast=fast) == {("undocumented-field", "/count")}
    assert _found({**OFFSET, "meta": {}}, fast=fast) == {("undocumented-field", "/meta")}


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
def test_drift_inside_a_shape_points_at_the_field(fast: bool) -> None:
    broken = {**CURSOR, "meta": {"has_more": "no"}}
    assert _found(broken, fast=fast) == {("type-mismatch", "/meta/has_more")}
    missing = {key: value for key, value in CURSOR.items() if key != "links"}
    assert _found(missing, fast=fast) == {("missing-field", "/links")}


def test_the_fast_path_covers_shapes_and_formats_the_reference_does_not_check() -> None:
    validator = DriftValidator(_spec(PAGE))
    assert fast_check(validator.strict_schema("ListPages")) is not None
    with_uri = {**PAGE, "properties": {**PAGE["properties"], "home": {"type": "string"}}}
    with_uri["properties"]["home"]["format"] = "uri"
    validator = DriftValidator(_spec(with_uri))
    assert fast_check(validator.strict_schema("ListPages")) is not None
    # openapi-core does not check uri (without rfc3987): neither path reports a non-URI.
    body = {**OFFSET, "home": "not a uri"}
    assert _found_in(with_uri, body, fast=True) == _found_in(with_uri, body, fast=False) == set()


def _found_in(schema: dict[str, Any], body: dict[str, Any], *, fast: bool) -> set[str]:
    findings = DriftValidator(_spec(schema), fast=fast).validate(
        json.dumps(body).encode(), operation="ListPages"
    )
    return {f.fingerprint for f in findings}


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
def test_an_object_is_explained_by_the_shape_that_has_its_fields(fast: bool) -> None:
    # Three things wrong inside meta tie with the offset shape's three (links and meta
    # forbidden, count missing): the cursor shape, which has meta, explains the body.
    broken = {**CURSOR, "meta": {"has_more": "no", "yy": 1, "zz": 2}}
    assert _found(broken, fast=fast) == {
        ("type-mismatch", "/meta/has_more"),
        ("undocumented-field", "/meta/yy"),
        ("undocumented-field", "/meta/zz"),
    }
