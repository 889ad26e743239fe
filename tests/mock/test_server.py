"""MockServer and the ASGI app: the Python API, in-process use, and the pytest fixtures."""

from __future__ import annotations

import asyncio
import io
import socket
from typing import Any

import pytest
import requests

from zdcontract.errors import UsageError
from zdcontract.mock import MockConfig, MockServer, Request, create_app
from zdcontract.mock._asgi import ConnectionDropped


def call_asgi(
    app: Any, path: str, query: bytes = b"", method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """Call the ASGI app in-process, no socket."""
    sent: list[dict[str, Any]] = []
    scope = {"type": "http", "method": method, "path": path, "query_string": query, "headers": []}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start, *bodies = sent
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in bodies)


def test_the_same_app_serves_in_process() -> None:
    app = create_app(MockConfig(activities=12, seed=2), base_url="http://testserver")
    status, headers, body = call_asgi(app, "/api/v2/activities.json", b"page%5Bsize%5D=5")
    assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
    assert b'"next":"http://testserver/api/v2/activities.json?page%5Bafter%5D=' in body
    assert int(headers["content-length"]) == len(body)
    assert (
        app.respond(Request(method="GET", path="/api/v2/activities/count")).body
        == (call_asgi(app, "/api/v2/activities/count.json")[2])
    )


def test_in_process_reset_raises_since_there_is_no_socket_to_drop() -> None:
    app = create_app(MockConfig(activities=1, faults=["reset"]))
    with pytest.raises(ConnectionDropped):
        call_asgi(app, "/api/v2/activities.json")


def test_same_seed_same_answers_across_servers() -> None:
    bodies = []
    for _ in range(2):
        with MockServer(
            MockConfig(activities=8, seed=42, public_url="http://mock.example:1234/")
        ) as server:
            bodies.append(requests.get(f"{server.url}/api/v2/activities.json", timeout=10).json())
            assert server.public_url == "http://mock.example:1234"
            assert server.url == f"http://127.0.0.1:{server.port}"
    first, second = bodies
    assert [a["id"] for a in first["activities"]] == [a["id"] for a in second["activities"]]
    assert first["activities"][0]["url"].startswith("http://mock.example:1234/api/v2/activities/")


def test_lifecycle_url_requests_and_quiet_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    server = MockServer(MockConfig(activities=3))
    with pytest.raises(RuntimeError):
        server.url  # noqa: B018 - not started yet
    with server:
        assert server.url == f"http://127.0.0.1:{server.port}" and server.running
        requests.get(f"{server.url}/api/v2/activities.json?per_page=2", timeout=10)
        requests.post(f"{server.url}/api/v2/activities.json", timeout=10)
        assert server.requests == [
            ("GET", "/api/v2/activities.json?per_page=2", 200),
            ("POST", "/api/v2/activities.json", 404),
        ]
        server.reset()
        assert server.requests == []
    assert not server.running
    server.stop()  # twice is fine
    assert capsys.readouterr().out == ""  # no access log unless asked


def test_access_log_lines() -> None:
    log = io.StringIO()
    with MockServer(MockConfig(activities=3), access_log=log) as server:
        requests.get(f"{server.url}/api/v2/activities/count.json?x=1", timeout=10)
        requests.delete(f"{server.url}/api/v2/activities/1", timeout=10)
    assert (
        log.getvalue()
        == "GET /api/v2/activities/count.json?x=1 200\nDELETE /api/v2/activities/1 404\n"
    )


def test_port_in_use_is_a_usage_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=f"port {port} on 127.0.0.1 is already in use"):
            MockServer(MockConfig(port=port)).start()


def test_configure_and_reset_change_drift_and_faults_live(start_server: Any) -> None:
    server = start_server(activities=4, faults=["status:500"])
    url = f"{server.url}/api/v2/activities/count.json"
    assert requests.get(url, timeout=10).status_code == 500
    server.configure(faults=[], drift=["type:/count/value=string"])
    assert server.config.faults == () and server.config.drift == ("type:/count/value=string",)
    assert requests.get(url, timeout=10).json()["count"]["value"] == "4"
    server.reset()
    assert server.config.faults == ("status:500",) and server.config.drift == ()
    assert requests.get(url, timeout=10).status_code == 500


def test_session_fixture_serves_the_defaults(zd_mock_server: MockServer) -> None:
    count = requests.get(f"{zd_mock_server.url}/api/v2/activities/count.json", timeout=10).json()
    assert count["count"]["value"] == 250
    assert zd_mock_server.config.profile == "zendesk" and zd_mock_server.running
