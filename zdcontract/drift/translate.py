"""Translating JSON Schema validation errors into drift issues.

jsonschema (inside openapi-core) reports errors in its own terms: a failed keyword at an
instance path. This module reads each one for what it means to a client: a field that is
missing or undeclared, a wrong type, a null, a bad format. Inside ``anyOf``/``oneOf`` it
follows the branch that fits the data best, so a finding points at the real field
(``/activity/actor/email``), not at the record that failed "all of the branches".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..spec.pointer import escape, pointer
from ..spec.strict import REQUIRED_ANNOTATION, SOURCE_ANNOTATION
from .findings import Kind

__all__ = ["Issue", "json_type", "pointer", "translate"]

_PREVIEW = 40


@dataclass(frozen=True, slots=True)
class Issue:
    """One deviation at one place of one body, before severities and aggregation."""

    kind: Kind
    pointer: str
    message: str
    expected: str | None = None
    actual: str | None = None
    schema_path: str | None = None
    required: bool = False
    qualifier: str | None = None  # joins the fingerprint where the path alone is not enough


def json_type(value: Any) -> str:
    """The JSON type name of a Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _preview(value: Any) -> str:
    if isinstance(value, Mapping | list):
        return f"{json_type(value)} of {len(value)}"
    text = repr(value) if isinstance(value, str) else str(value).lower()
    return text if len(text) <= _PREVIEW else text[: _PREVIEW - 3] + "..."


def _types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or ()]


def _source(root: Any, schema_path: Sequence[Any]) -> str:
    """Where in the spec a keyword stands: the last component crossed, plus the rest."""
    node = root
    source, rest = "#", list(schema_path)
    for i, token in enumerate(schema_path):
        if isinstance(node, Mapping) and isinstance(node.get(SOURCE_ANNOTATION), str):
            source, rest = node[SOURCE_ANNOTATION], list(schema_path[i:])
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            break
    return source + pointer(rest)


def translate(errors: Iterable[Any], root: Any) -> Iterator[Issue]:
    """Issues for jsonschema ``ValidationError`` objects validated against ``root``."""
    for error in errors:
        yield from _translate_one(error, root)


def _translate_one(error: Any, root: Any) -> Iterator[Issue]:
    keyword = error.validator
    at = pointer(error.absolute_path)
    where = _source(root, list(error.absolute_schema_path))
    instance = error.instance
    if keyword in ("anyOf", "oneOf") and error.context:
        yield from _best_branch(error, root)
        return
    if keyword == "type":
        expected = " or ".join(t for t in _types(error.validator_value) if t != "null")
        if instance is None:
            yield Issue(
                Kind.UNEXPECTED_NULL,
                at,
                f"null where the contract allows only {expected}",
                expected,
                "null",
                where,
            )
        else:
            actual = json_type(instance)
            yield Issue(
                Kind.TYPE_MISMATCH,
                at,
                f"expected {expected}, got {actual} {_preview(instance)}",
                expected,
                actual,
                where,
            )
    elif keyword == "required" and isinstance(instance, Mapping):
        published = set(error.schema.get(REQUIRED_ANNOTATION, error.validator_value))
        for name in error.validator_value:
            if name not in instance:
                required = name in published
                how = "requires" if required else "declares"
                yield Issue(
                    Kind.MISSING_FIELD,
                    f"{at}/{escape(name)}",
                    f"field '{name}' is absent; the contract {how} it",
                    "present",
                    "absent",
                    where,
                    required,
                )
    elif keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(
        instance, Mapping
    ):
        for name in _undeclared(instance, error.schema):
            yield Issue(
                Kind.UNDOCUMENTED_FIELD,
                f"{at}/{escape(name)}",
                f"field '{name}' is not in the contract",
                "absent",
                json_type(instance[name]),
                where,
            )
    elif keyword == "format":
        yield Issue(
            Kind.FORMAT_MISMATCH,
            at,
            f"{_preview(instance)} is not a valid {error.validator_value}",
            str(error.validator_value),
            _preview(instance),
            where,
        )
    else:
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
        yield Issue(
            Kind.CONSTRAINT_VIOLATION,
            at,
            f"{keyword}: {message}",
            f"{keyword} {error.validator_value!r}"[:80],
            _preview(instance),
            where,
        )


def _undeclared(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("properties") or {}
    patterns = [re.compile(p) for p in schema.get("patternProperties") or ()]
    return [
        key for key in instance if key not in declared and not any(p.search(key) for p in patterns)
    ]


def _best_branch(error: Any, root: Any) -> Iterator[Issue]:
    """The issues of the branch that fits the data best (fewest issues; first on a tie)."""
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    best: list[Issue] | None = None
    for index in sorted(branches):
        issues = list(translate(branches[index], root))
        if best is None or len(issues) < len(best):
            best = issues
    yield from best or ()
