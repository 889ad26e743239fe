"""``spec learn``: observed responses in, an Overlay 1.0 document out.

Learning runs in passes. Each pass validates every sample against the spec with the
actions learned so far applied, and answers the findings that are left (``plan.Pass``);
a change can uncover another (a field moved into a shape is widened in the next pass), so
passes repeat until nothing learnable is left. The result is checked the way a user will
use it: parsed as an overlay, applied, and the samples validated once more; what drift
remains is reported, never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from .._version import __version__
from ..drift import Finding
from ..drift.decode import NO_VALUE, nesting
from ..spec import Spec
from ..spec.overlay import apply_overlays, parse_overlay
from .plan import Pass
from .samples import Evidence, Sample

__all__ = ["Learned", "dump_overlay", "learn"]

#: More passes than any change needs: a shape split, then widening inside the shapes.
MAX_PASSES = 6
#: The deepest body learned from. Inferring a schema, writing it out and applying it all
#: recurse a few frames a level; the validator takes bodies far deeper (a hostile or broken
#: target's), whose drift then stays drift, with a note, instead of ending in an error.
MAX_LEARN_NESTING = 64


@dataclass(slots=True)
class Learned:
    """An overlay learned from samples, and what it could not explain."""

    document: dict[str, Any]
    samples: int
    drifted: int  # samples with findings against the spec as it was
    residual: list[tuple[Sample, Finding]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The actions learned (empty: nothing was; the document then holds Overlay's one
    #: required action, an update that changes nothing).
    actions: list[dict[str, Any]] = field(default_factory=list)


def learn(spec: Spec, samples: Sequence[Sample], *, title: str | None = None) -> Learned:
    """The overlay that makes ``samples`` conform to ``spec``, as far as samples can teach."""
    actions: list[dict[str, Any]] = []
    first: Pass | None = None
    notes: list[str] = []
    current = spec
    depths = [nesting(sample.body) for sample in samples]
    deep = {i: d for i, d in enumerate(depths) if d > MAX_LEARN_NESTING}
    # The same bodies in every pass; one too deep to learn from is never read.
    values = [NO_VALUE if i in deep else s.value() for i, s in enumerate(samples)]
    for _ in range(MAX_PASSES):
        step = Pass(current, samples, values, deep=deep, limit=MAX_LEARN_NESTING)
        first = first or step
        # An action already taken would change nothing: what it answers was not learnable.
        planned = [action for action in step.plan() if action not in actions]
        notes = step.notes
        if not planned:
            final = step  # it validated the samples against the spec as learned
            break
        actions.extend(planned)
        current = _applied(spec, actions)
    else:
        final = Pass(current, samples, values, deep=deep, limit=MAX_LEARN_NESTING)
    residual = [(samples[i], f) for i, found in enumerate(final.findings) for f in found]
    assert first is not None
    document = _document(spec, samples, actions, title, remaining=len(residual))
    return Learned(
        document, len(samples), first.drifted, residual, sorted(set(notes)), list(actions)
    )


def _applied(spec: Spec, actions: list[dict[str, Any]]) -> Spec:
    overlay = parse_overlay(_document(spec, (), actions, None), "the learned overlay")
    document, _ = apply_overlays(spec.document, [overlay], strict=True)
    return Spec(document, f"{spec.source} + the learned overlay")


def _document(
    spec: Spec,
    samples: Sequence[Sample],
    actions: list[dict[str, Any]],
    title: str | None,
    *,
    remaining: int = 0,
) -> dict[str, Any]:
    info = spec.document.get("info")
    name = info.get("title") if isinstance(info, Mapping) else None
    document: dict[str, Any] = {
        "overlay": "1.0.0",
        "info": {
            "title": title or f"{name or spec.source}: the contract as observed",
            "version": "1.0.0",
        },
    }
    if samples:
        evidence = Evidence.of(samples)
        learned: dict[str, Any] = {
            "by": f"zdcontract {__version__} spec learn",
            "from": list(evidence.sources),
            "responses": evidence.responses,
        }
        if evidence.first and evidence.last:
            learned.update({"first-seen": evidence.first, "last-seen": evidence.last})
        document["info"]["x-zdcontract-learned"] = learned
    # An overlay needs at least one action; "nothing to change" is the empty update.
    nothing = (
        f"Nothing learned: {remaining} finding{'s' if remaining != 1 else ''} on the "
        "samples could not be learned (still drift)."
        if remaining
        else "The samples conform: nothing to change."
    )
    document["actions"] = actions or [{"target": "$", "description": nothing, "update": {}}]
    return document


class _Dumper(yaml.SafeDumper):
    """Block style; long descriptions folded at a readable width."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 90 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_overlay(document: Mapping[str, Any]) -> str:
    """The overlay as YAML (1.2-safe: strings a 1.1 reader would misread are quoted)."""
    return yaml.dump(dict(document), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)
