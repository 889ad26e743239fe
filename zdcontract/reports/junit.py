"""JUnit XML: one test case per check, so CI systems show drift where they show tests.

Layout: a ``<testsuites>`` root holding one ``<testsuite name="zdcontract">`` (the shape
Jenkins, GitLab and the GitHub junit actions all read), with ``<properties>`` for the run,
one ``<testcase classname="zdcontract.<Operation>" name="<check>">`` per check, and one
``unassigned findings`` case per operation whose findings no check claims.

A case fails only for findings at or above the run's ``fail_on``, so CI agrees with the
exit status (Jenkins marks a build unstable on any failure); findings below it are listed
in the case's ``<system-out>``. An interrupted run adds an ``<error>`` case: partial
results must not look green. A run that exercised nothing at all (the verdict's
``exercised``) adds a ``<failure>`` case, ``exercised``: it fails whatever fail-on says, and
a suite of skips alone would read as green.
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from ..drift.findings import WHOLE_RESPONSE, Finding
from ..results import RunResult
from ._atomic import atomic_write_text
from ._summary import (
    CheckFindings,
    baseline_of,
    check_findings,
    clip,
    format_exercised,
    format_retries,
    most_severe,
    ordered,
    plural,
    verdict,
)

__all__ = ["render_junit", "write_junit", "xml_safe"]

SUITE_NAME = "zdcontract"

# XML 1.0 allows tab, LF, CR and everything from U+0020 but surrogates, U+FFFE and U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry, even escaped."""
    return _ILLEGAL_XML.sub("", text)


