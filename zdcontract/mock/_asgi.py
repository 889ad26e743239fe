"""ASGI type aliases, and the one place that knows the internals of the ASGI server (uvicorn)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["ConnectionDropped", "Message", "Receive", "Scope", "Send", "drop_connection"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ConnectionDropped(Exception):
    """Raised to drop a connection when the server's transport cannot be reached."""


async def drop_connection(send: Send, receive: Receive, *, reset: bool) -> None:
    """Close the client's connection mid-exchange: RST when ``reset``, else FIN after the buffer.

    ASGI gives an app no handle on its socket. uvicorn's ``send`` is a bound method of its
    RequestResponseCycle, which holds the asyncio transport: aborting that transport after
    SO_LINGER 0 makes the kernel answer with RST, what a crashed or overloaded peer looks like.
    Elsewhere (another server, an in-process client) the fallback raises ConnectionDropped:
    servers close the connection of an app that fails, and in-process callers see the error.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if not isinstance(transport, asyncio.Transport):
        raise ConnectionDropped("fault injected: connection dropped")
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    # Return only once the server has seen the disconnect, so it does not complain that the
    # app "returned without starting/completing the response".
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(2.0):
            while (await receive())["type"] != "http.disconnect":
                pass
