"""The runner layer: property-based contract runs against the mock or a live Zendesk."""

from __future__ import annotations

from .client import Exchange, HttpClient
from .config import RunConfig
from .credentials import Credentials, credentials_from
from .engine import Progress, run

__all__ = [
    "Credentials",
    "Exchange",
    "HttpClient",
    "Progress",
    "RunConfig",
    "credentials_from",
    "run",
]
