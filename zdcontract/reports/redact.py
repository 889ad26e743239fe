"""Defence in depth against credentials in reports.

The runner never puts a secret into a RunResult, and the writers add nothing that is not
in it; still, an API may echo a token back in a body that becomes a finding's message, and
a reproducing curl command may carry an ``Authorization`` header. Encoding a secret (the
base64 of ``email/token:secret`` in a Basic header) is the runner's business: here a secret
is a plain substring.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

__all__ = ["MASK", "redact", "redact_result"]

MASK = "***"

_T = TypeVar("_T")

# "Authorization: Bearer abc", also quoted as in JSON or curl -H '...': the scheme stays
# (it says how the run authenticated), the credentials after it go, to the end of the
# quoted string or line. A lone token without a scheme goes too.
_AUTHORIZATION = re.compile(
    r"(?P<head>\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?)"
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9._~+-]*)(?P<gap>[ \t]+))?(?P<value>[^\s\"'][^\r\n\"']*)",
    re.IGNORECASE,
)
# curl -u user:password / --user user:password: the password goes.
_CURL_USER = re.compile(
    r"(?P<head>(?<!\S)(?:-u|--user)[ \t=]+[\"']?[^\s:\"']*:)(?P<value>[^\s\"']+)"
)
# A shell variable ($ZENDESK_API_TOKEN, ${ZENDESK_OAUTH_TOKEN}) names where a secret is, not
# what it is: a reproducer that reads its credentials from the environment stays runnable.
_SHELL_VARIABLE = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})")


# A value shown cut short ends in "..." (after a closing quote when it was repr'd): a secret
# cut that way is still most of the secret, and its head goes as the whole would.
_CUT_MARKS = ("...", "'...", '"...', "\u2026")
_SHORTEST_HEAD = 8


def _mask_heads(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if len(secret) <= _SHORTEST_HEAD:
            continue
        start = text.find(secret[:_SHORTEST_HEAD])
        while start != -1:
            size = _SHORTEST_HEAD
            while size < len(secret) and text[start + size : start + size + 1] == secret[size]:
                size += 1
            if text.startswith(_CUT_MARKS, start + size):
                text = text[:start] + MASK + text[start + size :]
                start += len(MASK)
            else:
                start += 1
            start = text.find(secret[:_SHORTEST_HEAD], start)
    return text


def redact(text: str, secrets: Iterable[str] = (), *, headers: bool = True) -> str:
    """``text`` with every non-empty secret, and Authorization credentials, replaced by MASK.

    Args:
        text: raw text (a message, a curl command), not markup: masking a header value
            runs to the end of the line or quoted string.
        secrets: strings to replace wherever they occur.
        headers: also mask ``Authorization: <scheme> <value>`` and ``curl -u user:password``.

    Example:
        >>> redact("curl -H 'Authorization: Bearer s3cr3t' x?t=s3cr3t", ["s3cr3t"])
        "curl -H 'Authorization: Bearer ***' x?t=***"
    """
    # Longest first: a secret that contains another one must go whole.
    ordered = sorted({s for s in secrets if s}, key=len, reverse=True)
    for secret in ordered:
        text = text.replace(secret, MASK)
    if any(mark in text for mark in _CUT_MARKS):
        text = _mask_heads(text, ordered)
    if not headers:
        return text
    text = _AUTHORIZATION.sub(_mask_authorization, text)
    return _CURL_USER.sub(_mask_curl_user, text)


def redact_result(value: _T, secrets: Iterable[str] = ()) -> _T:
    """A copy of a RunResult (or any frozen dataclass tree) with every string redacted.

    Redacting the data before it is rendered catches a secret whatever escaping a format
    applies later (JSON ``\\"``, HTML ``&amp;``...), which text-level redaction would miss.
    """
    return _scrub(value, tuple(secrets))  # type: ignore[no-any-return]


def _scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, Enum):  # Kind and Severity are str subclasses, and stay enums
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _scrub(getattr(value, f.name), secrets) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, Mapping):
        return {_scrub(k, secrets): _scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_scrub(v, secrets) for v in value)
    return value


def _mask_authorization(match: re.Match[str]) -> str:
    scheme = f"{match['scheme']}{match['gap']}" if match["scheme"] else ""
    if _SHELL_VARIABLE.fullmatch(match["value"].strip()):
        return match[0]
    return f"{match['head']}{scheme}{MASK}"


def _mask_curl_user(match: re.Match[str]) -> str:
    if _SHELL_VARIABLE.fullmatch(match["value"]):
        return match[0]
    return match["head"] + MASK
