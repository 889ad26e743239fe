"""Behind a gateway: respelled header names, gzip and chunking change nothing in the verdict.

HTTP field names are case-insensitive (RFC 9110 §5.1) and content codings and chunked
framing are transport matters (§8.4, RFC 9112 §7.1). A run through ``GatewayProxy`` in
front of the embedded mock must find exactly what the same run finds against the mock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zdcontract.mock import MockConfig, MockServer

from .runs import SAME_RUN, hollow_passes, zd_run
from .servers import GatewayProxy

pytestmark = pytest.mark.slow

#: The dataset's "now" is fixed: both runs must meet the very same records.
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["zendesk", "conformant"])
def mock(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The embedded mock in this process, in either profile, with 60 activities."""
    config = MockConfig(profile=request.param, activities=60, seed=3, now=NOW)
    with MockServer(config) as server:
        yield server


def test_a_gateway_changes_no_finding(mock: MockServer, tmp_path: Path) -> None:
    with GatewayProxy(mock.url) as gateway:
        direct = zd_run(mock.url, tmp_path / "direct", *SAME_RUN, "--no-baseline")
        proxied = zd_run(gateway.url, tmp_path / "proxied", *SAME_RUN, "--no-baseline")
    # The gateway did what it is for: compressed, chunked, every name respelled.
    assert gateway.gzipped > 0
    assert {"CONTENT-TYPE", "content-type", "Content-type"} <= gateway.spellings
    assert "Content-Type" not in gateway.spellings
    assert proxied.findings() == direct.findings(), (
        f"only through the gateway: {sorted(proxied.findings() - direct.findings())}\n"
        f"only direct: {sorted(direct.findings() - proxied.findings())}"
    )
    assert proxied.code == direct.code, proxied.describe()
    if mock.config.profile == "conformant":
        assert direct.code == 0, direct.describe()
    statuses = {op["operation"]: op["statuses"] for op in direct.report["operations"]}
    assert {op["operation"]: op["statuses"] for op in proxied.report["operations"]} == statuses
    assert proxied.outcomes() == direct.outcomes(), proxied.describe()
    assert hollow_passes(proxied) == []
    for check in proxied.checks("schema"):
        assert check["exercised"]["validated"] > 0, check


def test_the_conformant_profile_through_the_gateway_exits_0(tmp_path: Path) -> None:
    """What a user does first: the clean mock behind a gateway, default baseline, exit 0."""
    config = MockConfig(profile="conformant", activities=60, seed=3, now=NOW)
    with MockServer(config) as server, GatewayProxy(server.url) as gateway:
        proxied = zd_run(gateway.url, tmp_path, *SAME_RUN)
    assert proxied.code == 0, proxied.describe()
    content_types = [
        f for f in proxied.report["findings"] if f["kind"] == "undocumented-content-type"
    ]
    assert content_types == []
