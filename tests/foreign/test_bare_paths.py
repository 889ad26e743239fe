"""A server that knows only the spec's paths: ``/api/v2/activities``, never ``.json``.

The bundled spec documents the bare paths; Zendesk also accepts a ``.json`` suffix, other
servers (Prism, gateways, recorded fixtures) do not. Against ``BarePathProxy`` every
behaviour check must still walk what it walks against Zendesk, and no documented path may
come back as a 404 finding because the client guessed a suffix.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zdcontract.mock import MockConfig, MockServer

from .runs import BEHAVIOUR, SAME_RUN, exercised, hollow_passes, zd_run
from .servers import BarePathProxy

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
ACTIVITIES = 60
PAGE_SIZE = 25  # what the pagination checks ask for


@pytest.mark.parametrize("profile", ["zendesk", "conformant"])
def test_bare_paths_only_are_walked_completely(profile: str, tmp_path: Path) -> None:
    config = MockConfig(profile=profile, activities=ACTIVITIES, seed=3, now=NOW)
    with MockServer(config) as mock, BarePathProxy(mock.url) as bare:
        direct = zd_run(mock.url, tmp_path / "direct", *SAME_RUN, "--no-baseline")
        run = zd_run(bare.url, tmp_path / "bare", *SAME_RUN, "--no-baseline")
        refused = list(bare.refused)
    # ListActivities and CountActivities exist on every target: a 404 there only means the
    # client asked for a path form the server does not serve.
    wrong_form = [
        f
        for f in run.report["findings"]
        if f["status"] == 404 and f["operation"] in ("ListActivities", "CountActivities")
    ]
    assert wrong_form == [], f"{wrong_form}\nrefused .json requests: {refused[:10]}"
    # ShowActivity may meet a 404 for an id that does not exist, as it does directly.
    not_found = {f["fingerprint"] for f in run.report["findings"] if f["status"] == 404}
    assert not_found == {f["fingerprint"] for f in direct.report["findings"] if f["status"] == 404}
    assert hollow_passes(run) == [], run.describe()
    # What the proxy changes nothing of: a check exercised directly is exercised through it,
    # and one the target cannot support (the conformant mock has no cursor pages) says so
    # for the same reason both ways.
    directly = {c["check"]: c for c in direct.checks(*BEHAVIOUR)}
    for check in run.checks(*BEHAVIOUR):
        before = directly[check["check"]]
        if before["outcome"] == "not-exercised":
            assert (check["outcome"], check["reason"]) == ("not-exercised", before["reason"])
            continue
        assert check["outcome"] != "not-exercised", run.describe()
        assert exercised(check) > 0, check
    # Complete walks: every page of the dataset, the very pages and records walked directly.
    walked = {c["check"]: c["exercised"] for c in direct.checks("pagination-cursor")}
    walked |= {c["check"]: c["exercised"] for c in direct.checks("pagination-offset")}
    for check in run.checks("pagination-cursor", "pagination-offset"):
        if directly[check["check"]]["outcome"] == "not-exercised":
            continue  # no cursor pages on the conformant mock: nothing to walk either way
        assert check["exercised"]["pages"] >= math.ceil(ACTIVITIES / PAGE_SIZE), check
        for count in ("pages", "records"):
            assert check["exercised"][count] == walked[check["check"]][count], check
    for check in run.checks("schema"):
        assert check["exercised"]["validated"] > 0, check
