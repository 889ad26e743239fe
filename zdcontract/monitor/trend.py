"""The trend chart: findings over runs, new against known, as one self-contained SVG.

A pure function of history lines. The SVG references nothing outside itself (no fonts,
images, scripts or links), every text in it is escaped, and its colours read on light and
dark pages alike (labels use ``currentColor``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["KNOWN_COLOUR", "NEW_COLOUR", "trend_svg"]

NEW_COLOUR = "#cf222e"
KNOWN_COLOUR = "#8c959f"

_WIDTH, _HEIGHT = 720, 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 28, 40


def trend_svg(history: Sequence[Mapping[str, Any]]) -> str:
    """A stacked bar per run (known below, new on top), oldest left; "" without history.

    Example:
        >>> svg = trend_svg([{"time": "2026-11-26T02:00:00Z",
        ...                   "counts": {"status": {"new": 1, "known": 5}}}])
        >>> svg.startswith("<svg")
        True
    """
    runs = [_point(entry) for entry in history]
    if not runs:
        return ""
    top = max(max(r["new"] + r["known"] for r in runs), 1)
    scale = _nice(top)
    plot_w = _WIDTH - _LEFT - _RIGHT
    plot_h = _HEIGHT - _TOP - _BOTTOM
    slot = plot_w / len(runs)
    bar = max(min(slot * 0.7, 40.0), 1.0)
    last = runs[-1]
    label = (
        f"Findings over the last {len(runs)} runs, new against known; latest run: "
        f"{last['new']} new, {last['known']} known, {last['resolved']} resolved"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="zd-trend" role="img" '
        f'width="{_WIDTH}" height="{_HEIGHT}" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'font-family="system-ui, sans-serif" font-size="11">',
        f"<title>{escape(label)}</title>",
    ]
    for step in range(5):  # horizontal grid lines with their values
        value = scale * step / 4
        y = _TOP + plot_h - plot_h * value / scale
        parts.append(
            f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.15"/>'
        )
        parts.append(
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="currentColor">'
            f"{value:g}</text>"
        )
    for index, run in enumerate(runs):
        x = _LEFT + slot * index + (slot - bar) / 2
        known_h = plot_h * run["known"] / scale
        new_h = plot_h * run["new"] / scale
        base = _TOP + plot_h
        tip = escape(
            f"{run['time']}: {run['new']} new, {run['known']} known, "
            f"{run['resolved']} resolved{run['where']}"
        )
        parts.append(f'<g class="run"><title>{tip}</title>')
        if known_h:
            parts.append(
                f'<rect class="known" x="{x:.1f}" y="{base - known_h:.1f}" width="{bar:.1f}" '
                f'height="{known_h:.1f}" fill="{KNOWN_COLOUR}"/>'
            )
        if new_h:
            parts.append(
                f'<rect class="new" x="{x:.1f}" y="{base - known_h - new_h:.1f}" '
                f'width="{bar:.1f}" height="{new_h:.1f}" fill="{NEW_COLOUR}"/>'
            )
        parts.append("</g>")
    parts.append(
        f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{_TOP + plot_h}" y2="{_TOP + plot_h}" '
        f'stroke="currentColor" stroke-opacity="0.5"/>'
    )
    axis_y = _TOP + plot_h + 16
    first_label, last_label = _axis_labels(runs[0]["time"], last["time"], len(runs))
    parts.append(
        f'<text class="axis-first" x="{_LEFT}" y="{axis_y}" fill="currentColor">'
        f"{escape(first_label)}</text>"
    )
    if len(runs) > 1:
        parts.append(
            f'<text class="axis-last" x="{_WIDTH - _RIGHT}" y="{axis_y}" text-anchor="end" '
            f'fill="currentColor">{escape(last_label)}</text>'
        )
    parts.append(
        f'<text x="{_LEFT + plot_w / 2:.1f}" y="{axis_y + 16}" text-anchor="middle" '
        f'fill="currentColor" fill-opacity="0.7">runs, oldest to latest</text>'
    )
    legend_x = _WIDTH - _RIGHT - 150
    for offset, (name, colour) in enumerate((("new", NEW_COLOUR), ("known", KNOWN_COLOUR))):
        x = legend_x + offset * 75
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="18" fill="currentColor">{name}</text>')
    parts.append(
        f'<text x="{_LEFT}" y="18" fill="currentColor" font-weight="600">'
        f"distinct findings per run</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _point(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The numbers of one history line; whatever is missing or malformed counts as 0."""
    counts = entry.get("counts")
    status = counts.get("status") if isinstance(counts, Mapping) else None
    status = status if isinstance(status, Mapping) else {}
    target = entry.get("target")
    url = target.get("url") if isinstance(target, Mapping) else None
    time = str(entry.get("time") or "?")
    return {
        "time": time,
        "new": _count(status.get("new")),
        "known": _count(status.get("known")),
        "resolved": _count(status.get("resolved")),
        "where": f" ({url})" if url else "",
    }


def _axis_labels(first: str, last: str, runs: int = 2) -> tuple[str, str]:
    """The oldest and latest run's labels: dates, or times when the dates alone are equal.

    History times are UTC, ``2026-11-26T02:00:00Z``. Runs of one day (a CI job run twice,
    an hourly monitor) would read the same date at both ends; they get the time of day,
    to the second when the minute is the same too, and their numbers when even the second
    is the same (quick runs back to back).
    """
    if first[:10] != last[:10] or not _is_time(first) or not _is_time(last):
        return first[:10], last[:10]
    end = 16 if first[:16] != last[:16] else 19
    head, tail = f"{first[:10]} {first[11:end]} UTC", f"{last[:10]} {last[11:end]} UTC"
    if head == tail and runs > 1:
        return f"{head}, run 1", f"{tail}, run {runs}"
    return head, tail


def _is_time(text: str) -> bool:
    return len(text) >= 19 and text[10] in "Tt " and text[13] == ":" and text[16] == ":"


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _nice(value: int) -> int:
    """The smallest of 4, 8, 12, 20, 40, 80, ... at or above ``value``: grid lines at quarters."""
    step = 1
    while True:
        for factor in (4, 8, 12, 20):
            if factor * step >= value:
                return factor * step
        step *= 10
