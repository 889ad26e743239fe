"""Loading an OpenAPI document and finding its operations.

This module knows nothing of validation: it reads a document (the bundled one or a user's),
checks that it can be used at all, and answers "which operation is this call?".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import SpecError, UsageError
from ._read import MAX_EXPANDED_NODES, read_document
from .pointer import pointer, resolve

__all__ = [
    "BUNDLED_SPEC_NAME",
    "MAX_EXPANDED_NODES",
    "SHIPPED_OVERLAY_NAME",
    "Operation",
    "Spec",
    "bundled_spec_path",
    "load_spec",
    "read_document",
    "shipped_overlay_path",
]

BUNDLED_SPEC_NAME = "activities.yaml"
SHIPPED_OVERLAY_NAME = "zendesk-observed.overlay.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def bundled_spec_path() -> Path:
    """Where the bundled spec lives: inside an installed wheel, or spec/ of a source checkout."""
    packaged = resources.files("zdcontract") / "_bundled" / BUNDLED_SPEC_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "spec" / BUNDLED_SPEC_NAME


def shipped_overlay_path() -> Path:
    """Where the shipped Zendesk overlay (the contract as the live API serves it) lives."""
    packaged = resources.files("zdcontract") / "_bundled" / SHIPPED_OVERLAY_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "spec" / SHIPPED_OVERLAY_NAME


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the document: its id, method, path template and raw definition."""

    operation_id: str
    method: str
    path: str
    definition: Mapping[str, Any]
    path_item: Mapping[str, Any]

    @property
    def literal_segments(self) -> int:
        """How many path segments are literal text (more literal text wins a match)."""
        return sum(1 for part in self.path.split("/") if part and "{" not in part)

    def example_path(self, value: str = "1") -> str:
        """The path template with every parameter replaced by ``value``."""
        return re.sub(r"\{[^}/]+\}", value, self.path)


class Spec:
    """An OpenAPI 3.x document with its operations indexed by operationId."""

    def __init__(
        self, document: Mapping[str, Any], source: str, *, warnings: tuple[str, ...] = ()
    ) -> None:
        """Index ``document``; raises SpecError when it is not a usable OpenAPI 3 document.

        ``warnings`` are what loading it had to say (overlay actions that matched nothing).
        """
        if not isinstance(document, Mapping):
            raise SpecError(
                f"spec {source} is not an OpenAPI document (top level is not a mapping)"
            )
        version = str(document.get("openapi", ""))
        if not re.match(r"^3\.[01]\.\d+", version):
            found = f"'openapi: {version}'" if version else "no 'openapi' field"
            raise SpecError(f"spec {source} is not an OpenAPI 3.0 or 3.1 document ({found})")
        self.document = document
        self.source = source
        self.warnings = warnings
        self.version = version
        self.operations: dict[str, Operation] = {}
        for operation in self._iter_operations():
            self.operations.setdefault(operation.operation_id, operation)
        if not self.operations:
            raise SpecError(f"spec {source} defines no operations")
        for operation in self.operations.values():
            for ref, where in _refs(operation.definition, _op_pointer(operation)):
                self._check_ref(ref, where)
            for ref, where in _refs(operation.path_item.get("parameters", []), "parameters"):
                self._check_ref(ref, where)

    @property
    def is_31(self) -> bool:
        """Whether the document declares OpenAPI 3.1."""
        return self.version.startswith("3.1")

    def _iter_operations(self) -> Iterator[Operation]:
        paths = self.document.get("paths") or {}
        if not isinstance(paths, Mapping):
            raise SpecError(f"spec {self.source}: 'paths' is not a mapping")
        for template, item in paths.items():
            if not isinstance(item, Mapping):
                continue
            for method in HTTP_METHODS:
                definition = item.get(method)
                if not isinstance(definition, Mapping):
                    continue
                op_id = str(definition.get("operationId") or f"{method.upper()} {template}")
                yield Operation(op_id, method.upper(), str(template), definition, item)

    def _check_ref(self, ref: str, where: str) -> None:
        seen: set[str] = set()
        pending = [(ref, where)]
        while pending:
            current, at = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            target = self.resolve_ref(current, at)
            pending.extend(_refs(target, current.lstrip("#")))

    def resolve_ref(self, ref: str, where: str = "") -> Any:
        """The value a local ``$ref`` points at; SpecError for dangling or external refs."""
        if not ref.startswith("#"):
            raise SpecError(
                f"spec {self.source}: external $ref '{ref}' at {where} is not supported"
            )
        try:
            return resolve(self.document, ref)
        except LookupError:
            raise SpecError(
                f"spec {self.source}: dangling $ref '{ref}' at {where or '/'}"
            ) from None

    def deref(self, node: Any) -> Any:
        """Follow ``$ref`` chains until a node that is not a reference."""
        hops = 0
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            node = self.resolve_ref(node["$ref"])
            hops += 1
            if hops > 64:
                raise SpecError(f"spec {self.source}: $ref cycle through '{node}'")
        return node

    def operation(self, operation_id: str) -> Operation:
        """The operation with this operationId; UsageError with a suggestion otherwise."""
        try:
            return self.operations[operation_id]
        except KeyError:
            names = sorted(self.operations)
            close = difflib.get_close_matches(operation_id, names, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else f" Known: {', '.join(names[:8])}."
            raise UsageError(f"unknown operation '{operation_id}'.{hint}") from None

    def match(self, method: str, url: str) -> Operation:
        """The operation serving ``method url``.

        Zendesk accepts a ``.json`` suffix on every path and clients use it; literal segments
        win over templates, so ``/activities/count`` is CountActivities, never ShowActivity.
        """
        try:
            path = unquote(urlsplit(url).path) or "/"
        except ValueError:  # "http://[x": no URL parser reads it, so no operation serves it
            raise UsageError(f"{url[:200]!r} is not a URL") from None
        candidates = [path]
        if path.endswith(".json"):
            candidates.append(path[: -len(".json")])
        for prefix in self._server_prefixes():
            candidates.extend(c[len(prefix) :] for c in list(candidates) if c.startswith(prefix))
        ranked = sorted(
            (op for op in self.operations.values() if op.method == method.upper()),
            key=lambda op: (-op.literal_segments, op.path),
        )
        for operation in ranked:
            for candidate in candidates:
                if _template_regex(operation.path).fullmatch(candidate.rstrip("/") or "/"):
                    return operation
        raise UsageError(f"no {method.upper()} operation of {self.source} matches {path}")

    def _server_prefixes(self) -> list[str]:
        prefixes = []
        for server in self.document.get("servers") or []:
            if isinstance(server, Mapping):
                prefix = urlsplit(str(server.get("url", ""))).path.rstrip("/")
                if prefix and "{" not in prefix:
                    prefixes.append(prefix)
        return prefixes


@cache
def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template.rstrip("/") or "/")
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def _op_pointer(operation: Operation) -> str:
    return pointer(("paths", operation.path, operation.method.lower()))


