"""Stoplight Prism's mock of the bundled spec: a server built from the same contract by others.

Prism answers every documented operation with a 200 whose body its own generator drew
from the spec (``-d``, dynamic) or the spec's examples (static). It writes
``Content-type: application/json``, knows only the spec's bare paths, and answers
``.json`` forms with 404. Its 200s conform to the schemas, so a run against it must find
nothing wrong with their content type, types, nulls, formats or constraints; and whatever
Prism cannot do (cursor pages, say) must show as not exercised, never as a pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zdcontract.spec.loader import bundled_spec_path

from .prism import prism_mock
from .runs import SAME_RUN, hollow_passes, zd_run

pytestmark = pytest.mark.slow

#: What a conforming 200 body can never produce.
BODY_KINDS = {
    "undocumented-content-type",
    "type-mismatch",
    "unexpected-null",
    "format-mismatch",
    "constraint-violation",
}


@pytest.mark.parametrize("mode", [["-d"], []], ids=["dynamic", "static"])
def test_prism_200s_raise_no_body_finding_and_no_check_passes_hollow(
    mode: list[str], tmp_path: Path
) -> None:
    with prism_mock(bundled_spec_path(), *mode, log_dir=tmp_path) as url:
        run = zd_run(url, tmp_path / "reports", *SAME_RUN, "--no-baseline")
    wrong = [
        (f["kind"], f["operation"], f["path"], f["message"])
        for f in run.report["findings"]
        if f["kind"] in BODY_KINDS and f["status"] == 200
    ]
    assert wrong == [], run.describe()
    ok = {op["operation"]: op["statuses"].get("200", 0) for op in run.report["operations"]}
    assert all(ok.values()), ok  # Prism answered 200 to each operation: there was a body
    assert hollow_passes(run) == [], run.describe()
    for check in run.checks():
        assert check["passed"] == (check["outcome"] == "pass"), check
        if check["outcome"] == "not-exercised":
            assert check["reason"], check
    for check in run.checks("schema"):
        assert check["exercised"]["validated"] > 0, check
    assert run.code in (0, 1), run.describe()
