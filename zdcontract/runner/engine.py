"""A contract run: generate, send, validate, check, and describe it all as a RunResult."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from .._version import __version__
from ..drift import DriftValidator, Finding, Kind, aggregate
from ..errors import TargetError
from ..results import CheckOutcome, RequestTally, RunResult, Target
from ..spec import load_spec
from ._schemathesis import GeneratedCase, generate_cases
from .checks import CHECKS, CheckContext, json_object
from .client import BudgetExhausted, Exchange, HttpClient, ReadOnlyViolation
from .config import LIVE_BUDGET, LIVE_RATE_LIMIT, RunConfig
from .observe import response_findings

__all__ = ["Progress", "run"]


class Progress(Protocol):
    """Where a run reports its progress (the CLI draws a bar; tests pass nothing)."""

    def start(self, total: int) -> None: ...
    def advance(self, description: str) -> None: ...


class _Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, description: str) -> None:
        pass


class _Run:
    def __init__(
        self,
        config: RunConfig,
        progress: Progress,
        on_exchange: Callable[[str, Exchange], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.config = config
        self.progress = progress
        self.on_exchange = on_exchange
        self.stop = stop or threading.Event()
        self.spec = load_spec(config.spec_path, config.overlays)
        for name in config.operations:
            self.spec.operation(name)  # an unknown operation is a UsageError now, not later
        self.validator = DriftValidator(self.spec)
        self.findings: list[Finding] = []
        self.tally: dict[str, RequestTally] = {name: RequestTally() for name in config.operations}
        self.outcomes: list[CheckOutcome] = []
        self.notes: list[str] = []
        self.client: HttpClient | None = None

    def observe(self, operation: str, exchange: Exchange) -> dict[str, Any] | None:
        """Count, validate and keep the drift of one exchange; its JSON object, if any."""
        if self.on_exchange is not None:
            self.on_exchange(operation, exchange)
        tally = self.tally.setdefault(operation, RequestTally())
        tally.record(
            attempts=exchange.attempts,
            status=None if exchange.error is not None else exchange.status,
            seconds=exchange.elapsed,
            rate_limited=exchange.rate_limited,
        )
        if exchange.error is None and exchange.status == 429:
            return None  # still rate limited after the retries: an event, never drift
        self.findings.extend(
            response_findings(
                self.validator,
                operation,
                method=exchange.method,
                url=exchange.full_url,
                status=exchange.status,
                content_type=exchange.content_type,
                body=exchange.body,
                error=exchange.error,
                attempts=exchange.attempts,
                credentials=self.config.credentials,
            )
        )
        return json_object(exchange)

    def send(self, case: GeneratedCase) -> tuple[GeneratedCase, Exchange]:
        assert self.client is not None
        exchange = self.client.request(
            case.method,
            case.path,
            params=list(case.params),
            headers=dict(case.headers),
        )
        return case, exchange

    def checkpoint(self) -> None:
        """Raise KeyboardInterrupt here if a stop was requested.

        A signal handler's exception can be swallowed when it fires inside a finalizer
        (``Exception ignored in ...``); the flag it also sets is seen here, for sure.
        """
        if self.stop.is_set():
            raise KeyboardInterrupt

    def execute(self, cases: list[GeneratedCase], workers: int) -> None:
        pending: set[Future[tuple[GeneratedCase, Exchange]]] = set()
        queue = iter(cases)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="zdcontract") as pool:
            try:
                while True:
                    self.checkpoint()
                    while len(pending) < workers * 2:
                        case = next(queue, None)
                        if case is None:
                            break
                        pending.add(pool.submit(self.send, case))
                    if not pending:
                        return
                    done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    failure = self.finish_all(done)
                    if failure is not None:
                        raise failure
            except BudgetExhausted as exc:
                self.notes.append(f"stopped sending: {exc}")
                self.drain(pending)
            except KeyboardInterrupt:
                self.drain(pending)
                raise
            finally:
                for future in pending:
                    future.cancel()

    def finish_all(self, done: set[Future[tuple[GeneratedCase, Exchange]]]) -> BaseException | None:
        """Count and validate every exchange that came back; the first failure, if any.

        Every answer is kept even when another case of the same batch failed (the budget
        ran out, the run was stopped).
        """
        failure: BaseException | None = None
        for future in done:
            if future.cancelled():
                continue
            problem = future.exception()
            if problem is not None:
                failure = failure or problem
                continue
            case, exchange = future.result()
            self.tally[case.operation].cases += 1
            self.observe(case.operation, exchange)
            self.progress.advance(case.operation)
        return failure

    def drain(self, pending: set[Future[tuple[GeneratedCase, Exchange]]]) -> None:
        """Keep the answers already under way when the run stops sending.

        Cases not started are cancelled; the ones running end at their next attempt (the
        budget is spent or the stop is set), and whatever they received counts: a
        response that arrived before the stop is a result like any other.
        """
        for future in pending:
            future.cancel()
        done, _ = wait(pending)
        self.finish_all(done)

    def behaviour(self, account_host: str) -> None:
        assert self.client is not None
        context = CheckContext(
            client=self.client,
            observe=self.observe,
            account_host=account_host,
            policy=self.validator.policy,
        )
        for name, operation, check in CHECKS:
            if operation not in self.config.operations:
                continue
            self.checkpoint()
            before = len(context.findings)
            try:
                skipped = check(context)
            except BudgetExhausted as exc:
                skipped = str(exc)
            except KeyboardInterrupt:
                # What the check found before the stop is kept, the check marked unfinished.
                self.keep(context, before, name, operation, "interrupted")
                raise
            self.keep(context, before, name, operation, skipped)
            self.progress.advance(name)

    def keep(
        self, context: CheckContext, before: int, name: str, operation: str, skipped: str | None
    ) -> None:
        """Record a check's outcome and the findings it added since ``before``."""
        new = context.findings[before:]
        self.findings.extend(new)
        self.outcomes.append(
            CheckOutcome(
                operation=operation,
                check=name,
                skipped=skipped,
                fingerprints=tuple(dict.fromkeys(f.fingerprint for f in new)),
            )
        )


