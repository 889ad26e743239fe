"""Offline replay: re-validate the responses of a HAR file against the current spec.

The file is read as a stream of parse events (ijson's ``basic_parse``, C backend when
available) that a small state machine turns into entries, keeping of each only what replay
needs: the request line, the status, the Content-Type and the body. One entry is in memory
at a time and findings are merged as they come, so ten thousand recorded responses cost the
memory of one. Browser and proxy exports and ``zdcontract run --record`` files are read
alike. A field replay reads (``request.url``, ``response.status``, ``content.text``...) whose
value is an object or an array counts as absent.

Three properties of ijson's higher-level readers are avoided on purpose, because a HAR is
someone else's file:

* ``items``/``parse`` build a prefix string (``log.entries.item.a.a...``) for every
  level of nesting, each as long as its depth: a 60 KB HAR nested 30,000 deep needs
  gigabytes. Basic events carry no prefix; the state machine keeps a bounded path.
* yajl re-scans a token that spans reads from its start on every read, so one long
  string (a 50 MB body) costs the square of its length in 64 KB reads. Chunks double
  while no event comes out (the parser is inside one token) and fall back once one does.
* Bytes that are not UTF-8 (CESU-8 surrogates among them) raise UnicodeDecodeError from
  the C backend, not a JSON error: either way, the file is not JSON, and that is one line.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped,unused-ignore]

from ..drift import DriftValidator, Finding, aggregate
from ..errors import UsageError
from ..files import open_input

__all__ = ["HarEntry", "ReplaySummary", "iter_har", "replay_har"]

#: Bytes read at a time. With reads of 64 KiB, parsing a HAR of 10-activity pages took 1.7
#: times as long: yajl re-scans the token a read ends in (a recorded body, mostly), and the
#: allocator gives back and takes again the heap top for each 64 KiB bytes object. From
#: 256 KiB on neither shows, and the events of one read stay a few MiB.
_CHUNK = 256 * 1024
_MAX_CHUNK = 1 << 30
#: How deep into an entry the path is tracked: the deepest field read is
#: response.headers[i].name (four levels). Deeper levels are only counted.
_TRACKED = 4

# Field of an entry (its path of keys, "*" for an array index) -> name in _fields.
_WANTED = {
    ("request", "method"): "method",
    ("request", "url"): "url",
    ("response", "status"): "status",
    ("response", "content", "mimeType"): "mime",
    ("response", "content", "text"): "text",
    ("response", "content", "encoding"): "encoding",
    ("response", "content", "size"): "size",
    ("response", "headers", "*", "name"): "header_name",
    ("response", "headers", "*", "value"): "header_value",
}
_HEADER = ("response", "headers", "*")
_HEADER_FIELDS = frozenset({"header_name", "header_value"})
_SCALARS = frozenset({"string", "number", "integer", "double", "boolean", "null"})
_SECTIONS = frozenset({"request", "response"})


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
    not_entries: int = 0  # an item of log.entries that is not an object at all
    operations: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)

    @property
    def exercised(self) -> bool:
        """Whether any response was validated: a replay of none says nothing of the contract."""
        return self.validated > 0

    def skipped(self) -> dict[str, int]:
        """Entries not validated, by reason (JSON keys of ``zdcontract validate --har``)."""
        return {
            "unmatched": self.unmatched,
            "no_response": self.no_response,
            "no_body": self.no_body,
            "not_entries": self.not_entries,
        }

    def describe(self) -> str:
        """One line: how many entries were validated and why the others were not."""
        per = ", ".join(f"{op} {n}" for op, n in sorted(self.operations.items()))
        skipped = [
            f"{self.unmatched} matching no operation" if self.unmatched else "",
            f"{self.no_response} without a response" if self.no_response else "",
            f"{self.no_body} without a recorded body" if self.no_body else "",
            f"{self.not_entries} that are not entry objects" if self.not_entries else "",
        ]
        reasons = "; ".join(s for s in skipped if s)
        return (
            f"{self.entries} entries, {self.validated} validated"
            + (f" ({per})" if per else "")
            + (f"; skipped: {reasons}" if reasons else "")
        )


def iter_har(path: str | os.PathLike[str]) -> Iterator[HarEntry | None]:
    """The entries of the HAR at ``path``, streamed (None for an item that is no entry).

    UsageError for a file that cannot be read or is not HAR.
    """
    name = os.fspath(path)
    try:
        # A regular file only: a FIFO would block the replay, a device never end it.
        with open_input(name, "HAR file") as handle:
            yield from _Reader(name).entries(handle)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def replay_har(path: str | os.PathLike[str], validator: DriftValidator) -> ReplaySummary:
    """Validate every response of the HAR at ``path`` that an operation of the spec serves."""
    summary = ReplaySummary()
    matched: dict[tuple[str, str], str | None] = {}
    for entry in iter_har(path):
        summary.entries += 1
        if entry is None:
            summary.not_entries += 1
            continue
        if entry.status <= 0:
            summary.no_response += 1
            continue
        operation = _operation(validator, entry, matched)
        if operation is None:
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


def _operation(
    validator: DriftValidator, entry: HarEntry, seen: dict[tuple[str, str], str | None]
) -> str | None:
    """The operation serving the entry's request (remembered: captures repeat URLs)."""
    key = (entry.method, entry.url)
    if key not in seen:
        if len(seen) >= 4096:
            seen.clear()
        try:
            seen[key] = validator.spec.match(entry.method, entry.url).operation_id
        except UsageError:
            seen[key] = None
    return seen[key]


