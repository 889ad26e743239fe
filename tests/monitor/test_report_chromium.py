"""A failing and a passing HTML report, each with a trend, as headless Chromium lays them out.

A screenshot alone cannot say whether a name was cut in two or the verdict is visible, so
the test asks the browser: a copy of each report gets a small script that writes layout
facts into the page (each name's line boxes, where each identifier's lines break, the
verdict's box), read back with ``--dump-dom``. The report itself carries no script; the
screenshot of the report as shipped then shows the verdict's mark in its colour.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from in_process import zd

from .test_trend_chromium import chromium, read_png, render

pytestmark = pytest.mark.slow

WIDTH, HEIGHT = 900, 1000  # narrow enough that fingerprints must wrap
PASS_COLOUR, FAIL_COLOUR = (0x1A, 0x7F, 0x37), (0xCF, 0x22, 0x2E)

# Written into a copy of the report only. ES5, no network, no timers: layout is final when
# the parser reaches the end of the body (fonts are local, images none).
LAYOUT_PROBE = """
<script>
(function () {
  function box(el) {
    var r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height};
  }
  function breaks(el) {
    // Each line break inside el, as [the character ending a line, the one starting the next].
    var found = [], last = null, lastTop = null, range = document.createRange();
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      for (var i = 0; i < node.data.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        var rects = range.getClientRects();
        if (!rects.length) continue;
        if (lastTop !== null && rects[0].top > lastTop + 2) found.push([last, node.data[i]]);
        last = node.data[i];
        lastTop = rects[0].top;
      }
    }
    return found;
  }
  function all(selector, fn) {
    return Array.prototype.map.call(document.querySelectorAll(selector), fn);
  }
  var verdict = document.getElementById("verdict") || document.querySelector(".status");
  var mark = verdict && verdict.querySelector("svg");
  var facts = {
    viewport: [window.innerWidth, window.innerHeight],
    scrollWidth: document.documentElement.scrollWidth,
    verdict: verdict && {
      box: box(verdict),
      text: verdict.textContent,
      icon: mark && box(mark)
    },
    names: all(".name", function (el) {
      return {text: el.textContent, lines: el.getClientRects().length};
    }),
    ids: all("code.id", function (el) { return {text: el.textContent, breaks: breaks(el)}; }),
    axis: all(".zd-trend text.axis-first, .zd-trend text.axis-last", function (el) {
      return el.textContent;
    }),
    runs: document.querySelectorAll(".zd-trend g.run").length
  };
  var out = document.createElement("pre");
  out.id = "zd-layout";
  out.textContent = JSON.stringify(facts);
  document.body.appendChild(out);
})();
</script>
"""


def two_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, *drift: str) -> Path:
    """The HTML report of the second of two runs into one directory (so, with a trend)."""
    reports = tmp_path / name
    argv = ["run", "--profile", "conformant", "--seed", "3", "--max-examples", "3", "-q"]
    argv += ["--report-dir", str(reports), "--no-baseline", *drift]
    codes = [zd(argv, capsys)[0] for _ in range(2)]
    assert codes == [1, 1] if drift else [0, 0], codes
    return reports / "zdcontract-report.html"


def layout(browser: str, page: Path, tmp_path: Path) -> dict[str, Any]:
    probe = tmp_path / f"probe-{page.parent.name}.html"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text  # the report as shipped runs nothing
    probe.write_text(text.replace("</body>", LAYOUT_PROBE + "</body>"), encoding="utf-8")
    dom = render(browser, probe, tmp_path, "--dump-dom", f"--window-size={WIDTH},{HEIGHT}")
    found = re.search(r'<pre id="zd-layout">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stdout[-2000:]
    facts: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return facts


def mark_pixels(shot: Path, area: dict[str, float], colour: tuple[int, int, int]) -> int:
    """Pixels of about ``colour`` inside ``area`` of a screenshot (antialiasing allowed)."""
    width, height, rows = read_png(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    hits = 0
    for y in range(int(area["y"]), min(int(area["y"] + area["h"]) + 1, height)):
        row = rows[y]
        for x in range(int(area["x"]), min(int(area["x"] + area["w"]) + 1, width)):
            r, g, b = row[3 * x : 3 * x + 3]
            hits += abs(r - colour[0]) + abs(g - colour[1]) + abs(b - colour[2]) < 60
    return hits


@pytest.mark.parametrize("outcome", ["failed", "passed"])
def test_the_report_shows_its_verdict_and_readable_names_in_chromium(
    outcome: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    browser = chromium()
    drift = ("--mock-drift", "remove:/activities/*/title") if outcome == "failed" else ()
    page = two_runs(tmp_path, capsys, outcome, *drift)

    facts = layout(browser, page, tmp_path)

    # The verdict: in words, at the top of the first screen, with its mark drawn beside it.
    verdict = facts["verdict"]
    assert verdict["text"].startswith(f"{outcome.capitalize()}:"), verdict
    box, icon = verdict["box"], verdict["icon"]
    assert box["x"] >= 0 and box["y"] > 0 and box["y"] + box["h"] <= HEIGHT / 4, box
    assert icon and icon["w"] >= 10 and icon["h"] >= 10, icon
    # Names stay on one line; identifiers break only after "|" or before "/".
    names = facts["names"]
    assert {"ListActivities", "ShowActivity", "CountActivities"} <= {n["text"] for n in names}
    assert [n for n in names if n["lines"] != 1] == []
    ids = facts["ids"]
    assert ids, "no fingerprint or pointer in the report"
    wrapped = [i for i in ids if i["breaks"]]
    assert wrapped, "nothing had to wrap: the window is too wide to test wrapping"
    for ident in wrapped:
        for before, after in ident["breaks"]:
            assert before == "|" or after == "/", f"{ident['text']}: broke at {before}|{after}"
    assert facts["scrollWidth"] <= WIDTH, "the page is wider than the window"
    # The trend: two runs, told apart at both ends of the axis (they share a date).
    assert facts["runs"] == 2
    first, last = facts["axis"]
    assert first != last, facts["axis"]

    # The report as shipped, as a picture: the verdict's mark is there in its colour.
    shot = tmp_path / f"{outcome}.png"
    render(browser, page, tmp_path, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}")
    colour = FAIL_COLOUR if outcome == "failed" else PASS_COLOUR
    assert mark_pixels(shot, icon, colour) >= 12
    text_colour = (0x1F, 0x23, 0x28)
    assert mark_pixels(shot, {**box, "x": icon["x"] + icon["w"]}, text_colour) >= 40
