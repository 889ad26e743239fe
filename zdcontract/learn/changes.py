"""The overlay actions for one kind of change, built from the values observed at a node.

Each builder returns plain action mappings (``target``, ``description``, and ``update`` or
``remove``). Overlay 1.0 can merge into a node but not overwrite a string with a list, so a
node whose keyword changes kind is removed and added back whole (``replace``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from ..spec._json import json_type
from .infer import branch_schemas, infer
from .walk import Location, jsonpath, node_at, resolve

__all__ = ["drop_format", "replace", "shapes", "widen", "widened"]

Action = dict[str, Any]
_SCALARS = frozenset({"string", "integer", "number", "boolean", "null"})
_COMPOSED = ("allOf", "anyOf", "oneOf", "$ref", "not")


def shapes(
    document: Any,
    location: Location,
    objects: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    evidence: str,
) -> list[Action]:
    """Actions for the fields ``names`` of the object node at ``location``.

    A field in every object becomes a property (schema inferred); a declared field in none
    is declared ``false`` (must be absent); fields present in some objects only split the
    objects into shapes: one anyOf branch per combination seen, the declared fields' schemas
    moved from the node into the branches that have them.
    """
    node = node_at(document, location)
    declared: Mapping[str, Any] = node.get("properties") or {}
    always, varying, never = [], [], []
    for name in sorted(names):
        count = sum(1 for obj in objects if name in obj)
        if count == len(objects) and name not in declared:
            always.append(name)
        elif 0 < count < len(objects):
            varying.append(name)
        elif count == 0 and name in declared:
            never.append(name)
    target = jsonpath(location)
    properties = jsonpath((*location, "properties"))
    actions: list[Action] = []
    gone = [*never, *(n for n in varying if n in declared)]
    if gone:
        actions.append(
            {
                "target": f"{properties}[{','.join(_quote(n) for n in gone)}]",
                "description": f"{_gone(never, [n for n in varying if n in declared])} {evidence}",
                "remove": True,
            }
        )
    added: dict[str, Any] = {n: infer([o[n] for o in objects]) for n in always}
    added.update(dict.fromkeys(never, False))
    if added:
        what = []
        if always:
            what.append(f"undocumented {_fields(always)} in all {len(objects)} objects here")
        if never:
            what.append(f"{_fields(never)} in none of them (declared false: must be absent)")
        actions.append(
            {
                "target": target,
                "description": f"{'; '.join(what).capitalize()}. {evidence}",
                "update": {"properties": added},
            }
        )
    if varying:
        schemas = {}
        for n in varying:
            values = [o[n] for o in objects if n in o]
            moved = widened(declared[n], values) if n in declared else None
            schemas[n] = moved or (copy.deepcopy(declared[n]) if n in declared else infer(values))
        branches = branch_schemas(objects, varying, schemas)
        composed = any(k in node for k in ("anyOf", "oneOf"))
        update = {"allOf": [{"anyOf": branches}]} if composed else {"anyOf": branches}
        actions.append(
            {
                "target": target,
                "description": f"The {len(objects)} objects here come in {len(branches)} shapes "
                f"that differ in {_fields(varying)}: one anyOf branch per shape, each requiring "
                f"the fields it always has. {evidence}",
                "update": update,
            }
        )
    return actions


def widen(document: Any, location: Location, values: Sequence[Any], evidence: str) -> list[Action]:
    """Actions that let the node at ``location`` take the JSON types observed in ``values``."""
    node = node_at(document, location)
    typed = resolve(document, location)[1]  # a $ref property: the types of what it names
    new = widened(node, values, typed)
    if new is None:
        return []
    declared = typed["type"]
    kinds = [declared] if isinstance(declared, str) else [str(k) for k in declared]
    extra = _extra(kinds, values)
    seen = ", ".join(f"{t} in {sum(1 for v in values if _is(v, t))}" for t in extra)
    description = (
        f"Observed {seen} of {len(values)} values where the spec declares "
        f"{' or '.join(kinds)}. {evidence}"
    )
    if isinstance(declared, list) and isinstance(new.get("type"), list):
        # Arrays concatenate under Overlay's merge: add the types, keep the node.
        update: dict[str, Any] = {"type": extra}
        if "null" in extra and isinstance(node.get("enum"), list):
            update["enum"] = [None]
        return [{"target": jsonpath(location), "description": description, "update": update}]
    return replace(document, location, new, description)


def widened(node: Any, values: Sequence[Any], typed: Any = None) -> dict[str, Any] | None:
    """``node`` accepting the JSON types of ``values`` too (None: it already does, or has no type).

    Scalar types (null among them) join the node's ``type``; an object or array where the
    spec says otherwise, or a node built from references and compositions, becomes
    ``anyOf`` of the node as it was and the schema inferred from the values it rejects.
    ``typed`` is the node whose ``type`` counts (what a ``$ref`` node names).
    """
    typed = node if typed is None else typed
    declared = typed.get("type") if isinstance(typed, Mapping) else None
    if declared is None or not isinstance(node, Mapping):
        return None
    kinds = [declared] if isinstance(declared, str) else [str(k) for k in declared]
    extra = _extra(kinds, values)
    if not extra:
        return None
    if not any(k in node for k in _COMPOSED) and all(t in _SCALARS for t in extra):
        new = dict(node)
        new["type"] = [*kinds, *extra]
        if "null" in extra and isinstance(node.get("enum"), list):
            new["enum"] = [*node["enum"], None]
        return new
    others = [v for v in values if not any(_is(v, t) for t in kinds)]
    return {"anyOf": [copy.deepcopy(dict(node)), infer(others)]}


def _extra(kinds: Sequence[str], values: Sequence[Any]) -> list[str]:
    return [
        t for t in _types(values) if t not in kinds and not (t == "integer" and "number" in kinds)
    ]


def drop_format(
    document: Any, location: Location, values: Sequence[Any], evidence: str
) -> list[Action]:
    """Actions that drop the ``format`` the observed strings do not all fit."""
    node = node_at(document, location)
    if not isinstance(node, Mapping) or "format" not in node:
        return []
    strings = [v for v in values if isinstance(v, str)]
    new = {k: v for k, v in node.items() if k != "format"}
    description = (
        f"format {node['format']} dropped: not all of the {len(strings)} observed strings "
        f"fit it. {evidence}"
    )
    return replace(document, location, new, description)


def replace(document: Any, location: Location, new: Any, description: str) -> list[Action]:
    """Remove the node at ``location`` and add ``new`` in its place (empty: cannot be done)."""
    parent, key = location[:-1], location[-1]
    if not isinstance(key, str) or not isinstance(node_at(document, parent), Mapping):
        return []  # an array member: re-adding it would change its index
    return [
        {"target": jsonpath(location), "description": description, "remove": True},
        {"target": jsonpath(parent), "description": description, "update": {key: new}},
    ]


def _types(values: Sequence[Any]) -> list[str]:
    kinds = infer(values).get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _is(value: Any, kind: str) -> bool:
    actual = json_type(value)
    return actual == kind or (kind == "number" and actual == "integer")


def _quote(name: str) -> str:
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fields(names: Sequence[str]) -> str:
    shown = ", ".join(names)
    return f"field {shown}" if len(names) == 1 else f"fields {shown}"


def _gone(never: Sequence[str], moved: Sequence[str]) -> str:
    parts = []
    if never:
        parts.append(f"{_fields(never).capitalize()} absent from every object seen.")
    if moved:
        parts.append(f"{_fields(moved).capitalize()} in some objects only: moved into shapes.")
    return " ".join(parts)
