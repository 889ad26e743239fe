"""Hostile response bodies: each one is findings, never an exception, a traceback or a flood.

A monitor validates whatever the far end sends: a proxy's HTML error page, a body cut off
mid-transfer, a JSON bomb, a 20 MB field. What a user relies on, through the Python API
(``validate_response``, ``DriftValidator`` with and without the fast path) and through
``zdcontract validate`` run as a real process:

- the body becomes ``malformed-body`` findings (or schema findings for well-formed JSON of
  the wrong shape), with the problem named in the fingerprint;
- nothing raises, no traceback is printed, the exit status is 0 or 1 as ``--fail-on`` says
  (2 is for bad usage, never for a bad response);
- no finding carries more than a bounded preview of the body, so the output stays small;
- memory stays within a small multiple of the body size.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
import zendesk_bodies as zb

from zdcontract import DriftValidator, Finding, Kind, Severity, validate_response
from zdcontract.drift.decode import MAX_INT_DIGITS
from zdcontract.drift.findings import MAX_TEXT
from zdcontract.drift.translate import MAX_DISTINCT

OPERATIONS = ("ListActivities", "ShowActivity", "CountActivities")
BOM = b"\xef\xbb\xbf"
MB20 = 20_000_000
STAMP = "2026-11-26T07:59:58Z"
# Characters no finding text may carry raw: controls, format characters, lone surrogates,
# line and paragraph separators (they would act on a terminal or break a report).
UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# A thousand times the same character: a piece of a huge value, not a preview of it.
LONG_RUN = re.compile(r"(.)\1{999}", re.DOTALL)


def count_body(value: bytes) -> bytes:
    """A CountActivities body with ``value`` spliced in raw as the count."""
    return b'{"count":{"value":' + value + b',"refreshed_at":"' + STAMP.encode() + b'"}}'


PAGE = zb.dumps(zb.offset_page(3))
HTML = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)

# (id, body, the malformed-body problem code its fingerprint must end with)
MALFORMED: list[tuple[str, bytes, str]] = [
    ("empty", b"", "empty"),
    ("whitespace", b" \r\n\t ", "empty"),
    ("invalid-utf8", count_body(b'"\xc3\x28"'), "not-utf8"),
    ("latin-1", '{"count":{"value":1,"refreshed_at":"Zoë"}}'.encode("latin-1"), "not-utf8"),
    ("utf16", '{"count":{"value":1}}'.encode("utf-16"), "not-utf8"),
    ("bom", BOM + zb.dumps(zb.count()), "bom"),
    ("truncated-page", PAGE[: len(PAGE) // 2], "truncated"),
    ("truncated-after-key", b'{"count":', "truncated"),
    ("unclosed-string", b'{"count":{"value":1,"refreshed_at":"2026-', "truncated"),
    ("nan", count_body(b"NaN"), "non-finite-number"),
    ("infinity", count_body(b"Infinity"), "non-finite-number"),
    ("minus-infinity", count_body(b"-Infinity"), "non-finite-number"),
    (
        "duplicate-keys",
        b'{"count":{"value":1,"value":2,"refreshed_at":"' + STAMP.encode() + b'"}}',
        "duplicate-key",
    ),
    ("int-5000-digits", count_body(b"9" * 5_000), "number-too-long"),
    ("int-50000-digits", count_body(b"9" * 50_000), "number-too-long"),
    ("negative-int-50000-digits", count_body(b"-" + b"7" * 50_000), "number-too-long"),
    ("arrays-200000-deep-open", b"[" * 200_000, "too-deep"),
    ("arrays-200000-deep-closed", b"[" * 200_000 + b"]" * 200_000, "too-deep"),
    ("objects-200000-deep", b'{"a":' * 200_000, "too-deep"),
    ("objects-200000-deep-closed", b'{"a":' * 200_000 + b"1" + b"}" * 200_000, "too-deep"),
    ("html-error-page", HTML, "invalid-json"),
    ("plain-text", b"Internal Server Error", "invalid-json"),
    ("two-documents", zb.dumps(zb.count()) * 2, "invalid-json"),
    ("trailing-comma", b'{"count":{"value":1,},}', "invalid-json"),
    ("single-quotes", b"{'count': {'value': 1}}", "invalid-json"),
]

# (id, body, the (kind, path) every finding must have): well-formed JSON of the wrong shape.
WRONG_SHAPE: list[tuple[str, bytes, tuple[Kind, str]]] = [
    ("integer", b"42", (Kind.TYPE_MISMATCH, "")),
    ("float", b"-0.5e-3", (Kind.TYPE_MISMATCH, "")),
    ("string", b'"ok"', (Kind.TYPE_MISMATCH, "")),
    ("true", b"true", (Kind.TYPE_MISMATCH, "")),
    ("null", b"null", (Kind.UNEXPECTED_NULL, "")),
    ("empty-array", b"[]", (Kind.TYPE_MISMATCH, "")),
    ("array-of-the-page", b"[" + PAGE + b"]", (Kind.TYPE_MISMATCH, "")),
]


@pytest.fixture(scope="module")
def validators() -> dict[bool, DriftValidator]:
    """One validator with the fast path and one without (the reference alone)."""
    return {True: DriftValidator(fast=True), False: DriftValidator(fast=False)}


def all_text(finding: Finding) -> Iterator[str]:
    for value in finding.to_dict().values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))


def assert_well_formed(findings: object, operation: str) -> None:
    """What every caller may rely on, whatever the body was."""
    assert isinstance(findings, list)
    for finding in findings:
        assert isinstance(finding, Finding)
        assert isinstance(finding.kind, Kind) and isinstance(finding.severity, Severity)
        assert finding.operation == operation
        assert finding.fingerprint.startswith(f"{operation}|{finding.kind.value}|")
        assert finding.path == "" or finding.path.startswith("/")
        assert finding.count >= 1 and finding.message
        for text in all_text(finding):
            assert len(text) <= 2 * MAX_TEXT
            unsafe = [c for c in text if unicodedata.category(c) in UNSAFE]
            assert not unsafe, (text[:200], unsafe)
        json.dumps(finding.to_dict(), ensure_ascii=False).encode("utf-8")  # always writable


def fingerprints(findings: list[Finding]) -> set[str]:
    return {f.fingerprint for f in findings}


def test_every_cut_of_a_valid_body_is_truncated() -> None:
    """A transfer cut off at any byte is reported as truncated, not as some other garbage."""
    bodies = [
        PAGE,
        json.dumps(zb.show(), indent=2).encode(),
        b'{"count":{"value":-1.5e+10,"refreshed_at":null,"x":[true,false,"a\\"b\\u00e9"]}}',
    ]
    for body in bodies:
        for end in range(1, len(body)):
            findings = validate_response(body[:end], operation="CountActivities")
            codes = {f.fingerprint.rsplit("|", 1)[1] for f in findings}
            assert codes in ({"truncated"}, {"empty"}), (body[:end][-20:], codes)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    ("body", "code"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_bodies_are_breaking_findings(
    body: bytes, code: str, operation: str, fast: bool, validators: dict[bool, DriftValidator]
) -> None:
    """Every way a body is not strict JSON is a breaking ``malformed-body`` finding naming it."""
    findings = validators[fast].validate(body, operation=operation)
    assert_well_formed(findings, operation)
    malformed = [f for f in findings if f.kind is Kind.MALFORMED_BODY]
    assert f"{operation}|malformed-body||{code}" in fingerprints(malformed), findings
    assert all(f.severity is Severity.BREAKING and f.path == "" for f in malformed)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    ("body", "code"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_the_module_function_takes_the_same_bodies(body: bytes, code: str, operation: str) -> None:
    """``zdcontract.validate_response`` (the one-call API) behaves like the validator."""
    findings = validate_response(body, operation=operation)
    assert_well_formed(findings, operation)
    assert f"{operation}|malformed-body||{code}" in fingerprints(findings)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    ("body", "expected"), [w[1:] for w in WRONG_SHAPE], ids=[w[0] for w in WRONG_SHAPE]
)
def test_json_of_the_wrong_shape_is_one_schema_finding_at_the_root(
    body: bytes,
    expected: tuple[Kind, str],
    operation: str,
    fast: bool,
    validators: dict[bool, DriftValidator],
) -> None:
    """A scalar or an array where an object is documented: one finding, at the whole body."""
    findings = validators[fast].validate(body, operation=operation)
    assert_well_formed(findings, operation)
    assert [(f.kind, f.path) for f in findings] == [expected]
    assert findings[0].severity is Severity.BREAKING


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
@pytest.mark.parametrize("status", [200, 404, 500, 503])
@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/json", None])
def test_an_html_error_page_under_any_status_and_content_type(
    status: int, content_type: str | None, fast: bool, validators: dict[bool, DriftValidator]
) -> None:
    """What a proxy sends when Zendesk is down is findings, whatever it claims to be."""
    for operation in OPERATIONS:
        findings = validators[fast].validate(
            HTML, operation=operation, status=status, content_type=content_type
        )
        assert_well_formed(findings, operation)
        assert findings, (operation, status, content_type)


def test_integer_limit_is_the_same_whatever_the_interpreter_allows() -> None:
    """An integer of more than 4,300 digits is malformed even where Python's limit is lifted.

    ``sys.set_int_max_str_digits(0)`` (some applications call it) must not turn a
    50,000-digit count into a valid one, nor let a million digits stall the parser.
    """
    previous = sys.get_int_max_str_digits()
    validator = DriftValidator(fast=False)
    try:
        sys.set_int_max_str_digits(0)
        for digits in (MAX_INT_DIGITS + 1, 50_000, 1_000_000):
            findings = validator.validate(count_body(b"9" * digits), operation="CountActivities")
            assert fingerprints(findings) == {"CountActivities|malformed-body||number-too-long"}
        at_limit = validator.validate(
            count_body(b"9" * MAX_INT_DIGITS), operation="CountActivities"
        )
        assert at_limit == []  # a long integer is still an integer
        sys.set_int_max_str_digits(640)  # the lowest limit Python allows
        lowered = validator.validate(
            b'{"count":{"value":"x","refreshed_at":' + b"1" * 700 + b"}}",
            operation="CountActivities",
        )
        assert fingerprints(lowered) == {"CountActivities|malformed-body||number-too-long"}
        shown = validator.validate(
            b'{"count":{"value":1,"refreshed_at":' + b"1" * 600 + b"}}",
            operation="CountActivities",
        )
        [finding] = shown
        assert finding.kind is Kind.TYPE_MISMATCH and len(finding.message) < 100
    finally:
        sys.set_int_max_str_digits(previous)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
def test_every_nesting_depth_around_the_recursion_limit(
    fast: bool, validators: dict[bool, DriftValidator]
) -> None:
    """Nesting just short of what the parser can hold is a finding too, never a RecursionError.

    The validator parses a body twice (the strict decoder, then openapi-core a dozen frames
    deeper): a depth the first accepts must not break the second.
    """
    limit = sys.getrecursionlimit()
    shapes = {
        "arrays": lambda d: b"[" * d + b"]" * d,
        "objects": lambda d: b'{"a":' * d + b"1" + b"}" * d,
        "free-form": lambda d: (
            b'{"count":{"value":1,"refreshed_at":"'
            + STAMP.encode()
            + b'","x":'
            + b"[" * d
            + b"]" * d
            + b"}}"
        ),
    }
    too_deep = set()
    for name, build in shapes.items():
        for depth in range(max(1, limit - 400), limit + 60):
            findings = validators[fast].validate(build(depth), operation="CountActivities")
            assert_well_formed(findings, "CountActivities")
            if "CountActivities|malformed-body||too-deep" in fingerprints(findings):
                too_deep.add((name, depth))
    assert {name for name, _ in too_deep} == set(shapes)  # the boundary was crossed


@pytest.mark.slow
def test_deep_nesting_does_not_crash_a_process_with_a_raised_recursion_limit() -> None:
    """Under ``sys.setrecursionlimit(10**6)`` the C parser would overflow the stack.

    The process must survive (no segfault) and report the body as too deep.
    """
    script = (
        "import sys\n"
        "sys.setrecursionlimit(1_000_000)\n"
        "from zdcontract import DriftValidator\n"
        "for fast in (True, False):\n"
        "    v = DriftValidator(fast=fast)\n"
        "    for body in (b'[' * 200_000, b'{\"a\":' * 200_000 + b'1' + b'}' * 200_000):\n"
        "        print(sorted(f.fingerprint for f in v.validate(body, operation='ShowActivity')))\n"
        "    print(v.validate(b'[' * 5_000 + b']' * 5_000, operation='ShowActivity')[0].kind)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines.count("['ShowActivity|malformed-body||too-deep']") == 4
    assert lines.count("type-mismatch") == 2  # 5,000 levels still parse and are judged
    assert "Traceback" not in done.stderr


# -- bodies of 20 MB and bodies with very many keys ------------------------------------------


def _huge_bodies() -> dict[str, tuple[str, bytes]]:
    """(operation, body) of about 20 MB each: a huge string where a string belongs (clean),
    where an integer belongs (drift), as an undeclared key, and as a key of a free-form object.
    """
    page = zb.offset_page(3)
    page["activities"][1]["title"] = "t" * MB20
    keyed = zb.show()
    keyed["activity"]["user"]["user_fields"]["k" * MB20] = "v"
    return {
        "string-where-a-string-belongs": ("ListActivities", zb.dumps(page)),
        "string-where-an-integer-belongs": (
            "CountActivities",
            count_body(b'"' + b"x" * MB20 + b'"'),
        ),
        "undeclared-key": ("ListActivities", b'{"' + b"k" * MB20 + b'":1}'),
        "key-of-a-free-form-object": ("ShowActivity", zb.dumps(keyed)),
        "escaped-string": ("CountActivities", count_body(b'"' + b"\\u0041" * (MB20 // 6) + b'"')),
    }


@pytest.fixture(scope="module")
def huge() -> dict[str, tuple[str, bytes]]:
    return _huge_bodies()


HUGE_IDS = [
    "string-where-a-string-belongs",
    "string-where-an-integer-belongs",
    "undeclared-key",
    "key-of-a-free-form-object",
    "escaped-string",
]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
@pytest.mark.parametrize("name", HUGE_IDS)
def test_a_20_mb_value_never_reaches_a_finding_whole(
    name: str,
    fast: bool,
    huge: dict[str, tuple[str, bytes]],
    validators: dict[bool, DriftValidator],
) -> None:
    """Findings about a 20 MB string or key hold a preview, not the string."""
    operation, body = huge[name]
    findings = validators[fast].validate(body, operation=operation)
    assert_well_formed(findings, operation)
    total = sum(len(text) for f in findings for text in all_text(f))
    assert total < 50_000, total
    for finding in findings:
        for text in all_text(finding):
            assert not LONG_RUN.search(text), text[:100]
    if name == "string-where-a-string-belongs" or name == "key-of-a-free-form-object":
        assert findings == []
    if name == "string-where-an-integer-belongs":
        [finding] = findings
        assert (finding.kind, finding.path, finding.actual) == (
            Kind.TYPE_MISMATCH,
            "/count/value",
            "string",
        )
    if name == "undeclared-key":
        [undeclared] = [f for f in findings if f.kind is Kind.UNDOCUMENTED_FIELD]
        assert undeclared.path.startswith("/kkkk") and undeclared.path.endswith("...")


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
@pytest.mark.parametrize("operation", OPERATIONS)
def test_two_hundred_thousand_undeclared_keys_are_a_bounded_report(
    operation: str, fast: bool, validators: dict[bool, DriftValidator]
) -> None:
    """A body with 200,000 undeclared keys: at most MAX_DISTINCT findings of that kind, and
    one more that says how many were left out; other kinds are not crowded out.
    """
    keys = 200_000
    body = ("{" + ",".join(f'"k{i}":{i}' for i in range(keys)) + "}").encode()
    findings = validators[fast].validate(body, operation=operation)
    assert_well_formed(findings, operation)
    undeclared = [f for f in findings if f.kind is Kind.UNDOCUMENTED_FIELD]
    assert len(undeclared) == MAX_DISTINCT + 1
    [left_out] = [f for f in undeclared if f.fingerprint.endswith("|left-out")]
    assert f"{keys - MAX_DISTINCT} more" in left_out.message
    assert any(f.kind is Kind.MISSING_FIELD for f in findings)  # still reported


def test_distinct_undeclared_keys_across_many_records_are_bounded_too(
    validators: dict[bool, DriftValidator],
) -> None:
    """1,500 activities each with its own undeclared key: the cap holds across records."""
    body = json.dumps({"activities": [{f"k{i}": i} for i in range(1_500)]}).encode()
    for fast in (True, False):
        findings = validators[fast].validate(body, operation="ListActivities")
        assert_well_formed(findings, "ListActivities")
        undeclared = [f for f in findings if f.kind is Kind.UNDOCUMENTED_FIELD]
        assert len(undeclared) == MAX_DISTINCT + 1
        missing = {f.path for f in findings if f.kind is Kind.MISSING_FIELD}
        assert "/activities/0/id" in missing and "/actors" in missing


def test_control_characters_and_lone_surrogates_are_escaped() -> None:
    """Keys and values reach terminals and XML reports: they arrive escaped, not raw."""
    hostile = "a\x1b[31m\x00\u202e\u2028\ud800b"
    body = json.dumps({"count": {"value": hostile, "refreshed_at": STAMP}, hostile: 1}).encode()
    for fast in (True, False):
        findings = DriftValidator(fast=fast).validate(body, operation="CountActivities")
        assert_well_formed(findings, "CountActivities")
        paths = {f.path for f in findings}
        assert "/a\\u001b[31m\\u0000\\u202e\\u2028\\ud800b" in paths
        for finding in findings:
            for text in all_text(finding):
                assert not any(c in text for c in "\x1b\x00\u202e\u2028\ud800")


# -- the same bodies through ``zdcontract validate`` in a real process ------------------------


def zdcontract(*args: str) -> list[str]:
    return [sys.executable, "-m", "zdcontract", *args]


# Peak RSS is measured from a small helper process: the getrusage figure of a child forked
# from this (large) test process would start at this process's own size, because Linux
# carries the high-water mark across fork and exec.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[2:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "with open(sys.argv[1], 'w') as figure:\n"
    "    figure.write(str(peak))\n"
    "sys.exit(done.returncode if done.returncode >= 0 else 128 - done.returncode)\n"
)


def run_measured(
    argv: list[str], directory: Path, stdin: Path | None = None, timeout: float = 120
) -> tuple[int, str, str, int]:
    """Run ``argv`` in ``directory``: its exit status, stdout, stderr and peak RSS in bytes.

    Output goes to files, so a large output cannot block the child on a full pipe. The
    timeout is a no-hang bound (the helper and the command are ended together), not a speed
    requirement.
    """
    out, err, figure = directory / "stdout", directory / "stderr", directory / "peak-rss"
    with ExitStack() as files:
        source = files.enter_context(stdin.open("rb")) if stdin is not None else None
        process = subprocess.Popen(
            [sys.executable, "-c", _MEASURE, str(figure), *argv],
            stdin=source if source is not None else subprocess.DEVNULL,
            stdout=files.enter_context(out.open("wb")),
            stderr=files.enter_context(err.open("wb")),
            cwd=directory,
            start_new_session=True,
        )
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
    peak = int(figure.read_text()) * 1024  # kilobytes on Linux
    return status, out.read_text(), err.read_text(), peak


# One undeclared field: a warning, not breaking.
WARNING_ONLY = b'{"count":{"value":1,"refreshed_at":"2026-11-26T07:59:58Z","extra":1}}'

CLI_CASES = [
    m
    for m in MALFORMED
    if m[0]
    in {
        "empty",
        "invalid-utf8",
        "bom",
        "truncated-page",
        "nan",
        "duplicate-keys",
        "int-5000-digits",
        "int-50000-digits",
        "arrays-200000-deep-open",
        "objects-200000-deep",
        "html-error-page",
    }
]


@pytest.mark.slow
def test_cli_reports_malformed_bodies_as_drift(tmp_path: Path) -> None:
    """Each hostile body, as a file: exit 1 (breaking drift), JSON findings, nothing on stderr."""

    def one(case: tuple[str, bytes, str]) -> tuple[str, str, tuple[int, str, str, int]]:
        name, body, code = case
        directory = tmp_path / name
        directory.mkdir()
        (directory / "body").write_bytes(body)
        argv = zdcontract("validate", "body", "-o", "ListActivities", "--format", "json")
        return name, code, run_measured(argv, directory)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, CLI_CASES))
    for name, code, (status, out, err, _) in results:
        assert "Traceback" not in err, (name, err)
        assert (status, err) == (1, ""), (name, status, err)
        found = {f["fingerprint"] for f in json.loads(out)["findings"]}
        assert f"ListActivities|malformed-body||{code}" in found, (name, found)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "fail_on", "expected"),
    [
        (b"<html>502</html>", "never", 0),
        (b"<html>502</html>", "breaking", 1),
        (b"[]", "info", 1),
        (WARNING_ONLY, "breaking", 0),
        (WARNING_ONLY, "warning", 1),
    ],
    ids=["html-never", "html-breaking", "array-info", "warning-only-breaking", "warning-only"],
)
def test_cli_exit_status_follows_fail_on_through_stdin(
    body: bytes, fail_on: str, expected: int, tmp_path: Path
) -> None:
    """Read from stdin (``-``): the exit status is 0 or 1 as ``--fail-on`` says, never 2."""
    (tmp_path / "body").write_bytes(body)
    argv = zdcontract("validate", "-", "-o", "CountActivities", "--fail-on", fail_on)
    status, out, err, _ = run_measured(argv, tmp_path, stdin=tmp_path / "body")
    assert (status, err) == (expected, ""), out + err
    assert "Traceback" not in out + err


@pytest.mark.slow
def test_cli_memory_and_output_stay_bounded_on_20_mb_bodies(
    tmp_path: Path, huge: dict[str, tuple[str, bytes]]
) -> None:
    """Peak RSS stays under the tiny-body baseline plus 10x the body; the output stays small.

    The baseline is the same command on a tiny drifted body (so the reference validator is
    loaded in both). A quadratic copy, or a body echoed into findings and then into JSON,
    would break either bound.
    """
    (tmp_path / "tiny").write_bytes(b"{}")
    baselines = {}
    for operation in OPERATIONS:
        argv = zdcontract("validate", "tiny", "-o", operation, "--format", "json")
        status, _, err, peak = run_measured(argv, tmp_path)
        assert (status, err) == (1, "")
        baselines[operation] = peak
    measured = {}
    for name, (operation, body) in huge.items():
        (tmp_path / "huge").write_bytes(body)
        for fmt in ("json", "text"):
            argv = zdcontract("validate", "huge", "-o", operation, "--format", fmt)
            status, out, err, peak = run_measured(argv, tmp_path)
            assert status in (0, 1) and err == "", (name, fmt, err[-500:])
            assert len(out) < 64_000, (name, fmt, len(out))
            assert not LONG_RUN.search(out), out[:300]
            if fmt == "json":
                json.loads(out)
            bound = baselines[operation] + 10 * len(body)
            measured[(name, fmt)] = (peak, baselines[operation], len(body))
            assert peak < bound, (name, fmt, peak, baselines[operation])
    figures = {
        f"{name}/{fmt}": f"{peak >> 20} MB (baseline {base >> 20} MB, body {size >> 20} MB)"
        for (name, fmt), (peak, base, size) in measured.items()
    }
    sys.stderr.write(f"peak RSS: {figures}\n")  # shown with -s: the figures, for the record


@pytest.mark.slow
def test_cli_two_hundred_thousand_keys_give_small_json(tmp_path: Path) -> None:
    """A body of 200,000 undeclared keys gives a bounded report through the CLI."""
    body = ("{" + ",".join(f'"k{i}":{i}' for i in range(200_000)) + "}").encode()
    (tmp_path / "keys").write_bytes(body)
    argv = zdcontract("validate", "keys", "-o", "CountActivities", "--format", "json")
    status, out, err, _ = run_measured(argv, tmp_path)
    assert (status, err) == (1, "")
    findings = json.loads(out)["findings"]
    assert len(findings) <= MAX_DISTINCT + 2
    assert any(f["fingerprint"].endswith("|left-out") for f in findings)


@pytest.mark.slow
def test_cli_text_output_of_hostile_keys_is_printable(tmp_path: Path) -> None:
    """A key with a lone surrogate or a terminal escape prints escaped (exit 1, not a crash)."""
    body = json.dumps({"\ud800": 1, "a\x1b[2Jb": 2, "count": {"value": 1}}).encode()
    (tmp_path / "body").write_bytes(body)
    status, out, err, _ = run_measured(
        zdcontract("validate", "body", "-o", "CountActivities"), tmp_path
    )
    assert (status, err) == (1, "")
    assert "\x1b" not in out and "/\\ud800" in out and "/a\\u001b[2Jb" in out
