"""The HTML report reads the same on any machine: no emoji font, names that wrap whole."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import pytest

from zdcontract.monitor.trend import trend_svg
from zdcontract.reports import render_html
from zdcontract.reports.html import breakable

from ._factories import CURSOR, NOT_FOUND, REFRESHED_AT, TIMEOUT, VIA, sample_result


def own_text(html: str) -> str:
    """What the report itself writes, with the run's data (findings, target) taken out."""
    for finding in (VIA, REFRESHED_AT, CURSOR, TIMEOUT, NOT_FOUND):
        for value in (finding.message, finding.request or "", finding.fingerprint):
            html = html.replace(str(value), "")
    return html


def fits_a_text_font(char: str) -> bool:
    """Latin-1 and the common punctuation: in every text font (DejaVu, Liberation, ...).

    Anything else (U+2705, U+274C, U+26A0, U+2714, U+2718, U+2248, U+2205...) may send the
    browser to a symbol or emoji font that a CI runner does not have: an empty box.
    """
    code = ord(char)
    return code < 0x0100 or 0x2010 <= code <= 0x2027


@pytest.mark.parametrize("baseline", [False, True])
@pytest.mark.parametrize("interrupted", [False, True])
def test_the_report_writes_only_characters_every_text_font_has(
    baseline: bool, interrupted: bool
) -> None:
    extra = {"baseline": {"file": "b.json", "known": [VIA.fingerprint], "new": []}}
    for result in (
        sample_result(interrupted=interrupted, extra=extra if baseline else {}),
        sample_result(findings=(), checks=(), interrupted=interrupted),
    ):
        history = [{"time": "2026-11-26T02:00:00Z", "counts": {"status": {"new": 1}}}] * 2
        html = render_html(result, trend_svg=trend_svg(history), history=history)

        odd = {c for c in own_text(html) if not fits_a_text_font(c)}
        assert not odd, [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in odd]


@pytest.mark.parametrize(
    ("outcome", "word"),
    [("pass", "pass"), ("fail", "fail"), ("not-exercised", "not exercised"), ("known", "known")],
)
def test_every_mark_is_drawn_and_stands_beside_a_word(outcome: str, word: str) -> None:
    known = {"baseline": {"file": "b.json", "known": [f.fingerprint for f in (VIA, CURSOR)]}}
    html = render_html(sample_result(extra=known))

    cells = re.findall(rf'<td class="outcome {outcome}">(.*?)</td>', html)
    assert cells, outcome
    for cell in cells:
        assert cell.startswith(f'<svg class="icon {outcome}"'), cell
        assert cell.endswith(f"</svg>{word}") or word in cell.rpartition("</svg>")[2]


def test_the_verdict_says_passed_or_failed_in_words() -> None:
    failed = render_html(sample_result())
    passed = render_html(sample_result(findings=(), checks=()))

    assert re.search(r'<p class="status fail" id="verdict"><svg .*?</svg><strong>Failed:', failed)
    assert re.search(r'<p class="status pass" id="verdict"><svg .*?</svg><strong>Passed:', passed)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "ListActivities|missing-field|/activities/*/title",
            ["ListActivities|", "missing-field|", "/activities", "/*", "/title"],
        ),
        ("/activity/url-self-link", ["/activity", "/url-self-link"]),
        ("ShowActivity|semantic-violation||url-self-link", None),
        ("a<b>|/c&d", ["a&lt;b&gt;|", "/c&amp;d"]),
        ("", []),
    ],
)
def test_identifiers_break_only_between_their_parts(text: str, parts: list[str] | None) -> None:
    html = str(breakable(text))

    found = re.findall(r'<span class="part">(.*?)</span>', html)
    if parts is not None:
        assert found == parts
    # Nothing is lost or added but the markup, and the breaks sit between the parts only.
    assert "".join(found).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
    assert html == "<wbr>".join(f'<span class="part">{p}</span>' for p in found)


def test_long_names_in_the_report_are_kept_whole_or_broken_between_parts() -> None:
    long = replace(VIA, operation="ListActivitiesWithAVeryLongOperationName")

    html = render_html(sample_result(findings=(long,)))

    assert '<code class="name">ListActivitiesWithAVeryLongOperationName</code>' in html
    assert '<span class="name">pagination-cursor</span>' in html
    assert '<span class="part">ListActivities|</span><wbr>' in html
    style = html[html.index("<style>") : html.index("</style>")]
    assert ".name { white-space: nowrap; }" in style
    assert "code { overflow-wrap: anywhere" not in style  # that broke `ListActivitie|s`


@pytest.mark.parametrize(
    ("times", "first", "last"),
    [
        (["2026-11-26T02:00:00Z", "2026-11-26T09:30:00Z"], "2026-11-26 02:00 UTC", "09:30 UTC"),
        (["2026-11-26T02:00:05Z", "2026-11-26T02:00:59Z"], "02:00:05 UTC", "02:00:59 UTC"),
        (["2026-11-25T23:00:00Z", "2026-11-26T01:00:00Z"], "2026-11-25", "2026-11-26"),
        # two quick runs within one second: told apart by their numbers
        (["2026-11-26T02:00:05Z", "2026-11-26T02:00:05Z"], "02:00:05 UTC, run 1", "run 2"),
    ],
)
def test_trend_axis_labels_differ_when_the_runs_share_a_day(
    times: list[str], first: str, last: str
) -> None:
    svg = trend_svg([{"time": t, "counts": {"status": {"new": 1}}} for t in times])

    left = re.search(r'<text class="axis-first"[^>]*>([^<]*)</text>', svg)
    right = re.search(r'<text class="axis-last"[^>]*>([^<]*)</text>', svg)
    assert left and right
    assert left.group(1) != right.group(1)
    assert left.group(1).endswith(first) and right.group(1).endswith(last)
