from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from zdcontract.errors import UsageError
from zdcontract.reports import FILE_NAMES, read_json_report, validate_report_dict, write_reports
from zdcontract.results import Target

from ._factories import VIA, sample_result

TOKEN = "zT0k3n-9f8e7d6c5b4a"


def test_writes_the_four_reports(tmp_path: Path) -> None:
    report_dir = tmp_path / "new" / "reports"

    paths = write_reports(sample_result(), report_dir)

    assert paths == {
        "json": report_dir / "zdcontract-report.json",
        "junit": report_dir / "zdcontract-junit.xml",
        "markdown": report_dir / "zdcontract-report.md",
        "html": report_dir / "zdcontract-report.html",
    }
    assert sorted(os.listdir(report_dir)) == sorted(FILE_NAMES.values())
    assert read_json_report(paths["json"]) == sample_result()
    assert ET.parse(paths["junit"]).getroot().tag == "testsuites"
    assert paths["markdown"].read_text(encoding="utf-8").startswith("## zdcontract drift report")
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_writes_only_the_formats_asked_for(tmp_path: Path) -> None:
    paths = write_reports(sample_result(), tmp_path, formats=("markdown", "json"))

    assert list(paths) == ["markdown", "json"]
    assert sorted(os.listdir(tmp_path)) == ["zdcontract-report.json", "zdcontract-report.md"]


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown report format 'junt'; did you mean 'junit'"):
        write_reports(sample_result(), tmp_path, formats=("junt",))
    assert os.listdir(tmp_path) == []


def test_secrets_appear_in_no_file(tmp_path: Path) -> None:
    leaky = replace(
        VIA,
        message=f'the body echoed "{TOKEN}" & <more>',
        actual=TOKEN,
        request=f"curl -H 'Authorization: Bearer {TOKEN}' 'http://x/activities?t={TOKEN}'",
    )
    result = sample_result(
        findings=(leaky,),
        notes=(f"retried with {TOKEN}",),
        extra={"token": TOKEN},
        target=Target(url=f"http://127.0.0.1:8765/?t={TOKEN}", kind="live", auth="bearer"),
    )

    paths = write_reports(result, tmp_path, secrets=[TOKEN, ""])

    for path in paths.values():
        text = path.read_text(encoding="utf-8")
        assert TOKEN not in text, path.name
        assert "***" in text, path.name
    validate_report_dict(json.loads(paths["json"].read_text(encoding="utf-8")))


def test_authorization_headers_are_masked_without_secrets(tmp_path: Path) -> None:
    leaky = replace(VIA, request="curl -H 'Authorization: Basic dXNlcjpwYXNz' 'http://x'")

    paths = write_reports(sample_result(findings=(leaky,)), tmp_path)

    for path in paths.values():
        assert "dXNlcjpwYXNz" not in path.read_text(encoding="utf-8"), path.name


def test_directory_under_a_regular_file_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("I am not a directory")

    with pytest.raises(UsageError, match=r"^cannot write reports to .*file\.txt/reports: ") as info:
        write_reports(sample_result(), blocker / "reports")

    assert "\n" not in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_directory_is_a_usage_error(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(UsageError, match="cannot write reports to"):
            write_reports(sample_result(), tmp_path)
    finally:
        tmp_path.chmod(0o700)


def test_rewriting_replaces_the_previous_reports(tmp_path: Path) -> None:
    write_reports(sample_result(), tmp_path)

    paths = write_reports(sample_result(seed=7), tmp_path)

    assert read_json_report(paths["json"]).seed == 7
    assert sorted(os.listdir(tmp_path)) == sorted(FILE_NAMES.values())


def test_a_secret_that_matches_only_syntax_keeps_the_machine_formats_parseable(
    tmp_path: Path,
) -> None:
    # "1234567" is the seed: masking it inside a JSON number would break the file.
    paths = write_reports(sample_result(), tmp_path, secrets=["1234567", "testsuite"])

    assert read_json_report(paths["json"]).seed == 1234567
    assert ET.parse(paths["junit"]).getroot().tag == "testsuites"
    assert "1234567" not in paths["markdown"].read_text(encoding="utf-8")


def test_a_single_format_may_be_given_as_a_string(tmp_path: Path) -> None:
    assert list(write_reports(sample_result(), tmp_path, formats="json")) == ["json"]
