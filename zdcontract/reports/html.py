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
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..drift.findings import WHOLE_RESPONSE
from ..results import RunResult
from ._atomic import atomic_write_text
from ._summary import (
    check_findings,
    format_exercised,
    format_retries,
    format_seconds,
    format_statuses,
    ordered,
    verdict,
)
from .markdown import BUNDLED_SPEC

__all__ = ["MAX_HTML_FINDINGS", "TEMPLATE", "breakable", "render_html", "write_html"]

TEMPLATE = "report.html.j2"
# Where an identifier may break: after a pipe, or before a slash that does not start it.
_PART = re.compile(r"(?<=\|)|(?<=.)(?=/)")
#: Findings listed in the table; the JSON report always has all of them.
MAX_HTML_FINDINGS = 5_000


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader(__name__.rpartition(".")[0], "templates"),
        autoescape=True,
        undefined=StrictUndefined,  # a misspelt variable is a bug, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["breakable"] = breakable
    return environment


def breakable(text: str) -> Markup:
    """``text`` escaped, in parts that do not break, with a break allowed between them.

    Fingerprints and pointers are long identifiers (``ListActivities|missing-field|/count``):
    a browser left to itself breaks them anywhere (``ListActivitie`` / ``s``) or after any
    hyphen (``url-self-`` / ``link``). Here a line may end only after a ``|`` or before a
    ``/`` (``<wbr>``); each part between is kept whole (``nowrap``).
    """
    parts = [str(escape(part)) for part in _PART.split(text) if part]
    return Markup("<wbr>".join(f'<span class="part">{part}</span>' for part in parts))


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
    state = verdict(result)
    findings = ordered(result.findings)
    baseline = state.baseline
    if baseline is not None:
        findings.sort(key=lambda f: f.fingerprint in baseline.known)  # stable: new first
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
                "retried": format_retries(op.retries),
                "transport_errors": op.transport_errors,
                "not_sent": op.not_sent,
                "time": format_seconds(op.total_seconds),
            }
            for op in result.operations
        ],
        "checks": _checks(result),
        "findings": findings[:MAX_HTML_FINDINGS],
        "hidden_findings": max(len(findings) - MAX_HTML_FINDINGS, 0),
        "whole_response": WHOLE_RESPONSE,
        "spec_is_path": result.spec != BUNDLED_SPEC,
    }


def _checks(result: RunResult) -> list[dict[str, Any]]:
    return [
        {
            "operation": row.operation,
            "check": row.check,
            "outcome": row.outcome,
            "cases": row.cases if row.assigned else None,
            "exercised": format_exercised(row.exercised) if row.assigned else "",
            "findings": len(row.findings) + len(row.unknown),
            "reason": row.not_exercised or "",
        }
        for row in check_findings(result)
    ]
