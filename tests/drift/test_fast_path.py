"""The fast path reports exactly what the openapi-core reference reports: a differential test.

Bodies are realistic pages (zendesk_bodies) put through mutations of every kind of drift,
serialised in several ways, then optionally broken at the byte level. Each mutation takes a
``random.Random`` so the same functions serve Hypothesis (which draws and shrinks the seed)
and the deterministic sweep that proves every kind is exercised for every operation.
"""

from __future__ import annotations

import copy
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import zendesk_bodies as zb
from hypothesis import event, given, settings
from hypothesis import strategies as st

from zdcontract import DriftValidator, Kind
from zdcontract.drift import _fast
from zdcontract.drift._openapi_core import CoreValidator
from zdcontract.spec import Spec

# Cheap examples (a few ms each): ten times the profile's count (dev 300, ci 1,000).
MANY = settings(max_examples=10 * settings.default.max_examples)

FAST = DriftValidator(fast=True)
REFERENCE = DriftValidator(fast=False)

BASES: dict[str, list[Callable[[], Any]]] = {
    "ListActivities": [lambda: zb.offset_page(2), zb.cursor_page, lambda: zb.offset_page(1)],
    "ShowActivity": [zb.show],
    "CountActivities": [zb.count, lambda: zb.count(150_000, None)],
}

# Date-times on which jsonschema-rs and openapi-core's checker are known to differ, or could.
DATE_TIMES = [
    "2026-11-26T00:00:00Z",
    "2026-11-26t00:00:00z",
    "2026-11-26T00:00:00.123456789+05:30",
    "2026-11-26T00:00:00-00:00",
    "2016-12-31T23:59:60Z",  # leap second: jsonschema-rs accepts, the reference does not
    "0000-01-01T00:00:00Z",  # year zero: likewise
    "2024-02-29T00:00:00Z",
    "2026-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2000-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-11-26T00:00:00Z\n",  # the reference's regex `$` accepts a trailing newline
    "2026-11-26 00:00:00Z",
    "2026-11-26T24:00:00Z",
    "2026-11-26T00:00:00+24:00",
    "2026-11-26T00:00:00+0100",
    "2026-11-26T00:00:00",
    "2026-11-26T00:00:00.Z",
    "２０２６-11-26T00:00:00Z",
    "2026-11-26T00:00:00.٣Z",
    "last tuesday",
    "",
]

# Values a field might be replaced with: every JSON type, and numbers at parsers' edges.
VALUES: list[Any] = [
    None,
    True,
    0,
    1,
    1.0,
    1.5,
    -0.0,
    2**63,
    2**64 - 1,
    2**64 + 1,
    -(2**63) - 1,
    10**30,
    "",
    "text",
    "a:b",
    "Zoë ☃ 𝄞",
    [],
    [1, "x"],
    {},
    {"k": "v"},
    "2026-11-26T00:00:00Z",
]

# Raw JSON spliced in where a marker string stands: what json.dumps cannot write.
RAW = [
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e400",
    b"1E2",
    b"-0",
    b"18446744073709551616",
    b"9" * 5000,
    b'"\\ud800"',
    b'"a\\u003ab"',
    b'"\\u003A"',
    b"[" * 10 + b"]" * 10,
    b"[" * 255 + b"]" * 255,
    b"[" * 300 + b"]" * 300,
    b"[" * 1100 + b"]" * 1100,
    b"{" * 3 + b"}" * 3,
    b'{"a":1,"a":2}',
    b'{"a:b":1,"a:b":1}',
]
MARKER = "\x00splice\x00"


def nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, Any, tuple[Any, ...]]]:
    """Every (container, key, path) slot of a JSON value."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield value, key, (*path, key)
            yield from nodes(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield value, index, (*path, index)
            yield from nodes(child, (*path, index))


def objects(value: Any) -> list[dict[str, Any]]:
    found = [value] if isinstance(value, dict) else []
    found += [c[k] for c, k, _ in nodes(value) if isinstance(c[k], dict)]
    return found


def a_value(rng: random.Random, *, null: bool = True) -> Any:
    """One of VALUES, as a copy: a body that holds the shared dict or list itself would
    change it for every later example (and a mutation putting it inside itself makes it
    circular)."""
    return copy.deepcopy(rng.choice(VALUES if null else [v for v in VALUES if v is not None]))


def _slot(rng: random.Random, value: Any) -> tuple[Any, Any] | None:
    slots = [(c, k) for c, k, _ in nodes(value)]
    return rng.choice(slots) if slots else None


# Value mutations: (rng, value) -> None, in place.
def undocumented_field(rng: random.Random, value: Any) -> None:
    found = objects(value)
    if found:
        rng.choice(found)[rng.choice(["via", "a:b", "new_field"])] = a_value(rng)


def missing_field(rng: random.Random, value: Any) -> None:
    found = [o for o in objects(value) if o]
    if found:
        target = rng.choice(found)
        del target[rng.choice(list(target))]


def type_mismatch(rng: random.Random, value: Any) -> None:
    slot = _slot(rng, value)
    if slot:
        slot[0][slot[1]] = a_value(rng, null=False)


def unexpected_null(rng: random.Random, value: Any) -> None:
    slot = _slot(rng, value)
    if slot:
        slot[0][slot[1]] = None


def format_mismatch(rng: random.Random, value: Any) -> None:
    stamps = [(c, k) for c, k, _ in nodes(value) if isinstance(k, str) and k.endswith("_at")]
    if stamps:
        container, key = rng.choice(stamps)
        container[key] = rng.choice(DATE_TIMES) if rng.random() < 0.6 else random_stamp(rng)


def random_stamp(rng: random.Random) -> str:
    """A date-time near the grammar's edges, valid or not."""
    year = rng.choice(["0000", "0001", "1900", "2000", "2024", "2026", "9999"])
    month, day = rng.randint(0, 13), rng.randint(0, 32)
    hour, minute, second = rng.randint(0, 24), rng.randint(0, 60), rng.randint(0, 61)
    frac = rng.choice(["", ".5", ".123456789", "."])
    zone = rng.choice(["Z", "z", "+01:00", "-00:00", "+23:59", "+24:00", "-01:60", ""])
    sep = rng.choice(["T", "T", "t", " "])
    return f"{year}-{month:02d}-{day:02d}{sep}{hour:02d}:{minute:02d}:{second:02d}{frac}{zone}"


def still_clean(rng: random.Random, value: Any) -> None:
    """A change the contract allows: the fast path's 'clean' verdict is what is at stake."""
    choice = rng.randrange(5)
    slots = list(nodes(value))
    strings = [(c, k) for c, k, _ in slots if isinstance(c[k], str) and not str(k).endswith("_at")]
    if choice == 0 and strings:
        container, key = rng.choice(strings)
        container[key] = rng.choice(["a:b:c", "Zoë ☃ 𝄞", '"quoted"', "back\\slash", "\n", ""])
    elif choice == 1:
        stamps = [(c, k) for c, k, _ in slots if isinstance(k, str) and k.endswith("_at")]
        if stamps:
            container, key = rng.choice(stamps)
            container[key] = rng.choice(DATE_TIMES[:4] + ["2024-02-29T00:00:00Z"])
    elif choice == 2:
        ints = [(c, k) for c, k, _ in slots if type(c[k]) is int]
        if ints:
            container, key = rng.choice(ints)
            container[key] = rng.choice([0, -1, 2**63 - 1, 2**64 - 1, 2**64 + 1, 10**30, 1.0])
    elif choice == 3:
        for record in objects(value):
            if isinstance(record.get("user_fields"), dict):
                record["user_fields"][rng.choice(["x", "a:b"])] = a_value(rng)
    else:
        splice(rng, value)


def splice(rng: random.Random, value: Any) -> None:
    """Put a marker where raw JSON (NaN, huge ints, deep nesting, duplicates) will go."""
    free = [o["user_fields"] for o in objects(value) if isinstance(o.get("user_fields"), dict)]
    if free and rng.random() < 0.7:
        rng.choice(free)["spliced"] = MARKER
    else:
        slot = _slot(rng, value)
        if slot:
            slot[0][slot[1]] = MARKER


