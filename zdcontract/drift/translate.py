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
from typing import Any, NamedTuple

from ..spec._json import json_type
from ..spec.pointer import escape, pointer
from ..spec.strict import (
    DECLARED_ANNOTATION,
    MADE_ANNOTATION,
    REQUIRED_ANNOTATION,
    SOURCE_ANNOTATION,
    fragment,
)
from .findings import MAX_TEXT, Kind, generic_pointer, safe_text

__all__ = [
    "MAX_DISTINCT",
    "Issue",
    "instance_pointer",
    "bounded",
    "issues_of",
    "pointer",
    "translate",
]

_PREVIEW = 40
#: The longest object key a finding names in full; longer keys end in ``...``.
_KEY = 200
#: How many distinct findings of one kind (distinct by path, indices aside) one response can
#: yield. A body with a million undeclared keys is one drift to a person; a million findings
#: would be a report nobody reads and memory nobody has. What is left out is counted in one
#: finding of that kind; findings of other kinds are never crowded out.
MAX_DISTINCT = 1000


class Issue(NamedTuple):
    """One deviation at one place of one body, before severities and aggregation.

    A named tuple rather than a dataclass: a drifted page of 10,000 activities has tens of
    thousands of them, and a tuple is built in a tenth of the time.
    """

    kind: Kind
    pointer: str
    message: str
    expected: str | None = None
    actual: str | None = None
    schema_path: str | None = None  # a ``#/...`` fragment of the spec document
    required: bool = False
    qualifier: str | None = None  # joins the fingerprint where the path alone is not enough


def _preview(value: Any) -> str:
    if isinstance(value, Mapping | list):
        return f"{json_type(value)} of {len(value)}"
    if isinstance(value, str):
        # Only the head is shown: never copy (or repr) a 20 MB string to show 40 characters.
        text = repr(value[:_PREVIEW]) + ("..." if len(value) > _PREVIEW else "")
    else:
        try:
            text = str(value).lower()
        except ValueError:  # an integer beyond the interpreter's int-to-str limit
            return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    return text if len(text) <= _PREVIEW else text[: _PREVIEW - 3] + "..."


def _key(name: Any) -> str:
    """An object key as findings name it: in full unless it is absurdly long."""
    text = str(name)
    return text if len(text) <= _KEY else text[: _KEY - 3] + "..."


def instance_pointer(path: Iterable[Any]) -> str:
    """The JSON Pointer of an instance path, absurdly long keys shortened."""
    return pointer(_key(t) if isinstance(t, str) else t for t in path)


def _types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or ()]


def _source(root: Any, schema_path: Sequence[Any], missing: str | None = None) -> str | None:
    """Where in the document the failing keyword stands (None if the root's place is unknown).

    The derived schema marks where its root and every inlined reference stand; from the
    last mark crossed, its own path is the document's. A keyword derivation wrote itself
    (``x-zd-made``) is not in the document: the schema holding it is named instead. For a
    ``missing`` field, the place is the field's declaration.
    """
    node, holder = root, root
    source: str | None = None
    rest: list[Any] = list(schema_path)
    for i, token in enumerate(schema_path):
        if isinstance(node, Mapping) and isinstance(node.get(SOURCE_ANNOTATION), str):
            source, rest = node[SOURCE_ANNOTATION], list(schema_path[i:])
        holder = node
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            break
    if source is None or not rest:
        return source
    place = fragment(source, *rest[:-1])  # the schema that holds the keyword
    keyword = rest[-1]
    if not isinstance(holder, Mapping):
        return place
    if missing is not None:
        declared = holder.get("properties")
        declared = declared.get(missing) if isinstance(declared, Mapping) else None
        if isinstance(declared, Mapping) and isinstance(declared.get(DECLARED_ANNOTATION), str):
            return str(declared[DECLARED_ANNOTATION])
        if declared is not None:
            return fragment(place, "properties", missing)
    if keyword in (holder.get(MADE_ANNOTATION) or ()):
        return place
    return fragment(place, keyword)


def translate(errors: Iterable[Any], root: Any) -> Iterator[Issue]:
    """Issues for jsonschema ``ValidationError`` objects validated against ``root``.

    At most MAX_DISTINCT distinct issues of each kind (by generic path) come out; more
    issues at paths already seen still do, so counts stay right. What is left out of a kind
    is one issue of that kind at the root, saying how many.
    """
    return bounded(issues_of(errors, root))


def issues_of(errors: Iterable[Any], root: Any) -> Iterator[Issue]:
    """Every issue of ``errors``, in order, before ``bounded`` makes them safe and few."""
    for error in errors:
        yield from _translate_one(error, root)


