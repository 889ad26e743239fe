"""The built-in contract suite, one item at a time, through the library's ``Suite``.

A ``schema`` item sends one operation's generated cases (and one request for a record the
target really holds) and validates every answer; a behaviour item runs one check. The
pieces are the very ones ``zdcontract run`` runs, so a finding is filed under the same
check whichever front-end found it. Under pytest-xdist the behaviour checks share one
group (see xdist.py): one worker walks the pagination once for all of them.
"""

from __future__ import annotations

from ..drift import DriftValidator
from ..runner.engine import workers_for
from ..runner.suite import Piece, Suite
from .target import SessionTarget

__all__ = ["ContractRunner"]


class ContractRunner:
    """Runs the suite's pieces against the session's target, probing it first."""

    def __init__(
        self, target: SessionTarget, validator: DriftValidator, *, max_examples: int, seed: int
    ) -> None:
        """Send through ``target``'s client; validate with ``validator``."""
        self.target = target
        self.max_examples = max_examples
        self.seed = seed
        self.suite = Suite(
            validator.spec,
            target.client,
            validator=validator,
            credentials=target.client.credentials,
        )

    def schema(self, operation: str) -> Piece:
        """Send ``operation``'s generated cases and validate every answer."""
        self.target.probe(self.suite)
        suite = self.suite
        cases = suite.generate(
            [operation], max_examples=self.max_examples, seed=self.seed, allow_writes=False
        )
        cases += suite.real_cases([operation])
        workers = workers_for(self.target.options.run_config(), self.target.live)
        return suite.schema([operation], cases, workers=workers)[0]

    def check(self, name: str) -> Piece:
        """Run behaviour check ``name`` (after the walks it reads, quietly, if they did not run)."""
        self.target.probe(self.suite)
        return self.suite.check(name)
