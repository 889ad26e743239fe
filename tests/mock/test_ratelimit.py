"""Rate limiting: Zendesk's headers on every response, then 429 with Retry-After."""

from __future__ import annotations

from typing import Any

import requests

from zdcontract.mock.ratelimit import RateLimiter

HEADERS = (
    "x-rate-limit",
    "x-rate-limit-remaining",
    "rate-limit",
    "rate-limit-remaining",
    "rate-limit-reset",
)


def test_headers_then_429(start_server: Any) -> None:
    server = start_server(activities=3, rate_limit=3)
    paths = ["/api/v2/activities.json", "/api/v2/activities/count.json", "/nowhere"]
    for remaining, path in zip((2, 1, 0), paths, strict=True):
        response = requests.get(server.url + path, timeout=10)
        assert all(name in response.headers for name in HEADERS)
        assert response.headers["x-rate-limit"] == response.headers["rate-limit"] == "3"
        assert response.headers["x-rate-limit-remaining"] == str(remaining)
        assert response.headers["rate-limit-remaining"] == str(remaining)
        assert 1 <= int(response.headers["rate-limit-reset"]) <= 60
    response = requests.get(f"{server.url}/api/v2/activities.json", timeout=10)
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Number of allowed API requests per minute exceeded"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.headers["x-rate-limit-remaining"] == "0"
    server.reset()  # a fresh window
    assert requests.get(f"{server.url}/api/v2/activities.json", timeout=10).status_code == 200


def test_window_reopens_after_a_minute() -> None:
    now = [1000.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert [limiter.hit().exceeded for _ in range(3)] == [False, False, True]
    now[0] += 59.2
    state = limiter.hit()
    assert state.exceeded and state.reset == 1 and state.remaining == 0
    now[0] += 1
    state = limiter.hit()
    assert not state.exceeded and state.remaining == 1 and state.reset == 60


def test_reset_never_exceeds_the_window_despite_float_rounding() -> None:
    from zdcontract.mock.ratelimit import RateLimiter

    # Just below a power of two, x + 60 loses x's last bit: (x + 60) - x is a hair over 60
    moment = 4081.5627025196204
    assert moment + 60.0 - moment > 60
    limiter = RateLimiter(3, window=60.0, clock=lambda: moment)
    assert limiter.hit().reset == 60
