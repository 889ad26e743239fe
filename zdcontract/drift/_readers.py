"""Readers: the schemas that read one place of a body, and the stand-ins for clean values.

At each place of a body, the strict schema applies a set of subschemas: the ``properties``
(or ``additionalProperties``) entry of every schema reading the parent object, the
``items`` of every schema reading the parent array, and, at the place itself, the members
of their ``allOf`` and ``anyOf`` (the latter marked conditional: what they find may be
thrown away when another branch matches). ``Readers`` holds that set, compiles one
jsonschema-rs validator for "valid under every direct reader", and synthesises once a
*witness*: a small value those readers all accept. See zdcontract.drift._narrow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import jsonschema_rs

if TYPE_CHECKING:
    from ._narrow import Planner

__all__ = ["ANNOTATIONS", "Direct", "Readers"]

#: Keywords a node may carry (in every schema reading it) for the walk to go inside it:
#: applicators, ``type``, and the two key-level assertions. Anything else (enum, const,
#: min/max counts, format, prefixItems, not, oneOf...) keeps the node whole.
_DESCEND = frozenset(
    {"type", "properties", "required", "additionalProperties", "allOf", "anyOf", "items"}
)
#: Annotations: neither jsonschema-rs nor openapi-core's validator asserts anything with them
#: (the fast schema's coverage in _fast reads them too).
ANNOTATIONS = frozenset(
    {"readOnly", "deprecated", "default", "title", "description", "$comment", "examples"}
)
_NONE: Final = object()  # no witness: the clean value itself stands in
#: How deep a witness may nest (a strict schema is finite; this bounds odd ones).
_WITNESS_DEPTH = 32
_TYPE_TOKENS: Final[dict[type, Any]] = {
    type(None): None,
    bool: False,
    int: 0,
    float: 0.0,
    str: "",
    list: [],
    dict: {},
}

Direct = tuple[tuple[Any, bool], ...]  # (schema, reached through an anyOf branch)


def _asserted(schema: Mapping[str, Any]) -> set[str]:
    return {k for k in schema if k not in ANNOTATIONS and not str(k).startswith("x-")}


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    kind = schema.get("type")
    if kind is None:
        return None
    return {kind} if isinstance(kind, str) else {str(t) for t in kind}


class Readers:
    """The schemas that read one place of a body, and what the walk may do there."""

    __slots__ = (
        "_check",
        "_children",
        "_declared",
        "_items",
        "_planner",
        "_undeclared",
        "_witness",
        "closure",
        "dedup",
        "descend",
        "direct",
        "type_only",
    )

    def __init__(self, planner: Planner, direct: Direct, type_only: bool = False) -> None:
        self._planner = planner
        self.direct = direct
        #: True when a parent's ``additionalProperties: false`` names this key: the reference
        #: then reads the value's JSON type (to say "undocumented field of type ...").
        self.type_only = type_only
        closure: list[tuple[Any, bool]] = []
        for schema, conditional in direct:
            _expand(schema, conditional, closure)
        self.closure = tuple(closure)
        dicts = [s for s, _ in closure if isinstance(s, Mapping)]
        self.descend = all(s is not False for s, _ in closure) and all(
            _asserted(s) <= _DESCEND for s in dicts
        )
        only = closure[0][0] if len(closure) == 1 else None
        self.dedup = (
            isinstance(only, Mapping)
            and not closure[0][1]
            and _asserted(only) <= {"type", "items"}
            and "items" in only
            and ("array" in (_types(only) or {"array"}))
        )
        self._children: dict[str, Readers] = {}
        self._declared = frozenset(k for s in dicts for k in s.get("properties") or ())
        self._undeclared: Readers | None = None
        self._items: Readers | None = None
        self._check: Any = None
        self._witness: Any = None

    def child(self, key: str) -> Readers:
        """The readers of member ``key`` of an object read here.

        Kept per declared name. Every undeclared name has the same readers (each schema's
        ``additionalProperties``), kept once: the keys a target sends must not grow what
        lives as long as the validator.
        """
        found = self._children.get(key)
        if found is not None:
            return found
        declared = key in self._declared
        if not declared and self._undeclared is not None:
            return self._undeclared
        direct: list[tuple[Any, bool]] = []
        named = False  # an additionalProperties: false that will name this key
        for schema, conditional in self.closure:
            if not isinstance(schema, Mapping):
                continue
            properties = schema.get("properties") or {}
            if key in properties:
                direct.append((properties[key], conditional))
            elif "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if extra is False:
                    named = True
                elif extra is not True:
                    direct.append((extra, conditional))
        found = self._planner.readers(tuple(direct), named)
        if declared:
            self._children[key] = found
        else:
            self._undeclared = found
        return found

    def items(self) -> Readers:
        """The readers of each item of an array read here."""
        if self._items is None:
            direct = tuple(
                (s["items"], c) for s, c in self.closure if isinstance(s, Mapping) and "items" in s
            )
            self._items = self._planner.readers(direct, False)
        return self._items

    def accepts(self, value: Any) -> bool:
        """Whether every reader accepts ``value`` (jsonschema-rs, fast schema)."""
        if not self.direct:
            return True
        if self._check is None:
            schema = {"allOf": [s for s, _ in self.direct]}
            self._check = jsonschema_rs.validator_for(schema, validate_formats=True)
        return bool(self._check.is_valid(value))

    def witness(self, value: Any) -> Any:
        """What stands in for a clean ``value``: the witness, or ``value`` when none fits."""
        if self.type_only:
            if not self.direct:
                return _TYPE_TOKENS.get(type(value), value)
            return value  # the reference reads the value and its type: keep both
        if self._witness is None:
            found = _synthesise(self, 0)
            self._witness = found if found is not _NONE and self.accepts(found) else _NONE
        return value if self._witness is _NONE else self._witness


def _expand(schema: Any, conditional: bool, out: list[tuple[Any, bool]]) -> None:
    """``schema`` and every schema it applies to the same place (allOf, anyOf members)."""
    if schema is True:
        return
    out.append((schema, conditional))
    if isinstance(schema, Mapping):
        for member in schema.get("allOf") or ():
            _expand(member, conditional, out)
        for member in schema.get("anyOf") or ():
            _expand(member, True, out)


def _synthesise(readers: Readers, depth: int) -> Any:
    """A small value meant to satisfy every reader (checked by the caller), or _NONE."""
    dicts = [s for s, _ in readers.closure if isinstance(s, Mapping)]
    if depth > _WITNESS_DEPTH or any(s is False for s, _ in readers.closure):
        return _NONE
    for schema in dicts:
        for key in ("const", "enum"):
            if key in schema:
                options = [schema["const"]] if key == "const" else list(schema["enum"])
                for option in options:
                    if readers.accepts(option):
                        return option
                return _NONE
    allowed: set[str] | None = None
    for schema in dicts:
        kinds = _types(schema)
        if kinds is not None:
            kinds = kinds | ({"integer"} if "number" in kinds else set())
            allowed = kinds if allowed is None else allowed & kinds
    for kind in ("null", "boolean", "integer", "string", "object", "array"):
        if allowed is not None and kind not in allowed:
            continue
        if kind == "string" and any(s.get("format") == "date-time" for s in dicts):
            candidate: Any = "1970-01-01T00:00:00Z"
        elif kind == "object":
            candidate = {}
            required = [n for s in dicts for n in s.get("required") or ()]
            for name in dict.fromkeys(required):
                value = _synthesise(readers.child(name), depth + 1)
                if value is _NONE:
                    candidate = _NONE
                    break
                candidate[name] = value
        else:
            candidate = {"null": None, "boolean": False, "integer": 0, "string": "", "array": []}[
                kind
            ]
        if candidate is not _NONE and readers.accepts(candidate):
            return candidate
    return _NONE
