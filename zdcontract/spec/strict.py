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
* A finding names the place in the document behind the keyword that failed
  (``schema_path``), so the derived schema remembers where it came from: ``x-zd-source`` on
  the root and wherever a reference was inlined, ``x-zd-declared`` on a property that only
  a member of a composition declares, and ``x-zd-made`` listing the keywords derivation
  wrote itself (``required``, ``additionalProperties``, the null branch of a 3.0
  ``nullable``), which the document does not have at that place.

References are inlined; a recursive schema (a reference back to an enclosing schema, as a
tree of comments would have) is cut there with an empty (accept-anything) schema. A cycle of
references that never reaches a schema (A is B, B is A) describes nothing: SpecError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..errors import SpecError
from .loader import Operation, Spec
from .pointer import escape

__all__ = [
    "DECLARED_ANNOTATION",
    "MADE_ANNOTATION",
    "REQUIRED_ANNOTATION",
    "SOURCE_ANNOTATION",
    "fragment",
    "response_schema_source",
    "strict_schema",
]

REQUIRED_ANNOTATION = "x-zd-required"
#: Where a node stands in the document ("#/components/schemas/UserForAdmin"): on the root and
#: on every inlined reference; below them, the path walked in the derived schema is the
#: document's own.
SOURCE_ANNOTATION = "x-zd-source"
#: On a property allowed only because a composition member declares it: that declaration.
DECLARED_ANNOTATION = "x-zd-declared"
#: The keywords of a node that derivation wrote itself (not in the document at that place).
MADE_ANNOTATION = "x-zd-made"

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
    #: Where each declared name is declared in the document (the first declaration found).
    where: Mapping[str, str] = field(default_factory=dict)


_FREE = "free"


def strict_schema(spec: Spec, schema: Any, *, source: str | None = None) -> Any:
    """The strict, reference-free JSON Schema (2020-12) derived from ``schema``.

    ``source`` is where ``schema`` stands in the document (a ``#/...`` fragment); without
    it, a reference's target is known and an inline schema's place is not.
    """
    return _Deriver(spec).derive(schema, strict=True, stack=(), at=source, root=True)


def fragment(base: str, *tokens: Any) -> str:
    """``base`` (a ``#/...`` fragment) extended by ``tokens``, escaped as RFC 6901 section 6
    says (``~0``, ``~1``, then percent-encoding what a URI fragment cannot hold)."""
    safe = "!$&'()*+,;=:@-._~"
    return base + "".join("/" + quote(escape(token), safe=safe) for token in tokens)


