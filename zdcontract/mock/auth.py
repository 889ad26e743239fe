"""Zendesk's two ways in: an API token over Basic auth, or an OAuth bearer token."""

from __future__ import annotations

import base64
import binascii
import hmac

from .errors import AuthenticationFailed, InvalidToken

__all__ = ["Authenticator"]


class Authenticator:
    """Checks ``Authorization`` against one token (and optionally one email)."""

    def __init__(self, token: str, email: str | None = None) -> None:
        """Accept basic ``{email}/token`` + token (any email if ``email`` is None) or a bearer."""
        self._token = token.encode()
        self._email = email.lower() if email else None

    def __repr__(self) -> str:
        return f"Authenticator(email={self._email!r}, token=<hidden>)"

    def check(self, authorization: str | None) -> None:
        """Return when the header is acceptable; raise the 401 Zendesk would send otherwise."""
        scheme, _, credentials = (authorization or "").strip().partition(" ")
        if scheme.lower() == "bearer":
            if not hmac.compare_digest(credentials.strip().encode(), self._token):
                raise InvalidToken()
            return
        if scheme.lower() != "basic":
            raise AuthenticationFailed()  # no credentials at all: the Basic challenge
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            # ValueError: b64decode refuses a str with non-ASCII characters (header bytes
            # 0x80-0xFF arrive as Latin-1), which escaped as a 500 instead of the 401.
            raise AuthenticationFailed() from None
        user, _, password = decoded.partition(":")
        email, suffix = user[: -len("/token")], user[-len("/token") :]
        # A password login (no "/token") never matches: the mock knows only the API token.
        if suffix != "/token" or not email:
            raise AuthenticationFailed()
        if self._email is not None and email.lower() != self._email:
            raise AuthenticationFailed()
        if not hmac.compare_digest(password.encode(), self._token):
            raise AuthenticationFailed()
