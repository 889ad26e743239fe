"""Bad use of any subcommand: one line that starts the same way and names what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from in_process import zd as run


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--bogus"],
        ["run", "--max-examples", "many"],
        ["run", "--fail-on", "sometimes"],
        ["mock", "--port", "70000"],
        ["mock", "--profile", "strict"],
        ["validate", "--bogus"],
        ["validate"],
        ["spec", "--bogus"],
        ["nosuchcommand"],
        ["run", "--mock-drift", "remove:nope"],
        ["mock", "--fault", "status:99"],
    ],
)
def test_every_usage_error_line_starts_the_same_way(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("zdcontract: error: "), err
    if argv[0] in ("run", "mock", "validate") and len(argv) > 1:
        assert f"(see 'zdcontract {argv[0]} --help')" in err, err


@pytest.mark.parametrize(
    ("argv", "named", "not_named"),
    [
        (["run", "--mock-drift", "remove:nope"], "bad --mock-drift 'remove:nope'", "--drift "),
        (["run", "--mock-drift", "frobnicate:/x"], "bad --mock-drift 'frobnicate:/x'", "--drift "),
        (["run", "--mock-fault", "status:99"], "bad --mock-fault 'status:99'", "--fault "),
        (["run", "--mock-fault", "delay"], "bad --mock-fault 'delay'", "--fault "),
        (["mock", "--drift", "remove:nope"], "bad --drift 'remove:nope'", "--mock-drift"),
        (["mock", "--fault", "status:99"], "bad --fault 'status:99'", "--mock-fault"),
    ],
)
def test_a_bad_mutation_or_fault_names_the_option_used(
    argv: list[str],
    named: str,
    not_named: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no report directory is written: the value is checked first
    code, _, err = run([*argv, "--port", "0"] if argv[0] == "mock" else argv, capsys)

    assert code == 2
    assert f"zdcontract: error: {named}" in err
    assert not_named not in err
    assert list(tmp_path.iterdir()) == []


def test_a_bad_mutation_from_the_project_settings_says_where_it_came_from(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.zdcontract]\nmock-drift = ["remove:nope"]\n')
    monkeypatch.chdir(tmp_path)

    code, _, err = run(["run"], capsys)

    assert code == 2
    assert err.startswith("zdcontract: error: bad --mock-drift 'remove:nope'"), err
    assert "[tool.zdcontract]" in err


@pytest.mark.parametrize(
    ("argv", "drift", "fault"),
    [
        (["run", "--help"], "--mock-drift", "--mock-fault"),
        (["mock", "--help"], "--drift", "--fault"),
    ],
)
def test_help_documents_the_mutation_and_fault_syntax(
    argv: list[str], drift: str, fault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(argv, capsys)

    assert code == 0
    assert f"{drift} KIND:TARGET[=VALUE]" in out
    assert f"{fault} KIND[:ARG][@PROBABILITY]" in out
    # Every kind the parsers accept is listed with an example of its form.
    for example in (
        "remove:/activities/*/title",
        "null:/count/refreshed_at",
        "type:/count/value=string",
        'add:/activities/*/via={"channel":"api"}',
        "rename:/activities/*/title=headline",
        "status:/api/v2/activities/count=500",
        "content-type:/api/v2/activities=text/html",
    ):
        assert example in out
    for form in ("delay:SECONDS", "status:CODE", "html[:CODE]", "reset", "truncate", "slow-body"):
        assert form in out
    # The help fits an 80-column terminal.
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize(
    ("given", "expected"),
    [("16MiB", 16 << 20), ("500KB", 500_000), ("1.5 KiB", 1536), ("2048", 2048), ("1gb", 10**9)],
)
def test_a_body_size_is_read_with_its_unit(given: str, expected: int) -> None:
    from zdcontract.cli.run import _size

    assert _size(None, None, given) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("lots", "'lots' is not a size such as 16MiB or 500KB"),
        ("16XB", "'16XB' is not a size"),
        ("0", "'0' is not a size"),
        ("-1", "'-1' is not a size"),
        ("nan", "'nan' is not a size"),
        ("1e308GiB", "'1e308GiB' is not a size"),  # overflows once multiplied by its unit
        ("2GiB", "--max-body-size must be between 1 KiB and 1 GiB"),
        ("512", "--max-body-size must be between 1 KiB and 1 GiB"),
    ],
)
def test_a_body_size_that_is_none_or_out_of_bounds_is_one_line(
    value: str,
    fragment: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["run", "-q", "--max-body-size", value], capsys)

    assert code == 2, out + err
    assert err.count("\n") == 1, err
    assert err.startswith("zdcontract: error: ") and fragment in err, err
    assert list(tmp_path.iterdir()) == []  # refused before the run wrote anything
