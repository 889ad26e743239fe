"""Report writers: a RunResult (and its findings) in, JSON, JUnit, Markdown and HTML out.

One renderer, two front-ends: the CLI and the pytest plugin both call write_reports (or the
per-format writers); nothing here knows about either. Writers only read the RunResult,
never the network or the clock, so the same result always renders the same bytes.
"""

from __future__ import annotations

import difflib
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..results import RunResult
from ._atomic import atomic_write_bytes, atomic_write_text
from .html import render_html, write_html
from .json_report import (
    load_schema,
    read_json_report,
    render_json,
    to_json_dict,
    validate_report_dict,
    write_json,
)
from .junit import render_junit, write_junit
from .markdown import render_markdown, write_markdown
from .redact import redact, redact_result

__all__ = [
    "FILE_NAMES",
    "FORMATS",
    "atomic_write_bytes",
    "atomic_write_text",
    "load_schema",
    "read_json_report",
    "redact",
    "redact_result",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "to_json_dict",
    "validate_report_dict",
    "write_html",
    "write_json",
    "write_junit",
    "write_markdown",
    "write_reports",
]

#: The file each format is written to inside the report directory.
FILE_NAMES = {
    "json": "zdcontract-report.json",
    "junit": "zdcontract-junit.xml",
    "markdown": "zdcontract-report.md",
    "html": "zdcontract-report.html",
}
FORMATS: tuple[str, ...] = tuple(FILE_NAMES)

_RENDERERS: dict[str, Callable[[RunResult], str]] = {
    "json": render_json,
    "junit": render_junit,
    "markdown": render_markdown,
    "html": render_html,
}


# Formats a machine reads back: the text must still parse after redaction.
_PARSERS: dict[str, Callable[[str], object]] = {
    "json": lambda text: validate_report_dict(json.loads(text)),
    "junit": ET.fromstring,
}


def write_reports(
    result: RunResult,
    report_dir: str | os.PathLike[str],
    *,
    formats: Sequence[str] = FORMATS,
    secrets: Iterable[str] = (),
    trend_svg: str | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Path]:
    """Write ``result`` in each of ``formats`` into ``report_dir``; return format -> path.

    Every file is replaced atomically, so a CI step reading the directory never sees a
    half-written report. ``secrets`` are masked in the data before rendering and in the
    rendered text after it; Authorization header values are always masked (see redact).
    ``trend_svg`` and ``history`` go to the HTML report's trend section (see render_html).

    Raises:
        UsageError: an unknown format, or a directory that cannot be created or written.

    Example:
        >>> write_reports(result, "reports", formats=("json", "markdown"))  # doctest: +SKIP
        {'json': PosixPath('reports/zdcontract-report.json'), 'markdown': ...}
    """
    if isinstance(formats, str):  # ("json") is a str, not a tuple: take it as one format
        formats = (formats,)
    for name in formats:
        if name not in _RENDERERS:
            raise UsageError(f"unknown report format {name!r}{_suggest(name)}")
    secrets = tuple(s for s in secrets if s)
    # The data is redacted before rendering, so a secret is caught whatever escaping a
    # format applies, and Authorization headers are masked even when no secret is given.
    result = redact_result(result, secrets)
    # Render everything first: a rendering bug then leaves the previous reports in place
    # instead of a mixed set from two runs.
    renderers = dict(_RENDERERS)
    renderers["html"] = lambda r: render_html(r, trend_svg=trend_svg, history=history)
    texts = {
        name: _render(renderers[name], name, result, secrets) for name in dict.fromkeys(formats)
    }
    directory = Path(report_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return {
            name: atomic_write_text(directory / FILE_NAMES[name], text)
            for name, text in texts.items()
        }
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(f"cannot write reports to {os.fspath(report_dir)}: {reason}") from exc


def _render(
    renderer: Callable[[RunResult], str], name: str, result: RunResult, secrets: tuple[str, ...]
) -> str:
    text = renderer(result)
    # The rendered text only gets the plain substring pass: the header pattern runs to the
    # end of a line and would eat the markup after it.
    redacted = redact(text, secrets, headers=False)
    if redacted == text or name not in _PARSERS:
        return redacted
    try:
        _PARSERS[name](redacted)
    except (ValueError, SyntaxError):
        # The secret matched only syntax or a number (every string of the data is already
        # masked): a parseable report without the mask beats a broken one with it.
        return text
    return redacted


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, FORMATS, n=1)
    choices = ", ".join(FORMATS)
    return f"; did you mean {close[0]!r}?" if close else f" (choose from {choices})"
