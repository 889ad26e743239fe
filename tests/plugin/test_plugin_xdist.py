"""``pytest -n 2``: workers send their drift to the controller, which writes one report."""

from __future__ import annotations

import pytest
from plugin_helpers import read_report

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow

# --zd-no-baseline: the zendesk profile's drift (cursor pages) is then new, something to merge.
QUICK = (
    "-p",
    "no:benchmark",
    "-p",
    "no:cacheprovider",
    "--zd-max-examples",
    "3",
    "--zd-no-baseline",
)


def test_two_workers_write_one_merged_report_with_each_fingerprint_once(
    project: pytest.Pytester,
) -> None:
    # The zendesk profile drifts (cursor pages), so there is something to merge. No seed is
    # given: the controller draws one and hands it to both workers.
    parallel = project.runpytest_subprocess(
        "--zd-contract", *QUICK, "-n", "2", "--zd-report", "parallel/drift.json"
    )
    parallel.stdout.fnmatch_lines(["*2 workers [[]10 items[]]*"])
    merged = read_report(project.path / "parallel" / "drift.json")
    seed = merged["run"]["seed"]
    serial = project.runpytest(
        "--zd-contract", *QUICK, "--zd-seed", str(seed), "--zd-report", "serial/drift.json"
    )
    alone = read_report(project.path / "serial" / "drift.json")

    assert parallel.parseoutcomes() == serial.parseoutcomes()
    assert parallel.ret == serial.ret == pytest.ExitCode.TESTS_FAILED
    fingerprints = [f["fingerprint"] for f in merged["findings"]]
    assert len(fingerprints) == len(set(fingerprints))
    assert sorted(fingerprints) == sorted(f["fingerprint"] for f in alone["findings"])
    assert "ListActivities|missing-field|/next_page" in fingerprints
    # Each piece ran once, on one worker: the outcomes match the serial run's, in suite order.
    assert [(c["operation"], c["check"], sorted(c["fingerprints"])) for c in merged["checks"]] == [
        (c["operation"], c["check"], sorted(c["fingerprints"])) for c in alone["checks"]
    ]
    # The behaviour checks ran on one worker, in order: the pagination was walked once, not
    # again (quietly) by a worker that got a later check. Each worker that ran a piece probed
    # the target once (one ListActivities request): at most one more than serially.
    requests = {op["operation"]: op["requests"] for op in merged["operations"]}
    serially = {op["operation"]: op["requests"] for op in alone["operations"]}
    assert (
        serially["ListActivities"] <= requests["ListActivities"] <= serially["ListActivities"] + 1
    )
    assert [c["exercised"] for c in merged["checks"]] == [c["exercised"] for c in alone["checks"]]
    assert merged["target"]["url"].startswith("http://127.0.0.1:")
    # The workers wrote nothing: one report, written by the controller, and its summary.
    assert sorted(p.name for p in (project.path / "parallel").iterdir()) == ["drift.json"]
    parallel.stdout.fnmatch_lines(
        [
            "*- zdcontract drift -*",
            "warning*missing-field*3*",
            f"target: the embedded mock (profile zendesk) at http://*, seed {seed} *",
            "FAILED: * at or above warning*",
            "*- zdcontract report: *parallel/drift.json -*",
        ]
    )
