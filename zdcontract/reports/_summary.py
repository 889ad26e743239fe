"""What every report format derives from a RunResult: verdict, ordering, check membership."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..drift.findings import Finding, Kind, Severity
from ..results import CheckOutcome, Exercised, RunResult

__all__ = [
    "OUTCOMES",
    "UNASSIGNED",
    "BaselineView",
    "CheckFindings",
    "Verdict",
    "baseline_of",
    "blocking",
    "check_findings",
    "check_outcome",
    "judge",
    "clip",
    "fails",
    "format_exercised",
    "format_retries",
    "format_seconds",
    "format_statuses",
    "most_severe",
    "ordered",
    "plural",
    "threshold",
    "verdict",
]

#: Test case name for the findings of an operation that no check claims.
UNASSIGNED = "unassigned findings"


def threshold(fail_on: str) -> Severity | None:
    """The Severity a ``fail_on`` value names; None for ``never`` (or anything unknown)."""
    try:
        return Severity(fail_on)
    except ValueError:
        return None


def fails(finding: Finding, fail_on: str) -> bool:
    """Whether ``finding`` is severe enough to fail the run under ``fail_on``."""
    return finding.severity.at_least(threshold(fail_on))


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineView:
    """How a run was classified against a baseline (``result.extra["baseline"]``).

    The monitor writes it; every report format reads it the same way, so the verdict, the
    checks and the exit code all speak of *new* drift while known drift stays visible.
    """

    file: str
    new: frozenset[str]
    known: frozenset[str]
    expired: frozenset[str]
    resolved: tuple[Mapping[str, Any], ...]
    unexercised: tuple[Mapping[str, Any], ...]


def baseline_of(result: RunResult) -> BaselineView | None:
    """The baseline classification of ``result``; None when no baseline was in force."""
    data = result.extra.get("baseline")
    if not isinstance(data, Mapping):
        return None

    def entries(name: str) -> tuple[Mapping[str, Any], ...]:
        return tuple(e for e in data.get(name) or () if isinstance(e, Mapping))

    return BaselineView(
        file=str(data.get("file") or ""),
        new=frozenset(str(f) for f in data.get("new") or ()),
        known=frozenset(str(f) for f in data.get("known") or ()),
        expired=frozenset(str(f) for f in data.get("expired") or ()),
        resolved=entries("resolved"),
        unexercised=entries("unexercised"),
    )


def blocking(finding: Finding, fail_on: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether ``finding`` fails the run: new (not in ``known``) and at or above fail-on."""
    return finding.fingerprint not in known and fails(finding, fail_on)


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """The run's verdict in numbers: the one policy every front-end renders.

    With a baseline in force only new findings can fail the run (as the exit code says);
    ``known`` counts the accepted ones. ``unexercised`` counts the failing findings that say
    a check or an operation proved nothing (kind ``not-exercised``): a run is never green
    for having exercised nothing.
    """

    total: int
    failing: int
    fail_on: str
    interrupted: bool
    baseline: BaselineView | None = None
    known: int = 0
    unexercised: int = 0
    exercised: bool = True  # False: no check read a record, no answer was validated

    @property
    def passed(self) -> bool:
        """No new finding reaches ``fail_on``, and something was exercised at all (a run that
        validated nothing proves nothing, whatever fail-on says). An interrupted run may
        still pass."""
        return self.failing == 0 and self.exercised

    @property
    def exit_code(self) -> int:
        """130 when interrupted, else 1 when a new finding reaches fail-on, else 0."""
        return 130 if self.interrupted else (0 if self.passed else 1)

    @property
    def headline(self) -> str:
        """The status in a few words: ``3 findings at or above warning``."""
        new = "new " if self.baseline is not None else ""
        if not self.exercised:
            return "nothing was exercised: no answer validated, no record read"
        if self.failing:
            text = f"{plural(self.failing, new + 'finding')} at or above {self.fail_on}"
            if self.unexercised:
                text += f" ({self.unexercised} of them: not exercised)"
            return text
        if threshold(self.fail_on) is None:
            return "no finding fails the run"
        return f"no {new}drift at or above {self.fail_on}"

    @property
    def detail(self) -> str:
        """What the headline leaves out: findings below fail-on, known drift; may be empty."""
        parts = []
        if threshold(self.fail_on) is None:
            parts.append(f"fail-on never, {plural(self.total, 'finding')}")
        if self.baseline is not None:
            view = self.baseline
            text = (
                f"{self.total - self.known} new, {self.known} known, "
                f"{len(view.resolved)} resolved; baseline {view.file}"
            )
            if view.expired:
                text += f"; {len(view.expired)} expired"
            if view.unexercised:
                text += f"; {len(view.unexercised)} accepted only in conditions not met"
            parts.append(text)
        elif threshold(self.fail_on) is not None and self.total > self.failing:
            parts.append(
                f"{plural(self.total - self.failing, 'more finding')} below {self.fail_on}"
            )
        return "; ".join(parts)

    @property
    def line(self) -> str:
        """The one line a terminal ends with: ``FAILED: ...`` or ``PASSED: ...``."""
        word = "INTERRUPTED" if self.interrupted else ("PASSED" if self.passed else "FAILED")
        detail = f" ({self.detail})" if self.detail else ""
        return f"{word}: {self.headline}{detail}"


