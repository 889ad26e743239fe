"""The ``zdcontract`` option group, its ini settings, and what bad values say."""

from __future__ import annotations

import os
import stat

import pytest

pytest_plugins = ["pytester"]

FLAGS = [
    "--zd-contract",
    "--zd-no-baseline",
    "--zd-base-url=URL",
    "--zd-spec=PATH",
    "--zd-report=PATH",
    "--zd-report-formats=LIST",
    "--zd-fail-on={breaking,warning,info,never}",
    "--zd-baseline=NAME|FILE",
    "--zd-max-examples=N",
    "--zd-seed=N",
]
INI = [
    "zd_contract",
    "zd_no_baseline",
    "zd_base_url",
    "zd_spec",
    "zd_report",
    "zd_report_formats",
    "zd_fail_on",
    "zd_baseline",
    "zd_max_examples",
    "zd_seed",
    "zd_mock_profile",
    "zd_mock_activities",
    "zd_mock_drift",
    "zd_mock_faults",
    "zd_rate_limit",
    "zd_max_requests",
]


def test_help_lists_the_group_its_options_and_the_ini_settings(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["zdcontract: contract and drift testing of the Zendesk API:"])
    result.stdout.fnmatch_lines([f"  {flag}*" for flag in FLAGS])
    text = result.stdout.str()
    for name in INI:
        assert f"\n  {name} " in text, name


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.zd_mock(drift=[[]...[]], fault=[[]...[]]):*"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "zd_fail_on=bogus"], "--zd-fail-on: 'bogus' is not one of breaking, *"),
        (["--zd-max-examples", "0"], "--zd-max-examples must be at least 1 (got 0)"),
        (["--zd-max-examples", "1e23"], "--zd-max-examples must be at most 1000 (got 1e23)"),
        (["--zd-max-examples", "1001"], "--zd-max-examples must be at most 1000 (got 1001)"),
        (["--zd-seed", "x"], "--zd-seed: 'x' is not a number"),
        (["--zd-seed", "1.5"], "--zd-seed: 1.5 is not a whole number"),
        (["--zd-seed", "1e400"], "--zd-seed: '1e400' is not a number"),
        (["--zd-base-url", "acme.zendesk.com"], "--zd-base-url must start with http*"),
        (["--zd-base-url", "http://[acme"], "--zd-base-url is not a URL a client can parse*"),
        (["--zd-base-url", "http://acme:99999"], "--zd-base-url is not a URL a client can*"),
        (["--zd-base-url", "https://"], "--zd-base-url names no host*"),
        (["--zd-report-formats", "json,pdf"], "--zd-report-formats: unknown format 'pdf'*"),
        (["-o", "zd_mock_profile=live"], "zd_mock_profile: 'live' is not one of zendesk*"),
        # The rate is read as zdcontract run's --rate-limit reads it (runner.config.parse_rate).
        (["-o", "zd_rate_limit=0"], "zd_rate_limit: '0' is not a rate such as 100/min"),
        (["-o", "zd_rate_limit=fast"], "zd_rate_limit: 'fast' is not a rate such as 100/min"),
        (["-o", "zd_rate_limit=0.01/min"], "zd_rate_limit: '0.01/min' is slower than the slow*"),
        (["-o", "zd_rate_limit=1e-300/s"], "zd_rate_limit: * slower than the slowest rate, 0.1/*"),
    ],
)
def test_bad_values_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


@pytest.mark.parametrize("formats", ["json", "json,html"])
def test_a_report_path_that_is_a_fifo_is_refused_before_the_session(
    pytester: pytest.Pytester, formats: str
) -> None:
    """A report would replace the FIFO with a regular file: refused, the FIFO left as it is."""
    fifo = pytester.path / ("zdcontract-report.html" if "html" in formats else "report.json")
    os.mkfifo(fifo)
    report = pytester.path / "report.json" if "html" in formats else fifo
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--zd-report", str(report), "--zd-report-formats", formats)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: --zd-report: {fifo} is a FIFO (named pipe), *"])
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_argparse_checks_the_fail_on_choices(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--zd-fail-on", "sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--zd-fail-on: invalid choice: 'sometimes'*"])


def test_ini_settings_apply_and_the_command_line_wins(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        zd_contract = true
        zd_seed = 7
        zd_mock_profile = conformant
        """
    )
    from_ini = pytester.runpytest("--collect-only", "-p", "no:cacheprovider")
    from_ini.stdout.fnmatch_lines(
        ["zdcontract target: the embedded mock (profile conformant), seed 7*", "collected 10 items"]
    )
    overridden = pytester.runpytest("--collect-only", "--zd-seed", "8", "-p", "no:cacheprovider")
    overridden.stdout.fnmatch_lines(["zdcontract target: *, seed 8 (reproduce with --zd-seed 8)"])


OVERLAY_TESTS = """
def test_a_cursor_page_conforms(zd_client, zd_validate):
    response = zd_client.get("/api/v2/activities.json", params={"page[size]": 2})
    assert response.status == 200
    assert [(f.kind.value, f.path) for f in zd_validate(response)] == []


def test_the_spec_names_its_overlay(zd_spec):
    assert zd_spec.source == "the bundled spec + zendesk-observed.overlay.yaml"
"""


def test_zd_overlay_applies_overlays_to_the_spec(pytester: pytest.Pytester) -> None:
    from zdcontract.spec.loader import shipped_overlay_path

    pytester.makepyfile(test_served_contract=OVERLAY_TESTS)
    published = pytester.runpytest()
    published.assert_outcomes(failed=2)
    published.stdout.fnmatch_lines(["warning*missing-field*", "warning*undocumented-field*"])
    result = pytester.runpytest("--zd-overlay", str(shipped_overlay_path()))
    result.assert_outcomes(passed=2)
    pytester.makeini(f"[pytest]\nzd_overlay = {shipped_overlay_path()}\n")
    pytester.runpytest().assert_outcomes(passed=2)
