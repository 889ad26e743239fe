"""Offline replay: re-validate the responses of a HAR file against the current spec.

The file is read with a streaming JSON parser (ijson, C backend when available): one entry
is in memory at a time and findings are merged as they come, so ten thousand recorded
responses cost the memory of one. Browser and proxy exports and ``zdcontract run --record``
files are read alike.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped,unused-ignore]

from ..drift import DriftValidator, Finding, aggregate
from ..errors import UsageError

__all__ = ["HarEntry", "ReplaySummary", "iter_har", "replay_har"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HarEntry:
    """What replay needs of one HAR entry: the request line and the response."""

    index: int
    method: str
    url: str
    status: int
    content_type: str | None
    body: bytes | None  # None: the export did not capture the body
    started: str | None = None  # startedDateTime, as the export wrote it


@dataclass(slots=True)
class ReplaySummary:
    """What a replay saw: entries by fate, validations per operation, merged findings."""

    entries: int = 0
    validated: int = 0
    unmatched: int = 0  # no operation of the spec serves the request
    no_response: int = 0  # status 0: blocked, failed or aborted in the browser
    no_body: int = 0  # the export left the body out
    operations: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)

    def describe(self) -> str:
        """One line: how many entries were validated and why the others were not."""
        per = ", ".join(f"{op} {n}" for op, n in sorted(self.operations.items()))
        skipped = [
            f"{self.unmatched} matching no operation" if self.unmatched else "",
            f"{self.no_response} without a response" if self.no_response else "",
            f"{self.no_body} without a recorded body" if self.no_body else "",
        ]
        reasons = "; ".join(s for s in skipped if s)
        return (
            f"{self.entries} entries, {self.validated} validated"
            + (f" ({per})" if per else "")
            + (f"; skipped: {reasons}" if reasons else "")
        )


def iter_har(path: str | os.PathLike[str]) -> Iterator[HarEntry]:
    """The entries of the HAR at ``path``, streamed; UsageError for a file that is not HAR."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            yield from _entries(name, handle)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def _entries(name: str, handle: BinaryIO) -> Iterator[HarEntry]:
    index = -1
    try:
        for index, raw in enumerate(ijson.items(handle, "log.entries.item", use_float=True)):
            yield _entry(index, raw)
        if index < 0 and not _has_log(handle):
            raise UsageError(f"{name} is not a HAR file (no top-level 'log' object)")
    except ijson.JSONError as exc:
        raise UsageError(f"{name} is not a HAR file: {' '.join(str(exc).split())}") from exc


def replay_har(path: str | os.PathLike[str], validator: DriftValidator) -> ReplaySummary:
    """Validate every response of the HAR at ``path`` that an operation of the spec serves."""
    summary = ReplaySummary()
    for entry in iter_har(path):
        summary.entries += 1
        if entry.status <= 0:
            summary.no_response += 1
            continue
        try:
            operation = validator.spec.match(entry.method, entry.url).operation_id
        except UsageError:
            summary.unmatched += 1
            continue
        if entry.body is None:
            summary.no_body += 1
            continue
        found = validator.validate(
            entry.body, operation=operation, status=entry.status, content_type=entry.content_type
        )
        summary.validated += 1
        summary.operations[operation] += 1
        if found:
            where = f"{entry.method} {entry.url} (HAR entry {entry.index})"
            found = [replace(f, request=where) for f in found]
            # Merged as they come: memory follows distinct drift, not the number of entries.
            summary.findings = aggregate([*summary.findings, *found])
    return summary


def _entry(index: int, raw: Any) -> HarEntry:
    raw = raw if isinstance(raw, Mapping) else {}
    request = _mapping(raw.get("request"))
    response = _mapping(raw.get("response"))
    content = _mapping(response.get("content"))
    try:
        status = int(response.get("status") or 0)
    except (TypeError, ValueError):
        status = 0
    header = next(
        (
            str(h.get("value"))
            for h in response.get("headers") or ()
            if isinstance(h, Mapping) and str(h.get("name", "")).lower() == "content-type"
        ),
        None,
    )
    return HarEntry(
        index=index,
        method=str(request.get("method") or "GET"),
        url=str(request.get("url") or ""),
        status=status,
        content_type=header or (str(content["mimeType"]) if content.get("mimeType") else None),
        body=_body(content),
        started=str(raw["startedDateTime"]) if raw.get("startedDateTime") else None,
    )


def _body(content: Mapping[str, Any]) -> bytes | None:
    text = content.get("text")
    if not isinstance(text, str):
        # Exports leave bodies out (Chrome without content, size limits); an empty body
        # recorded as size 0 is still an empty body.
        return b"" if content.get("size") == 0 else None
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            return None
    return text.encode("utf-8", "surrogatepass")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _has_log(handle: BinaryIO) -> bool:
    """Whether the file's top level has a ``log`` key (a HAR with no entries is still HAR)."""
    handle.seek(0)
    for prefix, event, value in ijson.parse(handle):
        if prefix == "" and event == "map_key" and value == "log":
            return True
    return False
