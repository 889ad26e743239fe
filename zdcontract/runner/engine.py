"""A contract run: generate, send, validate, check, and describe it all as a RunResult.

The pieces of the suite (each operation's ``schema`` check, each behaviour check) run
through ``Suite``, the same one the pytest plugin uses; this module adds what a whole run
needs around them: the target (the embedded mock unless a live one is given), the client
with its bounds, the order, and the RunResult the reports read.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from .._version import __version__
from ..drift import aggregate
from ..results import CheckOutcome, OperationStats, RequestTally, RunResult, Target
from ..spec import load_spec
from .checks import CHECKS
from .client import Exchange, HttpClient, ReadOnlyViolation, StopSending
from .config import LIVE_BUDGET, LIVE_RATE_LIMIT, RunConfig
from .suite import Piece, Suite, suite_order

__all__ = ["Progress", "client_for", "run", "selected_checks", "workers_for"]


class Progress(Protocol):
    """Where a run reports its progress (the CLI draws a bar; tests pass nothing)."""

    def start(self, total: int) -> None: ...
    def advance(self, description: str) -> None: ...


class _Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, description: str) -> None:
        pass


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


def client_for(
    config: RunConfig, base_url: str, live: bool, stop: threading.Event | None = None
) -> HttpClient:
    """The client a run with ``config`` sends through: its bounds, live defaults applied."""
    return HttpClient(
        base_url,
        credentials=config.credentials,
        rate_limit=config.rate_limit or (LIVE_RATE_LIMIT if live else None),
        max_requests=config.max_requests or (LIVE_BUDGET if live else None),
        allow_writes=config.allow_writes,
        timeout=config.timeout,
        retries=config.retries,
        max_wait=config.max_wait,
        max_body=config.max_body_size,
        max_time=config.max_time,
        stop=stop,
    )


def workers_for(config: RunConfig, live: bool) -> int:
    """How many generated cases a run with ``config`` has under way at once: ``workers``
    if given, else one against a live target (someone's production), four against the mock."""
    return config.workers or (1 if live else 4)


def selected_checks(config: RunConfig) -> list[str]:
    """The behaviour checks a run with ``config`` runs, in order."""
    if not config.behaviour_checks:
        return []
    chosen = None if config.checks is None else set(config.checks)
    return [
        name
        for name, operation, _ in CHECKS
        if operation in config.operations and (chosen is None or name in chosen)
    ]


def run(
    config: RunConfig,
    progress: Progress | None = None,
    on_seed: Callable[[int], None] | None = None,
    on_exchange: Callable[[str, Exchange], None] | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Run the contract suite; a KeyboardInterrupt ends it early with a result marked so.

    ``on_exchange(operation, exchange)`` sees every exchange the run sends (recording).
    ``stop``, once set (by a signal handler, say), ends the run at the next request.
    """
    seed = config.seed if config.seed is not None else random.randrange(2**31)
    if config.seed is None:
        config = replace(config, seed=seed)
    if on_seed is not None:
        on_seed(seed)
    stop = stop or threading.Event()
    progress = progress or _Silent()
    spec = load_spec(config.spec_path, config.overlays)
    for name in config.operations:
        spec.operation(name)  # an unknown operation is a UsageError now, not later
    started, clock = datetime.now(UTC), time.monotonic()
    interrupted = False
    notes: list[str] = []
    target = Target(
        url=config.target_url or "embedded mock", kind="live" if config.live else "mock"
    )
    suite: Suite | None = None
    with ExitStack() as stack:
        try:
            target, base_url = stack.enter_context(_target(config))
            client = stack.enter_context(client_for(config, base_url, target.kind == "live", stop))
            suite = Suite(
                spec,
                client,
                credentials=config.credentials,
                on_exchange=on_exchange,
                on_case=progress.advance,
                stop=stop,
            )
            suite.probe()
            cases = suite.generate(
                config.operations,
                max_examples=config.max_examples,
                seed=seed,
                allow_writes=config.allow_writes,
            )
            cases += suite.real_cases(config.operations)
            checks = selected_checks(config)
            progress.start(len(cases) + len(checks))
            workers = workers_for(config, target.kind == "live")
            suite.schema(config.operations, cases, workers=workers)
            for name in checks:
                if stop.is_set():
                    raise KeyboardInterrupt
                suite.check(name)
                progress.advance(name)
        except KeyboardInterrupt:
            interrupted = True
            notes.append("interrupted: the results hold what was found until then")
        except ReadOnlyViolation as exc:
            notes.append(str(exc))
        except StopSending as exc:  # before the first case: the probe took the last of it
            notes.append(f"stopped sending: {exc}")
        if suite is not None and suite.client.rate_limit_events:
            notes.append(
                f"rate limited {suite.client.rate_limit_events} times (429); Retry-After honoured"
            )
    pieces = suite.pieces if suite is not None else []
    return RunResult(
        tool_version=__version__,
        started_at=started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        duration_seconds=round(time.monotonic() - clock, 3),
        target=target,
        spec=spec.source,
        seed=seed,
        max_examples=config.max_examples,
        fail_on=config.fail_on,
        findings=tuple(aggregate(f for piece in pieces for f in piece.findings)),
        checks=_in_suite_order(config, pieces),
        operations=_operations(config, suite),
        interrupted=interrupted,
        notes=(*(suite.notes if suite is not None else []), *notes),
    )


def _in_suite_order(config: RunConfig, pieces: list[Piece]) -> tuple[CheckOutcome, ...]:
    """The outcomes in the order every front-end lists them (see suite_order)."""
    rank = {key: index for index, key in enumerate(suite_order(config.operations))}
    outcomes = [piece.outcome for piece in pieces if piece.outcome is not None]
    return tuple(sorted(outcomes, key=lambda o: rank.get((o.operation, o.check), len(rank))))


def _operations(config: RunConfig, suite: Suite | None) -> tuple[OperationStats, ...]:
    """Per operation, every request sent: the run's own operations first, then any other
    the probe or a link reached."""
    if suite is None:
        return ()
    names = [*config.operations, *(n for n in suite.tally if n not in config.operations)]
    return tuple(suite.tally.get(name, RequestTally()).stats(name) for name in names)
