"""Fault injection: ``KIND[:ARG][@PROBABILITY]`` parsed into small callables ``Reply -> Reply``.

Faults that change what is said (``status``, ``html``) replace the reply; faults that change
how it travels (``delay``, ``reset``, ``truncate``, ``slow-body``) only set its delivery plan,
which the ASGI layer carries out. Whether a fault fires is drawn from a seeded RNG.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from http import HTTPStatus

from ..errors import UsageError
from .errors import AuthenticationFailed, Forbidden, InvalidEndpoint, RateLimited
from .messages import HTML, Delivery, Reply

__all__ = [
    "KINDS",
    "Delay",
    "Fault",
    "FaultInjector",
    "Html",
    "InjectedFault",
    "Reset",
    "SlowBody",
    "Status",
    "Truncate",
    "parse_fault",
]

Fault = Callable[[Reply], Reply]
KINDS = ("delay", "status", "reset", "truncate", "html", "slow-body")
_FORMS = "delay:SECONDS, status:CODE, reset, truncate, html[:CODE], slow-body[:SECONDS]"
#: Short on purpose: clients under test sleep Retry-After before retrying.
RETRY_AFTER = "1"


@dataclass(frozen=True, slots=True)
class Delay:
    """Wait ``seconds`` before answering."""

    seconds: float

    def __call__(self, reply: Reply) -> Reply:
        """Add the delay to the reply's plan."""
        return replace(reply, delay=reply.delay + self.seconds)


@dataclass(frozen=True, slots=True)
class Status:
    """Answer ``code`` with a Zendesk-ish body instead; 429 and 503 carry ``Retry-After``."""

    code: int

    def __call__(self, reply: Reply) -> Reply:
        """The error reply that replaces ``reply``."""
        known = {
            401: AuthenticationFailed,
            403: Forbidden,
            404: InvalidEndpoint,
        }
        if self.code == 429:
            error = RateLimited(int(RETRY_AFTER)).reply()
        elif self.code in known:
            error = known[self.code]().reply()
        else:
            phrase = _phrase(self.code)
            name = phrase.title().replace(" ", "").replace("-", "")
            error = Reply.json({"error": name, "description": phrase}, self.code)
        if self.code == 503:
            error = error.with_headers(("retry-after", RETRY_AFTER))
        # Rate-limit headers stay: the answer still comes from the API.
        return replace(error, headers=reply.headers + error.headers, delay=reply.delay)


@dataclass(frozen=True, slots=True)
class Html:
    """Answer with a gateway's HTML error page (``text/html``), as a proxy in front would."""

    code: int = 502

    def __call__(self, reply: Reply) -> Reply:
        """The gateway page that replaces ``reply``."""
        title = f"{self.code} {_phrase(self.code)}"
        page = (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
        return Reply(status=self.code, body=page.encode(), content_type=HTML, delay=reply.delay)


@dataclass(frozen=True, slots=True)
class Reset:
    """Drop the connection without sending any response."""

    def __call__(self, reply: Reply) -> Reply:
        """Plan a dropped connection."""
        return replace(reply, delivery=Delivery.RESET)


@dataclass(frozen=True, slots=True)
class Truncate:
    """Send the headers and half the body, then close the connection."""

    def __call__(self, reply: Reply) -> Reply:
        """Plan a cut body."""
        return replace(reply, delivery=Delivery.TRUNCATE)


@dataclass(frozen=True, slots=True)
class SlowBody:
    """Trickle the body in small chunks over ``seconds``."""

    seconds: float = 1.0

    def __call__(self, reply: Reply) -> Reply:
        """Plan a trickled body."""
        return replace(reply, delivery=Delivery.TRICKLE, trickle_seconds=self.seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class InjectedFault:
    """A fault with the probability that it fires on a request, and the text it came from."""

    fault: Fault
    probability: float = 1.0
    text: str = ""

    def __str__(self) -> str:
        return self.text


def parse_fault(text: str, *, option: str = "fault") -> InjectedFault:
    """The fault ``text`` describes; UsageError with the accepted forms otherwise.

    ``option`` names, in the error, what the user wrote the fault into (``--fault``,
    ``--mock-fault``).
    """
    spec, at, chance = text.strip().rpartition("@") if "@" in text else (text.strip(), "", "")
    probability = 1.0
    if at:
        try:
            probability = float(chance)
        except ValueError:
            probability = -1.0
        if not 0.0 <= probability <= 1.0:
            raise UsageError(f"bad {option} '{text}': probability must be a number in [0, 1]")
    kind, has_arg, arg = spec.partition(":")
    kind = kind.lower()
    fault: Fault
    if kind in ("reset", "truncate"):
        if has_arg:
            raise UsageError(f"bad {option} '{text}': '{kind}' takes no argument")
        fault = Reset() if kind == "reset" else Truncate()
    elif kind in ("delay", "slow-body"):
        if kind == "delay" and not has_arg:
            raise UsageError(f"bad {option} '{text}': delay needs seconds (delay:0.5)")
        seconds = _seconds(text, arg, option) if has_arg else 1.0
        fault = Delay(seconds) if kind == "delay" else SlowBody(seconds)
    elif kind in ("status", "html"):
        if kind == "status" and not has_arg:
            raise UsageError(f"bad {option} '{text}': status needs a code (status:503)")
        code = _code(text, arg, option) if has_arg else 502
        fault = Status(code) if kind == "status" else Html(code)
    else:
        raise UsageError(f"bad {option} '{text}': expected KIND[:ARG][@PROBABILITY]: {_FORMS}")
    return InjectedFault(fault=fault, probability=probability, text=text.strip())


class FaultInjector:
    """Applies faults to replies, each firing with its probability (seeded, thread-safe)."""

    def __init__(self, faults: Sequence[InjectedFault], seed: int) -> None:
        """Use ``faults`` in order; ``seed`` makes which requests they hit reproducible."""
        self._faults = tuple(faults)
        self._seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    @property
    def faults(self) -> tuple[InjectedFault, ...]:
        """The faults in force."""
        return self._faults

    def set_faults(self, faults: Sequence[InjectedFault]) -> None:
        """Replace the faults and restart the RNG."""
        with self._lock:
            self._faults = tuple(faults)
            self._rng = random.Random(self._seed)

    def __call__(self, reply: Reply) -> Reply:
        """``reply`` after every fault that fires this time."""
        with self._lock:
            # Draw for every fault, fired or not, so the sequence depends on the seed only.
            fired = [f.fault for f in self._faults if self._rng.random() < f.probability]
        for fault in fired:
            reply = fault(reply)
        return reply


def _seconds(text: str, arg: str, option: str) -> float:
    try:
        seconds = float(arg)
    except ValueError:
        seconds = -1.0
    if not 0.0 <= seconds <= 3600.0:
        raise UsageError(f"bad {option} '{text}': seconds must be a number in [0, 3600]")
    return seconds


def _code(text: str, arg: str, option: str) -> int:
    if not arg.strip().isdigit() or not 400 <= int(arg) <= 599:
        raise UsageError(f"bad {option} '{text}': the status must be an HTTP error code 400-599")
    return int(arg)


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"