def _refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Every ``$ref`` string below ``node`` with the JSON Pointer where it stands.

    A container reached twice (a YAML alias) is walked once: its references are the same.
    """
    stack: list[tuple[Any, str]] = [(node, pointer)]
    seen: set[int] = set()
    while stack:
        current, at = stack.pop()
        if isinstance(current, Mapping | list):
            if id(current) in seen:
                continue
            seen.add(id(current))
        if isinstance(current, Mapping):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield ref, at
            for key, value in current.items():
                if isinstance(value, Mapping | list):
                    stack.append((value, f"{at}/{key}"))
        elif isinstance(current, list):
            stack.extend((value, f"{at}/{i}") for i, value in enumerate(current))


def load_spec(
    path: str | Path | None = None,
    overlays: Sequence[str | Path] = (),
    *,
    strict_overlays: bool = False,
) -> Spec:
    """Load a spec (the bundled one when ``path`` is None) with ``overlays`` applied in order.

    Every front-end loads its spec here, so an overlay means the same to all of them. Cached
    per resolved path, overlay list and modification times: an edited file is read again.
    An overlay action whose target matches nothing is a warning in ``Spec.warnings``, or a
    SpecError with ``strict_overlays``.
    """
    target = Path(path) if path is not None else bundled_spec_path()
    source = str(path) if path is not None else "the bundled spec"
    layers = tuple(_file_key(Path(overlay)) for overlay in overlays)
    return _load_cached(*_file_key(target), source, layers, strict_overlays)


def _file_key(path: Path) -> tuple[str, int]:
    try:
        return str(path.resolve()), path.stat().st_mtime_ns
    except OSError:
        return str(path), 0


@cache
def _load_cached(
    key: str, mtime: int, source: str, overlays: tuple[tuple[str, int], ...], strict: bool
) -> Spec:
    del mtime  # part of the cache key only: an edited file is read again
    document = read_document(key)
    if not overlays:
        return Spec(document, source)
    from .overlay import apply_overlays, read_overlay  # JSONPath only when overlays are used

    applied, warnings = apply_overlays(
        document, [read_overlay(name) for name, _ in overlays], strict=strict
    )
    names = " + ".join(Path(name).name for name, _ in overlays)
    return Spec(applied, f"{source} + {names}", warnings=tuple(warnings))
