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
from unittest import mock

import orjson
import pytest
import zendesk_bodies as zb
from drift_specs import one_operation_spec
from hypothesis import event, given, settings
from hypothesis import strategies as st

from zdcontract import DriftValidator, Kind
from zdcontract.drift import _fast, _narrow
from zdcontract.drift._openapi_core import CoreValidator

# Four times the profile's budget (400 under CI): the fixed sweeps below cover the known corners.
MANY = settings(max_examples=4 * settings.default.max_examples)

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


# Where a drift goes on a page: the activity itself, inside its user records (each an
# anyOf of two shapes), inside a record's photo, its free-form object, a sideload item,
# or the page itself.
PLACES = ["activity", "actor", "user", "photo", "object", "actors", "users", "page"]
LIST_KEY = ("ListActivities", "200", "application/json")
_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def _holder(value: dict[str, Any], place: str, index: int) -> tuple[Any, Any] | None:
    """The (container, key) whose value a drift at ``place`` of item ``index`` replaces."""
    if place == "page":
        return value, None
    # An earlier drift at the page may have removed or replaced the arrays below.
    if place in ("actors", "users"):
        items = value.get(place)
        return (items, index % len(items)) if isinstance(items, list) and items else None
    activities = value.get("activities")
    if not isinstance(activities, list) or index >= len(activities):
        return None
    activity = activities[index]
    if not isinstance(activity, dict):
        return None
    if place == "activity":
        return value["activities"], index
    if place == "photo":
        actor = activity.get("actor")
        return (actor, "photo") if isinstance(actor, dict) and "photo" in actor else None
    return (activity, place) if place in activity else None


def drifted_page(
    rng: random.Random, size: int, cursor: bool, drifts: list[tuple[str, str, int]]
) -> dict[str, Any]:
    """A page with each (mutation, place, copies) applied to ``copies`` random items.

    The copies of one drift use one seed, so that records of the same shape drift the
    same way (what a systematic drift of the API looks like, and what narrowing reads
    once); records of other shapes drift elsewhere.
    """
    value = zb.cursor_page(size) if cursor else zb.offset_page(size)
    for kind, place, copies in drifts:
        seed = rng.randrange(2**32)
        for index in rng.sample(range(size), min(copies, size)):
            found = _holder(value, place, index)
            if found is None:
                continue
            container, key = found
            holder = [value if key is None else container[key]]
            VALUE_MUTATIONS[kind](random.Random(seed), holder)
            if key is not None:
                container[key] = holder[0]
            if place == "page":
                break
    return value


def assert_narrowed_same(body: bytes) -> str:
    """Narrowed findings equal the reference's, and narrowing ran wherever it could.

    The only reason narrowing may leave a drifted body (one orjson reads) to the whole
    reference is a number orjson may have read inexactly (19 digits or more, read as a
    float): a body that spells one but holds no float must be narrowed too.
    """
    calls: list[str] = []
    original = CoreValidator.schema_errors

    def spy(self: CoreValidator, operation: str, *args: Any) -> list[Any]:
        calls.append(operation)
        return original(self, operation, *args)

    with mock.patch.object(CoreValidator, "schema_errors", spy):
        fast = FAST.validate(body, operation="ListActivities")
    assert fast == REFERENCE.validate(body, operation="ListActivities"), body[:300]
    check = FAST._compile(FAST.spec.operation("ListActivities")).check(LIST_KEY)
    assert check is not None
    verdict = check.examine(body)
    if not isinstance(verdict, _fast.Drifted):
        return "clean" if verdict is _fast.CLEAN else "not read by orjson"
    if not _LONG_NUMBER.search(body):
        assert calls == [], "a drifted body went to the whole reference"
    reduced = check.planner.reduce(verdict.value, body)
    if reduced is not None:
        assert calls == [], "a body narrowing could cut went to the whole reference"
    if not any(isinstance(leaf, float) for leaf in _narrow._scalars(verdict.value)):
        assert reduced is not None, "narrowing gave up on a body orjson read exactly"
    return "whole body (long number)" if calls else "narrowed"


