"""Round trip: drift learned from samples is accepted, drift never seen is still reported.

For generated drift (fields added, removed, retyped, nulled, on every object or only on
some) on samples of all three operations, the learned overlay must make every sample
conform; and one more drift the samples did not show, applied to one of them, must be
reported at its exact pointer: the overlay loosens only what it saw.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import zendesk_bodies as zb
from hypothesis import given, settings
from hypothesis import strategies as st

from zdcontract.drift import DriftValidator
from zdcontract.learn import Sample, dump_overlay, learn
from zdcontract.spec import load_spec
from zdcontract.spec._json import json_type
from zdcontract.spec.pointer import escape

# Where drift is applied, per operation: a JSON Pointer with * for every array index, and
# the schema node it reaches (ActivityObject is shared by ListActivities and ShowActivity).
SITES = {
    ("ListActivities", ""): "ActivitiesResponse",
    ("ListActivities", "/activities/*"): "ActivityObject",
    ("ShowActivity", ""): "ActivityResponse",
    ("ShowActivity", "/activity"): "ActivityObject",
    ("CountActivities", ""): "ActivitiesCountResponse",
    ("CountActivities", "/count"): "Count",
}
# Fields whose published type already allows null.
NULLABLE = {"next_page", "previous_page"}
VALUES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e3, 1e3, allow_nan=False).filter(lambda f: not f.is_integer()),
    st.sampled_from(["plain", "2026-01-02T03:04:05Z", "https://a.example/b", "a@b.example"]),
    st.booleans(),
    st.none(),
    st.lists(st.integers(0, 9), max_size=3),
    st.dictionaries(st.sampled_from(["k", "m"]), st.integers(0, 9), max_size=2),
)


def _bases() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("ListActivities", zb.offset_page(2)),
        ("ListActivities", zb.offset_page(3, page=2, total=203)),
        ("ShowActivity", zb.show()),
        ("ShowActivity", zb.show()),
        ("CountActivities", zb.count()),
        ("CountActivities", zb.count(value=7)),
    ]


def _objects(body: Any, site: str) -> list[tuple[str, dict[str, Any]]]:
    """The objects at ``site`` of ``body``, with their pointers."""
    found = [("", body)]
    for token in site.split("/")[1:]:
        below = []
        for where, node in found:
            if token == "*" and isinstance(node, list):
                below.extend((f"{where}/{i}", item) for i, item in enumerate(node))
            elif isinstance(node, dict) and token in node:
                below.append((f"{where}/{escape(token)}", node[token]))
        found = below
    return [(where, node) for where, node in found if isinstance(node, dict)]


def _other_type(data: st.DataObject, field: str, current: Any) -> Any:
    banned = {json_type(current), "null"} | ({"string"} if field in NULLABLE else set())
    return data.draw(VALUES.filter(lambda v: json_type(v) not in banned))


def _drift(data: st.DataObject, bodies: list[tuple[str, dict[str, Any]]]) -> tuple[str, str]:
    """Apply one drift to some objects at one site; the (schema node, field) it touched."""
    operation, site = data.draw(st.sampled_from(sorted(SITES)))
    action = data.draw(st.sampled_from(["add", "remove", "retype", "null"]))
    targets = [obj for op, body in bodies if op == operation for _, obj in _objects(body, site)]
    if not targets:
        return SITES[(operation, site)], ""
    fields = sorted({key for obj in targets for key in obj})
    if not fields:
        action = "add"
    field = (
        data.draw(st.sampled_from(["extra_a", "extra_b"]))
        if action == "add"
        else data.draw(st.sampled_from(fields))
    )
    everywhere = data.draw(st.booleans())
    for obj in targets:
        if not everywhere and not data.draw(st.booleans()):
            continue
        if action == "add":
            obj[field] = data.draw(VALUES)
        elif action == "remove":
            obj.pop(field, None)
        elif field in obj and action == "retype":
            obj[field] = _other_type(data, field, obj[field])
        elif field in obj and action == "null":
            obj[field] = None
    return SITES[(operation, site)], field


# One value of each JSON type.
OF_TYPE = {
    "integer": 7,
    "number": 0.5,
    "string": "plain",
    "boolean": True,
    "null": None,
    "array": [1],
    "object": {"k": 1},
}


def _a_type_never_seen_is_still_drift(
    data: st.DataObject,
    bodies: list[tuple[str, dict[str, Any]]],
    touched: set[tuple[str, str]],
    spec: Any,
    learned: DriftValidator,
) -> None:
    """A field the learned drift touched takes the types it was seen with, not any type.

    One of its values becomes a type no sample showed there (an int where floats were seen
    counts as seen); if the published spec refused that value there, so must the overlay.
    """
    fields = sorted((node, field) for node, field in touched if field)
    if not fields:
        return
    node, field = data.draw(st.sampled_from(fields), label="touched")
    places, seen = [], set()
    for index, (operation, body) in enumerate(bodies):
        for (op, site), name in SITES.items():
            if op == operation and name == node:
                for where, obj in _objects(body, site):
                    if field in obj:
                        places.append((index, site, where))
                        seen.add(json_type(obj[field]))
    unseen = [t for t in OF_TYPE if t not in seen and not (t == "integer" and "number" in seen)]
    if not places or not unseen:
        return
    index, site, where = data.draw(st.sampled_from(places), label="place")
    kind = data.draw(st.sampled_from(unseen), label="unseen type")
    operation, body = bodies[index]
    changed = copy.deepcopy(body)
    dict(_objects(changed, site))[where][field] = OF_TYPE[kind]
    at = f"{where}/{escape(field)}"
    published = DriftValidator(spec).validate(zb.dumps(changed), operation=operation)
    if not any(at in f.examples for f in published):
        return  # the published spec allows it there (next_page: null)
    found = learned.validate(zb.dumps(changed), operation=operation)
    reported = {p for f in found for p in f.examples}
    assert any(at == p or at.startswith(f"{p}/") for p in reported), (
        kind,
        at,
        json.dumps([f.to_dict() for f in found])[:2000],
    )


def _samples(bodies: list[tuple[str, dict[str, Any]]]) -> list[Sample]:
    return [
        Sample(
            operation=op,
            status=200,
            content_type="application/json; charset=utf-8",
            body=zb.dumps(body),
            source="generated.har",
            started=f"2026-11-30T10:00:{i:02d}Z",
        )
        for i, (op, body) in enumerate(bodies)
    ]


@settings(deadline=None)
@given(data=st.data())
def test_learned_overlay_accepts_what_it_saw_and_only_that(
    data: st.DataObject, tmp_path_factory: Any
) -> None:
    bodies = _bases()
    touched = {_drift(data, bodies) for _ in range(data.draw(st.integers(1, 4), label="drifts"))}
    spec = load_spec()
    learned = learn(spec, _samples(bodies))
    path = Path(tmp_path_factory.mktemp("overlay")) / "learned.overlay.yaml"
    path.write_text(dump_overlay(learned.document))
    validator = DriftValidator(load_spec(None, [path]))
    for operation, body in bodies:
        assert validator.validate(zb.dumps(body), operation=operation) == [], (operation, body)
    assert learned.residual == []
    _a_type_never_seen_is_still_drift(data, bodies, touched, spec, validator)

    # One more drift, not in the samples, on a field no learned drift touched.
    index = data.draw(st.integers(0, len(bodies) - 1), label="sample")
    operation, body = bodies[index]
    sites = [site for op, site in SITES if op == operation and _objects(body, site)]
    site = data.draw(st.sampled_from(sites), label="site")
    where, obj = data.draw(st.sampled_from(_objects(body, site)), label="object")
    node = SITES[(operation, site)]
    untouched = [f for f in sorted(obj) if (node, f) not in touched]
    action = data.draw(st.sampled_from(["add", "null", "retype"] if untouched else ["add"]))
    changed = copy.deepcopy(body)
    target = dict(_objects(changed, site))[where]
    if action == "add":
        field, kind = "zz_unseen", "undocumented-field"
        target[field] = 1
    else:
        candidates = [f for f in untouched if action != "null" or f not in NULLABLE]
        if not candidates:
            return
        field = data.draw(st.sampled_from(candidates), label="field")
        if action == "null":
            if target[field] is None:
                return
            target[field], kind = None, "unexpected-null"
        else:
            target[field], kind = _other_type(data, field, target[field]), "type-mismatch"
    pointer = f"{where}/{escape(field)}"
    found = validator.validate(zb.dumps(changed), operation=operation)
    assert (kind, pointer) in {(f.kind.value, f.path) for f in found}, (
        action,
        pointer,
        json.dumps([f.to_dict() for f in found])[:2000],
    )
