"""Zendesk's error answers as exceptions that render their own status, headers and body.

The state and the HTTP layer raise these; the app turns any of them into a reply with
``exc.reply()`` (moto's ``exceptions.py`` pattern). Bodies are the ones ZENDESK.md records.
"""

from __future__ import annotations

from .messages import TEXT, Reply

__all__ = [
    "AuthenticationFailed",
    "Forbidden",
    "InvalidEndpoint",
    "InvalidPaginationDepth",
    "InvalidParameter",
    "InvalidToken",
    "MockError",
    "RateLimited",
    "RecordNotFound",
]


class MockError(Exception):
    """An error answer of the mock API."""

    status = 500

    def reply(self) -> Reply:
        """The HTTP reply this error renders as."""
        raise NotImplementedError


class RecordNotFound(MockError):
    """404 for an activity id that does not exist."""

    status = 404

    def reply(self) -> Reply:
        """``{"error":"RecordNotFound","description":"Not found"}``."""
        return Reply.json({"error": "RecordNotFound", "description": "Not found"}, self.status)


class InvalidEndpoint(MockError):
    """404 for a path (or method) no route serves."""

    status = 404

    def reply(self) -> Reply:
        """``{"error":"InvalidEndpoint","description":"Not found"}``."""
        return Reply.json({"error": "InvalidEndpoint", "description": "Not found"}, self.status)


class InvalidParameter(MockError):
    """400 for a malformed query or path parameter, in the ``errors`` list shape."""

    status = 400

    def __init__(self, code: str, title: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.title, self.detail = code, title, detail

    def reply(self) -> Reply:
        """``{"errors":[{"code","title","detail"}]}``."""
        error = {"code": self.code, "title": self.title, "detail": self.detail}
        return Reply.json({"errors": [error]}, self.status)


class InvalidPaginationDepth(InvalidParameter):
    """400 for an offset page past page 100 or record 10,000."""

    def __init__(self) -> None:
        super().__init__(
            "InvalidPaginationDepth",
            "Invalid pagination depth",
            "Offset pagination is limited to the first 100 pages or 10,000 records. "
            "Use cursor pagination to fetch more records.",
        )


class AuthenticationFailed(MockError):
    """401 for missing or wrong basic credentials (also the answer when no credentials came)."""

    status = 401

    def reply(self) -> Reply:
        """``{"error":"Couldn't authenticate you"}`` with a Basic challenge."""
        reply = Reply.json({"error": "Couldn't authenticate you"}, self.status)
        return reply.with_headers(("www-authenticate", 'Basic realm="Web Password"'))


class InvalidToken(MockError):
    """401 for a bearer (OAuth) token that is not the configured one."""

    status = 401

    def reply(self) -> Reply:
        """``{"error":"invalid_token","error_description":...}``."""
        description = (
            "The access token provided is expired, revoked, malformed or invalid for other reasons."
        )
        return Reply.json({"error": "invalid_token", "error_description": description}, self.status)


class Forbidden(MockError):
    """403 as Zendesk words it (used by the ``status:403`` fault)."""

    status = 403

    def reply(self) -> Reply:
        """``{"error":{"title":"Forbidden","message":...}}``."""
        message = (
            "You do not have access to this page. Please contact the account owner of this "
            "help desk for further help."
        )
        return Reply.json({"error": {"title": "Forbidden", "message": message}}, self.status)


class RateLimited(MockError):
    """429 past the per-minute limit: a plain-text body and ``Retry-After``."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = max(1, retry_after)

    def reply(self) -> Reply:
        """``Number of allowed API requests per minute exceeded`` as text/plain."""
        return Reply(
            status=self.status,
            body=b"Number of allowed API requests per minute exceeded",
            content_type=TEXT,
            headers=(("retry-after", str(self.retry_after)),),
        )
