"""The contract suite, piece by piece: what ``zdcontract run`` and the pytest plugin share.

A piece is an operation's ``schema`` check (its generated cases, sent and validated) or one
behaviour check. A finding belongs to the piece whose requests produced it, so the CLI (all
pieces in one process) and the plugin (one item per piece, on any xdist worker) file the
same drift under the same checks. Each piece ends as a ``Piece``: its findings and a
CheckOutcome saying what it exercised; one that exercised nothing carries a
``not-exercised`` finding with the reason.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from ..drift import DriftValidator, Finding, aggregate
from ..results import CheckOutcome, Exercised, RequestTally
from ..spec import Spec
from ._probe import paths_of, probe
from ._schemathesis import GeneratedCase, generate_cases
from .checks import CHECKS, WALKS, CheckContext, NotExercised, host_of, run_check
from .client import Exchange, HttpClient, StopSending
from .credentials import Credentials
from .observe import json_object, not_exercised, observe_exchange, schema_reason

__all__ = ["CHECK_NAMES", "Piece", "Suite", "suite_order"]

#: Behaviour checks by name: (operation, function), in the order they run.
CHECK_NAMES = {name: (operation, function) for name, operation, function in CHECKS}


def suite_order(operations: Iterable[str]) -> list[tuple[str, str]]:
    """Every (operation, check) of the suite over ``operations``, in the order reports list
    them (and the pytest plugin collects them): each operation's ``schema``, then its
    behaviour checks."""
    return [
        (operation, check)
        for operation in operations
        for check in ("schema", *(name for name, op, _ in CHECKS if op == operation))
    ]


@dataclass
class Piece:
    """One check of one operation: the findings its requests produced, and its outcome."""

    operation: str
    check: str
    findings: list[Finding] = field(default_factory=list)
    tally: RequestTally = field(default_factory=RequestTally)
    outcome: CheckOutcome | None = None


class Suite:
    """Runs the suite's pieces against one client; keeps what every piece found.

    ``pieces`` holds every piece run, in order, also when a stop (Ctrl-C) cut one short:
    the caller reads them after the KeyboardInterrupt.
    """

    def __init__(
        self,
        spec: Spec,
        client: HttpClient,
        *,
        validator: DriftValidator | None = None,
        credentials: Credentials | None = None,
        on_exchange: Callable[[str, Exchange], None] | None = None,
        on_case: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """Send through ``client``; ``on_exchange`` sees every exchange (HAR recording),
        ``on_case`` the operation of every case sent, once its answer is validated
        (a progress bar)."""
        self.spec = spec
        self.client = client
        self.validator = validator or DriftValidator(spec)
        self.credentials = credentials
        self.on_exchange = on_exchange
        self.on_case = on_case
        self.stop = stop or threading.Event()
        self.tally: dict[str, RequestTally] = {}
        self.paths = paths_of(spec)
        self.sample_id: int | None = None  # an activity the target holds (the probe's)
        self.notes: list[str] = []
        self.stopped: str | None = None  # why nothing more was sent
        self.not_generated: dict[str, str] = {}  # operation -> why schemathesis drew nothing
        self.pieces: list[Piece] = []
        self._context: CheckContext | None = None
        self._done: set[str] = set()
        self._piece: Piece | None = None  # where observed findings go

    # -- every exchange ---------------------------------------------------------------------

    def observe(self, operation: str, exchange: Exchange) -> dict[str, Any] | None:
        """Take one exchange (see ``_take``); its JSON object, if any, for a behaviour check
        to read (None for the probe's, which is not a piece of the suite)."""
        return json_object(exchange) if self._take(operation, exchange) else None

    def _take(self, operation: str, exchange: Exchange) -> bool:
        """Count one exchange (for the operation and the piece under way), validate it, keep
        its findings with the piece; whether there was a piece under way."""
        if self.on_exchange is not None:
            self.on_exchange(operation, exchange)
        _count(self.tally.setdefault(operation, RequestTally()), exchange)
        if self._piece is None:  # the probe: counted, not a piece of the suite
            return False
        _count(self._piece.tally, exchange)
        seen = observe_exchange(self.validator, operation, exchange, self.credentials)
        self._piece.tally.validated += seen.validated
        self.tally[operation].validated += seen.validated
        self._piece.findings.extend(seen.findings)
        return True

    def probe(self) -> None:
        """Check the target answers and takes the credentials; learn its paths.

        Raises TargetError (one line) when the target is unusable.
        """
        probed = probe(self.client, self.spec, self.observe)
        self.paths, self.sample_id = probed.paths, probed.sample_id
        if probed.note:
            self.notes.append(probed.note)

    def _stop_sending(self, exc: StopSending) -> None:
        if self.stopped is None:
            self.stopped = str(exc)
            self.notes.append(f"stopped sending: {exc}")

    # -- schema pieces -------------------------------------------------------------------------

    def generate(
        self, operations: Iterable[str], *, max_examples: int, seed: int, allow_writes: bool
    ) -> list[GeneratedCase]:
        """The distinct requests schemathesis draws for ``operations`` (reads only, unless
        writes are allowed): a request drawn twice would spend the budget for nothing."""
        unique: dict[tuple[Any, ...], GeneratedCase] = {}
        for case in generate_cases(
            self.spec,
            list(operations),
            max_examples=max_examples,
            seed=seed,
            stop=self.stop,
            failed=self.not_generated,
        ):
            unique.setdefault(case.key, case)
        return [c for c in unique.values() if allow_writes or c.method in ("GET", "HEAD")]

    def real_cases(self, operations: Iterable[str]) -> list[GeneratedCase]:
        """Requests for records the target really holds, beside the generated ones.

        Generated ids hardly ever name an activity of a live account, so ShowActivity
        would never be validated on a 200: the probe's activity is shown too.
        """
        if "ShowActivity" not in operations or self.sample_id is None:
            return []
        path = self.paths.show(self.sample_id)[: -len(self.paths.suffix) or None]
        return [GeneratedCase("ShowActivity", "GET", path, (), (), "examples", "positive")]

    def schema(
        self, operations: Iterable[str], cases: list[GeneratedCase], *, workers: int
    ) -> list[Piece]:
        """Send ``cases`` (``workers`` at a time) and validate every answer: one ``schema``
        piece per operation, also for an operation with nothing sent."""
        pieces = {name: Piece(name, "schema") for name in operations}
        try:
            if self.stopped is None:
                self._send_all(cases, pieces, workers)
        finally:
            interrupted = self.stop.is_set()
            for piece in pieces.values():
                self._settle_schema(piece, "interrupted" if interrupted else self.stopped)
                self.pieces.append(piece)
        return list(pieces.values())

    def _send_all(self, cases: list[GeneratedCase], pieces: dict[str, Piece], workers: int) -> None:
        pending: set[Future[tuple[GeneratedCase, Exchange]]] = set()
        queue = iter(cases)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="zdcontract") as pool:
            try:
                while True:
                    if self.stop.is_set():
                        raise KeyboardInterrupt
                    while len(pending) < workers * 2:
                        case = next(queue, None)
                        if case is None:
                            break
                        pending.add(pool.submit(self._send, case))
                    if not pending:
                        return
                    done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    failure = self._finish(done, pieces)
                    if failure is not None:
                        raise failure
            except StopSending as exc:
                self._stop_sending(exc)
                self._drain(pending, pieces)
            except KeyboardInterrupt:
                self._drain(pending, pieces)
                raise
            finally:
                for future in pending:
                    future.cancel()

    def _send(self, case: GeneratedCase) -> tuple[GeneratedCase, Exchange]:
        exchange = self.client.request(
            case.method,
            case.path + self.paths.suffix,
            params=list(case.params),
            headers=dict(case.headers),
        )
        return case, exchange

    def _finish(
        self, done: set[Future[tuple[GeneratedCase, Exchange]]], pieces: dict[str, Piece]
    ) -> BaseException | None:
        """Validate every exchange that came back (all of them, even when another case of
        the batch failed); the first failure, if any."""
        failure: BaseException | None = None
        for future in done:
            if future.cancelled():
                continue
            problem = future.exception()
            if problem is not None:
                failure = failure or problem
                continue
            case, exchange = future.result()
            self._piece = pieces[case.operation]
            try:
                self._piece.tally.cases += 1
                self.tally.setdefault(case.operation, RequestTally()).cases += 1
                self._take(case.operation, exchange)  # a case's body is validated, not read
            finally:
                self._piece = None
            if self.on_case is not None:
                self.on_case(case.operation)
        return failure

    def _drain(
        self, pending: set[Future[tuple[GeneratedCase, Exchange]]], pieces: dict[str, Piece]
    ) -> None:
        """Keep the answers already under way when the sending stops; cancel the rest."""
        for future in pending:
            future.cancel()
        done, _ = wait(pending)
        self._finish(done, pieces)

    def _settle_schema(self, piece: Piece, stopped: str | None) -> None:
        piece.findings = aggregate(piece.findings)
        # Generation that failed leaves the schema check hollow, whatever else was validated.
        reason = self.not_generated.get(piece.operation) or schema_reason(
            piece.tally.stats(piece.operation), piece.tally.validated, stopped
        )
        if reason is not None:
            piece.findings.append(
                not_exercised(self.validator.policy, piece.operation, "schema", reason, schema=True)
            )
        piece.outcome = CheckOutcome(
            operation=piece.operation,
            check="schema",
            fingerprints=tuple(dict.fromkeys(f.fingerprint for f in piece.findings)),
            cases=piece.tally.cases,
            exercised=Exercised(requests=piece.tally.requests, validated=piece.tally.validated),
            not_exercised=reason,
        )

    def unusable(self, operation: str, check: str, reason: str) -> Piece:
        """The piece of a check that could not start: the target is unusable (``reason``)."""
        piece = Piece(operation, check)
        piece.findings.append(
            not_exercised(self.validator.policy, operation, check, reason, schema=check == "schema")
        )
        piece.outcome = CheckOutcome(
            operation=operation,
            check=check,
            fingerprints=tuple(f.fingerprint for f in piece.findings),
            not_exercised=reason,
        )
        return piece

    # -- behaviour checks ----------------------------------------------------------------------

    def check(self, name: str) -> Piece:
        """Run behaviour check ``name``; the pagination walks before it that this process
        has not made first run quietly (they collect the records it reads; their findings
        are dropped, as the process that owns them reports them). The other checks before
        it leave nothing behind to read: they are not repeated."""
        for earlier, _, _ in CHECKS:
            if earlier == name:
                break
            if earlier in WALKS and earlier not in self._done:
                self._run(earlier, keep=False)
        return self._run(name, keep=True)

    def _context_for_checks(self) -> CheckContext:
        if self._context is None:
            self._context = CheckContext(
                client=self.client,
                observe=self.observe,
                account_host=host_of(self.client.base_url) or "",
                paths=self.paths,
                policy=self.validator.policy,
                credentials=self.credentials,
            )
        return self._context

    def _run(self, name: str, *, keep: bool) -> Piece:
        operation, function = CHECK_NAMES[name]
        context = self._context_for_checks()
        piece = Piece(operation, name)
        self._piece, before = piece, len(context.findings)
        result: NotExercised | None = None
        try:
            if self.stopped is not None:
                result = NotExercised(f"stopped sending: {self.stopped}")
                context.begin()
            else:
                result = run_check(function, context)
        except StopSending as exc:
            self._stop_sending(exc)
            result = NotExercised(f"stopped sending: {exc}")
        except KeyboardInterrupt:
            result = NotExercised("interrupted")
            raise
        finally:
            self._piece = None
            self._done.add(name)
            self._settle_check(piece, context, before, result)
            if keep:
                self.pieces.append(piece)
        return piece

    def _settle_check(
        self, piece: Piece, context: CheckContext, before: int, result: NotExercised | None
    ) -> None:
        piece.findings = aggregate([*piece.findings, *context.findings[before:]])
        if result is not None:
            piece.findings.append(
                not_exercised(
                    self.validator.policy,
                    piece.operation,
                    piece.check,
                    result.reason,
                    unsupported=result.unsupported,
                )
            )
        piece.outcome = CheckOutcome(
            operation=piece.operation,
            check=piece.check,
            fingerprints=tuple(dict.fromkeys(f.fingerprint for f in piece.findings)),
            exercised=context.exercised(),
            not_exercised=None if result is None else result.reason,
        )


def _count(tally: RequestTally, exchange: Exchange) -> None:
    tally.record(
        attempts=exchange.attempts,
        status=None if exchange.error is not None else exchange.status,
        seconds=exchange.elapsed,
        rate_limited=exchange.rate_limited,
        retries=exchange.retries,
    )
