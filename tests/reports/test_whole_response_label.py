"""A finding about the whole response (path "") is named one way everywhere it is shown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from in_process import zd

from zdcontract.cli import main
from zdcontract.drift import DriftValidator
from zdcontract.drift.findings import WHOLE_RESPONSE
from zdcontract.pytest_plugin.summary import failure_text
from zdcontract.reports import render_html, render_junit

from ._factories import sample_result

LABEL = "(whole response)"
OTHER_SPELLINGS = ("(response)", " / ", " at / ")


def server_error() -> list:
    """What the validator makes of an undocumented 500 with an HTML body: path ""."""
    findings = DriftValidator().validate(
        b"<html>oops</html>", operation="CountActivities", status=500, content_type="text/html"
    )
    assert findings and all(f.path == "" for f in findings)
    return findings


def test_the_label_is_one_constant() -> None:
    assert WHOLE_RESPONSE == LABEL


def test_validate_prints_the_label(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = tmp_path / "body.json"
    body.write_text("{")

    with pytest.raises(SystemExit):
        main(["validate", str(body), "--operation", "CountActivities"])
    out = capsys.readouterr().out

    line = next(line for line in out.splitlines() if "malformed-body" in line)
    assert LABEL in line
    assert "(response)" not in out.replace(LABEL, "")


def test_spec_learn_names_what_it_left_unexplained_with_the_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = {
        "request": {"method": "GET", "url": "https://acme.zendesk.com/api/v2/activities/count"},
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": "{"},
        },
    }
    har = tmp_path / "capture.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))

    code, _, err = zd(["spec", "learn", str(har), "-o", str(tmp_path / "learned.yaml")], capsys)
    assert code == 0, err

    # A malformed body cannot be learned away: it is listed as still drift.
    [line] = [line for line in err.splitlines() if line.startswith("  CountActivities 200")]
    assert f"malformed-body {LABEL}: " in line, err


def test_the_plugin_failure_text_uses_the_label() -> None:
    text = failure_text("CountActivities schema", server_error(), "warning")

    assert f"undocumented-status at {LABEL} x1" in text
    assert "(response)" not in text.replace(LABEL, "")


def test_junit_names_the_whole_response_in_message_and_details() -> None:
    result = sample_result(findings=tuple(server_error()), checks=())

    root = ET.fromstring(render_junit(result))
    failures = root.findall(".//failure")

    assert failures
    for failure in failures:
        message, details = failure.get("message") or "", failure.text or ""
        assert LABEL in message, message
        assert not any(other in message for other in OTHER_SPELLINGS), message
        assert f"at {LABEL} (" in details
        assert "examples: \n" not in details + "\n" and "examples:  " not in details


def test_html_names_the_whole_response_and_shows_no_empty_example() -> None:
    text = render_html(sample_result(findings=tuple(server_error()), checks=()))

    assert f'<td><code class="name">{LABEL}</code></td>' in text
    assert "<code></code>" not in text


def test_json_keeps_the_empty_pointer(tmp_path: Path) -> None:
    # The JSON report is data: the pointer stays "", the label is for people.
    from zdcontract.reports import render_json

    data = json.loads(render_json(sample_result(findings=tuple(server_error()), checks=())))
    assert {f["path"] for f in data["findings"]} == {""}
