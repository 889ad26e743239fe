"""Strict schemas: the published schema read as a drift contract.

Zendesk's schemas neither forbid undeclared fields nor require any, so validating against
them as published finds almost nothing. A drift monitor wants the opposite: every declared
field present, nothing undeclared. Switching openapi-core's global policies on does that
naively and floods (a real user record fails both branches of ``anyOf[UserForAdmin,
UserForEndUser]``; free-form maps such as ``user_fields`` trip it), so the strict schema is
derived node by node instead:

* An object schema with declared ``properties`` gets ``additionalProperties: false`` and
  every declared property (except ``writeOnly`` ones, and those declared ``false``: must be
  absent) in ``required``.
* Free-form objects stay free: ``additionalProperties: true`` or a schema beside their
  properties, ``patternProperties``, or no declared properties at all.
* Compositions are read as their union: under ``allOf`` the declared fields of all members
  add up; under ``anyOf``/``oneOf`` a field is allowed if any branch declares it and
  required only if every branch does. The strictness sits on the node holding the
  composition; the members themselves stay lenient at their top level (so the branch a
  record does not match cannot report its fields as undeclared), strict below it.
* ``additionalProperties: true`` beside a composition but without sibling ``properties``
  (UserObject) constrains nothing in JSON Schema, so it does not make the object free-form.
* The published ``required`` lists are kept in ``x-zd-required`` so that a finding can tell
  a dropped required field (breaking) from a dropped optional one.
* OpenAPI 3.0 documents are read with 3.0 semantics: ``nullable: true`` becomes a null type.
  In a 3.1 document ``nullable`` means nothing (the standard's reading; ``spec lint`` flags it).

References are inlined; a recursive schema (a reference back to an enclosing schema, as a
tree of comments would have) is cut there with an empty (accept-anything) schema. A cycle of
references that never reaches a schema (A is B, B is A) describes nothing: SpecError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import SpecError
from .loader import Spec

__all__ = ["REQUIRED_ANNOTATION", "SOURCE_ANNOTATION", "strict_schema"]

REQUIRED_ANNOTATION = "x-zd-required"
#: Where an inlined node came from ("#/components/schemas/UserForAdmin"), for messages.
SOURCE_ANNOTATION = "x-zd-source"

_CHILD_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_CHILD_ONE = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
    "additionalItems",
)
_COMPOSITIONS = ("allOf", "anyOf", "oneOf")
_DROP = ("example", "examples", "description", "title", "externalDocs", "xml", "discriminator")


@dataclass(frozen=True, slots=True)
class _Shape:
    declared: frozenset[str]
    required: frozenset[str]
    published_required: frozenset[str]


_FREE = "free"


def strict_schema(spec: Spec, schema: Any) -> Any:
    """The strict, reference-free JSON Schema (2020-12) derived from ``schema``."""
    return _Deriver(spec).derive(schema, strict=True, stack=())


class _Deriver:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.is_30 = not spec.is_31

    def _resolve(self, node: Any, stack: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
        chain: list[str] = []  # references followed without reaching a schema
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in chain:
                # $ref to $ref back to itself: no schema at all, so nothing to hold a body
                # to. Cutting it like a recursive schema would pass every body silently.
                loop = " -> ".join([*chain[chain.index(ref) :], ref])
                raise SpecError(f"spec {self.spec.source}: $ref cycle with no schema: {loop}")
            if ref in stack:
                return None, stack
            chain.append(ref)
            stack = (*stack, ref)
            node = self.spec.resolve_ref(ref)
        return node, stack

    def derive(self, node: Any, *, strict: bool, stack: tuple[str, ...]) -> Any:
        depth = len(stack)
        node, stack = self._resolve(node, stack)
        if node is None:
            return {}  # a reference cycle: accept anything below this point
        if not isinstance(node, Mapping):
            return node  # boolean schemas
        out: dict[str, Any] = {}
        if len(stack) > depth:
            out[SOURCE_ANNOTATION] = stack[-1]
        for key, value in node.items():
            if key in _DROP or key == "nullable":
                continue
            if key in _CHILD_MAPS and isinstance(value, Mapping):
                out[key] = {
                    name: self.derive(child, strict=True, stack=stack)
                    for name, child in value.items()
                }
            elif key in _CHILD_ONE and isinstance(value, Mapping):
                out[key] = self.derive(value, strict=True, stack=stack)
            elif key == "prefixItems" and isinstance(value, list):
                out[key] = [self.derive(child, strict=True, stack=stack) for child in value]
            elif key in _COMPOSITIONS and isinstance(value, list):
                out[key] = [self.derive(child, strict=False, stack=stack) for child in value]
            else:
                out[key] = value
        if self.is_30:
            _nullable_30(node, out)
        if strict:
            shape = self.shape(node, stack)
            if isinstance(shape, _Shape):
                properties = out.setdefault("properties", {})
                for name in sorted(shape.declared):
                    properties.setdefault(name, True)
                out["additionalProperties"] = False
                out["required"] = sorted(shape.required)
                out[REQUIRED_ANNOTATION] = sorted(shape.published_required)
        return out

    def shape(self, node: Any, stack: tuple[str, ...]) -> _Shape | str | None:
        """The keys an object schema declares: a _Shape, _FREE, or None (not an object)."""
        node, stack = self._resolve(node, stack)
        if not isinstance(node, Mapping):
            return None
        found = node.get("properties")
        own: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        extra = node.get("additionalProperties")
        open_ = extra is True or isinstance(extra, Mapping) or "patternProperties" in node
        if own and open_:
            return _FREE
        declared = set(own)
        # A property declared ``false`` must be absent (a shape of an anyOf that has no
        # such field): requiring it too would make the schema unsatisfiable.
        required = {
            name for name, child in own.items() if not _write_only(child) and child is not False
        }
        published = {str(name) for name in node.get("required") or ()}
        for member in node.get("allOf") or ():
            sub = self.shape(member, stack)
            if sub == _FREE:
                return _FREE
            if isinstance(sub, _Shape):
                declared |= sub.declared
                required |= sub.required
                published |= sub.published_required
        for keyword in ("anyOf", "oneOf"):
            branches = [self.shape(member, stack) for member in node.get(keyword) or ()]
            if _FREE in branches:
                return _FREE
            shapes = [b for b in branches if isinstance(b, _Shape)]
            if shapes:
                declared |= set().union(*(s.declared for s in shapes))
                required |= set.intersection(*(set(s.required) for s in shapes))
                published |= set.intersection(*(set(s.published_required) for s in shapes))
        if declared:
            return _Shape(frozenset(declared), frozenset(required), frozenset(published))
        if open_ or _is_object(node):
            return _FREE
        return None


def _write_only(node: Any) -> bool:
    return isinstance(node, Mapping) and node.get("writeOnly") is True


def _is_object(node: Mapping[str, Any]) -> bool:
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)


def _nullable_30(node: Mapping[str, Any], out: dict[str, Any]) -> None:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema: null joins the types (or the enum)."""
    if node.get("nullable") is not True:
        return
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    if "type" not in out and any(k in out for k in _COMPOSITIONS):
        inner = {k: out.pop(k) for k in list(out) if k in _COMPOSITIONS}
        out["anyOf"] = [inner, {"type": "null"}]
