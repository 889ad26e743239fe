"""The HTML report's trend chart, rendered by a real browser: headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from in_process import zd

from zdcontract.monitor.trend import KNOWN_COLOUR, NEW_COLOUR

pytestmark = pytest.mark.slow

_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def chromium() -> str:
    """The browser; skipped only outside CI (CI installs Debian's chromium: .ci/run)."""
    found = next(
        (
            path
            for path in ("/usr/bin/chromium", shutil.which("chromium"))
            if path and os.access(path, os.X_OK)
        ),
        None,
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def render(browser: str, page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile{len(list(tmp_path.glob('profile*')))}"
    return subprocess.run(
        [browser, *_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )


def test_the_trend_chart_renders_offline_in_headless_chromium(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    browser = chromium()
    reports, baseline = tmp_path / "reports", tmp_path / "baseline.json"
    common = ["--profile", "conformant", "--seed", "3", "--max-examples", "3", "--no-checks"]
    common += ["--report-dir", str(reports), "-q", "--mock-drift", "remove:/activities/*/title"]
    zd(["run", *common, "--update-baseline", str(baseline)], capsys)
    zd(["run", *common, "--baseline", str(baseline)], capsys)
    code, out, err = zd(
        ["run", *common, "--baseline", str(baseline), "--mock-drift", "null:/count/value"],
        capsys,
    )
    assert code == 1, out + err
    page = reports / "zdcontract-report.html"
    html = page.read_text()
    chart = html.split('<section class="trend"')[1].split("</section>")[0]
    assert not any(ref in chart for ref in ("href", "src=", "url(", "<script", "@import"))

    dom = render(browser, page, tmp_path, "--dump-dom").stdout
    assert 'class="zd-trend"' in dom
    assert dom.count('<g class="run">') == 3
    assert 'class="new"' in dom and 'class="known"' in dom

    shot = tmp_path / "report.png"
    render(browser, page, tmp_path, f"--screenshot={shot}", "--window-size=1000,700")
    width, height, pixels = read_png(shot)
    assert (width, height) == (1000, 700)
    colours = {NEW_COLOUR: 0, KNOWN_COLOUR: 0}
    wanted = {_rgb(c): c for c in colours}
    for y in range(height):
        row = pixels[y]
        for x in range(0, width * 3, 3):
            colour = wanted.get(bytes(row[x : x + 3]))
            if colour is not None:
                colours[colour] += 1
    # Three stacked bars: known in all three, new drift on top of the last one.
    assert colours[KNOWN_COLOUR] > 1_000, colours
    assert colours[NEW_COLOUR] > 100, colours


def _rgb(colour: str) -> bytes:
    return bytes.fromhex(colour.lstrip("#"))


def read_png(path: Path) -> tuple[int, int, list[bytearray]]:
    """Width, height and RGB rows of an 8-bit RGB or RGBA, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks, header = 8, [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour_type in (2, 6) and interlace == 0
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, channels)
        rows.append(line if channels == 3 else _drop_alpha(line))
        previous = line
    return width, height, rows


def _unfilter(kind: int, line: bytearray, prior: bytearray, bpp: int) -> None:
    if kind == 0:
        return
    if kind == 2:
        line[:] = bytes((a + b) & 0xFF for a, b in zip(line, prior, strict=True))
        return
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = prior[i]
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
        else:  # 4, Paeth
            corner = prior[i - bpp] if i >= bpp else 0
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + pred) & 0xFF


def _drop_alpha(line: bytearray) -> bytearray:
    out = bytearray()
    for i in range(0, len(line), 4):
        out += line[i : i + 3]
    return out
