"""``spec lint``: what is wrong with an OpenAPI document, all of it at once.

Checks: the document against the OpenAPI schema (openapi-spec-validator), dangling or
external ``$ref``, 3.0 idioms in a 3.1 document, formats nobody validates, and every
example against the schema it illustrates.

Like ``run`` and ``validate``, lint reads the one file it is given and nothing else: an
external ``$ref`` (``http://...``, ``file://...``, ``other.yaml``) is reported, never
followed. Following it would let a document make lint fetch from any server (with no
bound on the time) or print the content of any local file.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ..errors import SpecError
from .loader import read_document
from .pointer import escape, resolve, tokens

__all__ = ["KNOWN_FORMATS", "LintProblem", "lint_document", "lint_path"]

#: JSON Schema 2020-12 formats plus those the OpenAPI format registry defines.
KNOWN_FORMATS = frozenset(
    [
        "date-time",
        "date",
        "time",
        "duration",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "uri",
        "uri-reference",
        "iri",
        "iri-reference",
        "uuid",
        "uri-template",
        "json-pointer",
        "relative-json-pointer",
        "regex",
        "int32",
        "int64",
        "float",
        "double",
        "byte",
        "binary",
        "password",
        "decimal",
    ]
)
_30_IDIOMS = {
    "nullable": "nullable: true is OpenAPI 3.0; in 3.1 write type: [T, 'null']",
    "x-nullable": "x-nullable is a 3.0-era extension; in 3.1 write type: [T, 'null']",
}
_SCHEMA_KEYS = (
    "schema",
    "schemas",
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "additionalProperties",
    "not",
    "prefixItems",
    "patternProperties",
)


@dataclass(frozen=True, slots=True, order=True)
class LintProblem:
    """One thing wrong with a document, at a JSON Pointer into it."""

    pointer: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: [{self.rule}] {self.message}"


def lint_path(path: str | Path) -> list[LintProblem]:
    """Lint the document at ``path``; SpecError if it cannot be read at all."""
    document = read_document(path)
    try:
        return lint_document(document)
    except RecursionError:
        raise SpecError(f"spec {path} is nested too deeply to lint") from None


def lint_document(document: Any) -> list[LintProblem]:
    """Every problem found in ``document``, sorted by place."""
    if not isinstance(document, Mapping) or "openapi" not in document:
        return [LintProblem("", "not-openapi", "not an OpenAPI document (no 'openapi' field)")]
    is_31 = str(document["openapi"]).startswith("3.1")
    problems: set[LintProblem] = set()
    problems.update(_structure(document))
    ref_problems = list(_refs(document))
    problems.update(ref_problems)
    problems.update(_walk(document, is_31))
    # Examples are checked against the document with each broken or external $ref read as
    # "anything", so one dangling ref does not hide every other mistake of the examples
    # around it, and nothing outside the document is read.
    patched = _without(document, [p.pointer for p in ref_problems])
    problems.update(_examples(patched, is_31))
    return sorted(problems)


def _without(document: Mapping[str, Any], pointers: list[str]) -> Mapping[str, Any]:
    if not pointers:
        return document
    patched: Any = copy.deepcopy(dict(document))
    for where in pointers:
        path = tokens(where)
        parent = patched
        for token in path[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        last = path[-1]
        if isinstance(parent, list):
            parent[int(last)] = {}
        else:
            parent[last] = {}
    return dict(patched)


def _structure(document: Mapping[str, Any]) -> Iterator[LintProblem]:
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.shortcuts import get_validator_cls
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
    from referencing.exceptions import Unresolvable, Unretrievable

    try:
        path = SchemaPath.from_dict(dict(document), handlers=_NothingOutside())
        get_validator_cls(dict(document))(path).validate()
    except (Unretrievable, Unresolvable):
        return  # the validator stops at a reference outside: reported as external-ref
    except OpenAPIValidationError as exc:
        where = "/" + "/".join(escape(p) for p in getattr(exc, "absolute_path", ()) or ())
        yield LintProblem(where if where != "/" else "", "openapi-schema", exc.message[:200])
    except Exception as exc:  # the validator stops at the first unresolvable $ref
        message = " ".join(str(exc).split())
        if "does not exist" not in message and "Unresolvable" not in message:
            yield LintProblem("", "openapi-schema", f"cannot be validated: {message[:160]}")


class _NothingOutside(dict[str, Any]):
    """Resolver handlers that refuse every URI scheme.

    jsonschema-path fetches a URI whose scheme has no handler itself (requests, urllib),
    so handlers that are merely absent would not keep it inside the document.
    """

    def __contains__(self, scheme: object) -> bool:
        return True

    def __missing__(self, scheme: str) -> Any:
        return _refuse


def _refuse(uri: str) -> Any:
    raise LookupError(f"{uri} is outside the document; lint reads nothing else")


def _nodes(node: Any, at: str = "") -> Iterator[tuple[str, Any]]:
    stack = [(at, node)]
    while stack:
        where, current = stack.pop()
        yield where, current
        if isinstance(current, Mapping):
            stack.extend((f"{where}/{escape(k)}", v) for k, v in current.items())
        elif isinstance(current, list):
            stack.extend((f"{where}/{i}", v) for i, v in enumerate(current))


def _refs(document: Mapping[str, Any]) -> Iterator[LintProblem]:
    for where, node in _nodes(document):
        if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#"):
                yield LintProblem(where, "external-ref", f"$ref '{ref}' points outside the file")
                continue
            try:
                resolve(document, ref)
            except LookupError:
                yield LintProblem(where, "dangling-ref", f"$ref '{ref}' points at nothing")


def _in_schema(where: str) -> bool:
    return "/schemas/" in where or "/schema/" in where or where.endswith("/schema")


def _walk(document: Mapping[str, Any], is_31: bool) -> Iterator[LintProblem]:
    for where, node in _nodes(document):
        if not isinstance(node, Mapping) or not _in_schema(where):
            continue
        if "/example" in where or "/examples/" in where:
            continue
        if is_31:
            for key, advice in _30_IDIOMS.items():
                if key in node:
                    yield LintProblem(f"{where}/{key}", "3.0-idiom", advice)
            for key in ("exclusiveMinimum", "exclusiveMaximum"):
                if isinstance(node.get(key), bool):
                    yield LintProblem(
                        f"{where}/{key}",
                        "3.0-idiom",
                        f"boolean {key} is 3.0; in 3.1 it holds the bound",
                    )
        fmt = node.get("format")
        if isinstance(fmt, str) and fmt not in KNOWN_FORMATS and "type" in node:
            hint = " (did you mean 'date-time'?)" if fmt in ("datetime", "date_time") else ""
            yield LintProblem(
                f"{where}/format",
                "unknown-format",
                f"format '{fmt}' is not a known format, so nothing checks it{hint}",
            )


def _validator(document: Mapping[str, Any], schema: Any, is_31: bool) -> Any:
    resource = Resource.from_contents(dict(document), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("urn:zdcontract:doc", resource)
    wrapped = {"$ref": "urn:zdcontract:doc#" + schema} if isinstance(schema, str) else schema
    cls = OAS31Validator if is_31 else OAS30Validator
    return cls(wrapped, registry=registry, format_checker=FormatChecker())


def _leaves(errors: Iterable[Any]) -> Iterator[Any]:
    """Errors with anyOf/oneOf replaced by those of the branch that fits best (fewest errors)."""
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            branches: dict[Any, list[Any]] = {}
            for sub in error.context:
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
            fewest: list[Any] = min(branches.values(), key=len)
            yield from _leaves(fewest)
        else:
            yield error


def _examples(document: Mapping[str, Any], is_31: bool) -> Iterator[LintProblem]:
    """Each example against its schema: schema ``example``, media and parameter examples."""
    for where, node in _nodes(document):
        if not isinstance(node, Mapping):
            continue
        pairs: list[tuple[str, Any, str]] = []  # (example pointer, value, schema pointer)
        if "example" in node and _in_schema(where) and "/example" not in where:
            pairs.append((f"{where}/example", node["example"], where))
        if isinstance(node.get("schema"), Mapping):
            schema_at = f"{where}/schema"
            if "example" in node:
                pairs.append((f"{where}/example", node["example"], schema_at))
            for name, example in (node.get("examples") or {}).items():
                target, value_at = example, f"{where}/examples/{escape(name)}"
                if isinstance(example, Mapping) and isinstance(example.get("$ref"), str):
                    try:
                        target = resolve(document, example["$ref"])
                    except LookupError:
                        continue  # reported as a dangling ref
                    value_at = example["$ref"][1:]
                if isinstance(target, Mapping) and "value" in target:
                    pairs.append((f"{value_at}/value", target["value"], schema_at))
        for example_at, value, schema_at in pairs:
            try:
                validator = _validator(document, schema_at, is_31)
                errors = sorted(_leaves(validator.iter_errors(value)), key=lambda e: list(e.path))
            except Exception as exc:  # a dangling ref inside the schema, a bad regex...
                yield LintProblem(
                    example_at, "example-unchecked", f"cannot be checked: {exc}"[:200]
                )
                continue
            for error in errors[:5]:
                inner = "".join(f"/{escape(p)}" for p in error.absolute_path)
                yield LintProblem(
                    f"{example_at}{inner}",
                    "example-invalid",
                    f"example does not match its schema: {error.message[:160]}",
                )
