"""After a run: classify against the baseline, decide the exit code, write everything down.

This is the monitor as a front-end calls it (the CLI today, the pytest plugin tomorrow):
no click, no terminal; what a person should read comes back as lines.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files import check_output_file
from ..reports import FILE_NAMES, redact_result, write_reports
from ..reports._summary import plural, verdict
from ..results import RunResult
from .baseline import (
    Baseline,
    Classification,
    classify,
    load_baseline,
    resolve_baseline,
    save_baseline,
    shipped_baseline,
    updated_baseline,
)
from .history import HISTORY_FILE, append_history, history_entry, read_history
from .notify import alert_payload, post_json
from .trend import trend_svg

__all__ = ["MonitorOptions", "Outcome", "check_writable", "finish_run", "select_baseline"]

#: Runs the trend chart shows.
TREND_RUNS = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitorOptions:
    """The monitor's options of one run (``--baseline``, ``--history``...)."""

    baseline: str | None = None
    update_baseline: str | None = None
    no_baseline: bool = False
    history: str | None = None  # default: <report dir>/history.jsonl
    notify_url: str | None = None
    record: str | None = None  # the HAR --record writes
    report_url: str | None = None  # where an alert points people (a CI run page)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What finish_run did: the final result, its exit code, files, and lines to show."""

    result: RunResult
    classification: Classification
    exit_code: int
    paths: dict[str, Path]
    messages: tuple[str, ...] = ()  # for stdout
    warnings: tuple[str, ...] = ()  # for stderr: a webhook that failed, a baseline not saved
    line: str = ""  # the verdict, the last line a front-end prints


def select_baseline(options: MonitorOptions, *, live: bool, profile: str) -> Baseline | None:
    """The baseline in force, for the CLI and the pytest plugin alike: --baseline (a file,
    or ``zendesk`` for the shipped one), else the file --update-baseline replaces, else the
    shipped Zendesk baseline for live targets and the zendesk-profile mock; None with
    --no-baseline. Read before the run, so a bad file fails fast."""
    if options.no_baseline and options.baseline:
        raise UsageError("give --baseline or --no-baseline, not both")
    if options.baseline:
        return resolve_baseline(options.baseline)
    if options.no_baseline:
        return None
    if options.update_baseline and Path(options.update_baseline).is_file():
        return load_baseline(options.update_baseline)
    if live or profile == "zendesk":
        return shipped_baseline("zendesk")
    return None


def check_writable(options: MonitorOptions, report_dir: str | os.PathLike[str]) -> None:
    """Before a run: every file it will write can be written; else one-line UsageError.

    A run can take an hour against a live account; an unwritable --history or
    --update-baseline must not be found out only once it is over.
    """
    targets = [("--report-dir", Path(report_dir) / name) for name in FILE_NAMES.values()]
    targets.append(("--history", Path(options.history or Path(report_dir) / HISTORY_FILE)))
    if options.update_baseline:
        targets.append(("--update-baseline", Path(options.update_baseline)))
    if options.record:
        targets.append(("--record", Path(options.record)))
    for option, path in targets:
        # A device node, FIFO or link in the way is refused before anything is sent: the
        # write would destroy the node, block, or go through the link.
        check_output_file(path, f"{option}:")
        existing = path.parent  # checked, not created: a run that never starts leaves nothing
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            raise UsageError(f"{option}: {existing} is not a directory")
        if not os.access(existing, os.W_OK | os.X_OK) or (
            path.exists() and not os.access(path, os.W_OK)
        ):
            raise UsageError(f"{option}: {path} cannot be written")


def finish_run(
    result: RunResult,
    options: MonitorOptions,
    baseline: Baseline | None,
    *,
    report_dir: str | os.PathLike[str],
    secrets: tuple[str, ...] = (),
    stop: threading.Event | None = None,
) -> Outcome:
    """Classify, set the exit code, write reports (HTML with the trend) and history,
    update the baseline when asked, and alert on new drift. ``stop``, once set (a signal),
    abandons an alert under way.

    Exit code: 130 when interrupted; 0 when the baseline was just updated (the drift is
    now accepted); otherwise 1 when a new finding reaches the run's fail-on, else 0.
    """
    # History, alerts and the baseline see the result as the reports do: a secret the
    # target echoed into a finding is masked here for every front-end, not only the CLI.
    result = redact_result(result, secrets)
    classification = classify(result.findings, baseline)
    extra: dict[str, Any] = dict(result.extra)
    if classification.source is not None:
        extra["baseline"] = classification.to_extra()
    result = replace(result, extra=extra)
    state = verdict(result)  # the one policy: the reports and the plugin read the same
    updating = bool(options.update_baseline)
    code = 0 if updating and not result.interrupted else state.exit_code
    result = replace(result, exit_code=code)

    entry = history_entry(result, classification)
    history_path = Path(options.history or Path(report_dir) / HISTORY_FILE)
    runs = [*read_history(history_path, last=TREND_RUNS - 1), entry]
    paths = write_reports(
        result, report_dir, secrets=secrets, trend_svg=trend_svg(runs), history=runs
    )
    paths["history"] = append_history(history_path, entry)

    messages: list[str] = []
    warnings: list[str] = []
    if options.update_baseline:
        if result.interrupted:
            warnings.append("zdcontract: baseline not updated: the run was interrupted")
        else:
            updated = updated_baseline(
                result.findings,
                [baseline, _shipped_unless(options.no_baseline)],
                source=options.update_baseline,
                seen_at=result.finished_at,
            )
            paths["baseline"] = save_baseline(updated, options.update_baseline)
            blank = sum(1 for e in updated.entries if not e.reason)
            messages.append(
                f"baseline updated: {len(updated.entries)} accepted entries in "
                f"{options.update_baseline}"
                + (f" ({blank} without a reason: fill them in)" if blank else "")
            )
    if options.notify_url and not state.passed and not updating and not result.interrupted:
        payload = alert_payload(
            result, classification, report=options.report_url or str(paths["html"])
        )
        problem = post_json(options.notify_url, payload, stop=stop)
        if problem is not None:
            warnings.append(f"zdcontract: warning: {problem}")
        else:
            messages.append(f"alert sent: {len(classification.new)} new findings")
    line = state.line
    if "baseline" in paths:  # the drift is accepted now: that is what the exit status says
        line = f"ACCEPTED: {plural(len(result.findings), 'finding')} now the baseline"
        line += f" {options.update_baseline} ({state.headline} before)"
    return Outcome(
        result=result,
        classification=classification,
        exit_code=code,
        paths=paths,
        messages=tuple(messages),
        warnings=tuple(warnings),
        line=line,
    )


def _shipped_unless(disabled: bool) -> Baseline | None:
    return None if disabled else shipped_baseline("zendesk")
