"""``zdcontract run`` as a user runs it against a foreign target, and what its JSON report says.

The report's fields are read as documented for the report schema: ``checks[].outcome``
("pass", "fail", "known", "not-exercised"), ``checks[].exercised`` ({requests, pages,
records, validated}) and ``operations[]`` with every request accounted for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reliability._helpers import run_cli

#: The same generation for every run compared: a fixed seed, few examples, no client-side
#: pacing worth the name (loopback targets), four workers as against the embedded mock.
SAME_RUN = (
    "--seed",
    "7",
    "--max-examples",
    "8",
    "--workers",
    "4",
    "--rate-limit",
    "100000/min",
    "--quiet",
)
BEHAVIOUR = (
    "pagination-cursor",
    "pagination-offset",
    "ordering",
    "sideloads",
    "since",
    "show-equals-list",
    "count",
)
#: A bound past which a run counts as hung (never a speed claim).
NO_HANG = 120.0


@dataclass(frozen=True, slots=True)
class Run:
    """A finished ``zdcontract run``: exit status, output and the parsed JSON report."""

    code: int
    output: str
    report: dict[str, Any]

    def findings(self) -> set[tuple[str, str]]:
        """Every finding as (fingerprint, severity): what "the same findings" compares."""
        return {(f["fingerprint"], f["severity"]) for f in self.report["findings"]}

    def checks(self, *names: str) -> list[dict[str, Any]]:
        """The report's check entries, only those named when names are given."""
        return [c for c in self.report["checks"] if not names or c["check"] in names]

    def outcomes(self) -> dict[tuple[str, str], str]:
        """(operation, check) -> outcome, for every check in the report."""
        return {(c["operation"], c["check"]): c["outcome"] for c in self.report["checks"]}

    def describe(self) -> str:
        """Enough of the run to understand a failed assertion."""
        checks = [
            {k: c.get(k) for k in ("operation", "check", "outcome", "reason", "exercised")}
            for c in self.report["checks"]
        ]
        found = sorted(self.findings())
        return f"exit {self.code}\nchecks: {checks}\nfindings: {found}\n{self.output[-1500:]}"


def zd_run(
    base_url: str, report_dir: Path, *options: str, env: dict[str, str] | None = None
) -> Run:
    """``zdcontract run --base-url BASE_URL --report-dir REPORT_DIR OPTIONS`` in a new process
    (``env``: a clean environment unless given, as ``reliability._helpers.run_cli`` has it)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    args = ["run", "--base-url", base_url, "--report-dir", str(report_dir), *options]
    # cwd: no pyproject.toml of the checkout applies
    done = run_cli(args, cwd=report_dir, env=env, timeout=NO_HANG)
    path = report_dir / "zdcontract-report.json"
    assert path.is_file(), f"no JSON report (exit {done.returncode}): {done.output[-2000:]}"
    return Run(done.returncode, done.output, json.loads(path.read_text()))


def exercised(check: dict[str, Any]) -> int:
    """What a check walked, compared or validated (requests alone exercise nothing)."""
    done = check["exercised"]
    return int(done["pages"]) + int(done["records"]) + int(done["validated"])


def hollow_passes(run: Run) -> list[dict[str, Any]]:
    """Checks that say "pass" having walked, compared and validated nothing."""
    return [c for c in run.checks() if c["outcome"] == "pass" and exercised(c) == 0]
