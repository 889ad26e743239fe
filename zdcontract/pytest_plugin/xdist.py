"""pytest-xdist: the controller hands its seed to the workers and merges what they found.

Registered only when xdist is present (its hooks would be unknown otherwise). A worker
never writes a report; in pytest_sessionfinish it puts its recorder's payload into
``workeroutput``, which arrives here in ``pytest_testnodedown``.

The behaviour checks read the pagination walks the first of them make, so they must run on
one worker. They carry the ``xdist_group`` mark, but xdist passes groups from the workers
to the controller inside node ids, which pytest 9.2's structured node ids no longer allow
(pytest-xdist#1386): ``--dist loadgroup`` silently stops grouping. So under ``-n N``
(``--dist load`` or ``loadgroup``) with the contract suite, the controller schedules with a
LoadGroupScheduling that also knows the suite's checks by their node ids: every other test
is its own unit, as under ``load``; the checks are one unit, and no worker walks the
pagination another already walked.
"""

from __future__ import annotations

from typing import Any

import pytest

from .items import CHECKS_GROUP, SCHEMA, SUITE
from .session import WORKER_SEED, ZdContractPlugin

__all__ = ["XdistIntegration", "grouped_scheduler"]


def _is_check(nodeid: str) -> bool:
    """Whether ``nodeid`` is a behaviour check of the suite: ``zdcontract::Op::check``."""
    parts = nodeid.split("@", 1)[0].split("::")
    return len(parts) == 3 and parts[0] == SUITE and parts[2] != SCHEMA


def grouped_scheduler(config: pytest.Config, log: Any) -> Any:
    """LoadGroupScheduling that groups the suite's behaviour checks by their node ids."""
    from xdist.scheduler import LoadGroupScheduling

    class Grouped(LoadGroupScheduling):  # type: ignore[misc]  # xdist is untyped here
        def _split_scope(self, nodeid: str) -> str:
            return CHECKS_GROUP if _is_check(nodeid) else str(super()._split_scope(nodeid))

        def _assign_work_unit(self, node: Any) -> None:
            # xdist hands out the largest units first: the checks (seven quick items) would
            # take one worker while the other got every schema item, the slow ones. Last,
            # they go to whichever worker finishes its schema items first.
            queue = self.workqueue
            if len(queue) > 1 and next(iter(queue)) == CHECKS_GROUP:
                queue.move_to_end(CHECKS_GROUP)
            super()._assign_work_unit(node)

    return Grouped(config, log)


class XdistIntegration:
    """The controller's side of the worker protocol."""

    def __init__(self, plugin: ZdContractPlugin) -> None:
        """Serve ``plugin``, the controller's session object."""
        self.plugin = plugin

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """The suite's checks on one worker; every other test scheduled as asked."""
        if self.plugin.options.contract and config.getvalue("dist") in ("load", "loadgroup"):
            return grouped_scheduler(config, log)
        return None

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
