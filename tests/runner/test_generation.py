"""The seed alone decides the requests, whatever Hypothesis profile the caller runs under."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys, hypothesis
from zdcontract.spec import load_spec
from zdcontract.runner._schemathesis import generate_cases
if sys.argv[1] == "profile":
    hypothesis.settings.register_profile("suite", max_examples=40, derandomize=True)
    hypothesis.settings.load_profile("suite")
ops = ["ListActivities", "ShowActivity", "CountActivities"]
print(repr([c.key for c in generate_cases(load_spec(), ops, max_examples=3, seed=5)]))
"""


def generated(mode: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "CI"} | env
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, env=environ,
        timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


def test_profiles_and_ci_do_not_change_generated_requests() -> None:
    plain = generated("plain")
    assert plain.count("'GET'") >= 10
    assert generated("profile") == plain  # a test suite's own profile
    assert generated("plain", CI="true") == plain  # Hypothesis' automatic `ci` profile
