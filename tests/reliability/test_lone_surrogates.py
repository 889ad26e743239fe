"""A response whose JSON escapes a lone surrogate (``"\\ud800"``) is drift, not a clean body.

Python's parser reads the escape into a string that is no Unicode text; RFC 8259 (section
8.2) calls such JSON text unpredictable for the receiver, and other parsers refuse it. It
was reported not at all. Now it is a ``malformed-body`` finding, from ``validate`` and from
a run against a target on loopback that sends it, with a paired escape (an emoji) still
clean.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from loopback import answering
from reliability._helpers import complete_reports, run_cli

pytestmark = pytest.mark.slow

FINGERPRINT = "CountActivities|malformed-body||lone-surrogate"
CLEAN_COUNT = b'{"count": {"value": 3, "refreshed_at": "2026-01-02T03:04:05Z"}'


@pytest.mark.parametrize(
    ("tail", "lone"),
    [
        (b', "note": "\\ud800"}', True),  # a high surrogate alone
        (b', "note": "x\\udc00y"}', True),  # a low one alone
        (b', "\\udbff": 1}', True),  # in a key
        (b', "note": "\\udc00\\ud800"}', True),  # a pair in the wrong order
        (b', "note": "\\ud83d\\ude00"}', False),  # a pair: one character, an emoji
        (b', "note": "\\\\ud800"}', False),  # an escaped backslash, then plain text
    ],
)
def test_validate_reports_a_lone_surrogate(tmp_path: Path, tail: bytes, lone: bool) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(CLEAN_COUNT + tail)
    finished = run_cli(
        ["validate", "-o", "CountActivities", str(body), "--format", "json"], cwd=tmp_path
    )
    assert finished.returncode == 1, finished.output  # "note" is an undocumented field
    fingerprints = {f["fingerprint"] for f in json.loads(finished.stdout)["findings"]}
    assert (FINGERPRINT in fingerprints) is lone, fingerprints


def test_a_run_reports_a_target_sending_lone_surrogates(tmp_path: Path) -> None:
    with answering(CLEAN_COUNT + b', "note": "\\ud800 and \\udfff"}') as url:
        finished = run_cli(
            [
                "run",
                "--base-url",
                url,
                "--operation",
                "CountActivities",
                "--max-examples",
                "1",
                "--no-checks",
                "--no-baseline",
                "--rate-limit",
                "60000/min",
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            cwd=tmp_path,
        )
    assert finished.returncode == 1, finished.output
    assert "Traceback" not in finished.output
    data = complete_reports(tmp_path / "reports")
    [finding] = [f for f in data["findings"] if f["fingerprint"] == FINGERPRINT]
    assert finding["severity"] == "breaking" and finding["kind"] == "malformed-body"
