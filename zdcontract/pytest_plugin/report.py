"""Writing the session's reports with the writers ``zdcontract run`` uses.

``--zd-report`` names a directory (every format of ``--zd-report-formats``, all four by
default, under the CLI's file names) or a JSON file (the other formats beside it, under
the CLI's names), so a CI step reads the same files whichever front-end ran. The target is
checked when the session starts: a session that runs for minutes must not find out at the
end that its report cannot be written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import UsageError
from ..reports import FILE_NAMES, atomic_write_text, redact_result, render_json, write_reports
from ..results import RunResult

__all__ = ["check_report_target", "write_session_reports"]


def check_report_target(report: Path, *, directory: bool) -> None:
    """UsageError (one line) unless the reports can be written where --zd-report says."""
    folder = report if directory else report.parent
    targets = [folder / name for name in FILE_NAMES.values()]
    if not directory:
        if report.is_dir():
            raise UsageError(f"--zd-report: {report} is a directory; name a .json file in it")
        targets.append(report)
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"--zd-report: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--zd-report: {existing} cannot be written")
    for target in targets:
        if target.exists() and (target.is_dir() or not os.access(target, os.W_OK)):
            raise UsageError(f"--zd-report: {target} cannot be written")


def write_session_reports(
    result: RunResult,
    report: Path,
    *,
    directory: bool = False,
    formats: Sequence[str] = ("json",),
    secrets: Iterable[str] = (),
) -> dict[str, Path]:
    """Write ``result`` as --zd-report says; return format -> path.

    Raises:
        UsageError: a report that cannot be written (the message names it).
    """
    secrets = tuple(s for s in secrets if s)
    if directory:
        return write_reports(result, report, formats=formats, secrets=secrets)
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
