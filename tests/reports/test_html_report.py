from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from markupsafe import escape

from zdcontract.reports import render_html, write_html

from ._factories import CURSOR, REFRESHED_AT, VIA, clean_result, sample_result

_VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "source"}


class _Structure(HTMLParser):
    """Collects tags and attributes, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def structure(text: str) -> _Structure:
    parser = _Structure()
    parser.feed(text)
    parser.close()
    assert parser.stack == []
    return parser


def test_is_well_formed_and_self_contained() -> None:
    text = render_html(sample_result())

    parsed = structure(text)
    assert text.startswith("<!DOCTYPE html>")
    assert "script" not in parsed.tags
    assert "link" not in parsed.tags and "img" not in parsed.tags and "iframe" not in parsed.tags
    for tag, name, value in parsed.attributes:
        assert name not in {"src", "srcset"}, tag
        if name == "href":
            assert not re.match(r"\s*(https?:)?//", value or ""), value
    style = text[text.index("<style>") : text.index("</style>")]
    assert "url(" not in style and "@import" not in style


def test_shows_verdict_cards_and_tables() -> None:
    text = render_html(sample_result(interrupted=True))

    assert '<span class="badge fail">failed</span>' in text
    assert '<span class="badge interrupted">interrupted</span>' in text
    assert "<strong>Failed:</strong>&nbsp;<span>4 findings at or above warning (" in text
    assert '<div class="card breaking"><div class="value">2</div>breaking</div>' in text
    assert "<td>200 ×115, 429 ×3</td>" in text
    assert 'class="outcome not-exercised"><svg class="icon not-exercised"' in text
    assert "</svg>not exercised</td>" in text
    assert "<td>not a paginated operation</td>" in text
    assert '<tr class="breaking">' in text and '<span class="sev info">info</span>' in text
    assert "<dd><code>1234567</code> (max examples 50)</dd>" in text


def test_findings_table_is_most_severe_first_with_curl_in_details() -> None:
    text = render_html(sample_result())

    order = [text.index(escape(f.message)) for f in (REFRESHED_AT, CURSOR, VIA)]
    assert order == sorted(order)
    assert "<details><summary>Reproduce</summary><pre><code>curl -sS" in text
    assert "page[size]=2&amp;page[after]=xyz" in text


def test_clean_run_passes() -> None:
    text = render_html(clean_result())

    assert '<span class="badge pass">passed</span>' in text
    assert "No findings." in text
    assert "interrupted</span>" not in text


def test_message_markup_is_escaped() -> None:
    xss = replace(
        VIA,
        message="<script>alert(1)</script>",
        examples=('/"><img src=x onerror=alert(1)>',),
        request="curl '<b>'",
    )

    text = render_html(sample_result(findings=(xss,)))

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img" not in text
    assert "<b>" not in text
    structure(text)


def test_trend_svg_is_inserted_only_when_given() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="1"/></svg>'

    with_trend = render_html(sample_result(), trend_svg=svg, history=[{"findings": 3}])
    without = render_html(sample_result())

    assert svg in with_trend
    assert '<section class="trend" id="trend">' in with_trend
    assert 'id="trend"' not in without
    structure(with_trend)


def test_write_html(tmp_path: Path) -> None:
    path = write_html(sample_result(), tmp_path / "r.html", trend_svg="<svg></svg>")

    assert "<svg></svg>" in path.read_text(encoding="utf-8")
