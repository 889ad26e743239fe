"""Sending a Reply over ASGI according to its delivery plan (normal, reset, truncate, trickle)."""

from __future__ import annotations

import asyncio

from ._asgi import Receive, Send, drop_connection
from .messages import Delivery, Reply

__all__ = ["deliver", "status_sent"]

_TRICKLE_CHUNKS = 10


def status_sent(reply: Reply) -> int:
    """The status a client will see for ``reply``: 0 when the connection drops before one."""
    return 0 if reply.delivery is Delivery.RESET else reply.status


async def deliver(reply: Reply, *, head: bool, send: Send, receive: Receive) -> None:
    """Send ``reply`` as its plan says (its ``delay`` is the caller's to wait)."""
    if reply.delivery is Delivery.RESET:
        await drop_connection(send, receive, reset=True)
        return
    headers = reply.raw_headers()
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    body = b"" if head else reply.body
    if reply.delivery is Delivery.TRUNCATE:
        # Content-Length promises the whole body; half of it arrives, cut mid-JSON.
        half = body[: len(body) // 2]
        await send({"type": "http.response.body", "body": half, "more_body": True})
        await drop_connection(send, receive, reset=False)
    elif reply.delivery is Delivery.TRICKLE and body:
        step = max(1, -(-len(body) // _TRICKLE_CHUNKS))
        chunks = [body[i : i + step] for i in range(0, len(body), step)]
        pause = reply.trickle_seconds / len(chunks)
        for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await asyncio.sleep(pause)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    else:
        await send({"type": "http.response.body", "body": body, "more_body": False})
