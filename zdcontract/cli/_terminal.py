"""What ``zdcontract run`` prints: the requests, the checks, the findings, and the verdict.

Everything goes to stdout, in the order it is printed, and fits 80 columns (CI logs are
not terminals: rich then lays out for 80). The last line is the verdict, the library's
(reports._summary.Verdict.line, through monitor.session.finish_run), the same line the
pytest plugin ends with.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from ..drift.findings import WHOLE_RESPONSE, Finding, safe_text
from ..monitor import Classification
from ..reports._summary import check_findings, format_retries, ordered
from ..results import RunResult

__all__ = ["TOP_FINDINGS", "print_summary"]

#: Findings the terminal lists one by one (the reports have all of them).
TOP_FINDINGS = 10


def print_summary(console: Console, result: RunResult, classification: Classification) -> None:
    """The requests per operation, the checks, and the findings, new drift first."""
    console.print(_requests(result))
    _checks(console, result)
    _findings(console, result, classification)
    for note in result.notes:
        console.print(f"note: {safe_text(note)}", markup=False)


def _requests(result: RunResult) -> Table:
    table = Table(title="Requests", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("operation", no_wrap=True)
    table.add_column("sent", justify="right")
    table.add_column("answers", overflow="fold")
    table.add_column("retried", overflow="fold")
    table.add_column("failed", justify="right")
    for op in result.operations:
        statuses = ", ".join(f"{k}×{v}" for k, v in sorted(op.statuses.items())) or "-"
        failed = f"{op.transport_errors}" + (f" (+{op.not_sent} not sent)" if op.not_sent else "")
        table.add_row(
            op.operation, str(op.requests), statuses, format_retries(op.retries) or "0", failed
        )
    return table


def _checks(console: Console, result: RunResult) -> None:
    rows = [row for row in check_findings(result) if row.assigned]
    outcomes = Counter(row.outcome for row in rows)
    parts = [f"{outcomes['pass']} passed", f"{outcomes['fail']} failed"]
    if outcomes["known"]:
        parts.append(f"{outcomes['known']} known drift only")
    parts.append(f"{outcomes['not-exercised']} not exercised")
    console.print(f"Checks ({len(rows)}): {', '.join(parts)}", markup=False)
    for row in rows:
        if row.outcome in ("fail", "not-exercised"):
            why = f": {row.not_exercised}" if row.outcome == "not-exercised" else ""
            console.print(
                f"  {row.outcome.upper():<13} {row.operation} {row.check}{safe_text(why)}",
                markup=False,
            )


def _findings(console: Console, result: RunResult, classification: Classification) -> None:
    if not result.findings:
        console.print("Findings: none", markup=False)
        return
    known = {f.fingerprint for f in classification.known}
    new = [f for f in result.findings if f.fingerprint not in known]
    heading = f"Findings: {len(new)} new"
    if classification.source is not None:
        heading += f", {len(known)} known (baseline {classification.source})"
    console.print(heading, markup=False)
    table = Table(show_edge=False, pad_edge=False, show_header=True)
    table.add_column("", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("where", overflow="fold")
    table.add_column("×", justify="right", no_wrap=True)
    # New drift first: with a baseline, that is what the run is about.
    shown = sorted(ordered(result.findings), key=lambda f: f.fingerprint in known)
    for finding in shown[:TOP_FINDINGS]:
        status = "known" if finding.fingerprint in known else "NEW"
        table.add_row(
            status,
            finding.severity.value,
            finding.kind.value,
            _where(finding),
            str(finding.count),
        )
    console.print(table)
    if len(shown) > TOP_FINDINGS:
        console.print(f"  ... {len(shown) - TOP_FINDINGS} more in the reports", markup=False)


def _where(finding: Finding) -> str:
    place = safe_text(", ".join(finding.examples[:2]) or finding.path or WHOLE_RESPONSE)
    return f"{finding.operation} {place}: {safe_text(finding.message)}"
