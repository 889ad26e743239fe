"""The contract suite as pytest nodes: ``zdcontract::<operation>::<check>``.

The suite is a collector under the session (it has no file), added to the collected items by
``pytest_collection_modifyitems`` through ``Session.genitems``, so ``-k``, ``--collect-only``,
xdist's distribution and the "collected N items" count treat its items like any others.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import ZdContractError

if TYPE_CHECKING:
    from .session import ZdContractPlugin

__all__ = [
    "SUITE",
    "ContractItem",
    "ContractSuite",
    "DriftFailure",
    "OperationNode",
    "suite_order",
]

SUITE = "zdcontract"
SCHEMA = "schema"
#: The pytest-xdist group of the behaviour checks.
CHECKS_GROUP = "zdcontract-checks"


def suite_order() -> list[tuple[str, str]]:
    """Every (operation, check) of the suite, in the order it runs (the CLI's order)."""
    from ..runner.config import DEFAULT_OPERATIONS
    from ..runner.suite import suite_order as order

    return order(DEFAULT_OPERATIONS)


class DriftFailure(Exception):
    """A contract item saw drift at or above --zd-fail-on; the message lists it."""


def _plugin(node: pytest.Item | pytest.Collector) -> ZdContractPlugin:
    from .session import PLUGIN_KEY

    return node.config.stash[PLUGIN_KEY]


class ContractSuite(pytest.Collector):
    """The built-in contract suite: one node per operation of the spec."""

    def collect(self) -> Iterator[OperationNode]:
        """The operations the suite covers that the spec defines."""
        from ..runner.config import DEFAULT_OPERATIONS

        try:
            spec = _plugin(self).validator.spec
        except ZdContractError as exc:  # a bad --zd-spec: one line, not a traceback
            raise self.CollectError(f"zdcontract: {exc}") from exc
        for operation in DEFAULT_OPERATIONS:
            if operation in spec.operations:
                yield OperationNode.from_parent(self, name=operation)


class OperationNode(pytest.Collector):
    """One operation: its ``schema`` item, then its behaviour checks in their run order."""

    def collect(self) -> Iterator[ContractItem]:
        """``schema`` and every check of runner.checks.CHECKS on this operation.

        The behaviour checks share one xdist group: they read the pagination walks the
        first of them make, so one worker runs them all, in order, and walks once.
        """
        for operation, check in suite_order():
            if operation == self.name:
                item = ContractItem.from_parent(self, name=check)
                if check != SCHEMA:
                    item.add_marker(pytest.mark.xdist_group(CHECKS_GROUP))
                yield item


class ContractItem(pytest.Item):
    """One check of one operation against the session's target."""

    @property
    def operation(self) -> str:
        """The operationId this item checks."""
        assert self.parent is not None
        return self.parent.name

    def runtest(self) -> None:
        """Run the piece: fail on new drift reaching --zd-fail-on; a piece that exercised
        nothing fails the same way, or is skipped with its reason (never a pass)."""
        outcome = _plugin(self).run_contract_item(self.operation, self.name)
        if outcome.fails:
            raise DriftFailure(outcome.text)
        if outcome.outcome == "not-exercised":
            pytest.skip(outcome.text or "not exercised")

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> Any:
        """Drift and the tool's own errors as text; anything else as pytest shows it."""
        if isinstance(excinfo.value, DriftFailure | ZdContractError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the item comes from: no file of its own, so the session's root."""
        return self.path, None, f"{SUITE}: {self.operation} {self.name}"
