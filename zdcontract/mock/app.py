"""The mock Zendesk API as one ASGI application, usable on a socket or in-process.

Per request: rate limit, authentication, routing and state (domain errors render
themselves), drift, then faults, then delivery. Nothing here knows about uvicorn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import NamedTuple

from ._asgi import Receive, Scope, Send
from .auth import Authenticator
from .config import MockConfig, Profile
from .dataset import build_dataset
from .delivery import deliver, status_sent
from .errors import MockError, RateLimited
from .faults import FaultInjector, InjectedFault, parse_fault
from .messages import Reply, Request
from .mutations import Mutation, apply_mutations, parse_mutation
from .ratelimit import RateLimiter
from .responses import Responder
from .state import ActivityStore

__all__ = ["CONTRACT_PATH", "MockApp", "SeenRequest", "create_app"]

#: Where the mock serves its OpenAPI document when it is given one (``zdcontract mock``).
CONTRACT_PATH = "/openapi.json"


class SeenRequest(NamedTuple):
    """One request the mock answered: method, path with query, status (0: dropped, no reply)."""

    method: str
    target: str
    status: int


class MockApp:
    """The ASGI application of the mock Activity Stream API."""

    def __init__(
        self,
        config: MockConfig,
        *,
        base_url: str,
        on_request: Callable[[SeenRequest], None] | None = None,
    ) -> None:
        """Build the dataset for ``config`` with every URL on ``base_url``."""
        self.config = config
        self.base_url = base_url.rstrip("/")
        conformant = config.profile is Profile.CONFORMANT
        dataset = build_dataset(
            seed=config.seed,
            size=config.activities,
            base_url=self.base_url,
            now=config.now,
            full_users=conformant,
        )
        # The conformant profile shows the documented steady state: never a null refreshed_at.
        store = ActivityStore(dataset, count_total=config.count_total, refreshing=not conformant)
        self.responder = Responder(store, cursor=not conformant)
        self.on_request = on_request
        token = config.auth_token
        self._auth = Authenticator(token, config.auth_email) if token is not None else None
        self._limiter = RateLimiter(config.rate_limit) if config.rate_limit else None
        self._drift: tuple[Mutation, ...] = tuple(parse_mutation(text) for text in config.drift)
        self._faults = FaultInjector([parse_fault(text) for text in config.faults], config.seed)

    @property
    def drift(self) -> tuple[Mutation, ...]:
        """The drift mutations in force."""
        return self._drift

    @property
    def faults(self) -> tuple[InjectedFault, ...]:
        """The faults in force."""
        return self._faults.faults

    def set_drift(self, drift: Sequence[Mutation]) -> None:
        """Replace the drift mutations (takes effect with the next request)."""
        self._drift = tuple(drift)

    def set_faults(self, faults: Sequence[InjectedFault]) -> None:
        """Replace the faults and restart their RNG (takes effect with the next request)."""
        self._faults.set_faults(faults)

    def reset_rate_limit(self) -> None:
        """Start a fresh rate-limit window."""
        if self._limiter is not None:
            self._limiter.reset()

    def respond(self, request: Request) -> Reply:
        """The reply to ``request``, drift and faults included, before delivery."""
        if self.config.contract is not None and request.path == CONTRACT_PATH:
            # The description of the API, not the API: no limits, auth, drift or faults.
            return Reply(body=self.config.contract)
        state = self._limiter.hit() if self._limiter is not None else None
        try:
            if state is not None and state.exceeded:
                raise RateLimited(state.reset)
            if self._auth is not None:
                self._auth.check(request.headers.get("authorization"))
            reply = self.responder(request)
        except MockError as exc:
            reply = exc.reply()
        reply = apply_mutations(self._drift, request.path, reply)
        if state is not None:
            reply = reply.with_headers(*state.headers())
        return self._faults(reply)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point (``http`` and ``lifespan`` scopes)."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request.from_scope(scope)
        reply = self.respond(request)
        if reply.delay > 0:
            await asyncio.sleep(reply.delay)
        # Recorded before the first byte goes out: once a client has its answer (or its
        # dropped connection), the request is already in the log.
        if self.on_request is not None:
            self.on_request(SeenRequest(request.method, request.target, status_sent(reply)))
        await deliver(reply, head=request.method == "HEAD", send=send, receive=receive)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(
    config: MockConfig | None = None,
    *,
    base_url: str | None = None,
    on_request: Callable[[SeenRequest], None] | None = None,
) -> MockApp:
    """An ASGI app for ``config``, URLs in bodies on ``base_url`` (default: public_url, host:port).

    Example:
        >>> app = create_app(MockConfig(activities=3), base_url="http://testserver")
        >>> app.respond(Request(method="GET", path="/api/v2/activities/count.json")).status
        200
    """
    config = config or MockConfig()
    if base_url is None:
        port = "" if config.port in (0, 80) else f":{config.port}"
        base_url = config.public_url or f"http://{config.host}{port}"
    return MockApp(config, base_url=base_url, on_request=on_request)