@contextmanager
def _target(config: RunConfig) -> Iterator[tuple[Target, str]]:
    """The target's base URL and description; starts the embedded mock when there is none."""
    if config.live:
        url = str(config.target_url)
        auth = config.credentials.scheme if config.credentials else None
        yield Target(url=url, kind="live", auth=auth), url
        return
    from ..mock import MockConfig, MockServer, Profile

    mock = MockConfig(
        profile=Profile(config.profile),
        seed=config.seed or 0,
        drift=config.mock_drift,
        faults=config.mock_faults,
        activities=config.mock_activities,
    )
    with MockServer(mock) as server:
        yield Target(url=server.url, kind="mock", profile=str(mock.profile)), server.url


def run(
    config: RunConfig,
    progress: Progress | None = None,
    on_seed: Callable[[int], None] | None = None,
    on_exchange: Callable[[str, Exchange], None] | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Run the contract suite; a KeyboardInterrupt ends it early with a result marked so.

    ``on_exchange(operation, exchange)`` sees every exchange the run validates (recording).
    ``stop``, once set (by a signal handler, say), ends the run at the next request.
    """
    seed = config.seed if config.seed is not None else random.randrange(2**31)
    if config.seed is None:
        config = replace(config, seed=seed)
    if on_seed is not None:
        on_seed(seed)
    state = _Run(config, progress or _Silent(), on_exchange, stop)
    started, clock = datetime.now(UTC), time.monotonic()
    interrupted = False
    target = Target(
        url=config.target_url or "embedded mock", kind="live" if config.live else "mock"
    )
    with ExitStack() as stack:
        try:
            target, base_url = stack.enter_context(_target(config))
            live = target.kind == "live"
            state.client = stack.enter_context(
                HttpClient(
                    base_url,
                    credentials=config.credentials,
                    rate_limit=config.rate_limit or (LIVE_RATE_LIMIT if live else None),
                    max_requests=config.max_requests or (LIVE_BUDGET if live else None),
                    allow_writes=config.allow_writes,
                    timeout=config.timeout,
                    retries=config.retries,
                    stop=state.stop,
                )
            )
            _probe(state.client)
            state.checkpoint()
            # One request per distinct request: the phases and modes often draw the same
            # one, and every duplicate would spend the budget for nothing.
            unique: dict[tuple[Any, ...], GeneratedCase] = {}
            for case in generate_cases(
                state.spec,
                list(config.operations),
                max_examples=config.max_examples,
                seed=seed,
                stop=state.stop,
            ):
                unique.setdefault((*case.key, case.headers), case)
            cases = list(unique.values())
            state.checkpoint()
            if not config.allow_writes:
                cases = [c for c in cases if c.method in ("GET", "HEAD")]
            total = len(cases) + (len(CHECKS) if config.behaviour_checks else 0)
            state.progress.start(total)
            state.execute(cases, config.workers or (1 if live else 4))
            if config.behaviour_checks:
                state.behaviour(urlsplit(base_url).netloc)
        except KeyboardInterrupt:
            interrupted = True
            state.notes.append("interrupted: the results hold what was found until then")
        except ReadOnlyViolation as exc:
            state.notes.append(str(exc))
        for name in config.operations:
            schema_fps = tuple(
                dict.fromkeys(
                    f.fingerprint
                    for f in state.findings
                    if f.operation == name and f.kind is not Kind.SEMANTIC_VIOLATION
                )
            )
            state.outcomes.insert(
                0,
                CheckOutcome(
                    operation=name,
                    check="schema",
                    fingerprints=schema_fps,
                    cases=state.tally[name].cases,
                ),
            )
        if state.client is not None and state.client.rate_limit_events:
            state.notes.append(
                f"rate limited {state.client.rate_limit_events} times; Retry-After honoured"
            )
    findings = tuple(aggregate(state.findings))
    return RunResult(
        tool_version=__version__,
        started_at=started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        duration_seconds=round(time.monotonic() - clock, 3),
        target=target,
        spec=state.spec.source,
        seed=seed,
        max_examples=config.max_examples,
        fail_on=config.fail_on,
        findings=findings,
        checks=tuple(state.outcomes),
        operations=tuple(t.stats(name) for name, t in state.tally.items()),
        interrupted=interrupted,
        notes=tuple(state.notes),
    )


def _probe(client: HttpClient) -> None:
    """One request to see the target answers at all; a dead target is a TargetError."""
    exchange = client.get("/api/v2/activities/count.json")
    if exchange.error is not None:  # after the retries, or at once if retrying is futile
        raise TargetError(f"cannot reach {client.base_url}: {exchange.error}")
    if exchange.status in (401, 403):
        raise TargetError(
            f"{client.base_url} refused the credentials (HTTP {exchange.status}); set "
            "ZENDESK_EMAIL and ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN"
        )
