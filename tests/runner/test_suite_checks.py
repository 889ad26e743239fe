"""A behaviour check run on its own (``--check``, ``-k``, another xdist worker's share)."""

from __future__ import annotations

from zdcontract.mock import MockConfig, MockServer
from zdcontract.runner.client import Exchange, HttpClient
from zdcontract.runner.suite import Suite
from zdcontract.spec import load_spec


def test_a_check_run_alone_repeats_the_walks_it_reads_and_nothing_else() -> None:
    sent: list[tuple[str, str]] = []

    def seen(operation: str, exchange: Exchange) -> None:
        sent.append((operation, exchange.full_url))

    with MockServer(MockConfig(activities=30, seed=1)) as server, HttpClient(server.url) as client:
        suite = Suite(load_spec(), client, on_exchange=seen)
        suite.probe()
        del sent[:]
        piece = suite.check("count")
    assert [p.check for p in suite.pieces] == ["count"]  # the walks' findings are not its own
    assert piece.outcome is not None and piece.outcome.not_exercised is None
    assert piece.outcome.exercised.records == 1
    listing = [url for operation, url in sent if operation == "ListActivities"]
    # Both walks, to their ends: the count is compared with a complete listing.
    assert any("page%5Bsize%5D=" in url for url in listing)
    assert any("per_page=" in url for url in listing)
    walk = suite._context.listing() if suite._context is not None else None
    assert walk is not None and walk.complete and len(walk.ids) == 30
    # Not the checks in between: no since query, no activity shown.
    assert not any("since=" in url for url in listing)
    assert {operation for operation, _ in sent} == {"ListActivities", "CountActivities"}
