"""zdcontract: contract and drift testing for the Zendesk Activity Stream API.

Public names are imported on first use: the pytest plugin loads this package in every
pytest run, and most runs never need openapi-core or the HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .drift import DriftValidator, Finding, Kind, Severity, SeverityPolicy, validate_response
    from .errors import SpecError, TargetError, UsageError, ZdContractError
    from .spec import Spec, bundled_spec_path, load_spec

__all__ = [
    "DriftValidator",
    "Finding",
    "Kind",
    "Severity",
    "SeverityPolicy",
    "Spec",
    "SpecError",
    "TargetError",
    "UsageError",
    "ZdContractError",
    "__version__",
    "bundled_spec_path",
    "load_spec",
    "validate_response",
]

_WHERE = {
    **dict.fromkeys(
        ("DriftValidator", "Finding", "Kind", "Severity", "SeverityPolicy", "validate_response"),
        ".drift",
    ),
    **dict.fromkeys(("SpecError", "TargetError", "UsageError", "ZdContractError"), ".errors"),
    **dict.fromkeys(("Spec", "bundled_spec_path", "load_spec"), ".spec"),
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'zdcontract' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
