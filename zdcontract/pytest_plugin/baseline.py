"""Known drift: the fingerprints a ``--zd-baseline`` file lists.

A known finding is still recorded and reported; it only stops counting towards
``--zd-fail-on``. Accepted shapes, so that yesterday's report can be today's baseline:

* a JSON report of zdcontract (``{"findings": [{"fingerprint": ...}, ...]}``);
* a baseline file of the monitor (``zdcontract run --update-baseline``:
  ``{"version": 1, "entries": [{"fingerprint": ...}, ...]}``);
* ``{"fingerprints": ["op|kind|/path", ...]}``;
* a list of fingerprints, or of objects with a ``fingerprint``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files import read_input_file

__all__ = ["load_baseline"]


def load_baseline(path: Path) -> frozenset[str]:
    """The fingerprints ``path`` lists; UsageError when it cannot be read as a baseline."""
    if not path.exists():
        raise UsageError(f"--zd-baseline: {path} does not exist")
    try:
        # A regular file only: a FIFO would hold the session's start forever.
        data = json.loads(read_input_file(path, "--zd-baseline", 64 << 20).decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--zd-baseline: cannot read {path}: {exc}") from None
    except ValueError as exc:
        raise UsageError(f"--zd-baseline: {path} is not JSON: {exc}") from None
    if isinstance(data, dict):
        entries: Any = next(
            (data[k] for k in ("findings", "entries", "fingerprints") if k in data), None
        )
    else:
        entries = data
    if not isinstance(entries, list):
        raise UsageError(
            f"--zd-baseline: {path} holds neither a report's findings nor a list of fingerprints"
        )
    return frozenset(_fingerprints(entries, path))


def _fingerprints(entries: Iterable[Any], path: Path) -> Iterable[str]:
    for index, entry in enumerate(entries):
        value = entry.get("fingerprint") if isinstance(entry, dict) else entry
        if not isinstance(value, str) or not value:
            raise UsageError(f"--zd-baseline: entry {index} of {path} has no fingerprint")
        yield value
