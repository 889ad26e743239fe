"""Reading YAML and JSON documents (specs, overlays) into plain data, one line on failure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError, UsageError
from ..files import read_input_file
from ._yaml import load_yaml

__all__ = ["MAX_EXPANDED_NODES", "MAX_SPEC_BYTES", "read_document"]


def read_document(path: str | Path, *, what: str = "spec") -> Any:
    """Read a YAML or JSON file into plain data; SpecError with one line on any failure.

    ``what`` names the document in messages ("spec", "overlay").
    """
    source = str(path)
    try:
        # A regular file only (a FIFO would block, a device never end), of a bounded size.
        raw = read_input_file(path, what, MAX_SPEC_BYTES)
    except UsageError as exc:
        raise SpecError(exc.message) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpecError(f"cannot read {what} {source}: not UTF-8 text") from None
    try:
        document = json.loads(text) if source.endswith(".json") else load_yaml(text)
    except RecursionError:
        raise SpecError(f"{what} {source} is nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"{what} {source} is not valid JSON: line {exc.lineno}: {exc.msg}"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"{what} {source} is not valid YAML: {where}{problem}") from None
    if _expanded_size(document) > MAX_EXPANDED_NODES:
        raise SpecError(
            f"{what} {source} expands to more than {MAX_EXPANDED_NODES:,} nodes "
            "(YAML aliases nested like a 'billion laughs' document)"
        )
    return document


#: Far above any real API description (Zendesk's whole Support API has about 31,000 nodes).
MAX_EXPANDED_NODES = 5_000_000
#: The largest spec or overlay file read (Zendesk's whole Support API is 1.2 MB of YAML).
MAX_SPEC_BYTES = 64 << 20


def _expanded_size(document: Any) -> int:
    """How many nodes ``document`` has once YAML aliases (shared objects) are expanded.

    Counted over distinct containers with memoised sizes, so it costs the size of the
    file, not of the expansion it measures.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, Mapping | list) or (id(node) in sizes and not done):
            continue
        children = list(node.values() if isinstance(node, Mapping) else node)
        if done:
            total = 1
            for child in children:
                total += sizes.get(id(child), 1) if isinstance(child, Mapping | list) else 1
            sizes[id(node)] = min(total, MAX_EXPANDED_NODES + 1)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, Mapping | list))
    return sizes.get(id(document), 1)
