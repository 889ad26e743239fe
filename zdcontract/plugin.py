"""The pytest plugin (registered through the ``pytest11`` entry point); inert unless asked for."""

from __future__ import annotations