VALUE_MUTATIONS = {
    "undocumented-field": undocumented_field,
    "missing-field": missing_field,
    "type-mismatch": type_mismatch,
    "unexpected-null": unexpected_null,
    "format-mismatch": format_mismatch,
    "clean": still_clean,
    "splice": splice,
}


def serialise(rng: random.Random, value: Any) -> bytes:
    style = rng.randrange(4)
    if style == 0:
        text = json.dumps(value, separators=(",", ":"))
    elif style == 1:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    elif style == 2:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = " \n" + json.dumps(value) + "\r\n\t"
    data = text.encode()
    marker = json.dumps(MARKER).encode()
    while marker in data:
        data = data.replace(marker, rng.choice(RAW), 1)
    return data


# Byte mutations: (rng, bytes) -> bytes.
def duplicate_key(rng: random.Random, body: bytes) -> bytes:
    starts = list(re.finditer(rb'\{\s*"((?:[^"\\]|\\.)*)"\s*:', body))
    if not starts:
        return body
    match = rng.choice(starts)
    value = json.dumps(rng.choice(VALUES)).encode()
    if rng.random() < 0.3:  # an escaped colon in the same body must not hide the duplicate
        value = b'"x\\u003ay"'
    member = b'"' + match.group(1) + b'":' + value + b","
    return body[: match.start() + 1] + member + body[match.start() + 1 :]


def truncate(rng: random.Random, body: bytes) -> bytes:
    return body[: rng.randrange(len(body) + 1)]


def escape_colon(rng: random.Random, body: bytes) -> bytes:
    places = [m.start() for m in re.finditer(rb":", body)]
    if not places:
        return body
    at = rng.choice(places)
    return body[:at] + rng.choice([b"\\u003a", b"\\u003A"]) + body[at + 1 :]


def not_utf8(rng: random.Random, body: bytes) -> bytes:
    at = rng.randrange(len(body) + 1)
    return body[:at] + rng.choice([b"\xff", b"\xed\xa0\x80", b"\xc3"]) + body[at:]


BYTE_MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "empty": lambda rng, body: rng.choice([b"", b"   \n", b"\x0c"]),
    "bom": lambda rng, body: b"\xef\xbb\xbf" + body,
    "truncated": truncate,
    "duplicate-key": duplicate_key,
    "escaped-colon": escape_colon,
    "not-utf8": not_utf8,
    "deep": lambda rng, body: b"[" * rng.choice([300, 1100, 200_000]) + body,
    "html": lambda rng, body: b"<!DOCTYPE html><html><body>Bad gateway</body></html>",
}

STATUSES = [200] * 8 + [201, 204, 404, 500]
CONTENT_TYPES = ["application/json"] * 6 + [
    "application/json; charset=utf-8",
    "text/html; charset=utf-8",
    "application/problem+json",
    None,
]


def case(
    rng: random.Random, operation: str, value_kinds: list[str], byte_kind: str | None
) -> bytes:
    value = rng.choice(BASES[operation])()
    for kind in value_kinds:
        VALUE_MUTATIONS[kind](rng, value)
    body = serialise(rng, value)
    if byte_kind is not None:
        body = BYTE_MUTATIONS[byte_kind](rng, body)
    return body


def assert_same(
    body: bytes, operation: str, status: int = 200, content_type: str | None = "application/json"
) -> list:
    reference = REFERENCE.validate(
        body, operation=operation, status=status, content_type=content_type
    )
    fast = FAST.validate(body, operation=operation, status=status, content_type=content_type)
    assert fast == reference, body[:300]
    return reference


