"""Text for the terminal: the drift table, the target, a failing item's message.

The verdict line is the library's (reports._summary.Verdict.line), as the CLI prints it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..drift.findings import WHOLE_RESPONSE, Finding
from ..results import Target

__all__ = ["drift_table", "failure_text", "target_line"]

_RANK = {"breaking": 0, "warning": 1, "info": 2}
#: Findings a failing item lists before pointing at the report.
SHOWN = 10


def drift_table(findings: Sequence[Finding], known: frozenset[str] = frozenset()) -> list[str]:
    """Severity, kind, distinct findings, occurrences, known: one line per severity and kind."""
    if not findings:
        return ["no drift: every response matched the contract"]
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.severity.value, f.kind.value), []).append(f)
    rows = [("severity", "kind", "distinct", "occurrences", "known")]
    for (severity, kind), group in sorted(groups.items(), key=lambda g: (_RANK[g[0][0]], g[0][1])):
        rows.append(
            (
                severity,
                kind,
                str(len(group)),
                str(sum(f.count for f in group)),
                str(sum(f.fingerprint in known for f in group)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return [
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def target_line(target: Target, seed: int | None) -> str:
    """Where the session sent its requests, and how to repeat its generated ones."""
    where = target.url
    if target.kind == "mock":
        started = target.url.startswith("http")  # not yet, when the header is printed
        where = f"the embedded mock (profile {target.profile})" + (
            f" at {target.url}" if started else ""
        )
    return f"target: {where}" + (
        f", seed {seed} (reproduce with --zd-seed {seed})" if seed is not None else ""
    )


def failure_text(title: str, findings: Iterable[Finding], fail_on: str) -> str:
    """A contract item's failure: each finding with where, what, and how to reproduce it
    (in the order every report lists them)."""
    from ..reports._summary import ordered as report_order  # here: the writers are heavy

    ordered = report_order(findings)
    noun = "finding" if len(ordered) == 1 else "findings"
    lines = [f"{title}: {len(ordered)} {noun} at or above {fail_on}"]
    shown: set[str] = set()
    for f in ordered[:SHOWN]:
        where = f.path or WHOLE_RESPONSE
        lines.append(f"  {f.severity} {f.kind} at {where} x{f.count}: {f.message}")
        if f.request and f.request not in shown:  # one request often shows several findings
            shown.add(f.request)
            lines.append(f"    reproduce: {f.request}")
    if len(ordered) > SHOWN:
        lines.append(f"  ... and {len(ordered) - SHOWN} more (all of them in the --zd-report)")
    return "\n".join(lines)
