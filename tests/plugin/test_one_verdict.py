"""One policy, two front-ends: ``zdcontract run`` and ``pytest --zd-contract`` on the same
mock, seed and N reach the same verdict.

Both run as a user runs them, in their own processes; each writes its JSON report. The
findings (fingerprint, severity, count), the new/known split against the shipped baseline
(applied by default to the zendesk mock in both), every check's outcome and what it
exercised, and what the exit status means must be the same; also on a target whose every
answer is a 404 (the mock's fault, and a loopback server we did not write), where neither
may pass for having exercised nothing.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from loopback import answering

pytestmark = pytest.mark.slow

SEED, N = "7", "3"
DRIFT = "type:/count/value=string"  # new drift, beside the zendesk profile's known drift
FAULT = "status:404"  # every answer: nothing validated, no record read, whatever fail-on says
FOREIGN_404 = "a loopback server answering 404"  # the same, from a server we did not write


def _report(directory: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((directory / "zdcontract-report.json").read_text())
    return data


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    baseline = data["extra"].get("baseline") or {}
    return {
        "findings": sorted((f["fingerprint"], f["severity"], f["count"]) for f in data["findings"]),
        "new": sorted(baseline.get("new") or []),
        "known": sorted(baseline.get("known") or []),
        "checks": [
            (c["operation"], c["check"], c["outcome"], c["exercised"], sorted(c["fingerprints"]))
            for c in data["checks"]
        ],
        "failing": data["summary"]["failing"],
    }


@pytest.mark.parametrize(
    ("drift", "fault"),
    [(False, None), (True, None), (False, FAULT), (False, FOREIGN_404)],
    ids=["known-drift-only", "new-drift", "nothing-exercised", "nothing-exercised-foreign"],
)
def test_the_cli_and_the_plugin_reach_the_same_verdict(
    tmp_path: Path, drift: bool, fault: str | None
) -> None:
    with contextlib.ExitStack() as stack:
        _same_verdict(tmp_path, drift, fault, stack)


def _same_verdict(
    tmp_path: Path, drift: bool, fault: str | None, stack: contextlib.ExitStack
) -> None:
    env_free = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    cli_args = ["--seed", SEED, "--max-examples", N, "--report-dir", "cli"]
    plugin_args = ["--zd-seed", SEED, "--zd-max-examples", N, "--zd-report", "plugin/"]
    if drift:
        cli_args += ["--mock-drift", DRIFT]
        plugin_args += ["-o", f"zd_mock_drift={DRIFT}"]
    if fault == FOREIGN_404:  # not our mock: a server that answers every request 404
        url = stack.enter_context(answering(b'{"error":"InvalidEndpoint"}', status=404))
        cli_args += ["--base-url", url, "--rate-limit", "60000/min"]
        plugin_args += ["--zd-base-url", url, "-o", "zd_rate_limit=60000/min"]
    elif fault:
        cli_args += ["--mock-fault", fault]
        plugin_args += ["-o", f"zd_mock_faults={fault}"]
    cli = subprocess.run(
        [sys.executable, "-m", "zdcontract", "run", *cli_args],
        cwd=tmp_path, capture_output=True, env=env_free, timeout=300, check=False,
    )  # fmt: skip
    (tmp_path / "conftest.py").write_text("")  # a project of its own, no ini of ours
    plugin = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--zd-contract", *plugin_args],
        cwd=tmp_path, capture_output=True, env=env_free, timeout=300, check=False,
    )  # fmt: skip
    assert cli.returncode in (0, 1), cli.stderr.decode()
    cli_data, plugin_data = _report(tmp_path / "cli"), _report(tmp_path / "plugin")
    assert _summary(plugin_data) == _summary(cli_data)
    # The same exit meaning: 1 is new drift at or above fail-on (or nothing exercised) in
    # both, 0 none.
    failed = drift or fault is not None
    assert cli.returncode == plugin.returncode == (1 if failed else 0), plugin.stdout.decode()
    assert cli_data["run"]["exit_code"] == plugin_data["run"]["exit_code"]
    if fault is not None:
        assert all(c["outcome"] == "not-exercised" for c in cli_data["checks"])
    # Both end on the same verdict line.
    cli_line = cli.stdout.decode().strip().splitlines()[-1]
    plugin_lines = plugin.stdout.decode().splitlines()
    assert cli_line.startswith("FAILED: " if failed else "PASSED: "), cli.stdout.decode()
    if fault is not None:
        assert cli_line.startswith("FAILED: nothing was exercised"), cli_line
    assert any(line == cli_line for line in plugin_lines), (cli_line, plugin_lines[-12:])
