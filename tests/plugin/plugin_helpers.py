"""Shared by the plugin's tests (imported by name: the test directory is on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Fast contract runs: few cases, a fixed seed. pytest-benchmark (installed here, not ours)
#: breaks xdist runs under warnings-as-errors and writes files, so it stays out.
FAST = ("-p", "no:benchmark", "-p", "no:cacheprovider", "--zd-max-examples", "3", "--zd-seed", "1")


def read_report(path: Path) -> dict[str, Any]:
    """A JSON report, checked against the report schema."""
    from zdcontract.reports import validate_report_dict

    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    validate_report_dict(data)
    return data
