"""The benchmark suite runs in quick mode and produces its table and JSON (no timings judged)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_mode_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| ratio | value | target | met |" in done.stdout
    for name in ("validate_response / orjson.loads", "openapi-core / validate_response"):
        assert name in done.stdout
    result = json.loads(out.read_text())
    assert result["quick"] is True
    suites = {"validation", "drift", "cold", "replay", "hostile", "end-to-end", "plugin", "mock"}
    assert suites <= set(result["details"])
    ratios = {r["name"]: r for r in result["ratios"]}
    assert ratios["validate_response / schemathesis"]["value"] > 0
    assert any("peak RSS" in name for name in ratios)
    assert any(name.startswith("zdcontract run / st run") for name in ratios)
    assert any(name.startswith("zdcontract mock / prism") for name in ratios)
    for name in (
        "validate_response, drifted page / orjson.loads",
        "first drifted page in a fresh process (ms)",
        "zdcontract --help / st --help",
        "pytest --zd-contract -n 2 / serial, N=2 (wall)",
        "pytest --zd-contract / zdcontract run, N=2 (wall)",
        "zdcontract run against a gzip bomb: peak RSS (MiB)",
        "zdcontract run against a 50 MB body: peak RSS (MiB)",
    ):
        assert ratios[name]["value"] > 0, name
    assert any(name.startswith("zdcontract validate --har / ijson+orjson") for name in ratios)
    assert any("nested" in name and "peak RSS" in name for name in ratios)
    assert result["markdown"] in done.stdout


def test_markdown_table_marks_unavailable_figures() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.__main__ import markdown
    from benchmarks._common import Figure, Ratio

    table = markdown(
        [Figure("prism mock", None, "req/s", "not installed"), Figure("x", 1.5, "ms")],
        [Ratio("zdcontract mock / prism mock", None, ">= 3", None)],
    )
    assert "| prism mock | unavailable | not installed |" in table
    assert "| x | 1.500 ms |  |" in table
    assert "| zdcontract mock / prism mock | unavailable | >= 3 | n/a |" in table
