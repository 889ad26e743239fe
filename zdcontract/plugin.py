"""The pytest plugin (registered through the ``pytest11`` entry point); inert unless asked for.

Without ``--zd-*`` options and without its fixtures, a test run behaves as without it: no
server starts, no file is written, nothing is added to the terminal. See docs/pytest.md.
"""

from __future__ import annotations

import pytest

from .pytest_plugin import PLUGIN_KEY, Options, ZdContractPlugin, add_options
from .pytest_plugin.fixtures import zd_client, zd_mock, zd_mock_server, zd_spec, zd_validate

__all__ = [
    "pytest_addoption",
    "pytest_configure",
    "zd_client",
    "zd_mock",
    "zd_mock_server",
    "zd_spec",
    "zd_validate",
]

MARKER = (
    "zd_mock(drift=[...], fault=[...]): drift and faults of the zd_mock fixture for one test "
    "(mutations such as remove:/activities/*/title, faults such as status:503@0.5)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``zdcontract`` option group and its ini settings."""
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Build the session object, keep it in the stash, register it (and xdist's side)."""
    config.addinivalue_line("markers", MARKER)
    plugin = ZdContractPlugin(config, Options.from_config(config))
    config.stash[PLUGIN_KEY] = plugin
    config.pluginmanager.register(plugin, "zdcontract-session")
    if config.pluginmanager.hasplugin("xdist"):
        from .pytest_plugin.xdist import XdistIntegration

        config.pluginmanager.register(XdistIntegration(plugin), "zdcontract-xdist")
    else:  # the suite's checks carry xdist's group mark: known under --strict-markers
        config.addinivalue_line("markers", "xdist_group(name): the pytest-xdist group")
