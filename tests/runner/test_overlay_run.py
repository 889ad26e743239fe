"""``zdcontract run --overlay`` against the zendesk profile: the contract as served passes.

With the shipped overlay the run needs no baseline; drift it did not learn still fails it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zdcontract.cli import main
from zdcontract.spec.loader import shipped_overlay_path

pytestmark = pytest.mark.slow


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    capsys.readouterr()
    report_dir = Path(argv[argv.index("--report-dir") + 1])
    report = json.loads((report_dir / "zdcontract-report.json").read_text())
    return int(exited.value.code or 0), report


def blocking(report: dict) -> list[str]:
    return [
        f["fingerprint"] for f in report["findings"] if f["severity"] in ("warning", "breaking")
    ]


@pytest.mark.parametrize("seed", [3, 11])
def test_the_zendesk_profile_passes_with_the_overlay_and_no_baseline(
    seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", "--no-baseline", "--seed", str(seed), "--max-examples", "15", "-q"]
    code, report = run([*args, "--report-dir", str(tmp_path / "published")], capsys)
    assert code == 1 and "ListActivities|undocumented-field|/meta" in blocking(report)
    overlay = ["--overlay", str(shipped_overlay_path())]
    code, report = run([*args, *overlay, "--report-dir", str(tmp_path / "served")], capsys)
    assert blocking(report) == []
    assert code == 0
    assert report["run"]["spec"] == "the bundled spec + zendesk-observed.overlay.yaml"


def test_mock_drift_is_still_reported_with_the_overlay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run(
        [
            "run",
            "--no-baseline",
            "--seed",
            "3",
            "--max-examples",
            "10",
            "-q",
            "--overlay",
            str(shipped_overlay_path()),
            "--mock-drift",
            "remove:/activities/*/title",
            "--mock-drift",
            "null:/count/value",
            "--report-dir",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 1
    found = blocking(report)
    assert "ListActivities|missing-field|/activities/*/title" in found
    assert "CountActivities|unexpected-null|/count/value" in found
