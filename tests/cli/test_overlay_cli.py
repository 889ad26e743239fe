"""``spec learn``, ``spec apply`` and ``--overlay`` as a user runs them: the whole loop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import zendesk_bodies as zb
from in_process import zd as run

from zdcontract.spec import load_spec
from zdcontract.spec.loader import read_document, shipped_overlay_path
from zdcontract.spec.overlay import read_overlay

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "spec" / "zendesk-observed.overlay.yaml"


def har(path: Path, exchanges: list[tuple[str, int, Any]]) -> Path:
    """A HAR file as a browser or proxy exports it: one GET per (url, status, body)."""
    entries = []
    for i, (url, status, body) in enumerate(exchanges):
        text = body if isinstance(body, str) else json.dumps(body)
        entries.append(
            {
                "startedDateTime": f"2026-11-30T10:00:{i:02d}.000Z",
                "request": {"method": "GET", "url": url, "headers": []},
                "response": {
                    "status": status,
                    "headers": [{"name": "Content-Type", "value": "application/json"}],
                    "content": {"size": len(text), "mimeType": "application/json", "text": text},
                },
            }
        )
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return path


API = "https://acme.zendesk.com/api/v2"


@pytest.fixture()
def recorded(tmp_path: Path) -> Path:
    return har(
        tmp_path / "traffic.har",
        [
            (f"{API}/activities.json", 200, zb.offset_page(2)),
            (f"{API}/activities.json?page[size]=2", 200, zb.cursor_page(2)),
            (f"{API}/activities/count.json", 200, zb.count(100000, None)),
            (f"{API}/activities/count.json", 200, zb.count()),
            (
                f"{API}/activities/5.json",
                404,
                {"error": "RecordNotFound", "description": "Not found"},
            ),
            (f"{API}/tickets.json", 200, {"tickets": []}),
        ],
    )


def test_record_learn_apply_validate(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["validate", "--har", str(recorded)], capsys)
    assert code == 1 and "unexpected-null" in out and "undocumented-field" in out
    overlay = tmp_path / "learned.overlay.yaml"
    code, _, err = run(["spec", "learn", str(recorded), "-o", str(overlay)], capsys)
    assert code == 0, err
    assert "from 5 responses (3 with drift)" in err
    actions = read_overlay(overlay).actions  # a valid Overlay 1.0 document
    assert all(a.description and "Evidence:" in a.description for a in actions)
    assert any("first seen 2026-11-30T10:00:00.000Z" in str(a.description) for a in actions)
    code, out, _ = run(["validate", "--har", str(recorded), "--overlay", str(overlay)], capsys)
    assert code == 0 and "no drift" in out, out
    applied = tmp_path / "applied.yaml"
    code, _, err = run(
        ["spec", "apply", _bundled(), str(overlay), "-o", str(applied)],
        capsys,
    )
    assert code == 0, err
    assert read_document(applied) == load_spec(None, [overlay]).document
    code, out, _ = run(["spec", "lint", str(applied)], capsys)
    assert code == 0 and out.endswith("no problems\n"), out
    code, out, _ = run(["validate", "--har", str(recorded), "--spec", str(applied)], capsys)
    assert code == 0, out


def _bundled() -> str:
    from zdcontract.spec import bundled_spec_path

    return str(bundled_spec_path())


def test_apply_writes_json_and_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "applied.json"
    code, _, err = run(["spec", "apply", _bundled(), str(SHIPPED), "-o", str(out_file)], capsys)
    assert code == 0, err
    assert json.loads(out_file.read_text()) == load_spec(None, [SHIPPED]).document
    code, out, _ = run(["spec", "apply", _bundled(), str(SHIPPED), "-o", "-"], capsys)
    assert code == 0 and out.startswith("openapi: 3.1.0")


def test_an_unmatched_target_warns_or_with_strict_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "stale.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n"
        "actions: [{target: '$.components.schemas.Gone', update: {x-a: 1}}]\n"
    )
    out_file = tmp_path / "applied.yaml"
    code, _, err = run(["spec", "apply", _bundled(), str(overlay), "-o", str(out_file)], capsys)
    assert code == 0
    assert "zdcontract: warning: overlay" in err and "matches nothing in the spec" in err
    code, _, err = run(
        ["spec", "apply", _bundled(), str(overlay), "-o", str(out_file), "--strict"], capsys
    )
    assert code == 2 and err.count("\n") == 1 and "matches nothing" in err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["validate", "-", "-o", "CountActivities", "--overlay", "{bad}"], "is not an Overlay 1.0"),
        (["spec", "lint", "--overlay", "{bad}"], "is not an Overlay 1.0"),
        (["spec", "apply", "{spec}", "{missing}", "-o", "{out}"], "cannot read overlay"),
        (["spec", "learn", "{unmatched}", "-o", "{out}"], "no recorded response matches"),
        (["spec", "learn", "{report}", "-o", "{out}"], "is a zdcontract report"),
        (["spec", "learn", "{bad}", "-o", "{out}"], "is not a HAR file"),
        (["mock", "--overlay", "{bad}"], "is not an Overlay 1.0"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("overlay: 1.0.0\ninfo: {title: t, version: '1'}\n")
    report = tmp_path / "zdcontract-report.json"
    report.write_text(json.dumps({"schema_version": 1, "findings": []}))
    unmatched = har(tmp_path / "other.har", [(f"{API}/tickets.json", 200, {"tickets": []})])
    names = {
        "bad": bad,
        "spec": _bundled(),
        "missing": tmp_path / "missing.yaml",
        "out": tmp_path / "out.yaml",
        "unmatched": unmatched,
        "report": report,
    }
    code, _, err = run([a.format(**names) for a in argv], capsys)
    assert code == 2, err
    assert err.count("\n") == 1 and fragment in err, err
    assert not (tmp_path / "out.yaml").exists()


def test_the_shipped_overlay_is_where_spec_path_says(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["spec", "path", "--overlay"], capsys)
    assert code == 0 and Path(out.strip()) == shipped_overlay_path() == SHIPPED


def test_validate_with_the_shipped_overlay_accepts_a_cursor_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "cursor.json"
    page.write_bytes(zb.dumps(zb.cursor_page(3)))
    code, _, _ = run(["validate", str(page), "-o", "ListActivities"], capsys)
    assert code == 1
    code, out, _ = run(
        ["validate", str(page), "-o", "ListActivities", "--overlay", str(SHIPPED)], capsys
    )
    assert code == 0, out
