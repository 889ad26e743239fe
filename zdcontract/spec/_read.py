"""Reading YAML and JSON documents (specs, overlays) into plain data, one line on failure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError
from ._yaml import load_yaml

__all__ = ["MAX_EXPANDED_NODES", "read_document"]


def read_document(path: str | Path, *, what: str = "spec") -> Any:
    """Read a YAML or JSON file into plain data; SpecError with one line on any failure.

    ``what`` names the document in messages ("spec", "overlay").
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError(f"cannot read {what} {source}: no such file") from None
    except IsADirectoryError:
        raise SpecError(f"cannot read {what} {source}: it is a directory") from None
    except UnicodeDecodeError:
        raise SpecError(f"cannot read {what} {source}: not UTF-8 text") from None
    except OSError as exc:
        raise SpecError(f"cannot read {what} {source}: {exc.strerror or exc}") from None
    try:
        document = json.loads(text) if source.endswith(".json") else load_yaml(text)
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
