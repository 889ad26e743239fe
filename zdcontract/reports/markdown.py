"""GitHub-flavoured Markdown for a CI job summary ($GITHUB_STEP_SUMMARY) or a PR comment.

Short by design: the verdict, requests per operation, findings by severity and kind, and
the top drift with how to reproduce it. GitHub refuses step summaries over 1 MiB, so every
variable-length piece is clipped and the whole is capped at MAX_BYTES.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from html import escape as escape_html
from pathlib import Path

from ..drift.findings import Finding, Kind, Severity
from ..results import RunResult
from ._atomic import atomic_write_text
from ._summary import (
    CheckFindings,
    Verdict,
    baseline_of,
    check_findings,
    clip,
    format_exercised,
    format_retries,
    format_seconds,
    format_statuses,
    ordered,
    plural,
    verdict,
)

__all__ = [
    "BUNDLED_SPEC",
    "MAX_BYTES",
    "TOP_FINDINGS",
    "code",
    "escape",
    "render_markdown",
    "write_markdown",
]

#: How many findings the "Top drift" table shows.
TOP_FINDINGS = 20
#: Upper bound of the rendered summary in UTF-8 bytes (GitHub's own limit is 1 MiB).
MAX_BYTES = 1_000_000
#: What a result's ``spec`` says when the run used the spec zdcontract ships (the loader's
#: name for it): words, not a path, so never shown as code.
BUNDLED_SPEC = "the bundled spec"

_MAX_OPERATIONS = 100
_MAX_CELL = 300
_MAX_REQUEST = 4_000
_ICONS = {Severity.BREAKING: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}
# Characters that Markdown or the HTML GitHub renders inside it would interpret.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def render_markdown(result: RunResult, *, top: int = TOP_FINDINGS) -> str:
    """The Markdown summary of ``result``, at most MAX_BYTES long."""
    state = verdict(result)
    checks = [row for row in check_findings(result) if row.assigned]
    parts = [
        "## zdcontract drift report",
        _status_line(state),
        *_interrupted(result),
        _run_facts(result, checks),
        *_checks_table(checks),
        "### Requests per operation",
        _operations_table(result),
        "### Findings by severity and kind",
        _kinds_table(result),
        *_top_drift(result, top),
    ]
    text = "\n\n".join(part for part in parts if part) + "\n"
    return _cap(text)


def write_markdown(result: RunResult, path: str | os.PathLike[str]) -> Path:
    """Write the Markdown summary of ``result`` to ``path`` atomically; return the path."""
    return atomic_write_text(path, render_markdown(result))


def escape(text: str) -> str:
    """``text`` on one line, with every character Markdown would interpret escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code(text: str, *, in_table: bool = True) -> str:
    """``text`` as an inline code span; pipes escaped when it sits in a table cell.

    Nothing to show is ``—``: an empty span is no span in Markdown, only two backticks.
    """
    text = " ".join(text.split())
    if not text:
        return "—"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # A span that starts or ends with a backtick needs a space so the fence stays a fence.
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    # In GFM tables a pipe ends the cell even inside code; \| is the documented escape.
    return span.replace("|", "\\|") if in_table else span


def _status_line(state: Verdict) -> str:
    icon = "❌" if not state.passed else "✅"
    headline = state.headline[0].upper() + state.headline[1:]
    detail = f" ({escape(state.detail)})" if state.detail else ""
    return f"{icon} **{escape(headline)}**{detail}"


def _interrupted(result: RunResult) -> list[str]:
    if not result.interrupted:
        return []
    return ["> ⚠️ **Interrupted**: the run stopped early; the results are partial."]


def _run_facts(result: RunResult, checks: list[CheckFindings]) -> str:
    target = result.target
    where = ", ".join(p for p in (target.kind, target.profile and f"profile {target.profile}") if p)
    lines = [
        f"- **Target:** {code(target.url, in_table=False)}{f' ({escape(where)})' if where else ''}",
        f"- **Spec:** {_spec(result.spec)}",
        f"- **Seed:** {code(str(result.seed), in_table=False)}"
        f" · max examples {result.max_examples} · fail on {code(result.fail_on, in_table=False)}",
        f"- **Duration:** {format_seconds(result.duration_seconds)}"
        f" · {result.requests} requests · exit code {result.exit_code}",
        f"- **Checks:** {_checks_line(checks)}",
    ]
    lines += [f"- **Note:** {escape(clip(note, _MAX_CELL))}" for note in result.notes[:10]]
    if len(result.notes) > 10:
        lines.append(f"- … {len(result.notes) - 10} more notes")
    return "\n".join(lines)


def _spec(spec: str) -> str:
    return escape(spec) if spec == BUNDLED_SPEC else code(spec, in_table=False)


def _checks_line(checks: list[CheckFindings]) -> str:
    outcomes = Counter(row.outcome for row in checks)
    line = f"{outcomes['pass']} passed, {outcomes['fail']} with findings"
    if outcomes["known"]:
        line += f", {outcomes['known']} with known drift only"
    return line + f", {outcomes['not-exercised']} not exercised"


