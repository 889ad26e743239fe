"""The runner layer: property-based contract runs against the mock or a live Zendesk."""

from __future__ import annotations

from ._schemathesis import (
    GeneratedCase,
    generate_cases,
    keep_caches_out_of_the_working_directory,
)
from .client import Exchange, HttpClient
from .config import RunConfig
from .credentials import Credentials, credentials_from
from .engine import Progress, run

__all__ = [
    "Credentials",
    "Exchange",
    "GeneratedCase",
    "HttpClient",
    "Progress",
    "RunConfig",
    "credentials_from",
    "generate_cases",
    "keep_caches_out_of_the_working_directory",
    "run",
]
