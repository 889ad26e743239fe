"""An HTTP/1.0 server that ends each body by closing the connection (RFC 9112 §6.3, item 8).

No Content-Length, no chunking, no keep-alive: the body is whatever arrives before the
server closes. A client must read it whole and give the same verdict as against the mock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from zdcontract.mock import MockConfig, MockServer

from .runs import SAME_RUN, hollow_passes, zd_run
from .servers import Http10Proxy

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("profile", ["zendesk", "conformant"])
def test_close_delimited_bodies_give_the_same_findings(profile: str, tmp_path: Path) -> None:
    config = MockConfig(profile=profile, activities=60, seed=3, now=NOW)
    with MockServer(config) as mock, Http10Proxy(mock.url) as old:
        direct = zd_run(mock.url, tmp_path / "direct", *SAME_RUN, "--no-baseline")
        proxied = zd_run(old.url, tmp_path / "http10", *SAME_RUN, "--no-baseline")
        answered_by_proxy = len(old.seen)
    assert answered_by_proxy >= proxied.report["summary"]["requests"] > 0
    assert proxied.findings() == direct.findings(), (
        f"only over HTTP/1.0: {sorted(proxied.findings() - direct.findings())}\n"
        f"only direct: {sorted(direct.findings() - proxied.findings())}"
    )
    assert proxied.code == direct.code, proxied.describe()
    # No body was cut short or retried: every request has its answer, as directly.
    for op in proxied.report["operations"]:
        assert op["transport_errors"] == 0, op
        assert op["retried"] == 0, op
        assert op["requests"] == op["answered"], op
    statuses = {op["operation"]: op["statuses"] for op in direct.report["operations"]}
    assert {op["operation"]: op["statuses"] for op in proxied.report["operations"]} == statuses
    assert proxied.outcomes() == direct.outcomes(), proxied.describe()
    assert hollow_passes(proxied) == []
