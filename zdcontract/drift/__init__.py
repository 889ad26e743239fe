"""The drift layer: validating responses against the contract and describing deviations.

The validator (and with it the spec loader, YAML, jsonschema-rs) is imported on first use:
the pytest plugin's recorder and the reports need only the findings, and the plugin is
loaded by every pytest run of an environment that has zdcontract installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .findings import (
    DEFAULT_SEVERITIES,
    Finding,
    Kind,
    Severity,
    SeverityPolicy,
    aggregate,
    fingerprint,
    generic_pointer,
)

if TYPE_CHECKING:
    from .validator import DriftValidator, validate_response

__all__ = [
    "DEFAULT_SEVERITIES",
    "DriftValidator",
    "Finding",
    "Kind",
    "Severity",
    "SeverityPolicy",
    "aggregate",
    "fingerprint",
    "generic_pointer",
    "validate_response",
]

_LAZY = frozenset({"DriftValidator", "validate_response"})


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".validator", __name__), name)
    globals()[name] = value
    return value