@given(
    operation=st.sampled_from(sorted(BASES)),
    value_kinds=st.lists(st.sampled_from(sorted(VALUE_MUTATIONS)), max_size=3),
    byte_kind=st.none() | st.none() | st.sampled_from(sorted(BYTE_MUTATIONS)),
    status=st.sampled_from(STATUSES),
    content_type=st.sampled_from(CONTENT_TYPES),
    seed=st.integers(min_value=0, max_value=2**32),
)
@MANY
def test_fast_path_reports_exactly_what_the_reference_reports(
    operation: str,
    value_kinds: list[str],
    byte_kind: str | None,
    status: int,
    content_type: str | None,
    seed: int,
) -> None:
    body = case(random.Random(seed), operation, value_kinds, byte_kind)
    findings = assert_same(body, operation, status, content_type)
    for finding in findings:
        event(finding.kind.value)
    if not findings:
        event("clean")


@given(
    operation=st.sampled_from(sorted(BASES)),
    value_kinds=st.lists(st.sampled_from(["clean", "splice", "format-mismatch"]), max_size=3),
    seed=st.integers(min_value=0, max_value=2**32),
)
@MANY
def test_fast_path_on_nearly_clean_pages(operation: str, value_kinds: list[str], seed: int) -> None:
    """Where a wrong 'clean' verdict would hide: bodies that are conforming or nearly."""
    findings = assert_same(case(random.Random(seed), operation, value_kinds, None), operation)
    event("clean" if not findings else "drift")


@given(
    cursor=st.booleans(),
    value_kinds=st.lists(
        st.sampled_from(sorted(set(VALUE_MUTATIONS) - {"clean"})), min_size=1, max_size=5
    ),
    top_level=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**32),
)
@MANY
def test_narrowed_pages_agree(
    cursor: bool, value_kinds: list[str], top_level: bool, seed: int
) -> None:
    """Drift in a few items of a larger page: the reference reads only the rejected items.

    Each mutation hits one item of one array, so most items stay clean and are cut out;
    the findings (paths, counts, example pointers) must still be the full reference's.
    """
    rng = random.Random(seed)
    value = zb.cursor_page(12) if cursor else zb.offset_page(12)
    for kind in value_kinds:
        arrays = [name for name in ("activities", "actors", "users") if value.get(name)]
        items = value[rng.choice(arrays)]
        index = rng.randrange(len(items))
        holder = [items[index]]
        VALUE_MUTATIONS[kind](rng, holder)  # may replace the item itself (type, null, splice)
        items[index] = holder[0]
    if top_level:
        value[rng.choice(["links", "extra"])] = {"next": None}
    body = serialise(rng, value)
    check = FAST._compile(FAST.spec.operation("ListActivities")).check(
        ("ListActivities", "200", "application/json")
    )
    assert check is not None
    event("narrowed" if isinstance(check.examine(body), _fast.Narrowing) else "whole body")
    assert_same(body, "ListActivities")


def test_narrowing_cuts_clean_items_and_maps_paths_back(monkeypatch: pytest.MonkeyPatch) -> None:
    value = zb.offset_page(40)
    for index in (7, 31):
        value["activities"][index]["via"] = {"channel": "api"}
    value["activities"][19]["actor_id"] = "10000000000003"
    seen: list[bytes] = []
    original = CoreValidator.schema_errors

    def spy(self: CoreValidator, operation: str, status: int, media: str, body: bytes) -> Any:
        seen.append(body)
        return original(self, operation, status, media, body)

    monkeypatch.setattr(CoreValidator, "schema_errors", spy)
    body = zb.dumps(value)
    findings = FAST.validate(body, operation="ListActivities")
    [reduced] = seen
    assert len(json.loads(reduced)["activities"]) == 3  # 37 clean activities never reached it
    by_kind = {f.kind: f for f in findings}
    via = by_kind[Kind.UNDOCUMENTED_FIELD]
    assert via.count == 2
    assert via.examples == ("/activities/7/via", "/activities/31/via")
    assert by_kind[Kind.TYPE_MISMATCH].fingerprint.endswith("|/activities/*/actor_id")
    assert by_kind[Kind.TYPE_MISMATCH].examples == ("/activities/19/actor_id",)
    assert findings == REFERENCE.validate(body, operation="ListActivities")


