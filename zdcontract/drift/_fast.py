"""The one module that talks to jsonschema-rs and orjson: proving a body clean, fast.

The reference validator (openapi-core over the strict schema, after the strict decoder)
costs 50-100 ms on a 100-activity page. Most responses conform, and for those the answer
is an empty list. ``FastCheck.is_clean`` gives that answer in about 2 ms, and it answers
"clean" only when the reference would report nothing; any other body (drifted, malformed,
or one the proof cannot cover) goes to the reference, which explains it. The verdict is
never "drift" here, so the findings are the reference's by construction.

"Clean" takes four facts, each argued in docs/performance.md:

1. orjson parses the bytes and serialises the value back. orjson's language is a subset
   of the strict decoder's (it also refuses a BOM, NaN, lone surrogates, invalid UTF-8,
   control characters, numbers that overflow a double) and both give the same value,
   with one difference handled in 3: beyond 64 bits orjson reads an integer as a float.
2. No object repeats a key. orjson keeps the last duplicate silently, the strict decoder
   reports it. Outside strings a colon only separates a key from its value, so the colons
   of the body count its members plus the colons inside its strings; the canonical
   re-serialisation counts the members that survived plus the colons of the surviving
   strings. A dropped duplicate lowers the second count and nothing can raise it back
   (a ``\\u003a`` escape, the only other spelling of a colon, is counted separately), so
   equal counts prove there was no duplicate.
3. jsonschema-rs accepts the value under the same strict schema, and the schema uses only
   keywords on which jsonschema-rs is at least as strict as openapi-core's validator and
   that are monotone (``not``, ``oneOf`` and ``if`` would turn "stricter" into "more
   lenient"): so accepted here means accepted there. Numeric keywords are left out, so the
   64-bit float reading of a huge integer can only matter to ``type``, where it cannot
   turn a reference rejection into an acceptance.
4. ``format: date-time`` is the one format checked: jsonschema-rs accepts leap seconds and
   year 0000, which openapi-core's checker (rfc3339-validator) rejects, so a pattern
   encoding that checker's grammar joins the format on the fast schema only.
   Formats openapi-core does not check at all (``uri`` unless rfc3987 is installed) are
   annotations to it and are left out of the fast schema.

A body that holds 1, 2 and the stack headroom but fails 3 is drifted, and the reference
must explain it. ``FastCheck.examine`` then also says where the reference needs to look:
for each array reached from the root through ``properties`` alone (``/activities``,
``/users``...), the items jsonschema-rs rejects. By 3 applied to the items schema, every
other item draws no error from the reference, and an item's errors depend on that item
alone (``items`` descends into each index separately; the arrays and the objects on the way
to them carry no keyword that looks at the array as a whole). So the reference, run on the
body with those arrays cut down to their rejected items (``Narrowing.apply``), reports the
same errors in the same order, at the same paths once the indexes are mapped back
(``Narrowing.remap``). A 100-activity page whose drift is all at the top level is then
explained in a millisecond rather than a hundred.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import jsonschema_rs
import orjson

from ._openapi_core import asserted_formats
from .decode import has_stack_room

__all__ = ["CLEAN", "DATE_TIME_GUARD", "FastCheck", "Narrowing", "fast_check"]

_BOM = b"\xef\xbb\xbf"

#: openapi-core's date-time grammar (rfc3339-validator's, after its ``.upper()``), in ASCII:
#: no year 0000, seconds up to 59. Day-of-month validity is left to jsonschema-rs's format.
DATE_TIME_GUARD = (
    r"^(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
    r"-(?:0[1-9]|1[0-2])-[0-9]{2}[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)

# Keywords whose values are schemas, by shape.
_SCHEMA_MAPS = frozenset({"properties"})
_SCHEMA_ONE = frozenset({"items", "additionalProperties"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "prefixItems"})
# Assertions on which both validators agree exactly (counts of items, code points, members;
# JSON types) -- monotone and free of numbers read from the body.
_PLAIN = frozenset(
    {
        "type",
        "required",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minProperties",
        "maxProperties",
    }
)
# Annotations: neither validator asserts anything with them.
_ANNOTATIONS = frozenset(
    {"readOnly", "deprecated", "default", "title", "description", "$comment", "examples"}
)
_FORMATS = frozenset({"date-time"})

# Keywords an object on the way to a narrowed array, and the array itself, may carry: none
# of them looks at an array's items together (no enum, const, minProperties... whose
# messages or verdicts would see the cut-down array).
_PATH_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties"})
_ARRAY_KEYWORDS = frozenset({"type", "items"})

#: orjson refuses to serialise deeper values; the strict decoder needs one frame a level.
_MAX_DEPTH = 256

#: The verdict of ``FastCheck.examine`` on a body the reference would report nothing for.
CLEAN: Final = True

_Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Narrowing:
    """Where the reference must look in a drifted body: the rejected items of its arrays.

    ``kept`` maps the location of each narrowed array (property names from the root) to the
    indexes, in order, of the items jsonschema-rs rejects; every other item is proven clean.
    """

    kept: Mapping[_Path, tuple[int, ...]]

    def apply(self, value: Any) -> Any:
        """``value`` (the strict decoder's) with each narrowed array cut to its kept items."""
        trie: dict[str, Any] = {}
        for path, indexes in self.kept.items():
            node = trie
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = indexes
        return _cut(value, trie)

    def remap(self, errors: Iterable[Any]) -> None:
        """Give jsonschema errors found in ``apply``'s value the indexes of the original body.

        Only the top-level errors' paths are changed: a nested (context) error's absolute
        path runs through its parent's.
        """
        for error in errors:
            path = error.relative_path  # the deque behind ``path`` and ``absolute_path``
            for location, indexes in self.kept.items():
                depth = len(location)
                if len(path) > depth and tuple(list(path)[:depth]) == location:
                    index = path[depth]
                    if isinstance(index, int) and 0 <= index < len(indexes):
                        path[depth] = indexes[index]
                    break


def _cut(value: Any, trie: Mapping[str, Any]) -> Any:
    cut = dict(value)  # a shallow copy keeps the members' order
    for key, below in trie.items():
        child = value[key]
        cut[key] = [child[i] for i in below] if isinstance(below, tuple) else _cut(child, below)
    return cut


class FastCheck:
    """A compiled proof that a body is clean under one strict schema."""

    __slots__ = ("_arrays", "_validator")

    def __init__(self, fast_schema: Any) -> None:
        """Compile ``fast_schema`` (from ``fast_check``) with format assertion on."""
        self._validator = jsonschema_rs.validator_for(fast_schema, validate_formats=True)
        self._arrays = [
            (path, jsonschema_rs.validator_for(items, validate_formats=True))
            for path, items in _narrowable_arrays(fast_schema, ())
        ]

    def is_clean(self, body: bytes) -> bool:
        """True only if the reference validator would report nothing for ``body``."""
        return self.examine(body) is CLEAN

    def examine(self, body: bytes) -> bool | Narrowing | None:
        """CLEAN, a Narrowing for a body that only drifts from the schema, or None (unknown).

        None means nothing is known beyond "not proven clean": the reference takes the whole
        body. A Narrowing is returned only when it leaves items out.
        """
        if body.startswith(_BOM):
            return None
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        valid = self._validator.is_valid(value)
        try:
            canonical = orjson.dumps(value)
        except orjson.JSONEncodeError:  # nested beyond _MAX_DEPTH
            return None
        escaped = 0
        if b"\\" in body:  # memchr: most bodies have no escapes at all
            escaped = body.count(b"\\u003a") + body.count(b"\\u003A")
        if body.count(b":") + escaped != canonical.count(b":"):
            return None  # a repeated key (or an escaped colon we cannot place)
        # json.loads must be able to nest _MAX_DEPTH levels here without a RecursionError.
        if not has_stack_room(2 * _MAX_DEPTH):
            return None
        return CLEAN if valid else self._narrowing(value)

    def _narrowing(self, value: Any) -> Narrowing | None:
        kept: dict[_Path, tuple[int, ...]] = {}
        cut = False
        for path, items in self._arrays:
            node = value
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if not isinstance(node, list):
                continue
            rejected = tuple(i for i, item in enumerate(node) if not items.is_valid(item))
            cut = cut or len(rejected) < len(node)
            kept[path] = rejected
        return Narrowing(kept) if cut else None


def _narrowable_arrays(schema: Any, path: _Path) -> Iterable[tuple[_Path, Any]]:
    """Arrays reached from the root through ``properties`` of plain objects, with their items."""
    if not isinstance(schema, Mapping):
        return
    asserted = {k for k in schema if k not in _ANNOTATIONS and not str(k).startswith("x-")}
    items = schema.get("items")
    if path and asserted <= _ARRAY_KEYWORDS and isinstance(items, Mapping):
        yield path, items
    if not asserted <= _PATH_KEYWORDS:
        return
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for name, child in properties.items():
            yield from _narrowable_arrays(child, (*path, str(name)))


def fast_check(strict: Any) -> FastCheck | None:
    """A FastCheck for a strict schema, or None when the proof does not cover its keywords."""
    if not _covered(strict):
        return None
    schema = copy.deepcopy(strict)
    _guard_date_times(schema)
    _drop_annotation_formats(schema)
    try:
        return FastCheck(schema)
    except Exception:  # a schema jsonschema-rs cannot compile simply has no fast path
        return None


def _covered(node: Any) -> bool:
    if isinstance(node, bool):
        return True
    if not isinstance(node, Mapping):
        return False
    for key, value in node.items():
        if key in _SCHEMA_MAPS:
            if not isinstance(value, Mapping) or not all(_covered(v) for v in value.values()):
                return False
        elif key in _SCHEMA_ONE:
            if not _covered(value):
                return False
        elif key in _SCHEMA_LISTS:
            if not isinstance(value, list) or not all(_covered(v) for v in value):
                return False
        elif key == "format":
            if value not in _FORMATS and value in asserted_formats():
                return False
        elif key in ("enum", "const"):
            if not _free_of_numbers(value):
                return False
        elif key not in _PLAIN and key not in _ANNOTATIONS and not str(key).startswith("x-"):
            return False
    return True


def _free_of_numbers(value: Any) -> bool:
    """Enum and const values compare alike in both validators unless numbers are involved."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, list):
        return all(_free_of_numbers(v) for v in value)
    if isinstance(value, Mapping):
        return all(_free_of_numbers(v) for v in value.values())
    return False


def _drop_annotation_formats(node: Any) -> None:
    """Remove the formats the reference does not check (``uri`` without rfc3987...).

    To openapi-core they are annotations; jsonschema-rs would assert them, rejecting bodies
    the reference accepts and sending them down the slow path for nothing.
    """
    if isinstance(node, dict):
        if isinstance(node.get("format"), str) and node["format"] not in _FORMATS:
            del node["format"]
        for value in node.values():
            _drop_annotation_formats(value)
    elif isinstance(node, list):
        for value in node:
            _drop_annotation_formats(value)


def _guard_date_times(node: Any) -> None:
    if isinstance(node, dict):  # a deep copy of a derived schema: dicts all the way down
        if node.get("format") == "date-time":
            node["pattern"] = DATE_TIME_GUARD
        for key, value in node.items():
            if key in _SCHEMA_MAPS:
                for child in value.values():
                    _guard_date_times(child)
            elif key in _SCHEMA_ONE:
                _guard_date_times(value)
            elif key in _SCHEMA_LISTS:
                for child in value:
                    _guard_date_times(child)
