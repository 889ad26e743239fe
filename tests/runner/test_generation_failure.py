"""When schemathesis itself fails to draw an operation's requests.

A long-lived process (a test session running many contract runs) once left schemathesis'
strategy caches in a state where drawing a negative query raised TypeError inside
schemathesis. A fresh process never did. The operation is drawn again from a freshly loaded
schema; when that fails too, the schema check says "not exercised" and why. Never a
traceback, never a hollow pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from in_process import zd

from zdcontract.runner import _schemathesis
from zdcontract.runner._schemathesis import generate_cases
from zdcontract.spec import load_spec

OPS = ["ListActivities", "ShowActivity", "CountActivities"]


def failing(monkeypatch: pytest.MonkeyPatch, label: str, times: int) -> list[str]:
    """schemathesis raises for ``label``'s operation its first ``times`` draws."""
    real = _schemathesis.create_test
    calls: list[str] = []

    def create_test(*, operation: Any, test_func: Callable[..., Any], config: Any) -> Any:
        calls.append(operation.label)
        if operation.label == label and calls.count(label) <= times:

            def broken() -> None:
                raise TypeError("unhashable type: 'GeneratedValue'")

            return broken
        return real(operation=operation, test_func=test_func, config=config)

    monkeypatch.setattr(_schemathesis, "create_test", create_test)
    return calls


def keys(**kwargs: Any) -> list[tuple[Any, ...]]:
    return [c.key for c in generate_cases(load_spec(), OPS, max_examples=3, seed=5, **kwargs)]


def test_a_failure_once_is_drawn_again_from_a_fresh_schema_with_the_same_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clean = keys()
    calls = failing(monkeypatch, "GET /api/v2/activities", times=1)
    failed: dict[str, str] = {}
    assert keys(failed=failed) == clean
    assert failed == {}
    assert calls.count("GET /api/v2/activities") == 2


def test_a_failure_that_persists_is_reported_and_the_other_operations_still_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clean = keys()
    failing(monkeypatch, "GET /api/v2/activities", times=99)
    failed: dict[str, str] = {}
    drawn = keys(failed=failed)
    assert drawn == [k for k in clean if k[1] != "/api/v2/activities"]
    assert any(k[1] == "/api/v2/activities/count" for k in drawn)
    assert failed == {
        "ListActivities": "schemathesis could not generate its requests "
        "(TypeError: unhashable type: 'GeneratedValue')"
    }
    with pytest.raises(TypeError):  # a caller that does not ask keeps the exception
        keys()


@pytest.mark.slow
def test_the_run_says_the_schema_check_was_not_exercised_and_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing(monkeypatch, "GET /api/v2/activities", times=99)
    argv = ["run", "--profile", "conformant", "--seed", "5", "--max-examples", "3"]
    code, out, err = zd([*argv, "--report-dir", str(tmp_path)], capsys)
    assert code == 1, out + err
    assert "Traceback" not in out + err
    data = json.loads((tmp_path / "zdcontract-report.json").read_text())
    schema = next(
        c for c in data["checks"] if (c["operation"], c["check"]) == ("ListActivities", "schema")
    )
    assert schema["reason"] == (
        "schemathesis could not generate its requests "
        "(TypeError: unhashable type: 'GeneratedValue')"
    )
    others = [c for c in data["checks"] if c["check"] == "schema" and c is not schema]
    assert others and all(c["reason"] is None for c in others)
    assert any(
        f["kind"] == "not-exercised" and f["operation"] == "ListActivities"
        for f in data["findings"]
    )


def test_a_stop_is_no_failure_of_schemathesis_it_ends_the_generation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from zdcontract.runner.client import Interrupted

    calls = failing(monkeypatch, "never", times=0)
    stop = threading.Event()
    stop.set()
    failed: dict[str, str] = {}
    with pytest.raises(Interrupted):
        keys(failed=failed, stop=stop)
    assert failed == {}
    assert len(calls) == 1  # not drawn again from a fresh schema
