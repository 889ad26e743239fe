"""The validator never raises, whatever the bytes: properties over arbitrary input.

What a user relies on: ``DriftValidator.validate`` (fast path or not) and
``zdcontract.validate_response`` take any bytes, any status and any Content-Type, and
return a list of well-formed findings (a fingerprint that starts with the operation, a
path that is a JSON Pointer, printable bounded text that any report can write), and
``zdcontract validate`` exits 0 or 1 for any response, never 2 or 3.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
import zendesk_bodies as zb
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from zdcontract import DriftValidator, Finding, Kind, Severity, validate_response
from zdcontract.cli import main
from zdcontract.drift.findings import MAX_TEXT

OPERATIONS = ("ListActivities", "ShowActivity", "CountActivities")
VALIDATORS = {True: DriftValidator(fast=True), False: DriftValidator(fast=False)}
PAGES = [
    zb.dumps(zb.offset_page(2)),
    zb.dumps(zb.cursor_page(1)),
    zb.dumps(zb.show()),
    zb.dumps(zb.count()),
    zb.dumps(zb.count(7, None)),
]


class Raw:
    """JSON text written as it is: numbers json.dumps cannot write (huge, NaN, Infinity)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:40]!r})"


def to_json(value: Any, ascii_only: bool) -> str:
    """Serialise ``value``, ``Raw`` parts verbatim; lone surrogates escaped or kept raw."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        members = (
            f"{json.dumps(k, ensure_ascii=ascii_only)}:{to_json(v, ascii_only)}"
            for k, v in value.items()
        )
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v, ascii_only) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return {True: "Infinity", False: "-Infinity"}.get(value > 0, "NaN")
    return json.dumps(value, ensure_ascii=ascii_only)


huge_integers = st.integers(min_value=20, max_value=60_000).map(
    lambda digits: Raw("-" * (digits % 2) + "9" * digits)
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | huge_integers
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from(["2026-11-26T07:59:58Z", "", "\ud800", "a\x00b", "\x1b[31m"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(max_size=10)
            | st.sampled_from(["activities", "count", "activity", "value", "\ud800", "\x1b[2J"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@st.composite
def serialised(draw: st.DrawFn) -> bytes:
    """Any JSON-ish value as bytes: strict JSON, or with NaN, huge numbers, raw surrogates."""
    value = draw(json_values)
    ascii_only = draw(st.booleans())
    return to_json(value, ascii_only).encode("utf-8", "surrogatepass")


@st.composite
def spliced(draw: st.DrawFn) -> bytes:
    """A real page with random bytes written over, inserted into, or cut out of it."""
    page = draw(st.sampled_from(PAGES))
    at = draw(st.integers(0, len(page)))
    junk = draw(st.binary(max_size=20))
    how = draw(st.sampled_from(["insert", "overwrite", "cut"]))
    if how == "insert":
        return page[:at] + junk + page[at:]
    if how == "overwrite":
        return page[:at] + junk + page[at + len(junk) :]
    return page[:at]


@st.composite
def replaced(draw: st.DrawFn) -> bytes:
    """A real page with one member's value replaced by an arbitrary JSON value."""
    page = json.loads(draw(st.sampled_from(PAGES)))
    slots: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            slots.append((node, key))
            if isinstance(child, dict | list):
                walk(child)

    walk(page)
    container, key = draw(st.sampled_from(slots))
    container[key] = draw(json_values)
    return to_json(page, draw(st.booleans())).encode("utf-8", "surrogatepass")


bodies = serialised() | st.binary(max_size=300) | spliced() | replaced()
statuses = st.sampled_from([200, 201, 204, 304, 400, 401, 404, 429, 500, 503]) | st.integers(
    100, 599
)
content_types = (
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "APPLICATION/JSON",
            "application/problem+json",
            "text/html; charset=utf-8",
            "*/*",
            "",
            ";",
            "application/json;;;=",
        ]
    )
    | st.none()
    | st.text(max_size=30)
)


def assert_well_formed(findings: object, operation: str, *, printable: bool = True) -> None:
    """The shape of every finding; with ``printable``, no control character in any text.

    The validator escapes whatever it takes from a body; a Content-Type the caller passes
    is quoted as given (each output escapes it for its own format), hence the switch.
    """
    assert isinstance(findings, list)
    for finding in findings:
        assert isinstance(finding, Finding)
        assert isinstance(finding.kind, Kind) and isinstance(finding.severity, Severity)
        assert finding.operation == operation
        assert finding.fingerprint.startswith(f"{operation}|{finding.kind.value}|")
        assert finding.path == "" or finding.path.startswith("/")
        assert all(e == "" or e.startswith("/") for e in finding.examples)
        assert isinstance(finding.message, str) and finding.message
        assert finding.count >= 1
        for text in (finding.message, finding.path, finding.actual or "", finding.expected or ""):
            assert len(text) <= MAX_TEXT
            assert not any("\ud800" <= c <= "\udfff" for c in text)
            if printable:
                assert "\x1b" not in text and "\x00" not in text
        # Every report format can write it: JSON, and UTF-8 text (no lone surrogates).
        json.dumps(finding.to_dict(), ensure_ascii=False).encode("utf-8")
        assert Finding.from_dict(finding.to_dict()) == finding


