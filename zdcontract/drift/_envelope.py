"""Which documented response and media type a response falls under (stages 1 and 2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["bare_type", "match_media_type", "openapi_core_picks", "response_key"]


def openapi_core_picks(key: str, status: int) -> bool:
    """Whether openapi-core would pick the documented response ``key`` for ``status`` too.

    Its order is the status, the ``NXX`` range, ``default``; a lower-case ``2xx`` (which
    response_key also reads) is not one of its keys.
    """
    return key in (str(status), f"{str(status)[0]}XX", "default")


def response_key(responses: Mapping[str, Any], status: int) -> str | None:
    """The documented response a status falls under: exact, a range, or default."""
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            return key
    return None


def bare_type(content_type: str | None) -> str:
    """A Content-Type without parameters, lower-cased ("" for none)."""
    return (content_type or "").split(";")[0].strip().lower()


def match_media_type(content: Mapping[str, Any], media_type: str) -> str | None:
    """The documented media type a bare ``media_type`` falls under (exact, then ranges)."""
    if not media_type:
        return None
    for documented in content:
        bare = bare_type(documented)
        if bare == media_type:
            return str(documented)
    major = media_type.split("/")[0]
    for documented in content:
        bare = bare_type(documented)
        if bare in (f"{major}/*", "*/*"):
            return str(documented)
    return None
