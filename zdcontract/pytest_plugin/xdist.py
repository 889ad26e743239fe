"""pytest-xdist: the controller hands its seed to the workers and merges what they found.

Registered only when xdist is present (its hooks would be unknown otherwise). A worker
never writes a report; in pytest_sessionfinish it puts its recorder's payload into
``workeroutput``, which arrives here in ``pytest_testnodedown``.

The behaviour checks read the pagination walks the first of them make: they carry the
``xdist_group`` mark, and a session with the contract suite under plain ``-n N`` (``--dist
load``) is switched to ``--dist loadgroup``, which schedules ungrouped tests as ``load``
does and sends the group to one worker. No worker then walks what another already did.
"""

from __future__ import annotations

from typing import Any

import pytest

from .session import WORKER_SEED, ZdContractPlugin

__all__ = ["XdistIntegration", "group_the_checks"]


def group_the_checks(config: pytest.Config) -> None:
    """``--dist load`` becomes ``loadgroup`` on the controller (workers follow its options)."""
    if getattr(config, "workerinput", None) is None and config.getoption("dist", "no") == "load":
        config.option.dist = "loadgroup"


class XdistIntegration:
    """The controller's side of the worker protocol."""

    def __init__(self, plugin: ZdContractPlugin) -> None:
        """Serve ``plugin``, the controller's session object."""
        self.plugin = plugin

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Every worker generates the same cases: it gets the controller's seed."""
        node.workerinput[WORKER_SEED] = self.plugin.seed

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object | None) -> None:
        """Merge a finished worker's findings, check outcomes and statistics."""
        output = getattr(node, "workeroutput", None)
        if output:
            self.plugin.recorder.merge_payload(output)
