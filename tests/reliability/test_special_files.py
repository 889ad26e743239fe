"""Paths that name anything but a regular file: refused in one line, before anything is sent.

A report, recording, baseline or history path may name a device node, a FIFO, a socket or a
symbolic link. Written to, a node would be replaced by a regular file (as root,
``--record /dev/null`` destroyed ``/dev/null``), the history was appended *through* a link
into its target, and ``/dev/full`` as the history failed only once the requests were sent.
Read from, a FIFO blocks forever and ``/dev/zero`` never ends (a MemoryError, exit 3).

Every case is a real ``zdcontract`` process given nodes this test makes in a temporary
folder (never the system's own ``/dev`` entries): exit 2, one line naming the path and what
it is, no request reaches the target, and the node is still the node it was.
"""

from __future__ import annotations

import os
import resource
import socket
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from loopback import counting_target
from reliability._helpers import Finished, clean_env, run_cli, zd_command

pytestmark = pytest.mark.slow

#: Each device node is made with the numbers of its namesake in /dev (Linux).
DEVICES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7)}


@pytest.fixture()
def nodes(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A FIFO, a socket, a link to a regular file and, as root, device nodes; by name."""
    folder = tmp_path / "nodes"
    folder.mkdir()
    made = {"fifo": folder / "fifo", "socket": folder / "socket", "link": folder / "link"}
    os.mkfifo(made["fifo"])
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(made["socket"]))
    (folder / "target.jsonl").write_text("kept\n")
    made["link"].symlink_to(folder / "target.jsonl")
    for name, (major, minor) in DEVICES.items():
        try:
            os.mknod(folder / name, stat.S_IFCHR | 0o666, os.makedev(major, minor))
        except PermissionError:
            continue  # not root: the FIFO and socket cases still run
        made[name] = folder / name
    try:
        yield made
    finally:
        listener.close()


def kinds(nodes: dict[str, Path]) -> dict[Path, int]:
    return {path: os.lstat(path).st_mode for path in nodes.values()}


def one_line_exit_2(finished: Finished, *fragments: str) -> None:
    assert finished.returncode == 2, finished.output
    assert "Traceback" not in finished.output
    lines = finished.stderr.decode().strip().splitlines()
    assert len(lines) == 1, finished.output
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


RUN_WRITES = [
    # (node, option, what the line says)
    ("fifo", "--record", "is a FIFO (named pipe), not a regular file"),
    ("null", "--record", "is a character device, not a regular file"),
    ("socket", "--record", "is a socket, not a regular file"),
    ("null", "--update-baseline", "is a character device"),
    ("fifo", "--update-baseline", "is a FIFO"),
    ("full", "--history", "is a character device"),
    ("fifo", "--history", "is a FIFO"),
    ("link", "--history", "is a symbolic link"),
    ("null", "report", "is a character device"),
    ("fifo", "report", "is a FIFO"),
]


@pytest.mark.parametrize(
    ("node", "option", "fragment"), RUN_WRITES, ids=[f"{o} {n}" for n, o, _ in RUN_WRITES]
)
def test_run_refuses_to_write_over_anything_but_a_regular_file(
    node: str, option: str, fragment: str, nodes: dict[str, Path], tmp_path: Path
) -> None:
    if node not in nodes:
        pytest.skip("making a device node takes root")
    before = kinds(nodes)
    reports = tmp_path / "reports"
    args = ["run", "-q", "--no-checks", "--max-examples", "1", "--report-dir", str(reports)]
    if option == "report":
        # the HTML report's path is the node (another name for it); the other three are free
        reports.mkdir()
        shown = reports / "zdcontract-report.html"
        os.link(nodes[node], shown)
    else:
        args += [option, str(nodes[node])]
        shown = nodes[node]
    with counting_target() as (url, seen):
        finished = run_cli([*args, "--base-url", url], cwd=tmp_path)
    one_line_exit_2(finished, str(shown), fragment)
    assert seen == [], "a request was sent before the refusal"
    assert kinds(nodes) == before, "a node was replaced"
    assert (tmp_path / "nodes" / "target.jsonl").read_text() == "kept\n"


def reading(nodes: dict[str, Path], tmp_path: Path) -> list[tuple[str, list[str], str]]:
    body = tmp_path / "body.json"
    body.write_text('{"count": {"value": 1, "refreshed_at": null}}')
    fifo = str(nodes["fifo"])
    return [
        ("validate body FIFO", ["validate", "-o", "CountActivities", fifo], "is a FIFO"),
        ("validate --spec FIFO", ["validate", "-o", "X", str(body), "--spec", fifo], "is a FIFO"),
        ("validate --har FIFO", ["validate", "--har", fifo], "is a FIFO"),
        ("run --spec FIFO", ["run", "-q", "--spec", fifo], "is a FIFO"),
        ("run --baseline FIFO", ["run", "-q", "--baseline", fifo], "is a FIFO"),
        ("spec lint FIFO", ["spec", "lint", fifo], "is a FIFO"),
    ]


def test_a_fifo_to_read_is_refused_not_waited_on(nodes: dict[str, Path], tmp_path: Path) -> None:
    for name, args, fragment in reading(nodes, tmp_path):
        finished = run_cli([*args], cwd=tmp_path, timeout=30)
        one_line_exit_2(finished, str(nodes["fifo"]), fragment)
        assert stat.S_ISFIFO(os.lstat(nodes["fifo"]).st_mode), name


def bounded_memory() -> Callable[[], None]:
    """A child with at most 2 GiB of address space: a reader that never stops fails fast
    instead of taking the machine's memory."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return limit


def test_a_device_that_never_ends_is_refused(nodes: dict[str, Path], tmp_path: Path) -> None:
    if "zero" not in nodes:
        pytest.skip("making a device node takes root")
    done = subprocess.run(
        zd_command("validate", "-o", "ListActivities", str(nodes["zero"])),
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        timeout=60,
        preexec_fn=bounded_memory(),
        check=False,
    )
    finished = Finished(done.returncode, done.stdout, done.stderr, 0.0)
    one_line_exit_2(finished, str(nodes["zero"]), "is a character device")


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_a_body_larger_than_the_bound_is_one_line(tmp_path: Path, how: str) -> None:
    from zdcontract.cli._common import MAX_INPUT_BYTES

    body = tmp_path / "big.json"
    with body.open("wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)  # sparse: no disk for the zeros
    args = ["validate", "-o", "ListActivities", str(body) if how == "file" else "-"]
    with body.open("rb") as stdin:
        done = subprocess.run(
            zd_command(*args),
            cwd=tmp_path,
            env=clean_env(),
            stdin=stdin,
            capture_output=True,
            timeout=60,
            preexec_fn=bounded_memory(),
            check=False,
        )
    finished = Finished(done.returncode, done.stdout, done.stderr, 0.0)
    one_line_exit_2(finished, "is larger than 64 MiB")