def response_schema_source(spec: Spec, operation: Operation, status: str, media_type: str) -> str:
    """Where the schema of ``operation``'s ``status`` response in ``media_type`` stands.

    A response given as a ``$ref`` is where the reference chain ends.
    """
    responses = operation.definition.get("responses") or {}
    key: Any = next((k for k in responses if str(k) == status), status)
    where = fragment("#", "paths", operation.path, operation.method.lower(), "responses", key)
    node = responses.get(key)
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        where = node["$ref"]
        node = spec.resolve_ref(where)
    return fragment(where, "content", media_type, "schema")


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

    def derive(
        self,
        node: Any,
        *,
        strict: bool,
        stack: tuple[str, ...],
        at: str | None,
        root: bool = False,
    ) -> Any:
        depth = len(stack)
        node, stack = self._resolve(node, stack)
        if node is None:
            return {}  # a reference cycle: accept anything below this point
        if len(stack) > depth:
            at = stack[-1]
        if not isinstance(node, Mapping):
            return node  # boolean schemas
        out: dict[str, Any] = {}
        if at is not None and (root or len(stack) > depth):
            out[SOURCE_ANNOTATION] = at
        for key, value in node.items():
            if key in _DROP or key == "nullable":
                continue
            if key in _CHILD_MAPS and isinstance(value, Mapping):
                out[key] = {
                    name: self.derive(child, strict=True, stack=stack, at=_child(at, key, name))
                    for name, child in value.items()
                }
            elif key in _CHILD_ONE and isinstance(value, Mapping):
                out[key] = self.derive(value, strict=True, stack=stack, at=_child(at, key))
            elif key == "prefixItems" and isinstance(value, list):
                out[key] = [
                    self.derive(child, strict=True, stack=stack, at=_child(at, key, i))
                    for i, child in enumerate(value)
                ]
            elif key in _COMPOSITIONS and isinstance(value, list):
                out[key] = [
                    self.derive(child, strict=False, stack=stack, at=_child(at, key, i))
                    for i, child in enumerate(value)
                ]
            else:
                out[key] = value
        if self.is_30:
            _nullable_30(node, out, at)
        if strict:
            shape = self.shape(node, stack, at)
            if isinstance(shape, _Shape):
                properties = out.setdefault("properties", {})
                for name in sorted(shape.declared):
                    if name not in properties:
                        # Allowed here because a member declares it: say where.
                        where = shape.where.get(name)
                        properties[name] = {DECLARED_ANNOTATION: where} if where else True
                out["additionalProperties"] = False
                out["required"] = sorted(shape.required)
                out[REQUIRED_ANNOTATION] = sorted(shape.published_required)
                made = [*out.get(MADE_ANNOTATION, ())]
                if node.get("additionalProperties") is not False:
                    made.append("additionalProperties")
                if sorted(map(str, node.get("required") or ())) != out["required"]:
                    made.append("required")
                if made:
                    out[MADE_ANNOTATION] = made
        return out

    def shape(self, node: Any, stack: tuple[str, ...], at: str | None) -> _Shape | str | None:
        """The keys an object schema declares: a _Shape, _FREE, or None (not an object)."""
        depth = len(stack)
        node, stack = self._resolve(node, stack)
        if len(stack) > depth:
            at = stack[-1]
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
        where: dict[str, str] = {}
        if at is not None:
            where.update((str(name), fragment(at, "properties", name)) for name in own)
        for i, member in enumerate(node.get("allOf") or ()):
            sub = self.shape(member, stack, _child(at, "allOf", i))
            if sub == _FREE:
                return _FREE
            if isinstance(sub, _Shape):
                declared |= sub.declared
                required |= sub.required
                published |= sub.published_required
                _first(where, sub.where)
        for keyword in ("anyOf", "oneOf"):
            branches = [
                self.shape(member, stack, _child(at, keyword, i))
                for i, member in enumerate(node.get(keyword) or ())
            ]
            if _FREE in branches:
                return _FREE
            shapes = [b for b in branches if isinstance(b, _Shape)]
            if shapes:
                declared |= set().union(*(s.declared for s in shapes))
                required |= set.intersection(*(set(s.required) for s in shapes))
                published |= set.intersection(*(set(s.published_required) for s in shapes))
                for sub in shapes:
                    _first(where, sub.where)
        if declared:
            return _Shape(frozenset(declared), frozenset(required), frozenset(published), where)
        if open_ or _is_object(node):
            return _FREE
        return None


def _child(at: str | None, *tokens: Any) -> str | None:
    return None if at is None else fragment(at, *tokens)


def _first(where: dict[str, str], more: Mapping[str, str]) -> None:
    for name, place in more.items():
        where.setdefault(name, place)


def _write_only(node: Any) -> bool:
    return isinstance(node, Mapping) and node.get("writeOnly") is True


def _is_object(node: Mapping[str, Any]) -> bool:
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)


def _nullable_30(node: Mapping[str, Any], out: dict[str, Any], at: str | None) -> None:
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
        nulls: dict[str, Any] = {"type": "null", MADE_ANNOTATION: ["type"]}
        if at is not None:
            inner[SOURCE_ANNOTATION] = at  # the compositions stand where the node stands
            nulls[SOURCE_ANNOTATION] = fragment(at, "nullable")
        out["anyOf"] = [inner, nulls]
        out[MADE_ANNOTATION] = [*out.get(MADE_ANNOTATION, ()), "anyOf"]
