"""One learning pass: the drift validator's findings on the samples, turned into actions.

The validator says what is wrong and where: the kind, the pointer in the body and the
schema path in the spec. The pass reads each finding's schema path back to the node of
the spec it concerns and changes that node, and only that node, from everything the
samples show at it (``walk.Reacher``), the bodies without findings included:

* undocumented field -> a property with the inferred schema (always present), or a shape
  (present in some objects only, see below);
* missing field -> the objects at the declaring node split into shapes under ``anyOf``,
  the field's schema moved into the shapes that have it; a field no sample has is removed;
* type mismatch, unexpected null -> the observed types join the declared ones;
* format mismatch -> the format goes; undocumented status or media type -> documented,
  with the inferred schema of its bodies.

Anything else (malformed bodies, constraint violations, 5xx answers) is not a contract
the samples can teach: it is a note, and stays drift.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from ..drift import DriftValidator, Finding, Kind
from ..drift._envelope import match_media_type, response_key
from ..drift.decode import NO_VALUE
from ..spec import Operation, Spec
from ..spec.pointer import tokens
from . import changes
from .infer import infer
from .samples import Evidence, Sample
from .walk import (
    Instance,
    Location,
    Reacher,
    declaring,
    jsonpath,
    locate,
    node_at,
    referring,
    resolve,
)

__all__ = ["Pass"]


@dataclass(slots=True)
class _Node:
    """What the findings say about one object node of the spec."""

    undocumented: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)


class Pass:
    """Findings of ``samples`` against ``spec``, and the actions that answer them."""

    def __init__(
        self,
        spec: Spec,
        samples: Sequence[Sample],
        values: Sequence[Any],
        *,
        deep: Mapping[int, int] | None = None,
        limit: int = 0,
    ) -> None:
        """Validate every sample against ``spec`` (the spec with the actions so far).

        ``values`` are the samples' decoded bodies (``Sample.value``), decoded once for
        every pass. ``deep`` maps the samples whose bodies nest deeper than ``limit`` to
        their depth: they are validated, but their drift is noted, never learned.
        """
        self.spec = spec
        self.document = spec.document
        self.samples = samples
        self.values = values
        self.deep = deep or {}
        self.limit = limit
        validator = DriftValidator(spec)
        self.findings = [
            validator.validate(
                s.body, operation=s.operation, status=s.status, content_type=s.content_type
            )
            for s in samples
        ]
        self.notes: list[str] = []
        self.table: dict[Location, list[Instance]] = {}

    @property
    def drifted(self) -> int:
        """How many samples drew at least one finding."""
        return sum(1 for found in self.findings if found)

    def reach(self, wanted: Iterable[Location]) -> None:
        """Gather every value of every body that reaches one of the ``wanted`` schema nodes."""
        reacher = Reacher(self.document, wanted)
        table: dict[Location, list[Instance]] = defaultdict(list)
        for index, sample in enumerate(self.samples):
            schema = self.media_schema(sample)
            if schema is None or self.values[index] is NO_VALUE:
                continue
            for location, instance in reacher.reach(schema, self.values[index], index):
                table[location].append(instance)
        self.table = table

    def media_schema(self, sample: Sample) -> Location | None:
        """Where the schema of this sample's body is in the spec (None: undocumented)."""
        response = self.response(self.spec.operation(sample.operation), sample.status)
        if response is None:
            return None
        content = node_at(self.document, response).get("content") or {}
        media = match_media_type(content, sample.media_type)
        if media is None or "schema" not in content[media]:
            return None
        return (*response, "content", media, "schema")

    def response(self, operation: Operation, status: int) -> Location | None:
        """Where the response documented for ``status`` is (its ``$ref`` chain followed)."""
        key = response_key(operation.definition.get("responses") or {}, status)
        if key is None:
            return None
        return resolve(self.document, (*_op(operation), "responses", key))[0]

    def plan(self) -> list[dict[str, Any]]:
        """The actions of this pass (none when nothing left is learnable)."""
        nodes: dict[Location, _Node] = defaultdict(_Node)
        retyped: dict[Location, set[int]] = defaultdict(set)
        formats: dict[Location, set[int]] = defaultdict(set)
        statuses: dict[tuple[str, int], list[int]] = defaultdict(list)
        media: dict[tuple[str, int, str], list[int]] = defaultdict(list)
        for index, found in enumerate(self.findings):
            sample = self.samples[index]
            if found and index in self.deep:
                self.notes.append(
                    f"{sample.operation} {sample.status}: a body nested {self.deep[index]} "
                    f"levels deep, beyond the {self.limit} learned from: not learned"
                )
                continue
            for finding in found:
                if finding.kind is Kind.UNDOCUMENTED_STATUS:
                    statuses[(sample.operation, sample.status)].append(index)
                elif finding.kind is Kind.UNDOCUMENTED_CONTENT_TYPE:
                    media[(sample.operation, sample.status, sample.media_type)].append(index)
                elif finding.schema_path and finding.path:
                    self._schema_finding(index, finding, nodes, retyped, formats)
                else:
                    self.notes.append(_note(sample, finding))
        split = {loc: node for loc, node in nodes.items() if node.missing or node.undocumented}
        self.reach([*split, *retyped, *formats])
        moved = {
            (*loc, "properties", name)
            for loc, node in split.items()
            for name in node.missing | node.undocumented
        }
        # Nodes replaced whole go first, and nothing inside one changes in the same pass:
        # the replacement is a copy of the node as the pass found it.
        actions: list[dict[str, Any]] = []
        replaced: list[Location] = []
        for location, indices in sorted(retyped.items(), key=lambda item: len(item[0])):
            if any(_under(location, m) for m in [*moved, *replaced]):
                continue  # the field moves into shapes this pass, widened as it goes
            replaced.extend(
                [location] if self._add(actions, self._widen(location, indices)) else []
            )
        for location, indices in formats.items():
            if not any(_under(location, r) for r in [*moved, *replaced]):
                dropped = self._drop_format(location, indices)
                replaced.extend([location] if self._add(actions, dropped) else [])
        actions.extend([*self._statuses(statuses), *self._media(media)])
        # Nodes inside a field that moves into shapes (or is replaced) change next pass,
        # where they will be then.
        later = {loc for loc in split if any(_under(loc, r) for r in [*moved, *replaced])}
        actions.extend(self._objects({k: v for k, v in split.items() if k not in later}))
        return actions

    @staticmethod
    def _add(actions: list[dict[str, Any]], more: list[dict[str, Any]]) -> bool:
        actions.extend(more)
        return bool(more)

    def _schema_finding(
        self,
        index: int,
        finding: Finding,
        nodes: dict[Location, _Node],
        retyped: dict[Location, set[int]],
        formats: dict[Location, set[int]],
    ) -> None:
        sample = self.samples[index]
        media = self.media_schema(sample)
        if media is None:
            return
        location = locate(self.document, str(finding.schema_path))
        holder, name = _holder(finding.kind, location), str(tokens(finding.path)[-1])
        if finding.kind is Kind.UNDOCUMENTED_FIELD:
            declared = node_at(self.document, holder).get("properties") or {}
            if declared.get(name) is False:
                # A learned shape forbids it: a combination of fields the samples showed
                # in no one object. Not something to document.
                self.notes.append(_note(sample, finding))
                return
            nodes[holder].undocumented.add(name)
        elif finding.kind is Kind.MISSING_FIELD:
            for where in declaring(self.document, holder, name):
                nodes[where].missing.add(name)
        elif finding.kind in (Kind.TYPE_MISMATCH, Kind.UNEXPECTED_NULL):
            # A property that is a $ref widens where it stands, not in the shared component.
            referrer = referring(self.document, media, finding.path)
            retyped[referrer or holder].add(index)
        elif finding.kind is Kind.FORMAT_MISMATCH:
            formats[holder].add(index)
        else:
            self.notes.append(_note(sample, finding))

    def _evidence(self, indices: set[int] | list[int]) -> Evidence:
        return Evidence.of(self.samples[i] for i in sorted(set(indices)))

    def _objects(self, nodes: Mapping[Location, _Node]) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = []
        for location in sorted(nodes, key=repr):
            info = nodes[location]
            found = [i for i in self.table.get(location, ()) if isinstance(i.value, Mapping)]
            if found:
                evidence = str(self._evidence({i.sample for i in found}))
                names = sorted(info.undocumented | info.missing)
                objects = [i.value for i in found]
                actions.extend(changes.shapes(self.document, location, objects, names, evidence))
        return actions

    def _values(self, location: Location) -> list[Any]:
        return [i.value for i in self.table.get(location, ())]

    def _widen(self, location: Location, indices: set[int]) -> list[dict[str, Any]]:
        evidence = str(self._evidence(indices))
        actions = changes.widen(self.document, location, self._values(location), evidence)
        if not actions and isinstance(node_at(self.document, location), Mapping):
            self.notes.append(f"{jsonpath(location)}: a type change not learned ({evidence})")
        return actions

    def _drop_format(self, location: Location, indices: set[int]) -> list[dict[str, Any]]:
        evidence = str(self._evidence(indices))
        return changes.drop_format(self.document, location, self._values(location), evidence)

    def _statuses(self, groups: Mapping[tuple[str, int], list[int]]) -> list[dict[str, Any]]:
        actions = []
        for (name, status), indices in sorted(groups.items()):
            if status >= 500:
                self.notes.append(f"{name} {status}: a server failure, not learned as contract")
                continue
            operation = self.spec.operation(name)
            content: dict[str, Any] = {}
            by_media: dict[str, list[int]] = defaultdict(list)
            for index in indices:
                if self.samples[index].body:
                    by_media[self.samples[index].media_type or "application/octet-stream"].append(
                        index
                    )
            for media_type, members in sorted(by_media.items()):
                content[media_type] = {"schema": self._body_schema(members)}
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = f"Status {status}"
            response: dict[str, Any] = {"description": f"{phrase} (observed)"}
            if content:
                response["content"] = content
            location = (*_op(operation), "responses")
            actions.append(
                {
                    "target": jsonpath(location),
                    "description": f"{name} answers {status}, which the spec does not "
                    f"document; the body schema is inferred. {self._evidence(indices)}",
                    "update": {str(status): response},
                }
            )
        return actions

    def _media(self, groups: Mapping[tuple[str, int, str], list[int]]) -> list[dict[str, Any]]:
        actions = []
        for (name, status, media_type), indices in sorted(groups.items()):
            response = self.response(self.spec.operation(name), status)
            if response is None or not media_type:
                continue
            actions.append(
                {
                    "target": jsonpath(response),
                    "description": f"{name} {status} answers {media_type}, which the spec "
                    f"does not document. {self._evidence(indices)}",
                    "update": {"content": {media_type: {"schema": self._body_schema(indices)}}},
                }
            )
        return actions

    def _body_schema(self, indices: Sequence[int]) -> dict[str, Any]:
        values = [self.values[i] for i in indices]
        if any(v is NO_VALUE for v in values):
            return {"type": "string"}  # not JSON: its media type is all the contract says
        return infer(values)


def _under(location: Location, top: Location) -> bool:
    """Whether ``location`` is ``top`` or below it."""
    return location[: len(top)] == top


def _op(operation: Operation) -> Location:
    return ("paths", operation.path, operation.method.lower())


def _note(sample: Sample, finding: Finding) -> str:
    where = finding.path or "(response)"
    return f"{sample.operation} {sample.status} {finding.kind} at {where}: not learned"


def _holder(kind: Kind, location: Location) -> Location:
    """The schema a finding's ``schema_path`` says the field belongs to.

    The path points where the spec says it: a missing field at its declaration
    (``.../properties/name``), an undocumented one at the object schema (or at its own
    ``additionalProperties: false``), anything else at the keyword it broke (``.../type``).
    """
    if kind is Kind.MISSING_FIELD and len(location) >= 2 and location[-2] == "properties":
        return location[:-2]
    if kind is Kind.UNDOCUMENTED_FIELD:
        return location[:-1] if location and location[-1] == "additionalProperties" else location
    return location[:-1]
