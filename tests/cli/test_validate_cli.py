"""``zdcontract validate`` and ``zdcontract spec lint`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import zendesk_bodies as zb
from in_process import zd as run


@pytest.fixture()
def drifted(tmp_path: Path) -> Path:
    body = zb.offset_page(3)
    for item in body["activities"]:
        item["title"] = None
    path = tmp_path / "page.json"
    path.write_bytes(zb.dumps(body))
    return path


def test_clean_body_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "count.json"
    path.write_bytes(zb.dumps(zb.count()))
    code, out, err = run(["validate", str(path), "--operation", "CountActivities"], capsys)
    assert (code, err) == (0, "")
    assert "conforms" in out


def test_drift_exits_1_with_readable_text(
    drifted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["validate", str(drifted), "-o", "ListActivities"], capsys)
    assert code == 1
    assert "1 finding (1 breaking)" in out
    assert "unexpected-null" in out and "/activities/0/title" in out and "(x3)" in out


def test_json_format_lists_every_field(drifted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "validate",
            str(drifted),
            "--url",
            "https://acme.zendesk.com/api/v2/activities.json",
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert {"kind", "severity", "operation", "path", "message", "fingerprint", "count"} <= set(
        finding
    )
    assert finding["fingerprint"] == "ListActivities|unexpected-null|/activities/*/title"
    assert finding["count"] == 3


@pytest.mark.parametrize(("fail_on", "expected"), [("breaking", 1), ("never", 0), ("info", 1)])
def test_fail_on(
    drifted: Path, fail_on: str, expected: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        ["validate", str(drifted), "-o", "ListActivities", "--fail-on", fail_on], capsys
    )
    assert code == expected


def test_warning_is_below_breaking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cursor.json"
    path.write_bytes(zb.dumps(zb.cursor_page()))
    assert (
        run(["validate", str(path), "-o", "ListActivities", "--fail-on", "breaking"], capsys)[0]
        == 0
    )
    assert run(["validate", str(path), "-o", "ListActivities"], capsys)[0] == 1


def test_malformed_body_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "html.json"
    path.write_bytes(b"<html><body>502 Bad Gateway</body></html>")
    code, out, err = run(["validate", str(path), "-o", "CountActivities"], capsys)
    assert code == 1 and err == ""
    assert "malformed-body" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["validate", "/no/such/file.json", "-o", "ListActivities"], "no such file"),
        (["validate", "{body}", "-o", "ListActivity"], "Did you mean 'ListActivities'"),
        (["validate", "{body}"], "exactly one of --operation and --url"),
        (["validate", "{body}", "-o", "ListActivities", "--fail-on", "sometimes"], "--fail-on"),
        (["validate", "{body}", "-o", "ListActivities", "--status", "-3"], "--status"),
        (["validate", "{body}", "--url", "/api/v2/tickets.json"], "matches /api/v2/tickets.json"),
        (["validate", "{body}", "-o", "ListActivities", "--spec", "{seed}"], "dangling $ref"),
        (["validate", "{body}", "-o", "ListActivities", "--spec", "{body}"], "not an OpenAPI"),
        (["validate", "{body}", "-o", "ListActivities", "--spec", "{garbage}"], "not valid YAML"),
        (["spec", "lint", "/no/such/spec.yaml"], "no such file"),
    ],
)
def test_bad_use_is_one_line_and_exit_2(
    argv: list[str],
    fragment: str,
    tmp_path: Path,
    seed_spec_path: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = tmp_path / "b.json"
    body.write_bytes(zb.dumps(zb.count()))
    garbage = tmp_path / "garbage.yaml"
    garbage.write_text("openapi: [unclosed\n")
    argv = [a.format(body=body, seed=seed_spec_path, garbage=garbage) for a in argv]
    code, out, err = run(argv, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert fragment in err
    assert "Traceback" not in err + out


def test_stdin_and_no_traceback_in_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "zdcontract", "validate", "-", "-o", "CountActivities"],
        input=zb.dumps(zb.count(3, None)),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert b"unexpected-null" in done.stdout
    broken = subprocess.run(
        [sys.executable, "-m", "zdcontract", "validate", "-", "--bogus"],
        input=b"{}",
        capture_output=True,
        timeout=60,
    )
    assert broken.returncode == 2
    assert len(broken.stderr.splitlines()) == 1
    assert b"Traceback" not in broken.stderr


def test_spec_lint(seed_spec_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["spec", "lint"], capsys)
    assert code == 0 and out.strip().endswith("no problems")
    code, out, _ = run(["spec", "lint", seed_spec_path], capsys)
    assert code == 1
    assert "dangling-ref" in out and "3.0-idiom" in out and "11 problems" in out