def test_only_arrays_no_keyword_sees_as_a_whole_are_narrowed() -> None:
    strict = FAST.strict_schema("ListActivities")
    arrays = [path for path, _ in _fast._narrowable_arrays(strict, ())]
    assert arrays == [("activities",), ("actors",), ("users",)]
    counted = {
        "type": "object",
        "properties": {
            "a": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
            "b": {"type": "object", "minProperties": 1, "properties": {"c": {"items": {}}}},
            "d": {"type": "object", "properties": {"e": {"type": "array", "items": {}}}},
        },
    }
    assert [p for p, _ in _fast._narrowable_arrays(counted, ())] == [("d", "e")]
    assert list(_fast._narrowable_arrays({"type": "array", "items": {}}, ())) == []


EXPECTED_KIND = {
    "undocumented-field": {Kind.UNDOCUMENTED_FIELD},
    "missing-field": {Kind.MISSING_FIELD},
    "type-mismatch": {Kind.TYPE_MISMATCH, Kind.UNEXPECTED_NULL},
    "unexpected-null": {Kind.UNEXPECTED_NULL},
    "format-mismatch": {Kind.FORMAT_MISMATCH},
    "splice": {Kind.MALFORMED_BODY},
}
EXPECTED_BYTE_KIND = {name: {Kind.MALFORMED_BODY} for name in BYTE_MUTATIONS}
del EXPECTED_BYTE_KIND["escaped-colon"]  # often still valid JSON: only equality is asked


@pytest.mark.parametrize("operation", sorted(BASES))
@pytest.mark.parametrize("kind", sorted(EXPECTED_KIND) + sorted(EXPECTED_BYTE_KIND))
def test_every_kind_of_drift_is_exercised_on_every_operation(operation: str, kind: str) -> None:
    """A sweep that does not depend on Hypothesis' luck: each kind is seen and agreed on."""
    seen: set[Kind] = set()
    for seed in range(12):
        rng = random.Random(seed)
        if kind in VALUE_MUTATIONS:
            body = case(rng, operation, [kind], None)
        else:
            body = case(rng, operation, [], kind)
        seen |= {f.kind for f in assert_same(body, operation)}
    expected = EXPECTED_KIND.get(kind) or EXPECTED_BYTE_KIND[kind]
    assert seen & expected, (kind, seen)


@pytest.mark.parametrize("operation", sorted(BASES))
@pytest.mark.parametrize(
    ("status", "content_type", "kind"),
    [
        (500, "application/json", Kind.UNDOCUMENTED_STATUS),
        (404, "application/json", Kind.UNDOCUMENTED_STATUS),
        (200, "text/html", Kind.UNDOCUMENTED_CONTENT_TYPE),
        (200, None, Kind.UNDOCUMENTED_CONTENT_TYPE),
    ],
)
def test_envelope_findings_are_unchanged(
    operation: str, status: int, content_type: str | None, kind: Kind
) -> None:
    body = zb.dumps(BASES[operation][0]())
    [finding] = assert_same(body, operation, status, content_type)
    assert finding.kind is kind


@pytest.mark.parametrize("stamp", DATE_TIMES)
@pytest.mark.parametrize("operation", ["ShowActivity", "CountActivities"])
def test_date_time_edge_cases_agree(stamp: str, operation: str) -> None:
    body = zb.show() if operation == "ShowActivity" else zb.count()
    record = body.get("activity") or body["count"]
    record["created_at" if "activity" in body else "refreshed_at"] = stamp
    assert_same(zb.dumps(body), operation)


