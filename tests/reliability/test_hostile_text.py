"""Text a target chooses, outside the body's keys and values, reaches no output raw.

The drift validator escapes what it reads from a body. A target also chooses its
Content-Type header and the links that behaviour checks follow (and may quote). Here a loopback
server answers the listing with pagination links and cursors holding a terminal escape, a
NUL and a right-to-left override, and every other request with a Content-Type holding the
same: the run's stdout, stderr and four reports carry none of those characters raw.
"""

from __future__ import annotations

import json
from pathlib import Path

from loopback import QuietHandler, answer, serving
from reliability._helpers import REPORT_FILES, complete_reports, run_cli

# ESC [2J (clear screen), NUL, and U+202E RIGHT-TO-LEFT OVERRIDE as UTF-8 (which the HTTP
# client reads as Latin-1: a C1 control character among others).
HOSTILE_HEADER = b"application/x-\x1b[2J\x00\xe2\x80\xae-json"
HOSTILE_TEXT = "\x1b[2J\x00\u202e"
RAW = ("\x1b", "\x00", "\u202e", "\x80", "\x9b")


def _page(base: str) -> bytes:
    link = f"{base}/api/v2/activities.json?page[after]={HOSTILE_TEXT}"
    return json.dumps(
        {
            "activities": [],
            "meta": {"has_more": True, "after_cursor": HOSTILE_TEXT, "before_cursor": None},
            "links": {"next": link, "prev": None},
            "count": 0,
            "next_page": link,
            "previous_page": None,
        }
    ).encode()


def test_a_target_choosing_control_characters_cannot_write_them_anywhere(tmp_path: Path) -> None:
    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            body = _page(f"http://{self.headers['Host']}")
            listing = self.path.split("?")[0] in ("/api/v2/activities", "/api/v2/activities.json")
            # The listing is JSON (so the pagination checks follow and quote its links);
            # every other answer claims a hostile media type.
            kind = "application/json" if listing else HOSTILE_HEADER.decode("latin-1")
            answer(self, body, headers={"Content-Type": kind})

    with serving(Handler) as url:
        finished = run_cli(
            ["run", "--base-url", url, "--seed", "1", "--max-examples", "2",
             "--rate-limit", "60000/min", "--max-requests", "60", "--no-baseline",
             "--report-dir", str(tmp_path / "reports")],
            cwd=tmp_path,
        )  # fmt: skip
    assert finished.returncode == 1, finished.output
    assert "Traceback" not in finished.output
    data = complete_reports(tmp_path / "reports")
    kinds = {f["kind"] for f in data["findings"]}
    assert "undocumented-content-type" in kinds, kinds
    shown = next(f for f in data["findings"] if f["kind"] == "undocumented-content-type")
    assert "\\u001b[2j\\u0000" in shown["message"], shown  # escaped (media types are lowercased)
    written = {"stdout": finished.stdout.decode("utf-8", "replace"),
               "stderr": finished.stderr.decode("utf-8", "replace")}  # fmt: skip
    for name, file in REPORT_FILES.items():
        written[name] = (tmp_path / "reports" / file).read_text("utf-8")
    for where, text in written.items():
        found = [hex(ord(c)) for c in RAW if c in text]
        assert not found, f"{where} carries {found} raw"


def test_a_status_line_with_control_characters_is_one_escaped_line(tmp_path: Path) -> None:
    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self.wfile.write(b"HTTP/1.1 \x1b[2J\x00\xe2\x80\xae 200\r\n\r\n")
            self.close_connection = True

    with serving(Handler) as url:
        finished = run_cli(
            ["run", "--base-url", url, "--max-examples", "1", "--no-baseline",
             "--report-dir", str(tmp_path / "reports")],
            cwd=tmp_path,
        )  # fmt: skip
    assert finished.returncode == 2, finished.output
    lines = finished.stderr.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1 and lines[0].startswith("zdcontract: error: cannot reach"), lines
    found = [hex(ord(c)) for c in RAW if c in finished.output]
    assert not found, f"stderr carries {found} raw"


def test_a_malformed_redirect_location_is_an_answer_not_a_crash(tmp_path: Path) -> None:
    """A 3xx is validated, never followed; a Location no URL parser accepts changes nothing."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self.send_response(302)
            self.send_header("Location", "http://[\x1b[2J/")
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as url:
        finished = run_cli(
            ["run", "--base-url", url, "--seed", "1", "--max-examples", "1", "--rate-limit",
             "60000/min", "--no-baseline", "--report-dir", str(tmp_path / "reports")],
            cwd=tmp_path,
        )  # fmt: skip
    assert finished.returncode == 1, finished.output
    data = complete_reports(tmp_path / "reports")
    undocumented = {f["status"] for f in data["findings"] if f["kind"] == "undocumented-status"}
    assert undocumented == {302}, data["findings"]


def test_an_error_line_quoting_a_name_escapes_its_control_characters(tmp_path: Path) -> None:
    """A usage error quotes what it could not use; a bell or a bidi override stays text."""
    name = "report\a\u202eslmx.json"
    finished = run_cli(["validate", name, "-o", "CountActivities"], cwd=tmp_path)
    assert finished.returncode == 2, finished.output
    stderr = finished.stderr.decode("utf-8")
    assert stderr.count("\n") == 1 and "report\\u0007\\u202eslmx.json" in stderr, stderr
