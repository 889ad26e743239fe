"""Without its options and fixtures the plugin changes nothing about a test run."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from zdcontract.mock import MockServer

pytest_plugins = ["pytester"]

SUITE = """
import pytest

def test_passes():
    assert True

def test_fails():
    assert 1 == 2

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass

@pytest.mark.parametrize("n", [1, 2])
def test_parametrized(n):
    assert n
"""

# What legitimately differs between the two runs: the plugin list and the timing.
_VOLATILE = re.compile(r"^plugins: .*$|\d+\.\d\ds|pytest-\d+|/test_inert\w*\d+", re.M)


def _normalised(text: str) -> str:
    return _VOLATILE.sub("<volatile>", text)


@pytest.mark.parametrize("extra", [[], ["-v", "-rA"], ["--collect-only"]])
def test_a_suite_runs_the_same_with_and_without_the_plugin(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    started: list[object] = []
    monkeypatch.setattr(MockServer, "start", lambda self: started.append(self))
    pytester.makepyfile(test_inert=SUITE)
    before = sorted(p.name for p in pytester.path.rglob("*"))
    base = ["-p", "no:cacheprovider", "-p", "no:benchmark", *extra]  # benchmark writes files
    with_plugin = pytester.runpytest(*base)
    files_after = sorted(p.name for p in pytester.path.rglob("*") if "__pycache__" not in p.parts)
    without = pytester.runpytest(*base, "-p", "no:zdcontract")
    assert with_plugin.ret == without.ret
    assert with_plugin.parseoutcomes() == without.parseoutcomes()
    assert _normalised(with_plugin.stdout.str()) == _normalised(without.stdout.str())
    assert with_plugin.stderr.str() == without.stderr.str()
    assert "zdcontract:" in with_plugin.stdout.str() or "zdcontract-" in with_plugin.stdout.str()
    assert "zdcontract" not in _normalised(with_plugin.stdout.str())
    assert files_after == [name for name in before if name != "__pycache__"]
    assert started == []  # no mock server was started


def test_loading_the_plugin_imports_only_its_own_bookkeeping() -> None:
    """pytest loads the plugin in every run of an environment that has zdcontract: it must
    not bring the validator, the spec loader, the runner or the mock with it."""
    code = "import sys, zdcontract.plugin; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    modules = set(done.stdout.split())
    assert "zdcontract.pytest_plugin.session" in modules
    ours = {m for m in modules if m.startswith("zdcontract.")}
    for heavy in ("drift.validator", "spec", "runner", "mock", "reports", "monitor"):
        assert not {
            m for m in ours if m == f"zdcontract.{heavy}" or m.startswith(f"zdcontract.{heavy}.")
        }, heavy
    for library in ("yaml", "jsonschema_rs", "openapi_core", "uvicorn", "orjson"):
        assert library not in modules, library
