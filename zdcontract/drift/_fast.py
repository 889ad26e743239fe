"""The one module that talks to jsonschema-rs and orjson: proving a body clean, fast.

The reference validator (openapi-core over the strict schema, after the strict decoder)
costs 50-100 ms on a 100-activity page. Most responses conform, and for those the answer
is an empty list. ``FastCheck.is_clean`` gives that answer in about 2 ms, and it answers
"clean" only when the reference would report nothing; any other body (drifted, malformed,
or one the proof cannot cover) goes to the reference, which explains it. The verdict is
never a finding here (a drifted body's value is only handed on, to narrow what the
reference reads), so the findings are the reference's by construction.

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
must explain it. ``FastCheck.examine`` then hands back orjson's reading of it (``Drifted``):
the strict decoder would find nothing wrong with the bytes (1, 2 and the headroom, which
docs/performance.md numbers 5), so the validator can narrow that value
(zdcontract.drift._narrow) without decoding the body again.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import jsonschema_rs
import orjson

from ._narrow import Planner
from ._openapi_core import asserted_formats
from ._readers import ANNOTATIONS
from .decode import BOM, has_stack_room

__all__ = ["CLEAN", "DATE_TIME_GUARD", "Drifted", "FastCheck", "fast_check"]

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
_FORMATS = frozenset({"date-time"})

#: orjson refuses to serialise deeper values; the strict decoder needs one frame a level.
_MAX_DEPTH = 256

#: The verdict of ``FastCheck.examine`` on a body the reference would report nothing for.
CLEAN: Final = True


@dataclass(frozen=True, slots=True)
class Drifted:
    """A body the reference must explain, as orjson read it (1, 2 and the headroom hold)."""

    value: Any


class FastCheck:
    """A compiled proof that a body is clean under one strict schema."""

    __slots__ = ("_planner", "_validator", "fast_schema")

    def __init__(self, fast_schema: Any) -> None:
        """Compile ``fast_schema`` (from ``fast_check``) with format assertion on."""
        self.fast_schema = fast_schema
        self._validator = jsonschema_rs.validator_for(fast_schema, validate_formats=True)
        self._planner: Planner | None = None

    @property
    def planner(self) -> Planner:
        """The readers of this schema's places, for narrowing drifted bodies (built once)."""
        if self._planner is None:
            self._planner = Planner(self.fast_schema)
        return self._planner

    def is_clean(self, body: bytes) -> bool:
        """True only if the reference validator would report nothing for ``body``."""
        return self.examine(body) is CLEAN

    def examine(self, body: bytes) -> bool | Drifted | None:
        """CLEAN, Drifted (with orjson's value) for a body that only drifts, or None (unknown).

        None means nothing is known beyond "not proven clean": the reference takes the whole
        body, bytes and all.
        """
        if body.startswith(BOM):
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
        # A body orjson would have written itself has no repeated key (a dropped member
        # would make the canonical text shorter): one memcmp instead of two counts.
        if canonical != body:
            escaped = 0
            if b"\\" in body:  # memchr: most bodies have no escapes at all
                escaped = body.count(b"\\u003a") + body.count(b"\\u003A")
            if body.count(b":") + escaped != canonical.count(b":"):
                return None  # a repeated key (or an escaped colon we cannot place)
        # json.loads must be able to nest _MAX_DEPTH levels here without a RecursionError.
        if not has_stack_room(2 * _MAX_DEPTH):
            return None
        return CLEAN if valid else Drifted(value)


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
        elif key not in _PLAIN and key not in ANNOTATIONS and not str(key).startswith("x-"):
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
