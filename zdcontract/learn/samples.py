"""Observed responses to learn from: read from HAR files, matched to the spec's operations."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..drift._envelope import bare_type
from ..drift.decode import NO_VALUE, decode_json, is_json_media_type
from ..errors import UsageError
from ..files import open_input
from ..monitor.har import iter_har
from ..spec import Spec

__all__ = ["Evidence", "Sample", "read_samples"]


@dataclass(frozen=True, slots=True)
class Sample:
    """One observed response of one operation."""

    operation: str
    status: int
    content_type: str | None
    body: bytes
    source: str  # the file it was read from
    started: str | None = None  # when it was sent (HAR startedDateTime)

    @property
    def media_type(self) -> str:
        """The bare, lower-case media type ("" when the response had none)."""
        return bare_type(self.content_type)

    def value(self) -> Any:
        """The decoded JSON body, or NO_VALUE when it is not (strictly decodable) JSON."""
        if not is_json_media_type(self.media_type):
            return NO_VALUE
        decoded = decode_json(self.body)
        return NO_VALUE if decoded.problems else decoded.value


def read_samples(paths: Sequence[str | os.PathLike[str]], spec: Spec) -> list[Sample]:
    """The responses of the HAR files at ``paths`` that an operation of ``spec`` serves.

    UsageError (one line) for a file that is not HAR, a zdcontract JSON report (it holds
    findings, not bodies) and for files with no response any operation serves, or none
    with its body recorded.
    """
    samples: list[Sample] = []
    entries = bodiless = 0
    for path in paths:
        name = os.fspath(path)
        _refuse_report(name)
        for entry in iter_har(name):
            entries += 1
            if entry is None or entry.status <= 0:
                continue
            try:
                operation = spec.match(entry.method, entry.url).operation_id
            except UsageError:
                continue
            if entry.body is None:
                bodiless += 1
                continue
            samples.append(
                Sample(
                    operation=operation,
                    status=entry.status,
                    content_type=entry.content_type,
                    body=entry.body,
                    source=Path(name).name,
                    started=entry.started,
                )
            )
    if not samples:
        files = ", ".join(os.fspath(p) for p in paths)
        if bodiless:
            raise UsageError(
                f"{files}: the {bodiless} responses of operations of {spec.source} were "
                f"recorded without their bodies ({entries} entries): nothing to learn from; "
                "export the HAR with content"
            )
        raise UsageError(
            f"{files}: no recorded response matches an operation of {spec.source} "
            f"({entries} entries)"
        )
    return samples


def _refuse_report(name: str) -> None:
    # A regular file only, as the HAR reader opens it: a FIFO would block the open itself.
    with open_input(name, "HAR file") as handle:
        try:
            head = handle.read(4096)
        except OSError as exc:
            raise UsageError(f"cannot read HAR file {name}: {exc.strerror or exc}") from None
    if b'"schema_version"' in head and b'"findings"' in head and b'"log"' not in head:
        raise UsageError(
            f"{name} is a zdcontract report: it holds findings, not response bodies; "
            "record the run with --record FILE and learn from that HAR"
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """What backs one learned change: how many responses, from where, and when."""

    responses: int
    operations: tuple[str, ...]
    sources: tuple[str, ...]
    first: str | None
    last: str | None

    @classmethod
    def of(cls, samples: Iterable[Sample]) -> Evidence:
        """The evidence of these samples."""
        chosen = list(samples)
        times = sorted(s.started for s in chosen if s.started)
        return cls(
            responses=len(chosen),
            operations=tuple(sorted({s.operation for s in chosen})),
            sources=tuple(sorted({s.source for s in chosen})),
            first=times[0] if times else None,
            last=times[-1] if times else None,
        )

    def __str__(self) -> str:
        noun = "response" if self.responses == 1 else "responses"
        text = f"Evidence: {self.responses} {noun} ({', '.join(self.operations)}) "
        text += f"in {', '.join(self.sources)}"
        if self.first and self.last:
            text += f"; first seen {self.first}, last seen {self.last}"
        return text + "."
