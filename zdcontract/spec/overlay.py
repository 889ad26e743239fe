"""OpenAPI Overlay 1.0: reading overlay documents and applying them to a spec.

An overlay is a list of actions, each a JSONPath (RFC 9535) ``target`` and either
``remove: true`` or an ``update``. Actions apply in order, each to the result of the one
before. An ``update`` is merged into every object the target selects (and appended to every
array it selects); the merge follows the clarification Overlay 1.1 gives of 1.0's
"recursively merged": a primitive replaces a primitive, arrays are concatenated, objects are
merged key by key, and any other pair (an object over a string, say) is an error rather
than a silent replacement.

Overlay documents are checked against the Overlay 1.0 JSON Schema the OpenAPI Initiative
publishes (shipped beside this module), and every target is compiled before anything is
applied, so a broken overlay is one line, never half an applied document.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..errors import SpecError
from ._json import json_type
from ._read import read_document
from ._yaml import load_yaml
from .pointer import pointer

__all__ = [
    "OVERLAY_SCHEMA_FILE",
    "Action",
    "Overlay",
    "apply_overlay",
    "apply_overlays",
    "overlay_schema",
    "parse_overlay",
    "read_overlay",
]

OVERLAY_SCHEMA_FILE = "overlay-1.0.schema.yaml"
_ABSENT = object()


@dataclass(frozen=True, slots=True)
class Action:
    """One action of an overlay: where it applies and what it does there."""

    index: int
    target: str
    description: str | None
    update: Any  # _ABSENT when the action has none
    remove: bool

    @property
    def has_update(self) -> bool:
        """Whether the action carries an ``update`` value (``null`` counts as one)."""
        return self.update is not _ABSENT


@dataclass(frozen=True, slots=True)
class Overlay:
    """A checked Overlay 1.0 document: its actions with their targets compiled."""

    source: str
    document: Mapping[str, Any]
    actions: tuple[Action, ...]


@cache
def overlay_schema() -> Mapping[str, Any]:
    """The Overlay 1.0 JSON Schema (published by the OpenAPI Initiative, Apache-2.0)."""
    text = (resources.files("zdcontract.spec") / OVERLAY_SCHEMA_FILE).read_text("utf-8")
    schema = load_yaml(text)
    assert isinstance(schema, Mapping)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(overlay_schema())


def read_overlay(path: str | Path) -> Overlay:
    """Read and check the overlay at ``path``; SpecError (one line) if it is not usable."""
    return parse_overlay(read_document(path, what="overlay"), str(path))


def parse_overlay(document: Any, source: str) -> Overlay:
    """Check ``document`` against the Overlay 1.0 schema and compile its targets."""
    if isinstance(document, Mapping) and isinstance(document.get("overlay"), str):
        version = document["overlay"]
        if not version.startswith("1.0."):
            raise SpecError(
                f"overlay {source} declares overlay {version!r}; zdcontract applies Overlay 1.0.x"
            )
    error = best_match(_validator().iter_errors(document))
    if error is not None:
        where = pointer(error.absolute_path) or "/"
        message = " ".join(error.message.split())
        if len(message) > 160:
            message = message[:157] + "..."
        raise SpecError(f"overlay {source} is not an Overlay 1.0 document: at {where}: {message}")
    actions = []
    for index, raw in enumerate(document["actions"]):
        target = raw["target"]
        try:
            _compile(target)
        except jsonpath_rfc9535.JSONPathError as exc:
            raise SpecError(
                f"overlay {source}: action {index} target {target!r} is not an RFC 9535 "
                f"JSONPath: {' '.join(str(exc).split())}"
            ) from None
        actions.append(
            Action(
                index=index,
                target=target,
                description=raw.get("description"),
                update=raw.get("update", _ABSENT),
                remove=raw.get("remove") is True,
            )
        )
    return Overlay(source, document, tuple(actions))


@cache
def _compile(target: str) -> jsonpath_rfc9535.JSONPathQuery:
    return jsonpath_rfc9535.compile(target)


def apply_overlays(
    document: Any, overlays: Iterable[Overlay], *, strict: bool = False
) -> tuple[Any, list[str]]:
    """``document`` with each overlay applied in turn (the input is left as it was).

    Returns the new document and one warning per action whose target selected nothing;
    with ``strict`` such an action is a SpecError instead.
    """
    result = copy.deepcopy(document)
    warnings: list[str] = []
    for overlay in overlays:
        warnings.extend(apply_overlay(result, overlay, strict=strict))
    return result, warnings


def apply_overlay(document: Any, overlay: Overlay, *, strict: bool = False) -> list[str]:
    """Apply ``overlay`` to ``document`` in place; the warnings of actions that matched nothing."""
    warnings = []
    for action in overlay.actions:
        nodes = _compile(action.target).find(document)
        if not nodes:
            message = f"overlay {overlay.source}: action {action.index} target {action.target!r} "
            message += "matches nothing in the spec"
            if strict:
                raise SpecError(message)
            warnings.append(message)
            continue
        if action.remove:
            _remove(document, [node.location for node in nodes], overlay, action)
        elif action.has_update:
            for node in nodes:
                _update(node.value, action, overlay, node.path())
    return warnings


def _remove(
    document: Any, locations: Sequence[tuple[int | str, ...]], overlay: Overlay, action: Action
) -> None:
    if any(not location for location in locations):
        raise SpecError(
            f"overlay {overlay.source}: action {action.index} removes the whole document"
        )
    # Resolve every parent before deleting anything: deleting an array item shifts the
    # indices after it, so the items of one array go last-first.
    from_objects: list[tuple[dict[str, Any], str]] = []
    from_arrays: dict[int, tuple[list[Any], set[int]]] = {}
    for location in locations:
        parent = document
        for token in location[:-1]:
            parent = parent[token]
        last = location[-1]
        if isinstance(parent, list) and isinstance(last, int):
            from_arrays.setdefault(id(parent), (parent, set()))[1].add(last)
        elif isinstance(parent, dict) and isinstance(last, str):
            from_objects.append((parent, last))
    for obj, key in from_objects:
        obj.pop(key, None)
    for array, indices in from_arrays.values():
        for index in sorted(indices, reverse=True):
            del array[index]


def _update(node: Any, action: Action, overlay: Overlay, where: str) -> None:
    value = copy.deepcopy(action.update)
    if isinstance(node, dict):
        if not isinstance(value, dict):
            raise SpecError(
                f"overlay {overlay.source}: action {action.index} updates the object at {where} "
                f"with {_a(json_type(value))}; an update of an object must be an object"
            )
        _merge(node, value, overlay, action, where)
    elif isinstance(node, list):
        node.append(value)
    else:
        raise SpecError(
            f"overlay {overlay.source}: action {action.index} target selects the {json_type(node)} "
            f"at {where}; Overlay 1.0 updates objects and arrays only (select its parent)"
        )


def _merge(
    into: dict[str, Any], update: Mapping[str, Any], overlay: Overlay, action: Action, where: str
) -> None:
    for key, value in update.items():
        current = into.get(key, _ABSENT)
        if current is _ABSENT:
            into[key] = value
        elif isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value, overlay, action, f"{where}[{key!r}]")
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(value)
        elif not isinstance(current, dict | list) and not isinstance(value, dict | list):
            into[key] = value
        else:
            raise SpecError(
                f"overlay {overlay.source}: action {action.index} merges "
                f"{_a(json_type(value))} into the {json_type(current)} at {where}[{key!r}]; "
                "remove it first to replace it"
            )


def _a(kind: str) -> str:
    """``an object``, ``a string``."""
    return f"{'an' if kind[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {kind}"
