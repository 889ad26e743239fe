"""zdcontract: contract and drift testing for the Zendesk Activity Stream API."""

from __future__ import annotations

from ._version import __version__
from .drift import (
    DriftValidator,
    Finding,
    Kind,
    Severity,
    SeverityPolicy,
    validate_response,
)
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
