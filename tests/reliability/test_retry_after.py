"""A Retry-After longer than the longest wait ends the sending, whichever attempt it comes on.

A server we did not write answers 429 or 503, asking for no wait at first and then for a
day. The client waits out what it may (``max_wait``) and stops sending at the first ask it
will not wait out, the last attempt's included: before, a day asked of the last attempt
was neither waited nor obeyed, and the next request went at once. A 503 is retried as a
server error, never counted as a rate-limit event.
"""

from __future__ import annotations

import pytest
from loopback import QuietHandler, answer, serving

from zdcontract.runner.client import RATE_LIMIT_RETRIES, HttpClient, StopSending

DAY = 86400


def _asking(status: int, long_from: int, seen: list[str]) -> type[QuietHandler]:
    """Answers ``status``; Retry-After 0, then a day from the ``long_from``-th request on."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            seen.append(self.path)
            answer(
                self,
                b"",
                status=status,
                headers={"Retry-After": str(DAY if len(seen) >= long_from else 0)},
            )

    return Handler


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(
    "long_from", [1, 2, 1 + RATE_LIMIT_RETRIES], ids=["first", "second", "last"]
)
def test_a_day_asked_of_any_attempt_stops_the_sending(status: int, long_from: int) -> None:
    seen: list[str] = []
    with (
        serving(_asking(status, long_from, seen)) as url,
        HttpClient(url, retries=0, max_wait=60, sleep=lambda _: None) as client,
    ):
        exchange = client.get("/api/v2/activities/count")
        assert exchange.status == status and exchange.error is None
        assert exchange.attempts == long_from  # the attempt that asked for a day was the last
        cause = "429" if status == 429 else "5xx"
        assert dict(exchange.retries) == ({cause: long_from - 1} if long_from > 1 else {})
        assert client.stopped is not None and f"wait {DAY} s (Retry-After)" in client.stopped
        with pytest.raises(StopSending):
            client.get("/api/v2/activities/count")
        assert seen == ["/api/v2/activities/count"] * long_from  # nothing sent after the ask
        assert exchange.rate_limited == (long_from if status == 429 else 0)
        assert client.rate_limit_events == exchange.rate_limited
