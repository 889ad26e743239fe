"""Scheduled drift monitoring: baselines, run history, trend chart, alerts, HAR record/replay.

The monitor layer sits between the reports and the front-ends: it reads a RunResult and its
findings, never the network of the API under test. Names are imported on first use:
``zdcontract validate --har`` imports ``monitor.har`` (and through this package nothing
else), so an offline replay never loads the runner, schemathesis or the HTTP client that
recording needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    **dict.fromkeys(
        (
            "Baseline",
            "BaselineEntry",
            "Classification",
            "classify",
            "load_baseline",
            "save_baseline",
            "shipped_baseline",
            "updated_baseline",
        ),
        ".baseline",
    ),
    **dict.fromkeys(
        ("HISTORY_FILE", "append_history", "history_entry", "read_history"), ".history"
    ),
    **dict.fromkeys(("alert_payload", "post_json"), ".notify"),
    "HarRecorder": ".record",
    "trend_svg": ".trend",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'zdcontract.monitor' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
