"""Writing the session's reports with the writers ``zdcontract run`` uses.

``--zd-report PATH`` names the JSON report; the other formats of ``--zd-report-formats``
go beside it under the CLI's file names (``zdcontract-junit.xml``, ``zdcontract-report.md``,
``zdcontract-report.html``), so a CI step reads the same files whichever front-end ran.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import UsageError
from ..reports import atomic_write_text, redact_result, render_json, write_reports
from ..results import RunResult

__all__ = ["write_session_reports"]


def write_session_reports(
    result: RunResult,
    report: Path,
    *,
    formats: Sequence[str] = ("json",),
    secrets: Iterable[str] = (),
) -> dict[str, Path]:
    """Write ``result``: JSON to ``report``, other formats beside it; return format -> path.

    Raises:
        UsageError: a report that cannot be written (the message names it).
    """
    secrets = tuple(s for s in secrets if s)
    paths: dict[str, Path] = {}
    if "json" in formats:
        try:
            # Every string of the data is masked before rendering, as write_reports does.
            paths["json"] = atomic_write_text(report, render_json(redact_result(result, secrets)))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UsageError(f"cannot write {os.fspath(report)}: {reason}") from exc
    others = [name for name in formats if name != "json"]
    if others:
        paths.update(write_reports(result, report.parent, formats=others, secrets=secrets))
    return paths
