"""The built-in contract suite, one piece at a time: what each contract item runs.

A ``schema`` piece sends one operation's generated cases (schemathesis, through
``generate_cases``) and validates every response. A behaviour piece runs one of
``runner.checks.CHECKS``; the checks share their pagination walks through one
CheckContext per process, so a check whose predecessors did not run here (another xdist
worker had them) first runs them quietly: their requests are made, their findings dropped,
because the worker that owns them reports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..drift import DriftValidator, Finding
from ..runner import Exchange, generate_cases
from ..runner.checks import CHECKS, CheckContext, CheckFunction, Paths, host_of, run_check
from ..runner.client import StopSending
from ..runner.observe import observe_exchange
from .target import SessionTarget

__all__ = ["CHECK_NAMES", "ContractRunner", "Piece"]

#: Behaviour checks by name: (operation, function).
CHECK_NAMES: dict[str, tuple[str, CheckFunction]] = {
    name: (operation, function) for name, operation, function in CHECKS
}

Counter = Callable[[str, Exchange], None]


@dataclass
class Piece:
    """What one contract item found: its findings, the cases it sent, or why it was skipped."""

    findings: list[Finding] = field(default_factory=list)
    cases: int = 0
    skipped: str | None = None


class ContractRunner:
    """Runs the schema and behaviour pieces of the suite against the session's target."""

    def __init__(
        self,
        target: SessionTarget,
        validator: DriftValidator,
        *,
        max_examples: int,
        seed: int,
        count: Counter,
    ) -> None:
        """Send through ``target``'s client; ``count`` sees every exchange (for statistics)."""
        self.target = target
        self.validator = validator
        self.max_examples = max_examples
        self.seed = seed
        self._count = count
        self._sink: list[Finding] = []
        self._context: CheckContext | None = None
        self._done: set[str] = set()

    def observe(self, operation: str, exchange: Exchange) -> dict[str, Any] | None:
        """Count and validate one exchange; its JSON object, if any (CheckContext.observe)."""
        self._count(operation, exchange)
        seen = observe_exchange(self.validator, operation, exchange, self.target.client.credentials)
        self._sink.extend(seen.findings)
        return seen.body

    def schema(self, operation: str) -> Piece:
        """Send ``operation``'s generated cases and validate every response."""
        self.target.probe(self.validator.spec, self.observe)
        cases = list(
            dict.fromkeys(
                c
                for c in generate_cases(
                    self.validator.spec,
                    [operation],
                    max_examples=self.max_examples,
                    seed=self.seed,
                )
                if c.method in ("GET", "HEAD")  # the target is read-only
            )
        )
        piece = Piece()
        self._sink = piece.findings
        client = self.target.client
        try:
            for case in cases:
                exchange = client.request(
                    case.method,
                    case.path + (self.target.paths or Paths()).suffix,
                    params=list(case.params),
                    headers=dict(case.headers),
                )
                piece.cases += 1
                self.observe(operation, exchange)
        except StopSending as exc:
            piece.skipped = f"stopped sending: {exc}"
        finally:
            self._sink = []
        return piece

    def check(self, name: str) -> Piece:
        """Run behaviour check ``name`` (after its predecessors, quietly, if they did not run)."""
        self.target.probe(self.validator.spec, self.observe)
        context = self._check_context()
        for earlier, _, _ in CHECKS:
            if earlier == name:
                break
            if earlier not in self._done:
                self._run(earlier, context)
        return self._run(name, context)

    def _check_context(self) -> CheckContext:
        if self._context is None:
            client = self.target.client
            self._context = CheckContext(
                client=client,
                observe=self.observe,
                account_host=host_of(client.base_url) or "",
                paths=self.target.paths or Paths(),
                policy=self.validator.policy,
                credentials=client.credentials,
            )
        return self._context

    def _run(self, name: str, context: CheckContext) -> Piece:
        _, function = CHECK_NAMES[name]
        piece = Piece()
        self._sink = piece.findings
        before = len(context.findings)
        try:
            result = run_check(function, context)
            piece.skipped = None if result is None else result.reason
        except StopSending as exc:
            piece.skipped = f"stopped sending: {exc}"
        finally:
            self._sink = []
            self._done.add(name)
        piece.findings.extend(context.findings[before:])
        return piece