def bounded(issues: Iterable[Issue]) -> Iterator[Issue]:
    """``issues`` with printable texts and at most MAX_DISTINCT distinct paths per kind."""
    distinct: dict[Kind, set[str]] = {}
    left_out: dict[Kind, int] = {}
    for issue in map(_safe, issues):
        seen = distinct.setdefault(issue.kind, set())
        path = generic_pointer(issue.pointer)
        if path in seen or len(seen) < MAX_DISTINCT:
            seen.add(path)
            yield issue
        else:
            left_out[issue.kind] = left_out.get(issue.kind, 0) + 1
    for kind, count in left_out.items():
        yield Issue(
            kind,
            "",
            f"{count} more {kind} findings at other places are left out "
            f"(one response reports at most {MAX_DISTINCT} distinct {kind} findings)",
            actual=f"{count} more",
            qualifier="left-out",
        )


def _safe(issue: Issue) -> Issue:
    """``issue`` with every text printable and bounded: keys and values come from the body."""
    texts = (issue.pointer, issue.message, issue.expected, issue.actual)
    if all(t is None or (len(t) <= MAX_TEXT and t.isprintable()) for t in texts):
        return issue  # the common case
    return issue._replace(
        pointer=safe_text(issue.pointer),
        message=safe_text(issue.message),
        expected=None if issue.expected is None else safe_text(issue.expected),
        actual=None if issue.actual is None else safe_text(issue.actual),
    )


def _translate_one(error: Any, root: Any) -> Iterator[Issue]:
    keyword = error.validator
    if keyword in ("anyOf", "oneOf") and error.context:
        yield from _best_branch(error, root)  # the branch's own places, not the anyOf's
        return
    at = instance_pointer(error.absolute_path)
    where = _source(root, list(error.absolute_schema_path))
    instance = error.instance
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
                    f"{at}/{escape(_key(name))}",
                    f"field '{_key(name)}' is absent; the contract {how} it",
                    "present",
                    "absent",
                    _source(root, list(error.absolute_schema_path), str(name)),
                    required,
                )
    elif keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(
        instance, Mapping
    ):
        for name in _undeclared(instance, error.schema):
            shown = _key(name)
            yield Issue(
                Kind.UNDOCUMENTED_FIELD,
                f"{at}/{escape(shown)}",
                f"field '{shown}' is not in the contract",
                "absent",
                json_type(instance[name]),
                where,
            )
    elif keyword is None and error.schema is False:
        # A ``false`` schema under ``properties``: the field must be absent here (a shape of
        # an anyOf that does not have it). jsonschema reports it at the object, without the
        # property's name, so the name is read back from the schema and the object.
        name = _false_property(error, root)
        pointer_ = at if name is None else f"{at}/{escape(_key(name))}"
        yield Issue(
            Kind.UNDOCUMENTED_FIELD,
            pointer_,
            f"field '{_key(name)}' is not allowed here" if name else "a field is not allowed here",
            "absent",
            json_type(instance),
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


def _false_property(error: Any, root: Any) -> str | None:
    """Which property declared ``false`` an error is about (None when it cannot be told)."""
    schema_path = list(error.absolute_schema_path)
    if not schema_path or schema_path[-1] != "properties":
        return None
    node = root
    for token in schema_path:
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            return None
    candidates = [k for k, v in node.items() if v is False] if isinstance(node, Mapping) else []
    if len(candidates) == 1:
        return str(candidates[0])
    holder = _holder(error)
    if isinstance(holder, Mapping):
        for name in candidates:
            if name in holder and holder[name] is error.instance:
                return str(name)
    return None


def _holder(error: Any) -> Any:
    """The instance at an error's path, read from the nearest enclosing error's instance."""
    path = list(error.absolute_path)
    parent = error.parent
    while parent is not None:
        above = list(parent.absolute_path)
        if path[: len(above)] == above:
            node = parent.instance
            try:
                for token in path[len(above) :]:
                    node = node[token]
            except (KeyError, IndexError, TypeError):
                return None
            return node
        parent = parent.parent
    return None


def _undeclared(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("properties") or {}
    patterns = [re.compile(p) for p in schema.get("patternProperties") or ()]
    return [
        key for key in instance if key not in declared and not any(p.search(key) for p in patterns)
    ]


def _best_branch(error: Any, root: Any) -> Iterator[Issue]:
    """The issues of the branch that fits the data best.

    That is the branch that forbids fewest of the fields the data has (a field declared
    ``false``: the branch is a shape without it), then the one with fewest issues, the
    first on a tie. An object that has a field is better explained by the shape that has
    it, even when its value is wrong in two places, than by a shape that has no such field.
    """
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    best: list[Issue] | None = None
    best_key: tuple[int, int] | None = None
    for index in sorted(branches):
        issues = list(issues_of(branches[index], root))
        key = (sum(1 for issue in issues if _forbidden(issue)), len(issues))
        if best_key is None or key < best_key:
            best, best_key = issues, key
    yield from best or ()


def _forbidden(issue: Issue) -> bool:
    """Whether an issue is a field a shape declares ``false`` (see _false_property)."""
    return issue.kind is Kind.UNDOCUMENTED_FIELD and bool(
        issue.schema_path and issue.schema_path.endswith("/properties")
    )
