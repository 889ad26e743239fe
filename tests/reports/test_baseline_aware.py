"""Every format reads a baseline the same way: only new drift fails, known drift stays shown.

The exit code of a monitored run counts new findings only; a report that marked a check
failed, or a JUnit case red, for drift the baseline accepts would contradict it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from zdcontract.reports import (
    render_html,
    render_junit,
    render_markdown,
    to_json_dict,
    write_reports,
)

from ._factories import CURSOR, NOT_FOUND, REFRESHED_AT, TIMEOUT, VIA, sample_result

KNOWN = (VIA, CURSOR, REFRESHED_AT, TIMEOUT, NOT_FOUND)


def baselined(known: tuple[str, ...], **extra: object) -> dict[str, object]:
    return {
        "baseline": {
            "file": "baseline.json",
            "new": [f.fingerprint for f in KNOWN if f.fingerprint not in known],
            "known": list(known),
            "resolved": [],
            "expired": [],
            **extra,
        }
    }


def cases(xml: str) -> dict[tuple[str, str], ET.Element]:
    root = ET.fromstring(xml)
    return {(c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")}


def test_all_known_drift_passes_in_every_format() -> None:
    result = sample_result(extra=baselined(tuple(f.fingerprint for f in KNOWN)))
    assert to_json_dict(result)["summary"]["failing"] == 0
    junit = ET.fromstring(render_junit(result))
    assert junit.get("failures") == "0"
    schema = cases(render_junit(result))[("zdcontract.ListActivities", "schema")]
    assert schema.find("failure") is None
    assert "known: accepted by the baseline" in (schema.findtext("system-out") or "")
    markdown = render_markdown(result)
    assert markdown.splitlines()[2].startswith("✅ **No new drift at or above warning**")
    assert "2 passed, 0 with findings, 3 with known drift only, 1 not exercised" in markdown
    assert "(known)" in markdown
    html = render_html(result)
    # Four rows: three checks and the unassigned transport error, all accepted drift.
    assert 'class="outcome fail"' not in html and html.count('class="outcome known"') == 4


def test_a_new_finding_fails_only_its_own_check() -> None:
    known = tuple(f.fingerprint for f in KNOWN if f is not VIA)
    result = sample_result(extra=baselined(known))
    assert to_json_dict(result)["summary"]["failing"] == 1
    junit = cases(render_junit(result))
    assert junit[("zdcontract.ListActivities", "schema")].find("failure") is not None
    assert junit[("zdcontract.CountActivities", "schema")].find("failure") is None
    markdown = render_markdown(result)
    assert "❌ **1 new finding at or above warning**" in markdown
    assert "4 new, 1 known" not in markdown and "1 new, 4 known" in markdown
    # New drift is listed before known drift, whatever the severities.
    top = [line for line in markdown.splitlines() if line.startswith("| 1 |")]
    assert VIA.fingerprint.replace("|", "\\|") in top[0]
    html = render_html(result)
    assert html.count('class="outcome fail"') == 1


def test_without_a_baseline_every_finding_counts() -> None:
    result = sample_result()
    failing = to_json_dict(result)["summary"]["failing"]
    assert failing == sum(f.severity.value in ("breaking", "warning") for f in result.findings)
    assert "known" not in render_markdown(result)


def test_unexercised_entries_are_shown_apart_from_resolved() -> None:
    entry = {
        "fingerprint": "CountActivities|unexpected-null|/count/refreshed_at",
        "condition": "more than 100,000 activities",
        "reason": "counted in the background",
    }
    result = sample_result(extra=baselined((), unexercised=[entry]))
    html = render_html(result)
    assert 'id="unexercised"' in html and "more than 100,000 activities" in html
    assert 'id="resolved"' not in html
    assert "1 accepted only in conditions not met" in render_markdown(result)


def test_write_reports_passes_the_trend_to_the_html(tmp_path: Path) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" id="trend-under-test"></svg>'
    paths = write_reports(replace(sample_result()), tmp_path, trend_svg=svg, history=[])
    assert 'id="trend-under-test"' in paths["html"].read_text()
    assert json.loads(paths["json"].read_text())["summary"]["failing"] >= 1
