"""The embedded mock of the Zendesk Activity Stream API: one ASGI app, in-process or on a socket.

Layers, each importing only the ones before it: ``dataset`` (seeded records) -> ``state``
(the operations, raising ``errors``) -> ``responses``/``routing`` (HTTP translation) ->
``mutations``/``faults`` (drift and fault injection) -> ``app`` (ASGI) -> ``server`` (uvicorn).
"""

from __future__ import annotations

from .app import MockApp, SeenRequest, create_app
from .config import MockConfig, Profile
from .messages import Reply, Request
from .server import MockServer, serve

__all__ = [
    "MockApp",
    "MockConfig",
    "MockServer",
    "Profile",
    "Reply",
    "Request",
    "SeenRequest",
    "create_app",
    "serve",
]