@given(
    cursor=st.booleans(),
    size=st.integers(min_value=1, max_value=14),
    drifts=st.lists(
        st.tuples(
            st.sampled_from(sorted(set(VALUE_MUTATIONS) - {"clean"})),
            st.sampled_from(PLACES),
            st.integers(min_value=1, max_value=6),
        ),
        min_size=1,
        max_size=5,
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
@MANY
def test_narrowed_pages_agree(
    cursor: bool, size: int, drifts: list[tuple[str, str, int]], seed: int
) -> None:
    """Drift anywhere on a page: the reference reads a narrowed body, finding for finding.

    Mixed pages: clean and drifted activities, drift inside the anyOf user records, in
    sideloads and on the page, several items drifting alike or not; paths, counts and
    example pointers must be the full reference's.
    """
    rng = random.Random(seed)
    body = serialise(rng, drifted_page(rng, size, cursor, drifts))
    event(assert_narrowed_same(body))
    for _, place, copies in drifts:
        event(f"{place}{' x several' if copies > 1 else ''}")


@pytest.mark.parametrize("seed", range(40))
def test_narrowed_pages_agree_on_a_fixed_sweep(seed: int) -> None:
    """The same, on a sweep that does not depend on Hypothesis' draws: every place, often."""
    rng = random.Random(seed)
    kinds = sorted(set(VALUE_MUTATIONS) - {"clean", "splice"})
    drifts = [(rng.choice(kinds), place, rng.randint(1, 4)) for place in PLACES]
    body = serialise(rng, drifted_page(rng, 12, seed % 2 == 0, drifts))
    assert_narrowed_same(body)


def _reduced_inputs(monkeypatch: pytest.MonkeyPatch, *, remember: bool = False) -> list[Any]:
    """Record every value openapi-core's body validator reads on the narrowed path (with
    ``remember``, the validator still keeps its explanations: a kept one reads nothing)."""
    from zdcontract.drift import validator as module

    seen: list[Any] = []
    original = module._Compiled.body

    def spying(self: Any, key: Any) -> Any:
        engine = original(self, key)

        class Spy:
            def iter_errors(self, value: Any) -> Any:
                seen.append(value)
                return engine.iter_errors(value)

        return Spy()

    monkeypatch.setattr(module._Compiled, "body", spying)
    if not remember:
        monkeypatch.setattr(module, "_EXPLAINED_SIZE", -1)  # no remembered explanation
    return seen


def test_narrowing_reads_each_distinct_drift_once(monkeypatch: pytest.MonkeyPatch) -> None:
    value = zb.offset_page(40)
    for index in (7, 31):  # the same drift twice: read once, reported at both places
        value["activities"][index]["via"] = {"channel": "api"}
    value["activities"][19]["actor_id"] = "10000000000003"
    value["activities"][22]["user"]["email"] = 5  # inside the anyOf user record
    seen = _reduced_inputs(monkeypatch)
    body = zb.dumps(value)
    findings = FAST.validate(body, operation="ListActivities")
    [reduced] = seen
    activities = reduced["activities"]
    assert len(activities) == 3  # 37 clean activities never reached it, 7 and 31 once
    assert all(a["actor"] == activities[0]["actor"] for a in activities)  # one stand-in
    assert len(activities[0]["actor"]) < len(value["activities"][0]["actor"])
    assert reduced["actors"] == [] and reduced["users"] == []  # clean sideloads
    by_path = {f.fingerprint.split("|")[2]: f for f in findings}
    via = by_path["/activities/*/via"]
    assert via.count == 2
    assert via.examples == ("/activities/7/via", "/activities/31/via")
    assert by_path["/activities/*/actor_id"].examples == ("/activities/19/actor_id",)
    assert by_path["/activities/*/user/email"].examples == ("/activities/22/user/email",)
    assert findings == REFERENCE.validate(body, operation="ListActivities")


def test_the_same_drift_in_other_records_is_explained_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages of a drifted API differ in ids, names, times and where the drift falls.

    Narrowing replaces clean values by stand-ins and keeps one drifted item per kind of
    drift, so such pages narrow to one value, and openapi-core explains it once. A value a
    reader rejects is kept as it is: another wrong value is explained anew.
    """
    explained = _reduced_inputs(monkeypatch, remember=True)
    validator = DriftValidator()

    def page(first: int, via: int, actor_id: str) -> bytes:
        value = zb.offset_page(6)
        for offset, activity in enumerate(value["activities"]):
            activity["id"] = first + offset
            activity["title"] = f"{activity['title']} (from {first})"
        value["activities"][via]["via"] = {"channel": "api"}
        value["activities"][4]["actor_id"] = actor_id
        return zb.dumps(value)

    pages = [page(1000, 0, "x"), page(2000, 2, "x"), page(3000, 1, "x"), page(4000, 0, "y")]
    for body in pages:
        found = validator.validate(body, operation="ListActivities")
        assert found == REFERENCE.validate(body, operation="ListActivities"), body[:300]
    again = validator.validate(pages[1], operation="ListActivities")
    by_path = {f.fingerprint.split("|")[2]: f for f in again}
    assert by_path["/activities/*/via"].examples == ("/activities/2/via",)
    assert len(explained) == 2  # pages 1-3 alike; page 4's actor_id is another value
    assert explained[0]["activities"][1]["actor_id"] == "x"
    assert explained[1]["activities"][1]["actor_id"] == "y"


def test_an_explanation_of_many_errors_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """What is kept stays small whatever a target sends: a page of fifty distinct drifts
    (a narrowed value under the size bound, 150 errors) is explained, and the errors not
    kept."""
    from zdcontract.drift import validator as module

    seen = _reduced_inputs(monkeypatch, remember=True)
    validator = DriftValidator()
    value = zb.offset_page(50)
    for index, activity in enumerate(value["activities"]):
        activity[f"undocumented_{index}"] = index  # each activity its own drift...
        activity["verb"] = index  # ...and three errors
        activity["title"] = index
    body = zb.dumps(value)
    found = validator.validate(body, operation="ListActivities")
    assert found == REFERENCE.validate(body, operation="ListActivities")
    compiled = validator._compile(validator.spec.operation("ListActivities"))
    # Narrowed and explained, under the size bound: only the count of errors kept it out.
    [narrowed] = seen
    assert len(orjson.dumps(narrowed)) <= module._EXPLAINED_SIZE
    assert compiled.explained == {}
    few = zb.offset_page(3)
    few["activities"][1]["verb"] = 1
    validator.validate(zb.dumps(few), operation="ListActivities")
    [kept] = compiled.explained.values()
    assert 0 < len(kept) <= module._EXPLAINED_ERRORS


def _whole_reference_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the operation of every body the whole reference (openapi-core) reads."""
    calls: list[str] = []
    original = CoreValidator.schema_errors

    def spy(self: CoreValidator, operation: str, *args: Any) -> list[Any]:
        calls.append(operation)
        return original(self, operation, *args)

    monkeypatch.setattr(CoreValidator, "schema_errors", spy)
    return calls


def test_a_number_orjson_cannot_read_exactly_goes_to_the_whole_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    value = zb.offset_page(3)
    value["activities"][1]["actor_id"] = 2**64 + 1  # read as a float by orjson
    value["activities"][2]["via"] = 2**70  # an undocumented field named with its JSON type
    seen = _reduced_inputs(monkeypatch)
    calls = _whole_reference_calls(monkeypatch)
    body = zb.dumps(value)
    assert FAST.validate(body, operation="ListActivities") == REFERENCE.validate(
        body, operation="ListActivities"
    )
    assert seen == []
    assert calls == ["ListActivities"] * 2  # the fast validator's, then the reference's


def test_the_keys_a_body_sends_do_not_grow_the_narrowing_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plan lives as long as its validator: undeclared keys share one set of readers."""
    validator = DriftValidator()
    calls = _whole_reference_calls(monkeypatch)
    sizes = []
    for round_ in range(3):
        value = zb.offset_page(3)
        value["activities"][1]["actor"].update({f"r{round_}a{i}": i for i in range(200)})
        value.update({f"r{round_}p{i}": i for i in range(200)})
        body = zb.dumps(value)
        findings = validator.validate(body, operation="ListActivities")
        assert findings == REFERENCE.validate(body, operation="ListActivities")
        assert sum(f.count for f in findings if f.kind is Kind.UNDOCUMENTED_FIELD) == 400
        check = validator._compile(validator.spec.operation("ListActivities")).check(LIST_KEY)
        assert check is not None
        planner = check.planner
        sizes.append(sum(len(readers._children) for readers in planner._sets.values()))
    assert calls == ["ListActivities"] * 3  # the reference's; the validator's were narrowed
    assert sizes[0] == sizes[-1], sizes


def test_readers_decide_where_the_walk_goes() -> None:
    check = FAST._compile(FAST.spec.operation("ListActivities")).check(LIST_KEY)
    assert check is not None
    root = check.planner.root
    assert root.descend and not root.dedup
    for name in ("activities", "actors", "users"):
        assert root.child(name).dedup  # one plain reader: items read once each
    activity = root.child("activities").items()
    assert activity.descend and not activity.dedup
    actor = activity.child("actor")
    assert actor.descend  # allOf/anyOf of plain object schemas: the walk may go in
    assert sum(conditional for _, conditional in actor.closure) == 2  # the anyOf branches
    assert root.child("links").type_only and not root.child("links").direct
    counted = _narrow.Planner(
        {
            "type": "object",
            "properties": {
                "a": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
                "b": {"type": "object", "minProperties": 1, "properties": {"c": {}}},
                "d": {"anyOf": [{"type": "array", "items": {}}]},
                "e": {"enum": [{"x": 1}]},
            },
        }
    ).root
    assert not counted.child("a").descend and not counted.child("b").descend
    assert counted.child("d").descend and not counted.child("d").dedup
    assert not counted.child("e").descend


def test_witnesses_are_clean_for_openapi_core() -> None:
    """Each stand-in is accepted by jsonschema-rs and by openapi-core's own validator."""
    from zdcontract.drift._openapi_core import body_validator

    check = FAST._compile(FAST.spec.operation("ListActivities")).check(LIST_KEY)
    assert check is not None
    activity = check.planner.root.child("activities").items()
    strict = FAST.strict_schema("ListActivities")["properties"]["activities"]["items"]
    for name in strict["properties"]:
        readers = activity.child(name)
        marker = object()
        witness = readers.witness(marker)
        assert witness is not marker, name
        assert readers.accepts(witness)
        assert list(body_validator(strict["properties"][name]).iter_errors(witness)) == [], name


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
    calls = _whole_reference_calls(monkeypatch)
    body = zb.dumps(zb.count())
    assert DriftValidator(fast=False).validate(body, operation="CountActivities") == []
    assert calls == ["CountActivities"]


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
    fast, reference = (
        DriftValidator(one_operation_spec(schema)),
        DriftValidator(one_operation_spec(schema), fast=False),
    )
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
