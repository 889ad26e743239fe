"""The fixtures as a QA engineer uses them: zd_client, zd_validate, zd_mock and its marker."""

from __future__ import annotations

import gzip

import pytest
from loopback import QuietHandler, answer, serving
from plugin_helpers import read_report

pytest_plugins = ["pytester"]

QA_TESTS = """
import pytest
import requests


def test_count_conforms(zd_client, zd_validate):
    response = zd_client.get("/api/v2/activities/count")
    assert response.status == 200
    assert zd_validate(response) == []


@pytest.mark.zd_mock(drift=["type:/count/value=string"])
def test_drift_is_found(zd_mock, zd_client, zd_validate):
    findings = zd_validate(zd_client.get("/api/v2/activities/count.json"))
    assert [(f.kind.value, f.path) for f in findings] == [("type-mismatch", "/count/value")]
    assert findings[0].request.startswith("curl -sS -X GET ")


def test_the_mock_is_reset_after_each_test(zd_mock, zd_client, zd_validate):
    assert zd_validate(zd_client.get("/api/v2/activities/count")) == []
    assert [r.target for r in zd_mock.requests] == ["/api/v2/activities/count"]


@pytest.mark.zd_mock(fault=["status:500"])
def test_faults(zd_mock, zd_client, zd_validate):
    response = zd_client.get("/api/v2/activities/count")
    assert response.status == 500
    assert zd_validate(response, record=False)[0].kind.value == "undocumented-status"


def test_a_requests_response_validates_too(zd_mock_server, zd_validate, zd_spec):
    with requests.Session() as session:
        response = session.get(zd_mock_server.url + "/api/v2/activities.json?page[size]=2")
    assert "ListActivities" in zd_spec.operations
    assert zd_validate(response, record=False) != []  # the zendesk profile drifts, unrecorded
"""


def test_qa_style_tests_record_their_drift_and_fail_the_session(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_qa=QA_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--zd-report", "drift.json")
    result.assert_outcomes(passed=5)
    # Every test passed, but a recorded finding reaches --zd-fail-on (warning): exit 1.
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*- zdcontract drift -*",
            "breaking*type-mismatch*1*1*0",
            "target: the embedded mock (profile zendesk) at http://127.0.0.1:*",
            "FAILED: 1 new finding at or above warning (1 new, 0 known, * resolved; baseline *",
            "*- zdcontract report: *drift.json -*",
        ]
    )
    data = read_report(pytester.path / "drift.json")
    assert [f["fingerprint"] for f in data["findings"]] == [
        "CountActivities|type-mismatch|/count/value"
    ]
    checks = {c["check"]: c for c in data["checks"]}
    assert checks["test_qa.py::test_drift_is_found"]["fingerprints"] == [
        "CountActivities|type-mismatch|/count/value"
    ]
    assert checks["test_qa.py::test_count_conforms"]["passed"] is True
    assert "test_qa.py::test_a_requests_response_validates_too" not in checks


def test_fail_on_never_keeps_the_exit_status_of_the_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_qa=QA_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--zd-fail-on", "never")
    result.assert_outcomes(passed=5)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["PASSED: no finding fails the run (fail-on never, 1 finding; *"])


def test_the_marker_needs_the_fixture_and_takes_known_arguments(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.zd_mock(drift=["remove:/count"])
        def test_without_fixture(zd_client):
            pass

        @pytest.mark.zd_mock(faults=["reset"])
        def test_misspelt(zd_mock):
            pass

        @pytest.mark.zd_mock(drift=["nonsense"])
        def test_bad_mutation(zd_mock):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines_random(
        [
            "*@pytest.mark.zd_mock configures the zd_mock fixture: request it",
            "*@pytest.mark.zd_mock takes only drift=[[]...[]] and fault=[[]...[]], not faults",
            "*UsageError*nonsense*",
        ]
    )


def test_zd_client_goes_to_the_base_url(pytester: pytest.Pytester) -> None:
    from zdcontract.mock import MockConfig, MockServer

    pytester.makepyfile(
        """
        def test_remote(zd_client, zd_validate):
            response = zd_client.get("/api/v2/activities/count")
            assert response.url.startswith(zd_client.base_url)
            assert zd_validate(response) == []
        """
    )
    with MockServer(MockConfig(activities=5, profile="conformant")) as server:
        result = pytester.runpytest(
            "-p", "no:cacheprovider", "--zd-base-url", server.url, "-o", "zd_rate_limit=60000"
        )
        url, seen = server.url, server.requests
    result.assert_outcomes(passed=1)
    assert [r.target for r in seen] == ["/api/v2/activities/count"]
    result.stdout.fnmatch_lines([f"target: {url}", "PASSED: no new drift*"])


UNREADABLE_TESTS = """
import requests


def test_an_undecodable_coding_is_named(zd_client, zd_validate):
    response = zd_client.get("/api/v2/activities/count")
    assert response.undecoded == ("x-squash",)
    found = zd_validate(response, record=False)
    assert [f.fingerprint for f in found] == ["CountActivities|malformed-body||content-encoding"]
    assert "(x-squash)" in found[0].message


def test_a_requests_response_in_that_coding_too(zd_client, zd_validate):
    response = requests.get(zd_client.base_url + "/api/v2/activities/count", timeout=10)
    found = zd_validate(response, record=False)
    assert [f.fingerprint for f in found] == ["CountActivities|malformed-body||content-encoding"]


def test_a_body_beyond_the_bound_is_named(zd_client, zd_validate):
    response = zd_client.get("/api/v2/activities")
    assert response.oversize is not None
    found = zd_validate(response, record=False)
    assert [f.fingerprint for f in found] == ["ListActivities|malformed-body||too-large"]
"""


def test_zd_validate_says_what_the_run_says_of_a_body_it_could_not_read(
    pytester: pytest.Pytester,
) -> None:
    """A body the client cut off or could not decode is the finding ``zdcontract run``
    files for it, not a verdict on the bytes that happened to arrive."""
    bomb = gzip.compress(b"0" * (17 * 1024 * 1024))  # beyond the client's 16 MiB once inflated

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            count = self.path.startswith("/api/v2/activities/count")
            body = b"\x28\xb5\x2f\xfd squashed" if count else bomb
            coding = "x-squash" if count else "gzip"
            answer(
                self, body, headers={"Content-Type": "application/json", "Content-Encoding": coding}
            )

    pytester.makepyfile(test_unreadable=UNREADABLE_TESTS)
    with serving(Handler) as url:
        result = pytester.runpytest(
            "-p", "no:cacheprovider", "--zd-base-url", url, "-o", "zd_rate_limit=60000"
        )
    result.assert_outcomes(passed=3)
