"""The drift layer: validating responses against the contract and describing deviations."""

from __future__ import annotations

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
