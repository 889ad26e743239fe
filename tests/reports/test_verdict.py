"""The one verdict every front-end renders: what fails a run, and the line that says so."""

from __future__ import annotations

from dataclasses import replace

from zdcontract.reports._summary import verdict
from zdcontract.results import CheckOutcome

from ._factories import clean_result


def test_a_run_that_exercised_nothing_fails_whatever_fail_on_says() -> None:
    nothing = tuple(
        replace(c, not_exercised="GET /api/v2/activities answered 404")
        for c in clean_result().checks
    )
    for fail_on in ("breaking", "warning", "info", "never"):
        state = verdict(replace(clean_result(fail_on=fail_on), checks=nothing))
        assert not state.passed and state.exit_code == 1, fail_on
        assert state.line.startswith("FAILED: nothing was exercised"), state.line


def test_one_exercised_check_is_enough_not_to_be_hollow() -> None:
    checks = clean_result().checks
    some = (checks[0], *(replace(c, not_exercised="no listing") for c in checks[1:]))
    state = verdict(replace(clean_result(fail_on="never"), checks=some))
    assert state.passed and state.exit_code == 0
    assert state.line.startswith("PASSED: ")


def test_an_interrupted_run_exits_130_and_says_so() -> None:
    state = verdict(clean_result(interrupted=True))
    assert state.exit_code == 130 and state.line.startswith("INTERRUPTED: ")


def test_a_session_of_fixtures_only_is_judged_by_its_findings() -> None:
    # The pytest plugin's zd_validate outcomes: no check of the suite, nothing hollow.
    only = (CheckOutcome(operation="CountActivities", check="test_x.py::test_count"),)
    assert verdict(replace(clean_result(), checks=only)).passed
