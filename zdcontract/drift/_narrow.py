"""Narrowing a drifted body to what the reference must read, at the level of subtrees.

A drifted body goes to the reference (openapi-core's schema validator), which explains it.
Most of such a body is still clean: on a page where every activity lacks one field, the
actor and user records, the sideloads and every leaf are fine. ``Planner.reduce`` walks the
body from the root and, at each place, asks jsonschema-rs whether the value is valid under
every schema that reads it there (its *readers*). A clean value is replaced by a *witness*:
a small value, synthesised once per set of readers and checked valid under all of them, so
that the reference, which would have found nothing there, still finds nothing, in far less
time. Only values that some reader rejects are descended into; the keys of every object on
the way stay as they are, so keyword checks that look at keys (``required``,
``additionalProperties``) see what they would have seen.

The items of a plain array (one reader, holding only ``type`` and ``items``, reached without
crossing an ``anyOf``) are handled as a whole: clean items are dropped, and drifted items
that reduce to the same value are read once. ``Reduced.members`` says which original index
each representative stands for, so their findings can be given back to every index.

The argument that the reference reports the same errors on the reduced body (indexes of
plain arrays aside) is in docs/performance.md; tests/drift/test_fast_path.py holds the two
to the same findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from ._readers import Direct, Readers
from .translate import Issue, instance_pointer, issues_of

__all__ = ["Planner", "Reduced", "spread"]

# A JSON integer of 19 digits or more may lie beyond 64 bits, where orjson reads a float.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


@dataclass(slots=True)
class Reduced:
    """A drifted body cut down for the reference, and how to give findings back."""

    value: Any
    #: For each plain array cut down (by its path): (original index, representative index)
    #: of every drifted item, in order.
    members: dict[tuple[Any, ...], list[tuple[int, int]]] = field(default_factory=dict)


class Planner:
    """Reader sets of one fast schema, built as bodies need them and kept."""

    __slots__ = ("_sets", "root")

    def __init__(self, fast_schema: Any) -> None:
        """Plan over ``fast_schema`` (the jsonschema-rs one, date-time guards included)."""
        self._sets: dict[tuple[Any, ...], Readers] = {}
        self.root = self.readers(((fast_schema, False),), False)

    def readers(self, direct: Direct, type_only: bool) -> Readers:
        """The (shared) Readers of a place read by ``direct``."""
        key = (tuple((id(s), c) for s, c in direct), type_only)
        found = self._sets.get(key)
        if found is None:
            found = Readers(self, direct, type_only)
            self._sets[key] = found
        return found

    def reduce(self, value: Any, body: bytes) -> Reduced | None:
        """``value`` (orjson's reading of ``body``) cut down; None if the cut is unsafe."""
        walk = _Walk(body)
        reduced = walk.node(value, self.root, (), dedup=True)
        if walk.inexact:
            return None
        return Reduced(reduced, walk.members)


class _Walk:
    __slots__ = ("body", "inexact", "members", "_long")

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.inexact = False
        self.members: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
        self._long: bool | None = None

    def node(self, value: Any, readers: Readers, path: tuple[Any, ...], dedup: bool) -> Any:
        if readers.descend and isinstance(value, dict):
            out = {}
            for key, child in value.items():
                below = readers.child(key)
                if below.accepts(child):
                    out[key] = below.witness(child)
                    if below.type_only and isinstance(child, float):
                        self._kept(child)  # its JSON type is named: integer or number?
                else:
                    out[key] = self.node(child, below, (*path, key), dedup)
            return out
        if readers.descend and isinstance(value, list):
            below = readers.items()
            if dedup and readers.dedup:
                return self._representatives(value, below, path)
            return [
                below.witness(item) if below.accepts(item) else self.node(item, below, (), False)
                for item in value
            ]
        self._kept(value)
        return value

    def _representatives(self, items: list[Any], below: Readers, path: tuple[Any, ...]) -> Any:
        """Drifted items only, each distinct reduced item once (clean items draw no error)."""
        seen: dict[bytes, int] = {}
        out: list[Any] = []
        members: list[tuple[int, int]] = []
        for index, item in enumerate(items):
            if below.accepts(item):
                continue
            reduced = self.node(item, below, (), False)
            key = orjson.dumps(reduced)
            rep = seen.setdefault(key, len(out))
            if rep == len(out):
                out.append(reduced)
            members.append((index, rep))
        self.members[path] = members
        return out

    def _kept(self, value: Any) -> None:
        """A value the reference reads as it is: it must be the strict decoder's value too.

        orjson reads an integer beyond 64 bits as a float; the strict decoder (and the
        reference) as the exact integer. Only a body that spells such a number can differ.
        """
        if self.inexact or not any(isinstance(v, float) for v in _scalars(value)):
            return
        if self._long is None:
            self._long = _LONG_DIGITS.search(self.body) is not None
        self.inexact = self._long


def _scalars(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        else:
            yield node


def spread(reduced: Reduced, errors: list[Any], root: Any) -> list[Issue] | None:
    """The issues of ``errors`` (found in ``reduced.value``) as the whole body would give them.

    The errors under a cut-down array come from its one ``items`` keyword, so they stand
    together and in order; each representative's issues are given to every index it stands
    for, in the original order. None if they do not stand together (the reference then
    reads the whole body).
    """
    out: list[Issue] = []
    owner: tuple[Any, ...] | None = None
    block: dict[int, list[Any]] = {}
    done: set[tuple[Any, ...]] = set()
    for error in errors:
        path = error.absolute_path
        found = next((a for a in reduced.members if _under(path, a)), None)
        if found != owner:
            if owner is not None:
                _fan_out(out, owner, reduced.members[owner], block, root)
                done.add(owner)
            if found in done:
                return None
            owner, block = found, {}
        if found is None:
            out.extend(issues_of((error,), root))
        else:
            block.setdefault(path[len(found)], []).append(error)
    if owner is not None:
        _fan_out(out, owner, reduced.members[owner], block, root)
    return out


def _under(path: Any, array: tuple[Any, ...]) -> bool:
    depth = len(array)
    if len(path) <= depth or not isinstance(path[depth], int):
        return False
    return all(path[i] == key for i, key in enumerate(array))


def _fan_out(
    out: list[Issue],
    array: tuple[Any, ...],
    members: list[tuple[int, int]],
    block: dict[int, list[Any]],
    root: Any,
) -> None:
    prefix = instance_pointer(array)
    by_rep = {rep: list(issues_of(errors, root)) for rep, errors in block.items()}
    for index, rep in members:
        issues = by_rep.get(rep)
        if not issues:
            continue
        cut = len(f"{prefix}/{rep}")
        here = f"{prefix}/{index}"
        out.extend(i._replace(pointer=here + i.pointer[cut:]) for i in issues)
