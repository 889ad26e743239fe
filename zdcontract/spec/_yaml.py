"""YAML loading that reads OpenAPI documents the way their authors meant them.

PyYAML implements YAML 1.1, where ``on``/``off``/``yes``/``no`` are booleans and a lone
``=`` is the ``!!value`` tag (Zendesk's published spec has ``change: =``). OpenAPI uses
YAML 1.2, where all of these are strings.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["load_yaml"]


_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans and no ``!!value`` tag."""


# Drop the 1.1 bool and value resolvers, keep the others (int, float, null, timestamp...).
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:value")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _str_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # Timestamps stay strings: JSON has no date type and examples compare as text.
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _str_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:value", _str_timestamp)


def load_yaml(text: str) -> Any:
    """Parse YAML (or JSON, a subset) text into plain Python data."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
