"""``spec learn`` on traffic recorded from a server we did not write: Stoplight Prism.

Prism's dynamic mock (``-d``) draws every body from the bundled spec its own way: objects
carry extra keys the spec does not forbid (``exercitationf59: 1.5``), the 200s spell the
header ``Content-type``, and a path parameter that is not an integer is answered 422 with an
``application/problem+json`` body the spec does not document. The recording of a run
against it is learned and the overlay checked as a user checks it: the same recording
validates with no drift, and what the recording never showed is still drift.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from foreign.prism import prism_mock
from foreign.runs import SAME_RUN, zd_run
from reliability._helpers import run_cli

from zdcontract.drift import DriftValidator
from zdcontract.spec import bundled_spec_path, load_spec

pytestmark = pytest.mark.slow


def test_an_overlay_learned_from_prism_traffic_explains_it_and_only_it(tmp_path: Path) -> None:
    har = tmp_path / "prism.har"
    with prism_mock(bundled_spec_path(), "-d", log_dir=tmp_path) as url:
        run = zd_run(url, tmp_path / "reports", *SAME_RUN, "--no-baseline", "--record", str(har))
    assert run.code in (0, 1), run.describe()
    entries = json.loads(har.read_text())["log"]["entries"]
    problems = [e for e in entries if e["response"]["status"] == 422]
    # What makes the recording foreign, or the test would prove nothing new.
    assert problems, run.describe()
    assert all(e["response"]["content"]["mimeType"] == "application/problem+json" for e in problems)
    assert any(h["name"] == "Content-type" for e in entries for h in e["response"]["headers"])

    overlay = tmp_path / "learned.overlay.yaml"
    learned = run_cli(["spec", "learn", str(har), "-o", str(overlay)], cwd=tmp_path)
    assert learned.returncode == 0, learned.output
    assert "with drift)" in learned.output and "(0 with drift)" not in learned.output
    assert "not learned" not in learned.output, learned.output

    validated = run_cli(["validate", "--har", str(har), "--overlay", str(overlay)], cwd=tmp_path)
    assert validated.returncode == 0, validated.output
    assert "conforms to the contract (no drift)" in validated.output, validated.output

    # The 422 body is documented as it was seen, not as anything: a status that is a
    # string is still drift, at its pointer.
    spec = load_spec(None, [overlay])
    validator = DriftValidator(spec)
    request, response = problems[0]["request"], problems[0]["response"]
    body = json.loads(response["content"]["text"])
    assert isinstance(body["status"], int), body
    found = validator.validate(
        json.dumps({**body, "status": str(body["status"])}).encode(),
        operation=spec.match(request["method"], request["url"]).operation_id,
        status=422,
        content_type="application/problem+json",
    )
    assert ("type-mismatch", "/status") in {(f.kind.value, f.path) for f in found}, found