@given(
    body=bodies,
    operation=st.sampled_from(OPERATIONS),
    status=statuses,
    content_type=content_types,
    fast=st.booleans(),
)
def test_any_response_gives_well_formed_findings(
    body: bytes, operation: str, status: int, content_type: str | None, fast: bool
) -> None:
    """Any bytes, status and Content-Type: a list of well-formed findings, never an exception."""
    findings = VALIDATORS[fast].validate(
        body, operation=operation, status=status, content_type=content_type
    )
    assert_well_formed(findings, operation, printable=(content_type or "").isprintable())


@given(body=bodies, operation=st.sampled_from(OPERATIONS))
def test_fast_path_and_reference_agree_on_any_body(body: bytes, operation: str) -> None:
    """The fast path changes how quickly findings come, never which findings come."""
    fast = VALIDATORS[True].validate(body, operation=operation)
    assert_well_formed(fast, operation)
    assert fast == VALIDATORS[False].validate(body, operation=operation)


@given(body=serialised() | st.binary(max_size=300), operation=st.sampled_from(OPERATIONS))
def test_the_module_function_never_raises(body: bytes, operation: str) -> None:
    """``zdcontract.validate_response`` with its defaults (200, application/json)."""
    findings = validate_response(body, operation=operation)
    assert_well_formed(findings, operation)
    if not body.strip():
        assert [f.fingerprint for f in findings] == [f"{operation}|malformed-body||empty"]


@given(value=json_values, operation=st.sampled_from(OPERATIONS))
def test_strict_json_is_never_called_malformed_unless_it_is(value: Any, operation: str) -> None:
    """Plain RFC 8259 JSON (no NaN, no huge numbers) decodes: the one ``malformed-body``
    finding it can get is about a lone surrogate escaped in it (``"\\ud800"``: no Unicode
    character, so not JSON text that can be exchanged), exactly when it holds one.
    """
    try:
        text = json.dumps(value, allow_nan=False, default=lambda raw: 1 / 0)
    except (ValueError, ZeroDivisionError):
        reject()  # not strict JSON: the other properties cover it
    findings = validate_response(text.encode(), operation=operation)
    assert_well_formed(findings, operation)
    malformed = {f.fingerprint for f in findings if f.kind is Kind.MALFORMED_BODY}
    # As a parser reads it: an escaped pair of surrogates is one character, not two.
    read = json.dumps(json.loads(text), ensure_ascii=False)
    lone = any("\ud800" <= ch <= "\udfff" for ch in read)
    assert malformed == ({f"{operation}|malformed-body||lone-surrogate"} if lone else set())


@pytest.fixture(scope="module")
def body_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bodies")


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=bodies,
    operation=st.sampled_from(OPERATIONS),
    status=st.sampled_from(["200", "404", "500"]),
    content_type=st.sampled_from(["application/json", "text/html", "application/json; x=y"]),
    fmt=st.sampled_from(["text", "json"]),
    fail_on=st.sampled_from(["breaking", "warning", "info", "never"]),
)
def test_the_cli_exits_0_or_1_for_any_response(
    body_dir: Path,
    body: bytes,
    operation: str,
    status: str,
    content_type: str,
    fmt: str,
    fail_on: str,
) -> None:
    """``zdcontract validate`` on any response: exit 0 or 1, nothing on stderr, no traceback.

    Run in-process through ``zdcontract.cli.main``, the console script's entry point.
    """
    path = body_dir / "body"
    path.write_bytes(body)
    argv = ["validate", str(path), "-o", operation, "--status", status]
    argv += ["--content-type", content_type, "--format", fmt, "--fail-on", fail_on]
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as exited,
    ):
        main(argv)
    code = exited.value.code
    assert code in (0, 1), (code, err.getvalue())
    assert err.getvalue() == ""
    assert "Traceback" not in out.getvalue()
    if fmt == "json":
        findings = json.loads(out.getvalue())["findings"]
        assert all(f["fingerprint"].startswith(f"{operation}|") for f in findings)
        if fail_on == "never":
            assert code == 0
        elif fail_on == "info":
            assert code == (1 if findings else 0)
