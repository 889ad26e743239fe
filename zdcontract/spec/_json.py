"""JSON type names of Python values, as JSON Schema and the Overlay specification name them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["json_type"]


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
