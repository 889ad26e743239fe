"""The HTML report: one self-contained file a person can open from a CI artifact.

No external fonts, scripts, styles or images: the CSS is inline and the file works offline
and under strict artifact-viewer CSPs. The template (templates/report.html.j2) is rendered
with autoescaping on; this module only prepares plain values for it.

The ``trend`` block of the template is the slot for a history chart: pass an inline SVG as
``trend_svg`` (and the runs behind it as ``history``) and it is inserted verbatim.

When the run was classified against a baseline (``result.extra["baseline"]``, written by
zdcontract.monitor), each finding shows whether it is new or known, new drift comes first,
the verdict speaks of new drift only (as the exit code does), and the accepted drift no
longer seen is listed as resolved.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..results import RunResult
from ._atomic import atomic_write_text
from ._summary import check_findings, fails, format_seconds, format_statuses, ordered, verdict

__all__ = ["MAX_HTML_FINDINGS", "TEMPLATE", "render_html", "write_html"]

TEMPLATE = "report.html.j2"
#: Findings listed in the table; the JSON report always has all of them.
MAX_HTML_FINDINGS = 5_000


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader(__name__.rpartition(".")[0], "templates"),
        autoescape=True,
        undefined=StrictUndefined,  # a misspelt variable is a bug, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(
    result: RunResult,
    *,
    trend_svg: str | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """The HTML report of ``result``.

    Args:
        result: the run to describe.
        trend_svg: an inline ``<svg>`` drawn by zdcontract itself; inserted unescaped, so it
            must never contain text from the API under test that was not escaped.
        history: the earlier runs the trend chart is drawn from, for the ``trend`` block.
    """
    context = _context(result)
    context["trend_svg"] = Markup(trend_svg) if trend_svg else None
    context["history"] = list(history or ())
    return _environment().get_template(TEMPLATE).render(context)


def write_html(
    result: RunResult,
    path: str | os.PathLike[str],
    *,
    trend_svg: str | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
) -> Path:
    """Write the HTML report of ``result`` to ``path`` atomically; return the path."""
    return atomic_write_text(path, render_html(result, trend_svg=trend_svg, history=history))


def _context(result: RunResult) -> dict[str, Any]:
    state: Any = verdict(result)
    findings = ordered(result.findings)
    baseline = _baseline(result)
    if baseline is not None:
        state = _baseline_verdict(result, baseline)
        findings.sort(key=lambda f: f.fingerprint in baseline["known"])  # stable: new first
    return {
        "result": result,
        "verdict": state,
        "baseline": baseline,
        "status": "pass" if state.passed else "fail",
        "duration": format_seconds(result.duration_seconds),
        "by_severity": result.counts_by_severity(),
        "operations": [
            {
                "name": op.operation,
                "requests": op.requests,
                "statuses": format_statuses(op.statuses),
                "transport_errors": op.transport_errors,
                "rate_limited": op.rate_limited,
                "time": format_seconds(op.total_seconds),
            }
            for op in result.operations
        ],
        "checks": _checks(result),
        "findings": findings[:MAX_HTML_FINDINGS],
        "hidden_findings": max(len(findings) - MAX_HTML_FINDINGS, 0),
    }


def _baseline(result: RunResult) -> dict[str, Any] | None:
    """The baseline classification of the run, if it had one."""
    data = result.extra.get("baseline")
    if not isinstance(data, Mapping):
        return None
    resolved = [e for e in data.get("resolved") or () if isinstance(e, Mapping)]
    return {
        "file": str(data.get("file") or ""),
        "new": set(data.get("new") or ()),
        "known": set(data.get("known") or ()),
        "expired": set(data.get("expired") or ()),
        "resolved": resolved,
    }


@dataclass(frozen=True, slots=True)
class _BaselineVerdict:
    passed: bool
    headline: str
    detail: str


def _baseline_verdict(result: RunResult, baseline: Mapping[str, Any]) -> _BaselineVerdict:
    """The status line when a baseline is in force: about new drift, as the exit code is."""
    new = [f for f in result.findings if f.fingerprint not in baseline["known"]]
    failing = sum(fails(f, result.fail_on) for f in new)
    if failing:
        noun = "new finding" if failing == 1 else "new findings"
        headline = f"{failing} {noun} at or above {result.fail_on}"
    elif result.fail_on == "never":
        headline = "no finding fails the run"
    else:
        headline = f"no new drift at or above {result.fail_on}"
    detail = (
        f"{len(new)} new, {len(result.findings) - len(new)} known, "
        f"{len(baseline['resolved'])} resolved against the baseline {baseline['file']}"
    )
    return _BaselineVerdict(failing == 0, headline, detail)


def _checks(result: RunResult) -> list[dict[str, Any]]:
    rows = []
    for row in check_findings(result):
        failing = row.unknown or any(fails(f, result.fail_on) for f in row.findings)
        if failing:
            outcome = "fail"
        elif row.skipped is not None:
            outcome = "skip"
        else:
            outcome = "pass"
        rows.append(
            {
                "operation": row.operation,
                "check": row.check,
                "outcome": outcome,
                "cases": row.cases if row.assigned else None,
                "findings": len(row.findings) + len(row.unknown),
                "reason": row.skipped or "",
            }
        )
    return rows
