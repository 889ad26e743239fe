"""Run history: one JSON line per run, appended, so a trend can be drawn from the file.

A line holds the run's time, target, exit code, counts by severity and by baseline status,
and the fingerprints by status. Lines are appended with one write call each; a line cut
short by a crash is skipped when reading, never an error.
"""

from __future__ import annotations

import json
import os
from collections import deque
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import UsageError
from ..files import open_for_append, open_input
from ..results import RunResult
from .baseline import Classification

__all__ = ["HISTORY_FILE", "append_history", "history_entry", "read_history"]

#: The history file's name inside the report directory.
HISTORY_FILE = "history.jsonl"


def history_entry(result: RunResult, classification: Classification) -> dict[str, Any]:
    """The history line of one run."""
    target = result.target
    return {
        "time": result.finished_at,
        "target": {"url": target.url, "kind": target.kind, "profile": target.profile},
        "seed": result.seed,
        "exit_code": result.exit_code,
        "interrupted": result.interrupted,
        "baseline": classification.source,
        "counts": {
            "severity": result.counts_by_severity(),
            "status": classification.counts(),
        },
        "fingerprints": {
            "new": sorted(f.fingerprint for f in classification.new),
            "known": sorted(f.fingerprint for f in classification.known),
            "resolved": sorted(e.fingerprint for e in classification.resolved),
        },
    }


def append_history(path: str | os.PathLike[str], entry: dict[str, Any]) -> Path:
    """Append ``entry`` as one line to the history at ``path`` (created with its directory)."""
    target = Path(path)
    line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # A regular file only: never through a link into its target, never into a device.
        with open_for_append(target, "history") as handle:
            if handle.seek(0, os.SEEK_END) and not _ends_with_newline(handle):
                handle.write(b"\n")  # the last run died mid-line: keep this one whole
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise UsageError(f"cannot append to history {target}: {exc.strerror or exc}") from exc
    return target


def read_history(path: str | os.PathLike[str], last: int = 50) -> list[dict[str, Any]]:
    """The last ``last`` readable lines of the history, oldest first; [] when there is none."""
    lines: deque[dict[str, Any]] = deque(maxlen=last)
    if not os.path.lexists(path):
        return []
    try:
        with open_input(path, "history") as handle:
            for raw in handle:  # streamed: a years-long history is never held whole
                try:
                    entry = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    lines.append(entry)
    except OSError as exc:
        raise UsageError(f"cannot read history {os.fspath(path)}: {exc.strerror or exc}") from exc
    return list(lines)


def _ends_with_newline(handle: BinaryIO) -> bool:
    handle.seek(-1, os.SEEK_END)
    return handle.read(1) == b"\n"
