from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from zdcontract.reports import render_junit, write_junit
from zdcontract.reports.junit import xml_safe

from ._factories import CURSOR, NOT_FOUND, REFRESHED_AT, TIMEOUT, VIA, clean_result, sample_result


def parse(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.tag == "testsuite"
    return suite


def case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    (found,) = [
        c
        for c in suite.iter("testcase")
        if c.get("classname") == classname and c.get("name") == name
    ]
    return found


def test_one_testcase_per_check_plus_unassigned_findings() -> None:
    result = sample_result()

    suite = parse(render_junit(result))

    names = [(c.get("classname"), c.get("name")) for c in suite.iter("testcase")]
    expected = [(f"zdcontract.{c.operation}", c.check) for c in result.checks]
    assert names == [*expected, ("zdcontract.ListActivities", "unassigned findings")]


def test_counts_attributes_match_the_cases() -> None:
    suite = parse(render_junit(sample_result()))

    assert suite.attrib["name"] == "zdcontract"
    assert suite.attrib["tests"] == "7"
    assert suite.attrib["failures"] == "4"  # schema, pagination-cursor, Count schema, unassigned
    assert suite.attrib["errors"] == "0"
    assert suite.attrib["skipped"] == "1"
    assert suite.attrib["time"] == "42.500"
    assert suite.attrib["timestamp"] == "2025-03-01T10:00:00Z"
    assert len(suite.findall("testcase/failure")) == 4
    assert len(suite.findall("testcase/skipped")) == 1


def test_failure_carries_the_findings_and_highest_severity() -> None:
    suite = parse(render_junit(sample_result()))

    failure = case(suite, "zdcontract.ListActivities", "pagination-cursor").find("failure")
    assert failure is not None
    assert failure.get("type") == "breaking"
    assert failure.get("message", "").startswith("1 finding: breaking semantic-violation")
    text = failure.text or ""
    assert CURSOR.fingerprint in text
    assert CURSOR.message in text
    assert "curl -sS" in text and "page[after]=xyz" in text

    schema = case(suite, "zdcontract.ListActivities", "schema").find("failure")
    assert schema is not None
    assert schema.get("type") == "warning"
    assert "seen 100 times" in (schema.text or "")
    assert "/activities/4/via" in (schema.text or "")

    count = case(suite, "zdcontract.CountActivities", "schema").find("failure")
    assert count is not None
    assert "expected: string" in (count.text or "") and "actual: null" in (count.text or "")


def test_no_finding_is_lost() -> None:
    text = render_junit(sample_result())

    for finding in (VIA, REFRESHED_AT, CURSOR, TIMEOUT, NOT_FOUND):
        assert finding.fingerprint in text
    unassigned = case(parse(text), "zdcontract.ListActivities", "unassigned findings")
    assert TIMEOUT.message in (unassigned.findtext("failure") or "")


def test_findings_below_fail_on_pass_but_stay_visible() -> None:
    suite = parse(render_junit(sample_result()))

    status = case(suite, "zdcontract.ShowActivity", "status-codes")
    assert status.find("failure") is None
    assert NOT_FOUND.message in (status.findtext("system-out") or "")


def test_fail_on_info_fails_the_info_finding_too() -> None:
    suite = parse(render_junit(sample_result(fail_on="info")))

    assert suite.attrib["failures"] == "5"
    status = case(suite, "zdcontract.ShowActivity", "status-codes").find("failure")
    assert status is not None and status.get("type") == "info"


def test_a_check_not_exercised_is_never_a_pass_and_carries_its_reason() -> None:
    suite = parse(render_junit(sample_result()))

    skipped = case(suite, "zdcontract.ShowActivity", "pagination-cursor").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "not exercised: not a paginated operation"


def test_properties_describe_the_run() -> None:
    suite = parse(render_junit(sample_result(interrupted=True)))

    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["seed"] == "1234567"
    assert props["target"] == "http://127.0.0.1:8765"
    assert props["spec"] == "spec/activities.yaml"
    assert props["interrupted"] == "true"


def test_interrupted_run_adds_an_error() -> None:
    suite = parse(render_junit(clean_result(interrupted=True)))

    assert suite.attrib["errors"] == "1"
    error = case(suite, "zdcontract", "run").find("error")
    assert error is not None and "interrupted" in error.get("message", "")


def test_a_run_that_exercised_nothing_fails_in_junit_as_in_its_exit_status() -> None:
    # fail-on never: no check's own finding fails, yet the verdict (exit 1) does; a CI
    # reading the JUnit XML must not see a run of skips as green.
    hollow = tuple(replace(c, not_exercised="answered 404") for c in clean_result().checks)
    suite = parse(render_junit(replace(clean_result(fail_on="never"), checks=hollow)))

    assert suite.attrib["failures"] == "1"
    assert suite.attrib["skipped"] == str(len(hollow))
    failure = case(suite, "zdcontract", "exercised").find("failure")
    assert failure is not None and failure.get("type") == "not-exercised"
    assert failure.get("message", "").startswith("nothing was exercised")


def test_one_exercised_check_adds_no_run_level_failure() -> None:
    checks = clean_result().checks
    some = (checks[0], *(replace(c, not_exercised="no listing") for c in checks[1:]))
    suite = parse(render_junit(replace(clean_result(fail_on="never"), checks=some)))

    assert suite.attrib["failures"] == "0"
    assert not [c for c in suite.iter("testcase") if c.get("name") == "exercised"]


def test_clean_run_has_no_failures() -> None:
    suite = parse(render_junit(clean_result()))

    assert suite.attrib["failures"] == "0"
    assert suite.attrib["tests"] == "6"


def test_illegal_xml_characters_are_stripped_and_markup_escaped() -> None:
    nasty = replace(
        VIA, message='bad\x00 byte\x1b[31m <tag> & "quote" \ufffe end', request="curl\x07 'x'"
    )
    text = render_junit(sample_result(findings=(nasty,), checks=sample_result().checks[:1]))

    suite = parse(text)
    failure = case(suite, "zdcontract.ListActivities", "schema").find("failure")
    assert failure is not None
    # A finding escapes control characters itself; what XML cannot carry even then (the
    # noncharacter U+FFFE, a BEL in the reproducer, which is kept whole) is stripped here.
    assert 'bad\\u0000 byte\\u001b[31m <tag> & "quote"  end' in (failure.text or "")
    assert "\x00" not in text and "\x1b" not in text and "\x07" not in text


def test_xml_safe_keeps_tab_newline_and_astral_characters() -> None:
    assert xml_safe("a\tb\nc\rd 😀 \x0b\x0c") == "a\tb\nc\rd 😀 "


def test_unknown_fingerprint_fails_the_check() -> None:
    result = sample_result(findings=(), checks=sample_result().checks[:1])

    failure = case(parse(render_junit(result)), "zdcontract.ListActivities", "schema").find(
        "failure"
    )

    assert failure is not None and failure.get("type") == "unknown"
    assert VIA.fingerprint in (failure.text or "")


def test_write_junit(tmp_path: Path) -> None:
    path = write_junit(sample_result(), tmp_path / "junit.xml")

    assert ET.parse(path).getroot().tag == "testsuites"
