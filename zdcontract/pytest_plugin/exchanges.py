"""A response handed to ``zd_validate``, as the runner's Exchange.

A ``zd_client`` response already is one, with everything the client knew of its body (cut
off at the size bound, left in a content coding it does not decode); a ``requests.Response``
becomes one. Its findings then come from the function ``zdcontract run`` uses
(zdcontract.runner.observe.exchange_findings), so the same answer is the same finding in both.
"""

from __future__ import annotations

from typing import Any

from ..runner import Exchange
from ..runner._body import undecoded_codings

__all__ = ["as_exchange"]


def as_exchange(value: Any) -> Exchange:
    """``value`` if it is an Exchange, one made of a ``requests.Response``; TypeError else."""
    if isinstance(value, Exchange):
        return value
    status = getattr(value, "status_code", None)
    content = getattr(value, "content", None)
    request = getattr(value, "request", None)
    if isinstance(status, int) and isinstance(content, bytes):
        return Exchange(
            method=str(getattr(request, "method", None) or "GET"),
            url=str(getattr(value, "url", "")),
            params={},
            status=status,
            headers=value.headers,
            body=content,
            # requests decodes what urllib3 decodes, as the runner's client does.
            undecoded=undecoded_codings(value.headers),
        )
    raise TypeError(
        f"zd_validate takes a zd_client response or a requests.Response, not {type(value).__name__}"
    )
