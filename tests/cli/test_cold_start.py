"""What each command imports: --help and validate never load the run's heavy libraries.

A drift monitor calls ``zdcontract validate`` once per captured response or HAR; schemathesis,
Hypothesis and uvicorn (a third of a second and some 600 modules) are the contract run's and
the mock's, and an offline replay has no use for the runner either. Each command runs in a
fresh interpreter, as a user's shell would start it, and reports what it imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
import zendesk_bodies as zb

from zdcontract.cli import SUMMARIES, cli

HEAVY = ("schemathesis", "hypothesis", "uvicorn")


def imported_by(argv: list[str]) -> tuple[int, set[str]]:
    """The exit status of ``zdcontract ARGV`` and the modules it left in sys.modules."""
    code = textwrap.dedent(
        f"""
        import json, sys
        from zdcontract.cli import main
        try:
            main({argv!r})
        except SystemExit as exc:
            status = exc.code
        sys.stderr.write(json.dumps([status, sorted(sys.modules)]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    status, modules = json.loads(done.stderr.splitlines()[-1])
    return status, set(modules)


def loaded(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = zb.offset_page(5)
    for activity in page["activities"]:
        activity["via"] = {"channel": "web"}
    path = tmp_path_factory.mktemp("bodies") / "page.json"
    path.write_bytes(zb.dumps(page))
    return path


@pytest.fixture(scope="module")
def har(tmp_path_factory: pytest.TempPathFactory, drifted: Path) -> Path:
    entry = {
        "request": {"method": "GET", "url": "https://acme.zendesk.com/api/v2/activities.json"},
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": drifted.read_text()},
        },
    }
    path = tmp_path_factory.mktemp("hars") / "capture.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry, entry]}}))
    return path


@pytest.mark.parametrize("argv", [["--help"], ["validate", "--help"], ["--version"]])
def test_help_imports_none_of_the_run(argv: list[str]) -> None:
    status, modules = imported_by(argv)
    assert status == 0
    for package in (*HEAVY, "zdcontract.runner", "zdcontract.mock", "openapi_core"):
        assert loaded(modules, package) == [], package


def test_validate_of_a_drifted_body_imports_none_of_the_run(drifted: Path) -> None:
    status, modules = imported_by(["validate", str(drifted), "--operation", "ListActivities"])
    assert status == 1  # drift, explained
    for package in (*HEAVY, "zdcontract.runner", "zdcontract.mock"):
        assert loaded(modules, package) == [], package


def test_a_har_replay_imports_nothing_of_the_runner(har: Path) -> None:
    status, modules = imported_by(["validate", "--har", str(har)])
    assert status == 1
    for package in (*HEAVY, "zdcontract.runner", "zdcontract.mock", "requests"):
        assert loaded(modules, package) == [], package
    assert "zdcontract.monitor.har" in modules
    assert loaded(modules, "zdcontract.monitor.record") == []


def test_the_listed_summaries_are_the_commands_own() -> None:
    """--help lists SUMMARIES without importing the commands; they must say the same."""
    context = click.Context(cli)
    assert sorted(SUMMARIES) == cli.list_commands(context)
    for name, summary in SUMMARIES.items():
        command = cli.get_command(context, name)
        assert command is not None
        for limit in (20, 45, 74, 200):
            listed = click.Command(name, help=summary).get_short_help_str(limit)
            assert listed == command.get_short_help_str(limit)


def test_help_still_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "zdcontract", "--help"], capture_output=True, text=True, check=True
    )
    for name, summary in SUMMARIES.items():
        assert f"  {name}" in done.stdout
        assert summary.split(",")[0].split(" (")[0] in done.stdout