class _Reader:
    """Parse events of a HAR in, entries out: a state machine with a bounded path."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.index = -1
        self.saw_log = False
        self.saw_entries = False
        self._depth = 0  # open containers
        self._keys: list[Any] = [None] * (3 + _TRACKED + 1)  # the key (or "*") at each level
        self._in_entries = False  # inside the log.entries array
        self._entry: dict[str, Any] | None = None  # the wanted fields of the entry being read
        self._headers: list[tuple[Any, Any]] = []
        self._header: dict[str, Any] = {}

    def entries(self, handle: BinaryIO) -> Iterator[HarEntry | None]:
        events = ijson.sendable_list()
        parser = ijson.basic_parse_coro(events, use_float=True)
        size = _CHUNK
        try:
            while chunk := handle.read(size):
                parser.send(chunk)
                # No event out of a chunk: inside one long token; read more at once.
                size = _CHUNK if events else min(2 * size, _MAX_CHUNK)
                yield from self._feed(events)
                del events[:]
            parser.close()
            yield from self._feed(events)
        except ijson.JSONError as exc:
            raise UsageError(
                f"{self.name} is not a HAR file: {' '.join(str(exc).split())}"
            ) from None
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{self.name} is not a HAR file: not UTF-8 (byte {exc.start} of a string)"
            ) from None
        if not self.saw_log:
            raise UsageError(f"{self.name} is not a HAR file (no top-level 'log' object)")
        if not self.saw_entries:
            raise UsageError(f"{self.name} is not a HAR file ('log' has no 'entries' array)")

    def _feed(self, events: list[tuple[str, Any]]) -> Iterator[HarEntry | None]:
        """Entries completed by ``events``: each item of log.entries once it closes.

        The hottest loop of a replay (some thirty events an entry): events are tested in the
        order of their frequency (keys, scalars, openings, closings) and the field a scalar
        fills is looked up by its path from the entry down.
        """
        keys, depth, entry, inside = self._keys, self._depth, self._entry, self._in_entries
        tracked = len(keys)
        wanted = _WANTED
        for event, value in events:
            if event == "map_key":
                if depth < tracked:
                    keys[depth] = value
            elif event in _SCALARS:
                if entry is not None:  # a scalar inside an entry: only a few are read
                    if 4 < depth < tracked:
                        if keys[4] in _SECTIONS:
                            name = wanted.get(tuple(keys[4 : depth + 1]))
                            if name is not None:
                                (self._header if name in _HEADER_FIELDS else entry)[name] = value
                    elif depth == 4 and keys[4] == "startedDateTime":
                        entry["started"] = value
                elif depth == 3 and inside:  # a scalar where an entry should be
                    self.index += 1
                    yield None
                elif depth < 3:
                    self._scalar(depth)
            elif event == "start_map" or event == "start_array":
                if depth < 3:
                    self._open(depth, event)
                    inside = self._in_entries
                elif depth == 3 and inside:  # an item of log.entries
                    self.index += 1
                    entry = {} if event == "start_map" else None
                    self._headers = []
                depth += 1
                if depth < tracked:
                    keys[depth] = "*" if event == "start_array" else None
            elif event == "end_map" or event == "end_array":
                depth -= 1
                if depth == 3 and inside:
                    yield None if entry is None else self._build(entry)
                    entry = None
                elif depth == 2 and inside:
                    inside = self._in_entries = False
                elif depth == 6 and entry is not None and tuple(keys[4:7]) == _HEADER:
                    header = self._header
                    self._headers.append((header.get("header_name"), header.get("header_value")))
                    self._header = {}
        self._depth, self._entry = depth, entry

    def _open(self, depth: int, event: str) -> None:
        """Check the containers on the way to the entries: {"log": {"entries": [...]}}."""
        keys = self._keys
        if depth == 0 and event != "start_map":
            raise UsageError(f"{self.name} is not a HAR file (no top-level 'log' object)")
        if depth == 1 and keys[1] == "log":
            if event != "start_map":
                raise UsageError(f"{self.name} is not a HAR file ('log' is not an object)")
            self.saw_log = True
        if depth == 2 and keys[1] == "log" and keys[2] == "entries":
            if event != "start_array":
                raise UsageError(f"{self.name} is not a HAR file ('log.entries' is not an array)")
            self.saw_entries = self._in_entries = True

    def _scalar(self, depth: int) -> None:
        """A scalar above the entries: only where it changes nothing."""
        keys = self._keys
        if depth == 0:
            raise UsageError(f"{self.name} is not a HAR file (no top-level 'log' object)")
        if depth == 1 and keys[1] == "log":
            raise UsageError(f"{self.name} is not a HAR file ('log' is not an object)")
        if depth == 2 and keys[1] == "log" and keys[2] == "entries":
            raise UsageError(f"{self.name} is not a HAR file ('log.entries' is not an array)")

    def _build(self, fields: dict[str, Any]) -> HarEntry:
        status = fields.get("status")
        if type(status) is not int:  # a JSON integer, nearly always
            try:
                status = int(status or 0)
            except (TypeError, ValueError, OverflowError):
                status = 0
        header = None
        for name, value in self._headers:  # a browser records a dozen or two
            if isinstance(name, str) and len(name) == 12 and name.lower() == "content-type":
                header = str(value)
                break
        mime = fields.get("mime")
        return HarEntry(
            index=self.index,
            method=str(fields.get("method") or "GET"),
            url=str(fields.get("url") or ""),
            status=status,
            content_type=header or (str(mime) if mime else None),
            body=_body(fields),
            started=str(fields["started"]) if fields.get("started") else None,
        )


def _body(fields: dict[str, Any]) -> bytes | None:
    text = fields.get("text")
    if not isinstance(text, str):
        # Exports leave bodies out (Chrome without content, size limits); an empty body
        # recorded as size 0 is still an empty body.
        return b"" if fields.get("size") == 0 else None
    if fields.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            return None
    return text.encode("utf-8", "surrogatepass")