def _checks_table(checks: list[CheckFindings]) -> list[str]:
    """Every check, its outcome and what it exercised; why, for one that proved nothing."""
    rows = [
        f"| {code(row.operation)} | {escape(row.check)} | {row.outcome}"
        f" | {escape(format_exercised(row.exercised))}"
        f" | {escape(clip(row.not_exercised, _MAX_CELL)) if row.not_exercised else '—'} |"
        for row in checks[:_MAX_OPERATIONS]
    ]
    if not rows:
        return []
    head = [
        "| Operation | Check | Outcome | Exercised | Why not exercised |",
        "|---|---|---|---|---|",
    ]
    hidden = len(checks) - _MAX_OPERATIONS
    if hidden > 0:  # counted in the Checks line above; listed in the JSON and HTML reports
        rows.append(f"| … {hidden} more checks | | | | |")
    return ["### Checks", "\n".join([*head, *rows])]


def _operations_table(result: RunResult) -> str:
    if not result.operations:
        return "No requests were sent."
    rows = [
        "| Operation | Requests | Answers | Retried | Transport errors | Not sent | Time |",
        "|---|--:|---|---|--:|--:|--:|",
    ]
    for op in result.operations[:_MAX_OPERATIONS]:
        statuses = escape(format_statuses(op.statuses)) or "—"
        rows.append(
            f"| {code(op.operation)} | {op.requests} | {statuses}"
            f" | {escape(format_retries(op.retries)) or '0'} | {op.transport_errors}"
            f" | {op.not_sent} | {format_seconds(op.total_seconds)} |"
        )
    hidden = len(result.operations) - _MAX_OPERATIONS
    if hidden > 0:
        rows.append(f"| … {hidden} more operations | | | | | | |")
    transport = sum(op.transport_errors for op in result.operations)
    retried = sum(op.retried for op in result.operations)
    unsent = sum(op.not_sent for op in result.operations)
    rows.append(f"| **Total** | **{result.requests}** | | {retried} | {transport} | {unsent} | |")
    return "\n".join(rows)


def _kinds_table(result: RunResult) -> str:
    if not result.findings:
        return "No findings."
    table: dict[Kind, dict[Severity, int]] = {}
    for finding in result.findings:
        row = table.setdefault(finding.kind, dict.fromkeys(Severity, 0))
        row[finding.severity] += 1
    header = " | ".join(f"{_ICONS[s]} {s.value.capitalize()}" for s in Severity)
    rows = [f"| Kind | {header} | Total |", "|---|" + "--:|" * (len(Severity) + 1)]
    for kind in Kind:  # the enum's order: stable, and structural kinds first
        if kind in table:
            cells = " | ".join(_count(table[kind][s]) for s in Severity)
            rows.append(f"| {code(kind.value)} | {cells} | {sum(table[kind].values())} |")
    totals = result.counts_by_severity()
    cells = " | ".join(f"**{totals[s.value]}**" for s in Severity)
    rows.append(f"| **Total** | {cells} | **{len(result.findings)}** |")
    return "\n".join(rows)


def _top_drift(result: RunResult, top: int) -> list[str]:
    view = baseline_of(result)
    known = view.known if view is not None else frozenset()
    chosen = ordered(result.findings)
    chosen.sort(key=lambda f: f.fingerprint in known)  # stable: new drift first
    if not chosen:
        return []
    shown, hidden = chosen[:top], len(chosen) - top
    rows = [
        "| # | Severity | Fingerprint | Message | Count | Examples |",
        "|--:|---|---|---|--:|---|",
    ]
    for number, f in enumerate(shown, 1):
        # An empty pointer is the whole response: the fingerprint already says so.
        examples = ", ".join(code(clip(e, _MAX_CELL)) for e in f.examples if e) or "—"
        severity = f"{_ICONS[f.severity]} {f.severity.value}"
        if f.fingerprint in known:
            severity += " (known)"
        rows.append(
            f"| {number} | {severity} | {code(f.fingerprint)}"
            f" | {escape(clip(f.message, _MAX_CELL))} | {f.count} | {examples} |"
        )
    parts = ["### Top drift", "\n".join(rows)]
    if hidden > 0:
        parts.append(f"… {plural(hidden, 'more finding')} (see the JSON or HTML report)")
    parts += [_reproduce(number, f) for number, f in enumerate(shown, 1) if f.request]
    return parts


def _reproduce(number: int, finding: Finding) -> str:
    command = clip(finding.request or "", _MAX_REQUEST)
    longest = max((len(run) for run in re.findall(r"`+", command)), default=0)
    fence = "`" * max(3, longest + 1)
    summary = f"Reproduce #{number}: <code>{escape_html(finding.fingerprint)}</code>"
    return f"<details><summary>{summary}</summary>\n\n{fence}sh\n{command}\n{fence}\n\n</details>"


def _count(value: int) -> str:
    return str(value) if value else "·"


def _cap(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= MAX_BYTES:
        return text
    # Cut on a line boundary so no table row or code fence is left half-written mid-line.
    kept = data[: MAX_BYTES - 200].decode("utf-8", errors="ignore").rsplit("\n", 1)[0]
    return kept + "\n\n… summary truncated at 1 MB (see the JSON or HTML report)\n"