def render_junit(result: RunResult) -> str:
    """The JUnit XML report of ``result`` as text."""
    rows = check_findings(result)
    view = baseline_of(result)
    known = view.known if view is not None else frozenset()
    per_operation = Counter(row.operation for row in rows)
    seconds = {op.operation: op.total_seconds for op in result.operations}
    cases = []
    for row in rows:
        # An operation's time is shared by its checks: the cases then add up to the run.
        share = seconds.get(row.operation, 0.0) / per_operation[row.operation]
        cases.append(_testcase(row, known, share))
    if result.interrupted:
        cases.append(_interrupted_case())
    state = verdict(result)
    if not state.exercised:
        cases.append(_run_case("exercised", "failure", state.headline, "not-exercised"))
    counts = Counter(child.tag for case in cases for child in case)
    totals = {
        "tests": str(len(cases)),
        "failures": str(counts["failure"]),
        "errors": str(counts["error"]),
        "skipped": str(counts["skipped"]),
        "time": _time(result.duration_seconds),
    }
    root = _element("testsuites", name=SUITE_NAME, **totals)
    suite = _element("testsuite", name=SUITE_NAME, **totals, timestamp=result.started_at)
    root.append(suite)
    suite.append(_properties(result))
    suite.extend(cases)
    if result.notes:
        suite.append(_element("system-out", text="\n".join(result.notes)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(result: RunResult, path: str | os.PathLike[str]) -> Path:
    """Write the JUnit XML report of ``result`` to ``path`` atomically; return the path."""
    return atomic_write_text(path, render_junit(result))


def _testcase(row: CheckFindings, known: frozenset[str], seconds: float) -> ET.Element:
    case = _element(
        "testcase", classname=f"{SUITE_NAME}.{row.operation}", name=row.check, time=_time(seconds)
    )
    findings = ordered(row.findings)
    outcome, failing = row.outcome, row.blocks
    if row.assigned:  # what the check went through, as every format says it
        done = row.exercised
        facts = {
            "outcome": outcome,
            "exercised": format_exercised(done),
            "exercised.requests": str(done.requests),
            "exercised.pages": str(done.pages),
            "exercised.records": str(done.records),
            "exercised.validated": str(done.validated),
        }
        properties = _element("properties")
        for name, value in facts.items():
            properties.append(_element("property", name=name, value=value))
        case.append(properties)
    if outcome == "not-exercised":
        # Never a pass: a failure when it fails the run, a skip (with the reason) otherwise.
        message = clip(f"not exercised: {row.not_exercised}", 300)
        if failing:
            case.append(
                _element(
                    "failure",
                    message=message,
                    type="not-exercised",
                    text=_details(findings, row.unknown, known),
                )
            )
        else:
            case.append(_element("skipped", message=message))
    elif failing:
        severity = most_severe(findings)
        case.append(
            _element(
                "failure",
                message=_message(findings, row.unknown),
                type=severity.value if severity else "unknown",
                text=_details(findings, row.unknown, known),
            )
        )
    if findings and not failing:
        # Below fail-on or accepted by the baseline: the case passes, the findings stay
        # visible next to it.
        case.append(_element("system-out", text=_details(findings, (), known)))
    return case


def _interrupted_case() -> ET.Element:
    message = "the run was interrupted: results are partial"
    return _run_case("run", "error", message, "interrupted")


def _run_case(name: str, tag: str, message: str, kind: str) -> ET.Element:
    """A case about the whole run rather than one check."""
    case = _element("testcase", classname=SUITE_NAME, name=name, time=_time(0.0))
    case.append(_element(tag, message=message, type=kind))
    return case


def _properties(result: RunResult) -> ET.Element:
    values = {
        "seed": str(result.seed),
        "target": result.target.url,
        "target_kind": result.target.kind,
        "profile": result.target.profile,
        "spec": result.spec,
        "fail_on": result.fail_on,
        "max_examples": str(result.max_examples),
        "interrupted": "true" if result.interrupted else "false",
        "exit_code": str(result.exit_code),
        "tool_version": result.tool_version,
    }
    for op in result.operations:  # every request accounted for, per operation
        values[f"requests.{op.operation}"] = str(op.requests)
        values[f"answered.{op.operation}"] = str(op.answered)
        values[f"transport_errors.{op.operation}"] = str(op.transport_errors)
        values[f"retried.{op.operation}"] = format_retries(op.retries) or "0"
    properties = _element("properties")
    for name, value in values.items():
        if value is not None:
            properties.append(_element("property", name=name, value=value))
    return properties


def _message(findings: list[Finding], unknown: tuple[str, ...]) -> str:
    total = len(findings) + len(unknown)
    parts = [f"{f.severity} {f.kind} {f.path or WHOLE_RESPONSE} ×{f.count}" for f in findings]
    parts += [f"unknown {fp}" for fp in unknown]
    return clip(f"{plural(total, 'finding')}: " + "; ".join(parts), 300)


def _details(
    findings: list[Finding], unknown: tuple[str, ...], known: frozenset[str] = frozenset()
) -> str:
    blocks = [_describe(f, f.fingerprint in known) for f in findings]
    missing = "no finding with this fingerprint in the result"
    blocks += [f"[unknown] {fp}\n  {missing}" for fp in unknown]
    return "\n\n".join(blocks)


def _describe(finding: Finding, known: bool = False) -> str:
    times = "once" if finding.count == 1 else f"{finding.count} times"
    where = finding.path or WHOLE_RESPONSE
    accepted = ", known: accepted by the baseline" if known else ""
    lines = [
        f"[{finding.severity}] {finding.kind} at {where} (seen {times}{accepted})",
        f"  fingerprint: {finding.fingerprint}",
        f"  message: {finding.message}",
    ]
    optional = {
        "status": None if finding.status is None else str(finding.status),
        "expected": finding.expected,
        "actual": finding.actual,
        "schema path": finding.schema_path,
        "check": finding.check,
    }
    lines += [f"  {label}: {value}" for label, value in optional.items() if value is not None]
    examples = [e for e in finding.examples if e]  # "" is the whole response, said above
    if examples:
        lines.append(f"  examples: {', '.join(examples)}")
    if finding.request:
        lines.append(f"  reproduce: {finding.request}")
    return "\n".join(lines)


def _element(tag: str, *, text: str | None = None, **attributes: str) -> ET.Element:
    # Every string that reaches the tree goes through xml_safe: ElementTree escapes markup
    # but happily writes control characters no XML parser accepts.
    element = ET.Element(tag, {key: xml_safe(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _time(seconds: float) -> str:
    return f"{seconds:.3f}" if math.isfinite(seconds) and seconds >= 0 else "0.000"