def judge(
    findings: Iterable[Finding],
    *,
    fail_on: str,
    known: frozenset[str] = frozenset(),
    interrupted: bool = False,
    baseline: BaselineView | None = None,
    exercised: bool = True,
) -> Verdict:
    """The Verdict of these findings: what fails the run, what the baseline accepts."""
    findings = tuple(findings)
    failing = [f for f in findings if blocking(f, fail_on, known)]
    return Verdict(
        total=len(findings),
        failing=len(failing),
        fail_on=fail_on,
        interrupted=interrupted,
        baseline=baseline,
        known=sum(f.fingerprint in known for f in findings),
        unexercised=sum(f.kind is Kind.NOT_EXERCISED for f in failing),
        exercised=exercised,
    )


def verdict(result: RunResult) -> Verdict:
    """The Verdict of ``result`` (about new drift when a baseline was in force)."""
    view = baseline_of(result)
    return judge(
        result.findings,
        fail_on=result.fail_on,
        known=view.known if view is not None else frozenset(),
        interrupted=result.interrupted,
        baseline=view,
        # A run whose every check proved nothing: not one answer validated, not one record.
        exercised=not result.checks or any(c.not_exercised is None for c in result.checks),
    )


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then most often seen, then by fingerprint (stable across runs)."""
    return sorted(findings, key=lambda f: (-f.severity.rank, -f.count, f.fingerprint))


def most_severe(findings: Iterable[Finding]) -> Severity | None:
    """The highest severity among ``findings``; None when there are none."""
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)


#: The outcomes a check can have, in every format: it exercised something and found
#: nothing failing (``pass``), only drift the baseline accepts (``known``), new drift at or
#: above fail-on (``fail``), or it could not exercise anything (``not-exercised``).
OUTCOMES = ("pass", "known", "fail", "not-exercised")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckFindings:
    """A check (or an operation's unassigned findings) with its findings resolved and its
    outcome decided (by check_findings, against the run's fail-on and baseline)."""

    operation: str
    check: str
    findings: tuple[Finding, ...]
    outcome: str  # one of OUTCOMES (see check_outcome); "fail" for an unknown fingerprint
    blocks: bool  # a failure: new drift at or above fail-on (a not-exercised check's own
    #               finding included), or an unknown fingerprint
    unknown: tuple[str, ...] = ()  # fingerprints the check names but the result lacks
    cases: int = 0
    exercised: Exercised = Exercised()
    not_exercised: str | None = None
    assigned: bool = True


def check_outcome(
    findings: Iterable[Finding],
    not_exercised: str | None,
    fail_on: str,
    known: frozenset[str] = frozenset(),
) -> str:
    """One of OUTCOMES for a check with these findings: ``fail`` when new drift reaches
    fail-on, else ``not-exercised`` when the check proved nothing, else ``known`` when its
    failing drift is all accepted by the baseline, else ``pass``. The CLI's reports and the
    pytest plugin's items both decide here."""
    drift = [f for f in findings if f.kind is not Kind.NOT_EXERCISED]
    if any(blocking(f, fail_on, known) for f in drift):
        return "fail"
    if not_exercised is not None:
        return "not-exercised"
    if any(fails(f, fail_on) for f in drift):
        return "known"
    return "pass"


def check_findings(result: RunResult) -> list[CheckFindings]:
    """Every check with its findings and outcome (one row per ``result.checks``, in their
    order), then per operation the findings no check claims.

    Nothing is lost: a finding that no check names appears under ``unassigned findings``
    of its operation, in the order of the result. Each row's outcome is decided here, with
    the baseline in force (``baseline_of``): every format renders it as it is.
    """
    view = baseline_of(result)
    known = view.known if view is not None else frozenset()
    by_fingerprint: dict[str, Finding] = {f.fingerprint: f for f in result.findings}
    claimed: set[str] = set()
    rows = []
    for outcome in result.checks:
        rows.append(_resolve(outcome, by_fingerprint, result.fail_on, known))
        claimed.update(outcome.fingerprints)
    loose: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.fingerprint not in claimed:
            loose.setdefault(finding.operation, []).append(finding)
    for operation, findings in loose.items():
        rows.append(
            CheckFindings(
                operation=operation,
                check=UNASSIGNED,
                findings=tuple(findings),
                outcome=check_outcome(findings, None, result.fail_on, known),
                blocks=any(blocking(f, result.fail_on, known) for f in findings),
                assigned=False,
            )
        )
    return rows


def _resolve(
    outcome: CheckOutcome,
    by_fingerprint: Mapping[str, Finding],
    fail_on: str,
    known: frozenset[str],
) -> CheckFindings:
    found = tuple(by_fingerprint[fp] for fp in outcome.fingerprints if fp in by_fingerprint)
    unknown = tuple(fp for fp in outcome.fingerprints if fp not in by_fingerprint)
    return CheckFindings(
        operation=outcome.operation,
        check=outcome.check,
        findings=found,
        # A fingerprint the result lacks: what the check found cannot be shown, no pass.
        outcome="fail" if unknown else check_outcome(found, outcome.not_exercised, fail_on, known),
        blocks=bool(unknown) or any(blocking(f, fail_on, known) for f in found),
        unknown=unknown,
        cases=outcome.cases,
        exercised=outcome.exercised,
        not_exercised=outcome.not_exercised,
    )


def format_statuses(statuses: Mapping[str, int]) -> str:
    """``{"200": 118, "429": 2}`` -> ``200 ×118, 429 ×2`` (sorted by status)."""
    return ", ".join(f"{status} ×{count}" for status, count in sorted(statuses.items()))


def format_exercised(done: Exercised) -> str:
    """What a check went through, in words: ``5 requests, 5 pages, 120 records``."""
    parts = [
        (done.requests, "request"),
        (done.pages, "page"),
        (done.records, "record"),
        (done.validated, "validated answer"),
    ]
    return ", ".join(plural(n, noun) for n, noun in parts if n) or "nothing"


def format_retries(retries: Mapping[str, int]) -> str:
    """``{"reset": 2, "5xx": 1}`` -> ``3 (5xx ×1, reset ×2)``; empty when nothing was retried."""
    total = sum(retries.values())
    if not total:
        return ""
    causes = ", ".join(f"{cause} ×{count}" for cause, count in sorted(retries.items()) if count)
    return f"{total} ({causes})"


def format_seconds(seconds: float) -> str:
    """A duration for people: ``0.42 s``, ``12.3 s``, ``4 min 05 s``."""
    if not math.isfinite(seconds):
        return "?"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, marking the cut with ``…``."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def plural(count: int, noun: str) -> str:
    """``1 finding``, ``3 findings``: a count and its noun, in the plural when not one."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
