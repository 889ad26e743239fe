"""Which documented response and media type a response falls under (stages 1 and 2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .decode import is_json_media_type
from .findings import Kind
from .translate import Issue

__all__ = ["Route", "bare_type", "match_media_type", "openapi_core_picks", "response_key", "route"]

#: Where stages 1 and 2 leave a response: its envelope issues (none: nothing to validate),
#: or the documented response key and media type whose schema the body must match.
Route = tuple[Issue, ...] | tuple[str, str]


def route(
    operation: str, responses: Mapping[str, Any], status: int, content_type: str | None
) -> Route:
    """Stages 1 and 2: is the status documented, and the media type under it?"""
    key = response_key(responses, status)
    if key is None:
        documented = ", ".join(sorted(responses)) or "none"
        message = f"status {status} is not documented for {operation} (documented: {documented})"
        return (Issue(Kind.UNDOCUMENTED_STATUS, "", message, documented, str(status)),)
    content = responses[key].get("content") or {}
    if not content:
        return ()  # nothing documented about the body
    received = bare_type(content_type)
    matched = match_media_type(content, received)
    if matched is None:
        shown = received or "no Content-Type"
        listed = ", ".join(content)
        message = (
            f"content type {shown} is not documented for {operation} {status} "
            f"(documented: {listed})"
        )
        return (Issue(Kind.UNDOCUMENTED_CONTENT_TYPE, "", message, listed, shown),)
    if not is_json_media_type(matched.split(";")[0]):
        return ()  # only JSON bodies are validated against schemas
    return (key, matched)


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
