"""SIGINT and SIGTERM for a ``zdcontract`` command: handled from its first line to its exit.

``main()`` installs the handlers before it imports a subcommand (a run's imports take
seconds on a loaded machine), so a signal at any moment ends the command with status 130
and the line "zdcontract: interrupted", never a traceback or a death by signal:

* while starting, and in a command that has nothing to save, the first signal raises
  KeyboardInterrupt in the main thread;
* a run defers: the first signal only asks it to stop (it then writes its reports whole),
  a second changes nothing, a third aborts at once;
* once the command's work is done, signals are only counted;
* a process that is zdcontract's own then ignores them for good: Python puts back the
  default action while it shuts down, and a signal there would kill it by signal.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

__all__ = ["SIGNALS", "Signals", "deferred", "install", "uninstall"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Signals:
    """What the signals so far have asked for; ``handle`` is the handler."""

    ABORT_AFTER = 3

    def __init__(self, *, deferring: bool = False) -> None:
        self.received = 0
        self.stop = threading.Event()
        self.deferring = deferring
        self.done = False  # a KeyboardInterrupt is on its way, or the work is over
        self.previous: dict[int, object] = {}

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """Count the signal, set ``stop``, and raise KeyboardInterrupt when that is the way."""
        self.received += 1
        self.stop.set()
        if self.done or (self.deferring and self.received < self.ABORT_AFTER):
            return
        self.done = True  # one KeyboardInterrupt: the exit it starts is not cut short again
        raise KeyboardInterrupt


_current: Signals | None = None


def install() -> Signals | None:
    """Handlers for this command (None outside the main thread, where none can be set)."""
    global _current
    state = Signals()
    try:
        state.previous = {sig: signal.signal(sig, state.handle) for sig in SIGNALS}
    except ValueError:
        return None
    _current = state
    return state


def uninstall(state: Signals | None, *, own_process: bool) -> None:
    """The command is over: ignore signals in a process of our own, else restore the host's."""
    global _current
    if state is None:
        return
    state.done = True
    _current = None
    for sig, handler in state.previous.items():
        signal.signal(sig, signal.SIG_IGN if own_process else _handler(handler))


@contextmanager
def deferred() -> Iterator[Signals]:
    """For a run: the first two signals only set ``stop``; the block's end ends the work.

    The handler never raises for the first two: an exception raised at an arbitrary point
    (inside a finalizer, half-way through a HAR entry, while the embedded mock shuts down)
    could lose the reports the stop is meant to keep. The run sees ``stop`` at its next
    request or wait and ends with what it found, marked interrupted.

    Called outside ``main()`` (the click command on its own), it installs handlers for the
    block and restores the previous ones after it.
    """
    state = _current
    if state is not None:
        state.deferring = True
        try:
            yield state
        finally:
            state.done = True
        return
    state = Signals(deferring=True)
    try:
        state.previous = {sig: signal.signal(sig, state.handle) for sig in SIGNALS}
    except ValueError:  # not the main thread
        yield state
        return
    try:
        yield state
    finally:
        for sig, handler in state.previous.items():
            signal.signal(sig, _handler(handler))


def _handler(previous: object) -> Any:
    # None: the previous handler was not set from Python; the default is the closest.
    return signal.SIG_DFL if previous is None else previous
