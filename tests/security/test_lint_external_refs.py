"""``zdcontract spec lint`` reads the one file it is given, like ``run`` and ``validate``.

A spec is someone else's file. Its external ``$ref``s made lint fetch http URLs with no
bound on the time (a server sending one byte a second held it forever) and read local
files, whose content it then printed. Each is now reported as an ``external-ref`` problem
and never followed: a server on loopback that notes every connection sees none, and a
secret file's content appears nowhere. A document nested too deeply to read is one line
and exit 2, not an internal error.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from reliability._helpers import run_cli

pytestmark = pytest.mark.slow

SECRET = "S3CRET-file-content-7d1e"


@contextmanager
def trickling_server() -> Iterator[tuple[str, list[int]]]:
    """Accepts connections and answers each one byte a second; counts the connections."""
    connections: list[int] = []
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(1)
            with client:
                for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n{":
                    if stop.wait(1.0):
                        break
                    client.sendall(bytes([byte]))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def spec_with(schema: object) -> dict[str, object]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "refs", "version": "1"},
        "paths": {
            "/api/v2/activities/count": {
                "get": {
                    "operationId": "CountActivities",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    },
                }
            }
        },
    }


def test_lint_follows_no_external_ref(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    (tmp_path / "other.yaml").write_text(f"type: object\ndescription: {SECRET}\n")
    with trickling_server() as (server, connections):
        refs = {
            "http": {"$ref": f"{server}/schema.json"},
            "file": {"$ref": secret.as_uri()},
            "relative": {"$ref": "other.yaml"},
            "under-an-id": {"$id": f"{server}/base.json", "properties": {"a": {"$ref": "x.json"}}},
        }
        spec = tmp_path / "refs.json"
        spec.write_text(json.dumps(spec_with({"anyOf": list(refs.values())})))
        finished = run_cli(["spec", "lint", str(spec)], cwd=tmp_path, timeout=60)
        seen = list(connections)
    assert finished.returncode == 1, finished.output
    assert "Traceback" not in finished.output
    assert seen == [], "lint connected to the server a $ref names"
    assert SECRET not in finished.output
    problems = [line for line in finished.stdout.decode().splitlines() if "[external-ref]" in line]
    assert len(problems) == 4, finished.output  # the three refs, and the one under the $id


def test_lint_of_a_spec_nested_too_deeply_is_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "deep.json"
    depth = 100_000
    spec.write_text('{"openapi": "3.1.0", "x": ' + "[" * depth + "]" * depth + "}")
    finished = run_cli(["spec", "lint", str(spec)], cwd=tmp_path)
    assert finished.returncode == 2, finished.output
    assert finished.stderr.decode().strip().splitlines() == [
        f"zdcontract: error: spec {spec} is nested too deeply to read"
    ]
