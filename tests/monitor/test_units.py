"""The monitor's small modules on their own: baseline, history, trend, alert."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zdcontract.drift import Finding, Kind, Severity, fingerprint
from zdcontract.errors import UsageError
from zdcontract.monitor import (
    Baseline,
    BaselineEntry,
    alert_payload,
    append_history,
    classify,
    load_baseline,
    post_json,
    read_history,
    save_baseline,
    shipped_baseline,
    trend_svg,
    updated_baseline,
)
from zdcontract.results import RunResult, Target

from ._helpers import receiver

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def finding(path: str, kind: Kind = Kind.MISSING_FIELD, message: str = "gone") -> Finding:
    return Finding(
        kind=kind,
        severity=Severity.WARNING,
        operation="ListActivities",
        path=path,
        message=message,
        fingerprint=fingerprint("ListActivities", kind, path),
    )


def entry(path: str, **extra: str) -> BaselineEntry:
    fp = fingerprint("ListActivities", Kind.MISSING_FIELD, path)
    return BaselineEntry(
        fingerprint=fp, kind="missing-field", operation="ListActivities", path=path, **extra
    )


def test_classify_new_known_resolved_and_expired() -> None:
    baseline = Baseline(
        source="b.json",
        entries=(entry("/a"), entry("/gone"), entry("/old", expires="2026-11-26")),
    )
    result = classify([finding("/a"), finding("/b"), finding("/old")], baseline, now=NOW)
    assert [f.path for f in result.known] == ["/a"]
    assert [f.path for f in result.new] == ["/b", "/old"]
    assert [e.path for e in result.resolved] == ["/gone"]
    assert result.expired == ("ListActivities|missing-field|/old",)
    assert result.status_of("ListActivities|missing-field|/a") == "known"
    assert classify([finding("/a")], None).new == (finding("/a"),)


def test_conditional_entries_not_seen_are_unexercised_not_resolved() -> None:
    baseline = Baseline(
        source="b.json",
        entries=(entry("/gone"), entry("/rare", condition="more than 100,000 activities")),
    )
    result = classify([finding("/a")], baseline, now=NOW)
    assert [e.path for e in result.resolved] == ["/gone"]
    assert [e.path for e in result.unexercised] == ["/rare"]
    assert result.to_extra()["unexercised"][0]["condition"] == "more than 100,000 activities"
    seen = classify([finding("/rare")], baseline, now=NOW)
    assert [f.path for f in seen.known] == ["/rare"] and seen.unexercised == ()
    # Updating keeps a conditional entry the run could not see, and its condition.
    updated = updated_baseline([finding("/a")], [baseline], source="b.json", seen_at="now")
    assert [(e.path, e.condition) for e in updated.entries] == [
        ("/a", None),
        ("/rare", "more than 100,000 activities"),
    ]


def test_expiry_by_date_or_moment() -> None:
    assert not entry("/x", expires="2026-11-27").expired(NOW)
    assert entry("/x", expires="2026-11-26").expired(NOW)
    assert entry("/x", expires="2026-11-26T11:00:00Z").expired(NOW)
    assert not entry("/x").expired(NOW)


def test_update_keeps_reasons_and_first_sighting_and_drops_the_resolved(tmp_path: Path) -> None:
    old = Baseline(
        source="b.json",
        entries=(
            entry("/a", reason="on purpose", first_seen="2026-01-01", expires="2027-01-01"),
            entry("/gone", reason="was"),
        ),
    )
    new = updated_baseline(
        [finding("/b"), finding("/a")], [old, None], source="b.json", seen_at="2026-11-26T12:00Z"
    )
    assert [e.path for e in new.entries] == ["/a", "/b"]  # sorted for reviewable diffs
    kept = new.entries[0]
    assert (kept.reason, kept.first_seen) == ("on purpose", "2026-01-01")
    assert kept.expires == "2027-01-01"
    assert kept.last_seen == "2026-11-26T12:00Z"
    assert new.entries[1].reason == "" and new.entries[1].first_seen == "2026-11-26T12:00Z"
    path = save_baseline(new, tmp_path / "deep" / "b.json")
    assert load_baseline(path).entries == new.entries
    assert json.loads(path.read_text())["version"] == 1


def test_broken_baselines_are_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    for text in ("{}", "42", "{", '{"entries": [{"fingerprint": "a|b|/c", "expires": "soon"}]}'):
        bad.write_text(text)
        with pytest.raises(UsageError, match="is not (JSON|a zdcontract baseline)"):
            load_baseline(bad)


def test_the_shipped_baseline_has_a_reason_and_source_for_every_entry() -> None:
    shipped = shipped_baseline()
    fingerprints = {e.fingerprint for e in shipped.entries}
    assert {
        "ListActivities|undocumented-field|/meta",
        "ListActivities|undocumented-field|/links",
        "ListActivities|missing-field|/count",
        "ListActivities|missing-field|/next_page",
        "ListActivities|missing-field|/previous_page",
        "CountActivities|unexpected-null|/count/refreshed_at",
    } <= fingerprints
    for item in shipped.entries:
        assert item.reason and item.source and item.expires is None
        assert item.fingerprint.split("|")[:3] == [item.operation, item.kind, item.path]


def test_history_appends_lines_and_reads_the_last_ones(tmp_path: Path) -> None:
    path = tmp_path / "h" / "history.jsonl"
    assert read_history(path) == []
    for n in range(5):
        append_history(path, {"n": n})
    with path.open("a") as handle:
        handle.write('{"n": 99, "cut sh')  # a run that died mid-line
    append_history(path, {"n": 5})
    assert [e["n"] for e in read_history(path, last=3)] == [3, 4, 5]
    assert len(read_history(path)) == 6


def test_trend_svg_is_well_formed_escaped_and_self_contained() -> None:
    assert trend_svg([]) == ""
    runs = [
        {"time": f"2026-11-{d:02d}T02:00:00Z", "counts": {"status": {"new": d % 3, "known": 5}}}
        for d in range(1, 21)
    ]
    runs.append({"time": "<script>alert(1)</script>", "target": {"url": "x&y"}, "counts": 7})
    svg = trend_svg(runs)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('<g class="run">') == 21
    assert not any(ref in svg for ref in ("href", "url(", "@import", "<image"))


def test_alert_payload_and_delivery() -> None:
    result = RunResult(
        tool_version="0",
        started_at="2026-11-26T02:00:00Z",
        finished_at="2026-11-26T02:01:00Z",
        duration_seconds=60.0,
        target=Target(url="https://acme.zendesk.com", kind="live"),
        spec="bundled",
        seed=1,
        max_examples=5,
        fail_on="warning",
        findings=(finding("/a"), finding("/b")),
    )
    classification = classify(
        result.findings, Baseline(source="b.json", entries=(entry("/a"),)), now=NOW
    )
    payload = alert_payload(result, classification, report="https://ci/run/1")
    assert payload["text"].startswith("zdcontract: 1 new drift finding against https://acme")
    assert "ListActivities|missing-field|/b" in payload["text"]
    assert "/a" not in payload["text"].split("\n", 1)[1]
    assert payload["counts"]["status"] == {"new": 1, "known": 1, "resolved": 0}
    assert payload["report"] == "https://ci/run/1"
    with receiver() as hook:
        assert post_json(hook.url, payload) is None
    assert hook.received[0]["body"] == payload
    problem = post_json("not a url", payload)
    assert problem is not None and "not delivered" in problem
