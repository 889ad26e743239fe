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

from ..masking import MASK, mask_secrets

__all__ = ["MASK", "redact", "redact_result"]


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
    text = mask_secrets(text, secrets)
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
