"""What a run leaves behind: its reports where asked, nothing else, and no late surprises."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from zdcontract.errors import UsageError
from zdcontract.monitor.session import MonitorOptions, check_writable

pytestmark = pytest.mark.slow


def test_a_run_leaves_only_its_reports_in_the_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "zdcontract", "run", "--max-examples", "2", "--seed", "1",
         "--report-dir", "reports", "--quiet"],
        cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in work.iterdir()) == ["reports"]  # no .hypothesis/
    assert (tmp_path / "cache" / "zdcontract" / "hypothesis").is_dir()


def test_unwritable_outputs_are_refused_before_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cases = [
        (MonitorOptions(history=str(blocker / "history.jsonl")), "--history"),
        (MonitorOptions(update_baseline=str(tmp_path)), "--update-baseline"),
        (MonitorOptions(), "--report-dir"),
    ]
    for options, option in cases:
        report_dir = blocker / "reports" if option == "--report-dir" else tmp_path / "r"
        with pytest.raises(UsageError, match=f"^{option}: "):
            check_writable(options, report_dir)
    check_writable(MonitorOptions(history=str(tmp_path / "deep" / "h.jsonl")), tmp_path / "r")
    assert not (tmp_path / "deep").exists() and not (tmp_path / "r").exists()  # only checked


def test_the_cli_refuses_an_unwritable_history_without_sending_anything(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "zdcontract", "run", "--history", str(blocker / "h.jsonl"),
         "--report-dir", str(tmp_path / "r")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"zdcontract: error: --history: {blocker} is not a directory"
    ]
    assert "seed" not in done.stdout  # refused before the run announced itself


def test_the_progress_bar_ends_full_one_step_per_request_and_check() -> None:
    from zdcontract.runner import RunConfig, run

    class Counting:
        def __init__(self) -> None:
            self.total: int | None = None
            self.steps: list[str] = []

        def start(self, total: int) -> None:
            self.total = total

        def advance(self, description: str) -> None:
            self.steps.append(description)

    progress = Counting()
    config = RunConfig(seed=1, max_examples=3, profile="conformant", mock_activities=30)
    result = run(config, progress=progress)
    cases = sum(c.cases for c in result.checks if c.check == "schema")
    behaviour = [c.check for c in result.checks if c.check != "schema"]
    assert cases > 3 and behaviour
    assert progress.total == len(progress.steps) == cases + len(behaviour)
    assert set(progress.steps[:cases]) <= set(config.operations)  # each case, by operation
    assert progress.steps[cases:] == behaviour


def test_a_generated_case_is_validated_without_its_body_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Validation parses every answer; the suite parses one again only for a behaviour
    check, which reads it. A schema case's body is never read: parsing it would double the
    cost of the path every response takes."""
    from zdcontract.runner import RunConfig, run, suite

    parsed: list[str] = []
    real = suite.json_object

    def counting(exchange: Any) -> Any:
        parsed.append(exchange.full_url)
        return real(exchange)

    monkeypatch.setattr(suite, "json_object", counting)
    config = RunConfig(seed=1, max_examples=3, profile="conformant", mock_activities=30)
    result = run(replace(config, behaviour_checks=False))
    schema = [c for c in result.checks if c.check == "schema"]
    assert sum(c.cases for c in schema) > 3 and all(c.exercised.validated for c in schema)
    assert parsed == []
    result = run(config)
    checks = [c for c in result.checks if c.check != "schema"]
    assert any(c.exercised.records for c in checks)  # the checks read what they parsed
    assert len(parsed) == sum(c.exercised.requests for c in checks)
