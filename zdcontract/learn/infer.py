"""Schemas inferred from observed JSON values: what the samples show, and nothing more.

* The JSON type of every value (``integer`` unless some value has a fraction), ``null``
  where a null was seen.
* ``format: date-time``, ``uri`` or ``email`` only where every string sample fits it
  (date-time by the same RFC 3339 reading the drift validator uses).
* Arrays get the schema of all their items; an array never seen with an item gets
  ``maxItems: 0`` and an object never seen with a key ``maxProperties: 0``: the samples do
  not say what could be there, so nothing is allowed there rather than anything.
* Objects whose samples split into shapes (some keys present together, others absent
  together) are one schema per shape under ``anyOf`` (see ``object_schema``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from rfc3339_validator import validate_rfc3339

from ..spec._json import json_type

__all__ = ["branch_schemas", "infer", "object_schema", "shape_key"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCALARS = ("string", "integer", "number", "boolean")
_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")


def infer(values: Sequence[Any]) -> dict[str, Any]:
    """The schema that every value of ``values`` fits, as narrow as the values allow."""
    types = _types(values)
    if not types:
        return {}
    schema: dict[str, Any] = {"type": types[0] if len(types) == 1 else types}
    strings = [v for v in values if isinstance(v, str)]
    if strings:
        found = _format(strings)
        if found:
            schema["format"] = found
    arrays = [v for v in values if isinstance(v, list)]
    if arrays:
        items = [item for array in arrays for item in array]
        if items:
            schema["items"] = infer(items)
        else:
            schema["maxItems"] = 0
    objects = [v for v in values if isinstance(v, Mapping)]
    if objects:
        schema.update(object_schema(objects))
    return schema


def object_schema(objects: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``properties``/``required`` of objects, and ``anyOf`` of their shapes if they split.

    Keys present in every object are properties of the schema itself. The others are the
    shape keys: each distinct set of shape keys seen together is one ``anyOf`` branch that
    requires the keys of its shape and forbids (``false``) the shape keys of the others,
    so a mix never seen (a cursor page with an offset page's ``count``) is still reported.
    """
    present: Counter[str] = Counter(key for obj in objects for key in obj)
    common = sorted(key for key, n in present.items() if n == len(objects))
    varying = sorted(key for key, n in present.items() if n < len(objects))
    schema: dict[str, Any] = {}
    if not present:
        schema["maxProperties"] = 0
        return schema
    schema["properties"] = {key: infer([obj[key] for obj in objects]) for key in common}
    schema["required"] = common
    if varying:
        schemas = {key: infer([obj[key] for obj in objects if key in obj]) for key in varying}
        schema["anyOf"] = branch_schemas(objects, varying, schemas)
    if not schema["properties"]:
        del schema["properties"], schema["required"]
    return schema


def shape_key(obj: Mapping[str, Any], varying: Iterable[str]) -> tuple[str, ...]:
    """The shape of ``obj``: which of the ``varying`` keys it has."""
    return tuple(key for key in varying if key in obj)


def branch_schemas(
    objects: Sequence[Mapping[str, Any]],
    varying: Sequence[str],
    schemas: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """One ``anyOf`` branch per shape of ``objects``, most frequent first.

    A branch declares every varying key: with its schema if the shape has it, ``false``
    (must be absent) otherwise, and requires the keys of its shape.
    """
    shapes = Counter(shape_key(obj, varying) for obj in objects)
    branches = []
    for shape, count in sorted(shapes.items(), key=lambda item: (-item[1], item[0])):
        absent = [key for key in varying if key not in shape]
        what = ", ".join(shape) if shape else "none of them"
        branch: dict[str, Any] = {
            "description": (
                f"With {what}"
                + (f"; without {', '.join(absent)}" if absent and shape else "")
                + f" (seen in {count} of {len(objects)})."
            ),
            "properties": {key: (schemas[key] if key in shape else False) for key in varying},
        }
        if shape:
            branch["required"] = list(shape)
        branches.append(branch)
    return branches


def _types(values: Iterable[Any]) -> list[str]:
    seen = {json_type(v) for v in values}
    if "integer" in seen and "number" in seen:
        seen.discard("integer")
    return [t for t in _ORDER if t in seen]


def _format(strings: Sequence[str]) -> str | None:
    if all(validate_rfc3339(s) for s in strings):
        return "date-time"
    if all(_is_uri(s) for s in strings):
        return "uri"
    if all(_EMAIL.match(s) for s in strings):
        return "email"
    return None


def _is_uri(text: str) -> bool:
    if not text or any(c.isspace() for c in text) or not text.isprintable():
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return bool(parts.scheme) and parts.scheme in ("http", "https") and bool(parts.netloc)
