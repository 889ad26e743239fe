"""Scheduled drift monitoring: baselines, run history, trend chart, alerts, HAR record/replay.

The monitor layer sits between the reports and the front-ends: it reads a RunResult and its
findings, never the network of the API under test. ``har`` (offline replay) imports the
streaming parser ijson and is imported on its own: ``from zdcontract.monitor.har import
replay_har``.
"""

from __future__ import annotations

from .baseline import (
    Baseline,
    BaselineEntry,
    Classification,
    classify,
    load_baseline,
    save_baseline,
    shipped_baseline,
    updated_baseline,
)
from .history import HISTORY_FILE, append_history, history_entry, read_history
from .notify import alert_payload, post_json
from .record import HarRecorder
from .trend import trend_svg

__all__ = [
    "HISTORY_FILE",
    "Baseline",
    "BaselineEntry",
    "Classification",
    "HarRecorder",
    "alert_payload",
    "append_history",
    "classify",
    "history_entry",
    "load_baseline",
    "post_json",
    "read_history",
    "save_baseline",
    "shipped_baseline",
    "trend_svg",
    "updated_baseline",
]
