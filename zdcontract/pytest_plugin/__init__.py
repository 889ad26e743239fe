"""The pytest plugin's implementation; ``zdcontract.plugin`` is its entry module.

Modules: ``options`` (the ``--zd-*`` flags and ini settings), ``session`` (the one object
per session and its hooks), ``recorder`` (what was found, mergeable across xdist workers),
``target`` (the mock or --zd-base-url, started lazily), ``contract`` and ``items`` (the
built-in suite), ``exchanges`` (a response for ``zd_validate``), ``fixtures``, ``report``,
``summary`` (terminal text) and ``xdist``. Modules that import the mock, the
runner or the report writers are imported only when used, so an inert plugin stays cheap.
"""

from __future__ import annotations

from .options import Options, add_options
from .session import PLUGIN_KEY, ZdContractPlugin

__all__ = ["PLUGIN_KEY", "Options", "ZdContractPlugin", "add_options"]
