"""Where observed values meet the spec: which schema node each value of a body reaches.

A schema node is named by its location, the tuple of keys and indices that leads to it in
the spec document (``("components", "schemas", "ActivitiesResponse")``). ``Reacher`` walks a
body and its schema together, following ``$ref``, properties, items and every member of a
composition, and records each value at every node it reaches: the evidence the learner
infers from, including the bodies that drew no finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..spec.pointer import escape, fragment_tokens, tokens

__all__ = [
    "Instance",
    "Location",
    "Reacher",
    "declaring",
    "jsonpath",
    "locate",
    "node_at",
    "referring",
    "resolve",
]

Location = tuple[str | int, ...]

_SHORTHAND = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMPOSITIONS = ("allOf", "anyOf", "oneOf")


@dataclass(frozen=True, slots=True)
class Instance:
    """One value of one sample body at one schema node."""

    sample: int
    value: Any


def jsonpath(location: Location) -> str:
    """The RFC 9535 JSONPath selecting exactly the node at ``location``."""
    parts = ["$"]
    for token in location:
        if isinstance(token, int):
            parts.append(f"[{token}]")
        elif _SHORTHAND.match(token):
            parts.append(f".{token}")
        else:
            quoted = token.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{quoted}']")
    return "".join(parts)


def node_at(document: Any, location: Location) -> Any:
    """The node at ``location``; LookupError when there is none."""
    node = document
    for token in location:
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            raise LookupError(location) from None
    return node


def locate(document: Any, ref: str) -> Location:
    """The location a local ref or a finding's schema path (``#/components/schemas/X``) names.

    Indices of arrays are ints.
    """
    location: list[str | int] = []
    node = document
    for token in fragment_tokens(ref):
        key: str | int = int(token) if isinstance(node, list) and token.isdigit() else token
        location.append(key)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(location)


def resolve(document: Any, location: Location) -> tuple[Location, Any]:
    """The location and node a chain of local ``$ref`` starting at ``location`` ends at."""
    node = node_at(document, location)
    for _ in range(64):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            break
        ref = node["$ref"]
        if not ref.startswith("#"):
            break
        location = locate(document, ref)
        node = node_at(document, location)
    return location, node


class Reacher:
    """Walks bodies along their schemas, recording the values that reach ``wanted`` nodes.

    Only schema nodes from which a wanted node can be reached are descended into: a change
    at the top of a list page does not walk every user record of every activity.
    """

    def __init__(self, document: Any, wanted: Iterable[Location]) -> None:
        """Record values at the nodes ``wanted`` of ``document``."""
        self.document = document
        self.wanted = frozenset(wanted)
        self._relevant: dict[Location, bool] = {}

    def relevant(self, location: Location) -> bool:
        """Whether a wanted node is at or below ``location`` (through any schema keyword)."""
        if location in self.wanted:
            return True
        try:
            at, node = resolve(self.document, location)
        except LookupError:
            return False
        known = self._relevant.get(at)
        if known is not None:
            return known
        self._relevant[at] = False  # a cycle back here adds nothing
        found = at in self.wanted or any(self.relevant(child) for child in _children(at, node))
        self._relevant[at] = found
        return found

    def reach(
        self, schema: Location, value: Any, sample: int
    ) -> Iterator[tuple[Location, Instance]]:
        """Every (wanted node, value) pair of a body whose schema is at ``schema``."""
        seen: set[tuple[Location, str]] = set()
        stack: list[tuple[Location, str, Any]] = [(schema, "", value)]
        while stack:
            first, where, current = stack.pop()
            if not self.relevant(first):
                continue
            at, node = resolve(self.document, first)
            if (at, where) in seen or not isinstance(node, Mapping):
                continue
            seen.add((at, where))
            # A wanted node may be a reference (a property that is a $ref) or what it names.
            for location in {first, at} & self.wanted:
                yield location, Instance(sample, current)
            for keyword in _COMPOSITIONS:
                members = node.get(keyword)
                if isinstance(members, list):
                    stack.extend(((*at, keyword, i), where, current) for i in range(len(members)))
            if isinstance(current, Mapping):
                properties = node.get("properties")
                properties = properties if isinstance(properties, Mapping) else {}
                extra = node.get("additionalProperties")
                for key, child in current.items():
                    below = f"{where}/{escape(key)}"
                    if key in properties:
                        stack.append(((*at, "properties", key), below, child))
                    elif isinstance(extra, Mapping):
                        stack.append(((*at, "additionalProperties"), below, child))
            elif isinstance(current, list) and isinstance(node.get("items"), Mapping):
                stack.extend(
                    ((*at, "items"), f"{where}/{i}", item) for i, item in enumerate(current)
                )


def referring(document: Any, schema: Location, pointer: str) -> Location | None:
    """The ``$ref`` property a body pointer reaches through properties and items, if any.

    A null where a $ref'd object is expected widens at that property, not in the component
    that other places share.
    """
    location = schema
    for token in tokens(pointer):
        at, node = resolve(document, location)
        properties = node.get("properties") if isinstance(node, Mapping) else None
        if isinstance(properties, Mapping) and token in properties:
            location = (*at, "properties", token)
        elif token.isdigit() and isinstance(node, Mapping) and "items" in node:
            location = (*at, "items")
        else:
            return None
    node = node_at(document, location)
    return location if isinstance(node, Mapping) and "$ref" in node else None


def declaring(document: Any, holder: Location, name: str) -> list[Location]:
    """The nodes at or under ``holder`` (through compositions) that declare property ``name``."""
    found: list[Location] = []
    stack, seen = [holder], set()
    while stack:
        location, node = resolve(document, stack.pop())
        if location in seen or not isinstance(node, Mapping):
            continue
        seen.add(location)
        if name in (node.get("properties") or {}):
            found.append(location)
            continue
        for keyword in _COMPOSITIONS:
            stack.extend((*location, keyword, i) for i in range(len(node.get(keyword) or ())))
    return sorted(found, key=repr)


def _children(at: Location, node: Any) -> Iterator[Location]:
    if not isinstance(node, Mapping):
        return
    for keyword in _COMPOSITIONS:
        members = node.get(keyword)
        if isinstance(members, list):
            yield from ((*at, keyword, i) for i in range(len(members)))
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        yield from ((*at, "properties", key) for key in properties)
    for keyword in ("additionalProperties", "items"):
        if isinstance(node.get(keyword), Mapping):
            yield (*at, keyword)
