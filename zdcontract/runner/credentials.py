"""Credentials for a live Zendesk, and the one rule about them: they never leave the client.

``Credentials`` has no readable repr, and ``secrets()`` lists every form a secret can take
in text (the token, and the base64 of a Basic header) so that everything zdcontract writes
can be scrubbed of them as a last line of defence.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import UsageError
from ..masking import MASK, mask_secrets

__all__ = ["MASK", "Credentials", "credentials_from", "mask_secrets"]


@dataclass(frozen=True, slots=True)
class Credentials:
    """An API token (HTTP Basic as ``{email}/token``) or an OAuth bearer token."""

    scheme: str  # "basic" or "bearer"
    email: str = ""
    token: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        # A bearer token goes into the header as it is, and requests quotes an invalid
        # header value in full in its exception: refuse one here, without showing it.
        # (A Basic header is base64: any email and API token can be sent.)
        if self.scheme == "bearer" and not _sendable(self.token):
            raise UsageError(
                "the OAuth token holds whitespace, control or non-ASCII characters; "
                "it cannot be sent in an HTTP header"
            )

    def __repr__(self) -> str:
        return f"Credentials(scheme={self.scheme!r}, email={'***' if self.email else ''!r})"

    __str__ = __repr__

    def header(self) -> str:
        """The Authorization header value."""
        if self.scheme == "bearer":
            return f"Bearer {self.token}"
        raw = f"{self.email}/token:{self.token}".encode()
        return "Basic " + base64.b64encode(raw).decode()

    def secrets(self) -> tuple[str, ...]:
        """Every string that must never appear in output: the token, the Basic header's
        base64 and the token's own base64 (standard and URL-safe alphabets)."""
        token = self.token.encode()
        found = [
            self.token,
            self.header().split(" ", 1)[1],
            base64.b64encode(token).decode().rstrip("="),
            base64.urlsafe_b64encode(token).decode().rstrip("="),
        ]
        return tuple(dict.fromkeys(s for s in found if s))

    def curl_option(self) -> str:
        """How a reproducer authenticates: by environment variable, never by value."""
        if self.scheme == "bearer":
            return '-H "Authorization: Bearer $ZENDESK_OAUTH_TOKEN"'
        return '-u "$ZENDESK_EMAIL/token:$ZENDESK_API_TOKEN"'


def credentials_from(
    environ: Mapping[str, str] | None = None, config: Mapping[str, object] | None = None
) -> Credentials | None:
    """Credentials from ZENDESK_OAUTH_TOKEN, ZENDESK_EMAIL + ZENDESK_API_TOKEN, or the config.

    The environment wins over the config file; a half-given pair is a UsageError.
    """
    env = os.environ if environ is None else environ
    cfg = config or {}
    # Surrounding whitespace is an accident of how the value was set (a newline from
    # $(cat token.txt), a CR from a .env file written on Windows), never part of a token.
    bearer = (env.get("ZENDESK_OAUTH_TOKEN") or str(cfg.get("oauth-token") or "")).strip()
    email = (env.get("ZENDESK_EMAIL") or str(cfg.get("email") or "")).strip()
    token = (env.get("ZENDESK_API_TOKEN") or str(cfg.get("api-token") or "")).strip()
    if bearer and not _sendable(bearer):
        raise UsageError(
            "ZENDESK_OAUTH_TOKEN holds whitespace, control or non-ASCII characters; "
            "it cannot be sent in an HTTP header (its value is not shown)"
        )
    if bearer:
        return Credentials("bearer", token=bearer)
    if email and token:
        return Credentials("basic", email=email, token=token)
    if token and not email:
        raise UsageError(
            "ZENDESK_API_TOKEN is set but ZENDESK_EMAIL is not: an API token needs both"
        )
    return None


def _sendable(value: str) -> bool:
    """Printable ASCII without spaces: what a header can carry as it is."""
    return all("!" <= ch <= "~" for ch in value)