@pytest.mark.parametrize(
    "body",
    [
        # A repeated key balanced by an escaped colon: counting raw colons alone would miss it.
        b'{"count":{"value":1,"refreshed_at":"2026-11-26T00\\u003a00:00Z","value":1}}',
        b'{"count":{"value":1,"refreshed_at":"2026-11-26T00:00:00Z","value":1}}',
        b'{"count":{"value":1,"value":1,"refreshed_at":"2026-11-26T00:00:00Z"}}',
        b'{"count":{"value":1,"refreshed_at":"2026-11-26T00:00:00Z"},"count":{"value":1,'
        b'"refreshed_at":"2026-11-26T00:00:00Z"}}',
        b'{"count":{"value":18446744073709551616,"refreshed_at":"2026-11-26T00:00:00Z"}}',
        b'{"count":{"value":1.0,"refreshed_at":"2026-11-26T00:00:00Z"}}',
        b'{"count":{"value":1e400,"refreshed_at":"2026-11-26T00:00:00Z"}}',
    ],
)
def test_adversarial_bodies_agree(body: bytes) -> None:
    assert_same(body, "CountActivities")


def test_clean_pages_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    validator = DriftValidator()
    bodies = {
        "ListActivities": zb.dumps(zb.offset_page(100, page=2, total=251)),
        "ShowActivity": zb.dumps(zb.show()),
        "CountActivities": zb.dumps(zb.count()),
    }

    def refuse(*args: Any, **kwargs: Any) -> list[Any]:
        raise AssertionError("the reference path ran on a clean body")

    monkeypatch.setattr(CoreValidator, "schema_errors", refuse)
    for operation, body in bodies.items():
        assert validator.validate(body, operation=operation) == []
    pretty = json.dumps(zb.show(), indent=2, ensure_ascii=False).encode()
    assert validator.validate(pretty, operation="ShowActivity") == []


def test_drifted_pages_are_explained_by_the_reference() -> None:
    body = zb.offset_page(3)
    body["activities"][1]["via"] = {"channel": "api"}
    [finding] = FAST.validate(zb.dumps(body), operation="ListActivities")
    assert finding.path == "/activities/1/via"


def test_fast_false_forces_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = CoreValidator.schema_errors

    def spy(self: CoreValidator, operation: str, *args: Any) -> list[Any]:
        calls.append(operation)
        return original(self, operation, *args)

    monkeypatch.setattr(CoreValidator, "schema_errors", spy)
    body = zb.dumps(zb.count())
    assert DriftValidator(fast=False).validate(body, operation="CountActivities") == []
    assert calls == ["CountActivities"]


def _spec(schema: dict[str, Any]) -> Spec:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "ListThings",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    },
                }
            }
        },
    }
    return Spec(document, "inline")


@pytest.mark.parametrize(
    ("schema", "covered"),
    [
        ({"type": "object", "properties": {"n": {"type": "integer"}}}, True),
        ({"type": "object", "properties": {"s": {"type": "string", "enum": ["a", "b"]}}}, True),
        ({"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}}, False),
        ({"type": "object", "properties": {"n": {"enum": [1, 2]}}}, False),
        ({"type": "object", "properties": {"s": {"type": "string", "pattern": "^a"}}}, False),
        ({"type": "object", "properties": {"s": {"type": "string", "format": "email"}}}, False),
        ({"type": "object", "properties": {"s": {"oneOf": [{"type": "string"}]}}}, False),
        ({"type": "object", "properties": {"s": {"not": {"type": "string"}}}}, False),
    ],
)
def test_schemas_outside_the_proof_use_the_reference(schema: dict, covered: bool) -> None:
    fast, reference = DriftValidator(_spec(schema)), DriftValidator(_spec(schema), fast=False)
    assert (_fast.fast_check(fast.strict_schema("ListThings")) is not None) is covered
    for body in (b'{"n": -1}', b'{"s": "c"}', b'{"s": "a"}', b'{"n": 1, "s": "b"}', b"{}"):
        assert fast.validate(body, operation="ListThings") == reference.validate(
            body, operation="ListThings"
        )


def test_a_stack_near_the_recursion_limit_falls_back() -> None:
    check = _fast.fast_check(FAST.strict_schema("CountActivities"))
    assert check is not None
    body = zb.dumps(zb.count())
    assert check.is_clean(body)

    def deep(n: int) -> bool:
        return deep(n - 1) if n else check.is_clean(body)

    assert not deep(sys.getrecursionlimit() - 2 * 256 + 10)
