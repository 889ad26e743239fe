"""Schemas inferred from samples say what the samples show, and nothing more."""

from __future__ import annotations

import pytest

from zdcontract.learn.infer import infer


@pytest.mark.parametrize(
    ("values", "schema"),
    [
        ([1, 2], {"type": "integer"}),
        ([1, 2.5], {"type": "number"}),
        (["a", None], {"type": ["string", "null"]}),
        ([True, None, 3], {"type": ["integer", "boolean", "null"]}),
        ([None], {"type": "null"}),
        (
            ["2026-11-26T07:59:58Z", "2020-01-01T00:00:00+01:00"],
            {"type": "string", "format": "date-time"},
        ),
        (
            ["https://acme.zendesk.com/x", "http://127.0.0.1:8080/y?z=1"],
            {"type": "string", "format": "uri"},
        ),
        (["ann@acme.example"], {"type": "string", "format": "email"}),
        (["2026-11-26T07:59:58Z", "soon"], {"type": "string"}),
        (["https://acme.zendesk.com/x", "/relative"], {"type": "string"}),
        ([[]], {"type": "array", "maxItems": 0}),
        ([{}], {"type": "object", "maxProperties": 0}),
        ([[1], ["a"]], {"type": "array", "items": {"type": ["string", "integer"]}}),
    ],
)
def test_types_and_formats_only_where_every_sample_fits(values: list, schema: dict) -> None:
    assert infer(values) == schema


def test_objects_split_into_the_shapes_their_samples_show() -> None:
    offset = {"items": [1], "count": 1, "next_page": None}
    cursor = {"items": [2], "meta": {"has_more": False}, "links": {"next": None}}
    schema = infer([offset, offset, cursor])
    assert schema["properties"] == {"items": {"type": "array", "items": {"type": "integer"}}}
    assert schema["required"] == ["items"]
    first, second = schema["anyOf"]  # the more frequent shape first
    assert first["required"] == ["count", "next_page"]
    assert first["properties"]["links"] is False and first["properties"]["meta"] is False
    assert second["required"] == ["links", "meta"]
    assert second["properties"]["count"] is False
    assert second["properties"]["meta"] == {
        "type": "object",
        "properties": {"has_more": {"type": "boolean"}},
        "required": ["has_more"],
    }
    assert "seen in 2 of 3" in first["description"]


def test_one_shape_is_plain_properties_all_required() -> None:
    schema = infer([{"b": 1, "a": "x"}, {"a": "y", "b": 2}])
    assert schema == {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
    }
