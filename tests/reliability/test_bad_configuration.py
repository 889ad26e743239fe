"""Bad configuration is exit status 2 and one clear line on stderr, never a traceback.

What a user relies on: a broken spec, an unknown operation, a count or rate that makes no
sense, a malformed ``[tool.zdcontract]`` or ``ZDCONTRACT_*`` value, an unreadable file, a
target that never answers -- each ends the command with status 2 (bad use, not drift) and
one line that says what to fix, naming the option, variable, file or target. Nothing of
this starts a run that then fails halfway or hangs.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import zendesk_bodies as zb
from in_process import zd

SEED_LINE = re.compile(r"^zdcontract run: .*, seed \d+ \(reproduce with --seed \d+\)$")

# A spec whose only operation's schema points nowhere.
DANGLING = """\
openapi: 3.1.0
info: {title: broken, version: "1"}
paths:
  /api/v2/activities/count:
    get:
      operationId: CountActivities
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Nope"}
"""


def openapi(responses: object) -> str:
    """A one-operation OpenAPI document (JSON is YAML) with these ``responses``."""
    return json.dumps(
        {
            "openapi": "3.1.0",
            "info": {"title": "broken", "version": "1"},
            "paths": {
                "/api/v2/activities/count": {
                    "get": {"operationId": "CountActivities", "responses": responses}
                }
            },
        }
    )


def schema(value: object) -> str:
    return openapi(
        {"200": {"description": "ok", "content": {"application/json": {"schema": value}}}}
    )


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting of the machine running the tests leaks in: no env values, no pyproject."""
    for name in list(os.environ):
        if name.startswith(("ZDCONTRACT_", "ZENDESK_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, str]:
    """The files the cases below refer to by name."""
    made = {
        "body.json": zb.dumps(zb.count()),
        "invalid-yaml.yaml": "openapi: [unclosed\n  - x: {\n",
        "not-openapi.yaml": "hello: world\nitems: [1, 2]\n",
        "yaml-list.yaml": "- openapi: 3.1.0\n- paths: {}\n",
        "empty-spec.yaml": "",
        "swagger-2.yaml": "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n",
        "no-operations.yaml": "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
        "dangling.yaml": DANGLING,
        "deep.json": '{"openapi": "3.1.0", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "type-is-a-number.json": schema({"type": 5}),
        "schema-is-a-string.json": schema("an object, trust me"),
        "bad-pattern.json": schema(
            {"type": "object", "patternProperties": {"(": {}}, "additionalProperties": False}
        ),
        "responses-is-a-number.json": openapi(5),
        "response-is-a-string.json": openapi({"200": "fine"}),
        "content-is-a-list.json": openapi({"200": {"description": "ok", "content": [1, 2]}}),
    }
    paths = {}
    for name, text in made.items():
        path = tmp_path / name  # a .json spec is read as JSON, any other as YAML
        path.write_text(text) if isinstance(text, str) else path.write_bytes(text)
        paths[path.stem] = str(path)
    (tmp_path / "not-utf8.yaml").write_bytes(b"openapi: \xff\xfe 3.1.0\n")
    paths["not-utf8"] = str(tmp_path / "not-utf8.yaml")
    (tmp_path / "a-directory").mkdir()
    paths["directory"] = str(tmp_path / "a-directory")
    paths["missing"] = str(tmp_path / "no" / "such.yaml")
    paths["under-a-file"] = str(tmp_path / "body.json" / "child.json")
    paths["reports"] = str(tmp_path / "reports")
    return paths


def assert_one_line(code: int, out: str, err: str, *fragments: str) -> str:
    """Exit 2, one line on stderr (and nothing about it on stdout) with every fragment."""
    assert code == 2, (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in out + err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# -- validate: the spec, the operation, the body file, the options ---------------------------

VALIDATE_CASES = [
    ("invalid-yaml", ["--spec", "{invalid-yaml}"], "not valid YAML"),
    ("not-openapi", ["--spec", "{not-openapi}"], "not an OpenAPI"),
    ("yaml-list", ["--spec", "{yaml-list}"], "not an OpenAPI"),
    ("empty-spec", ["--spec", "{empty-spec}"], "not an OpenAPI"),
    ("swagger-2", ["--spec", "{swagger-2}"], "not an OpenAPI 3.0 or 3.1"),
    ("no-operations", ["--spec", "{no-operations}"], "defines no operations"),
    ("dangling-ref", ["--spec", "{dangling}"], "dangling $ref '#/components/schemas/Nope'"),
    ("missing-spec", ["--spec", "{missing}"], "no such file"),
    ("spec-is-a-directory", ["--spec", "{directory}"], "is a directory"),
    ("spec-not-utf8", ["--spec", "{not-utf8}"], "not UTF-8"),
    ("spec-nested-100000-deep", ["--spec", "{deep}"], "nested too deeply"),
    ("schema-type-is-a-number", ["--spec", "{type-is-a-number}"], "cannot be used"),
    ("schema-is-a-string", ["--spec", "{schema-is-a-string}"], "cannot be used"),
    ("pattern-does-not-compile", ["--spec", "{bad-pattern}"], "cannot be used"),
    ("responses-is-a-number", ["--spec", "{responses-is-a-number}"], "cannot be used"),
    ("response-is-a-string", ["--spec", "{response-is-a-string}"], "cannot be used"),
    ("content-is-a-list", ["--spec", "{content-is-a-list}"], "cannot be used"),
]


@pytest.mark.parametrize(
    ("extra", "fragment"), [c[1:] for c in VALIDATE_CASES], ids=[c[0] for c in VALIDATE_CASES]
)
def test_validate_with_a_broken_spec(
    extra: list[str], fragment: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec that cannot be read or used: exit 2, one line naming the spec and the problem."""
    argv = ["validate", files["body"], "-o", "CountActivities", "--fail-on", "never"]
    argv += [a.format(**files) for a in extra]
    line = assert_one_line(*zd(argv, capsys), fragment)
    assert Path(extra[-1].format(**files)).name in line


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["validate", "{body}", "--operation", "Nope"], "unknown operation 'Nope'"),
        (["validate", "{body}", "-o", "countactivities"], "Did you mean 'CountActivities'"),
        (["validate", "{missing}", "-o", "CountActivities"], "no such file"),
        (["validate", "{directory}", "-o", "CountActivities"], "is a directory"),
        (["validate", "{under-a-file}", "-o", "CountActivities"], "cannot read"),
        (["validate", "{body}", "-o", "CountActivities", "--format", "xml"], "--format"),
        (["validate", "{body}", "-o", "CountActivities", "--format", ""], "--format"),
        (["validate", "{body}", "-o", "CountActivities", "--status", "99"], "--status"),
        (["validate", "{body}", "-o", "CountActivities", "--status", "x"], "--status"),
        (["validate", "{body}", "-o", "CountActivities", "--fail-on", "always"], "--fail-on"),
        (["validate", "{body}"], "exactly one of --operation and --url"),
        (["validate", "-o", "CountActivities"], "BODY_FILE"),
        (["validate", "--har", "{body}"], "not a HAR file"),
        (["validate", "--har", "{missing}"], "cannot read"),
        (["validate", "{body}", "--url", "/api/v2/tickets.json"], "matches /api/v2/tickets.json"),
        (["validate", "{body}", "-o", "CountActivities", "--no-such-option"], "no-such-option"),
        (["nope"], "No such command 'nope'"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_validate_bad_use(
    argv: list[str], fragment: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown operation, an unreadable body file, a bad option value: exit 2, one line."""
    assert_one_line(*zd([a.format(**files) for a in argv], capsys), fragment)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
@pytest.mark.parametrize("which", ["spec", "body"])
def test_unreadable_files(
    which: str, files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec or body file without read permission: exit 2, one line saying so."""
    locked = tmp_path / "locked"
    locked.write_text(DANGLING if which == "spec" else "{}")
    locked.chmod(0)
    try:
        argv = ["validate", files["body"], "-o", "CountActivities", "--spec", str(locked)]
        if which == "body":
            argv = ["validate", str(locked), "-o", "CountActivities"]
        # click checks --spec is readable; the body file is read by zdcontract itself
        fragment = "is not readable" if which == "spec" else "Permission denied"
        assert_one_line(*zd(argv, capsys), fragment)
    finally:
        locked.chmod(0o600)


# -- run: counts, rates, timeouts, operations and specs are checked before anything starts ----

RUN_CASES = [
    (["--max-examples", "-1"], "--max-examples"),
    (["--max-examples", "0"], "--max-examples"),
    (["--max-examples", "many"], "--max-examples"),
    (["--max-requests", "-5"], "--max-requests"),
    (["--max-requests", "0"], "--max-requests"),
    (["--workers", "0"], "--workers"),
    (["--workers", "-3"], "--workers"),
    (["--workers", "33"], "--workers"),
    (["--rate-limit", "garbage"], "--rate-limit"),
    (["--rate-limit", ""], "--rate-limit"),
    (["--rate-limit", "0"], "--rate-limit"),
    (["--rate-limit", "-5/min"], "--rate-limit"),
    (["--rate-limit", "5/fortnight"], "--rate-limit"),
    (["--rate-limit", "nan"], "--rate-limit"),
    (["--rate-limit", "inf/s"], "--rate-limit"),
    (["--rate-limit", "1e400/s"], "--rate-limit"),
    (["--timeout", "0"], "--timeout"),
    (["--timeout", "-1"], "--timeout"),
    (["--timeout", "nan"], "--timeout"),
    (["--timeout", "inf"], "--timeout"),
    (["--seed", "-1"], "--seed"),
    (["--seed", str(2**64)], "--seed"),
    (["--fail-on", "sometimes"], "--fail-on"),
    (["--profile", "prod"], "--profile"),
    (["--operation", "Nope"], "unknown operation 'Nope'"),
    (["--operation", "CountActivities", "--operation", "Nope"], "unknown operation 'Nope'"),
    (["--base-url", "ftp://acme.example"], "--base-url must start with"),
    (["--base-url", "http://[acme"], "--base-url is not a URL a client can parse"),
    (["--base-url", "http://acme.example:99999"], "--base-url is not a URL a client can parse"),
    (["--base-url", "https://"], "--base-url names no host"),
    # What the client would refuse to send to is refused before the run starts.
    (["--base-url", "http://acme.example/a b"], "--base-url is not a URL the client sends"),
    (["--base-url", "http://acme.example\t/"], "it holds whitespace or control characters"),
    (["--base-url", "http://\u00fc..example"], "not a valid international domain name"),
    # A webhook the run could only fail to call at its end is refused at its start.
    (["--notify-url", "http://[hooks/secret"], "'--notify-url': is not a URL a client can parse"),
    (["--notify-url", "http://hooks.example:99999/x"], "'--notify-url': is not a URL a client"),
    (["--notify-url", "ftp://hooks.example/x"], "'--notify-url': must start with http://"),
    (["--notify-url", "hooks.example/x"], "'--notify-url': must start with http://"),
    (["--notify-url", "https:///x"], "'--notify-url': names no host"),
    (["--subdomain", "acme.zendesk.com/x"], "--subdomain"),
    (["--spec", "{missing}"], "no such file"),
    (["--spec", "{directory}"], "is a directory"),
    (["--spec", "{invalid-yaml}"], "not valid YAML"),
    (["--spec", "{not-openapi}"], "not an OpenAPI"),
    (["--spec", "{dangling}"], "dangling $ref"),
    (["--spec", "{deep}"], "nested too deeply"),
]


@pytest.mark.parametrize(
    ("extra", "fragment"), RUN_CASES, ids=[" ".join(c[0]) or "empty" for c in RUN_CASES]
)
def test_run_refuses_bad_options_before_it_starts(
    extra: list[str], fragment: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each bad option value is one line and exit 2, before the run announces its seed."""
    argv = ["run", "-q", "--report-dir", files["reports"], *[a.format(**files) for a in extra]]
    assert_one_line(*zd(argv, capsys), fragment)
    assert not Path(files["reports"]).exists()  # nothing was run, nothing was written


@pytest.mark.slow
def test_run_with_a_spec_that_breaks_validation(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec the validator cannot use is the spec's fault: exit 2 naming it, not a crash."""
    argv = ["run", "-q", "--report-dir", files["reports"], "--max-examples", "1", "--no-checks"]
    argv += ["--operation", "CountActivities", "--spec", files["type-is-a-number"]]
    code, out, err = zd(argv, capsys)
    assert code == 2, out + err
    [error] = err.splitlines()  # the error alone: the line announcing the seed is on stdout
    assert "type-is-a-number.json cannot be used to validate" in error
    assert "Traceback" not in out + err


# -- [tool.zdcontract] in pyproject.toml ---------------------------------------------------

PYPROJECT_CASES = [
    ("not-toml", "[tool.zdcontract\nseed = 1\n", "cannot read"),
    ("not-utf8", b"[tool.zdcontract]\nseed = \xff\n", "cannot read"),
    ("tool-is-a-number", "tool = 5\n", "'tool' must be a table"),
    ("section-is-a-list", "[tool]\nzdcontract = [1, 2]\n", "must be a table"),
    ("unknown-key", "[tool.zdcontract]\nmax-exampels = 3\n", "unknown setting 'max-exampels'"),
    (
        "count-is-text",
        '[tool.zdcontract]\nmax-examples = "lots"\n',
        "'max-examples' must be an integer",
    ),
    ("count-is-a-table", "[tool.zdcontract]\nmax-examples = {a = 1}\n", "must be an integer"),
    ("seed-is-a-float", "[tool.zdcontract]\nseed = 1.5\n", "'seed' must be an integer"),
    ("seed-is-a-bool", "[tool.zdcontract]\nseed = true\n", "'seed' must be an integer"),
    ("flag-is-text", '[tool.zdcontract]\nallow-writes = "yes"\n', "must be true or false"),
    ("flag-is-a-number", "[tool.zdcontract]\nno-checks = 3\n", "must be true or false"),
    ("path-is-a-number", "[tool.zdcontract]\nhistory = 7\n", "'history' must be a string"),
    ("report-dir-is-a-list", '[tool.zdcontract]\nreport-dir = ["a"]\n', "must be a string"),
    ("operations-hold-numbers", "[tool.zdcontract]\noperation = [1]\n", "a list of strings"),
    ("secret-is-a-number", "[tool.zdcontract]\nemail = 5\n", "'email' must be a string"),
    ("negative-count", "[tool.zdcontract]\nmax-examples = -3\n", "--max-examples"),
    ("zero-workers", "[tool.zdcontract]\nworkers = 0\n", "--workers"),
    ("rate-is-nan", '[tool.zdcontract]\nrate-limit = "nan"\n', "--rate-limit"),
    ("timeout-is-inf", "[tool.zdcontract]\ntimeout = inf\n", "--timeout"),
    ("unknown-choice", '[tool.zdcontract]\nfail-on = "maybe"\n', "--fail-on"),
    ("unknown-operation", '[tool.zdcontract]\noperation = ["Nope"]\n', "unknown operation"),
    ("missing-spec", '[tool.zdcontract]\nspec = "no/such.yaml"\n', "no such file"),
]


@pytest.mark.parametrize(
    ("text", "fragment"), [c[1:] for c in PYPROJECT_CASES], ids=[c[0] for c in PYPROJECT_CASES]
)
def test_malformed_pyproject_settings(
    text: str | bytes, fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong type, an unknown key or a bad value in ``[tool.zdcontract]``: exit 2, one line
    naming the file when the file is the cause.
    """
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes(text if isinstance(text, bytes) else text.encode())
    line = assert_one_line(*zd(["run", "-q", "--report-dir", "reports"], capsys), fragment)
    if fragment.startswith("--") or "must" in fragment or "unknown setting" in fragment:
        assert str(pyproject) in line  # the file to fix is named
    assert not (tmp_path / "reports").exists()


# -- ZDCONTRACT_* and ZENDESK_* environment variables ----------------------------------------

ENV_CASES = [
    ("ZDCONTRACT_MAX_EXAMPLES", "abc", "from the environment variable ZDCONTRACT_MAX_EXAMPLES"),
    ("ZDCONTRACT_MAX_EXAMPLES", "-1", "from the environment variable ZDCONTRACT_MAX_EXAMPLES"),
    ("ZDCONTRACT_MAX_REQUESTS", "1e3", "from the environment variable ZDCONTRACT_MAX_REQUESTS"),
    ("ZDCONTRACT_SEED", "x", "from the environment variable ZDCONTRACT_SEED"),
    ("ZDCONTRACT_WORKERS", "0", "from the environment variable ZDCONTRACT_WORKERS"),
    ("ZDCONTRACT_RATE_LIMIT", "fast", "from the environment variable ZDCONTRACT_RATE_LIMIT"),
    ("ZDCONTRACT_RATE_LIMIT", "nan", "from the environment variable ZDCONTRACT_RATE_LIMIT"),
    ("ZDCONTRACT_TIMEOUT", "nan", "from the environment variable ZDCONTRACT_TIMEOUT"),
    ("ZDCONTRACT_TIMEOUT", "0", "from the environment variable ZDCONTRACT_TIMEOUT"),
    ("ZDCONTRACT_FAIL_ON", "sometimes", "from the environment variable ZDCONTRACT_FAIL_ON"),
    ("ZDCONTRACT_ALLOW_WRITES", "perhaps", "from the environment variable ZDCONTRACT_ALLOW_WRITES"),
    ("ZDCONTRACT_NO_BASELINE", "maybe", "from the environment variable ZDCONTRACT_NO_BASELINE"),
    ("ZDCONTRACT_BASE_URL", "ftp://acme.example", "--base-url must start with http://"),
    ("ZDCONTRACT_SPEC", "no/such.yaml", "no such file"),
    ("ZENDESK_SUBDOMAIN", "acme.zendesk.com", "--subdomain must be a Zendesk subdomain"),
    ("ZENDESK_API_TOKEN", "t0k3n", "ZENDESK_EMAIL is not"),
]


@pytest.mark.parametrize(
    ("name", "value", "fragment"), ENV_CASES, ids=[f"{n}={v}" for n, v, _ in ENV_CASES]
)
def test_malformed_environment_values(
    name: str,
    value: str,
    fragment: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A malformed variable: exit 2, one line that names the variable or quotes the value."""
    monkeypatch.setenv(name, value)
    assert_one_line(*zd(["run", "-q", "--report-dir", "reports"], capsys), fragment)


def test_the_command_line_still_wins_over_a_malformed_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad value on the command line is reported as the command line's, not the variable's."""
    monkeypatch.setenv("ZDCONTRACT_WORKERS", "2")
    line = assert_one_line(*zd(["run", "-q", "--workers", "0"], capsys), "--workers")
    assert "environment" not in line


# -- real processes: what a shell or a CI job sees --------------------------------------------


def process_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZDCONTRACT_", "ZENDESK_"))}
    return {**env, **extra}


def zdcontract(
    args: list[str], cwd: Path, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zdcontract", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=process_env(**env),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_bad_configuration_in_real_processes(files: dict[str, str], tmp_path: Path) -> None:
    """The same answers from ``python -m zdcontract``: exit 2, one line, no traceback."""
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "pyproject.toml").write_text('[tool.zdcontract]\nseed = "x"\n')
    cases = [
        (
            ["validate", files["body"], "-o", "CountActivities", "--spec", files["missing"]],
            tmp_path,
            {},
            "no such file",
        ),
        (["validate", files["body"], "--operation", "Nope"], tmp_path, {}, "unknown operation"),
        (
            [
                "validate",
                files["body"],
                "-o",
                "CountActivities",
                "--spec",
                files["bad-pattern"],
            ],
            tmp_path,
            {},
            "cannot be used",
        ),
        (["run", "-q"], tmp_path, {"ZDCONTRACT_WORKERS": "0"}, "ZDCONTRACT_WORKERS"),
        (["run", "-q", "--rate-limit", "nan"], tmp_path, {}, "--rate-limit"),
        (["run", "-q"], tmp_path / "project", {}, "'seed' must be an integer"),
    ]
    for argv, cwd, env, fragment in cases:
        done = zdcontract(argv, cwd, **env)
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        assert "Traceback" not in done.stdout + done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and fragment in lines[0], (argv, done.stderr)


@pytest.fixture()
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound by this test, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@pytest.mark.slow
@pytest.mark.parametrize("target", ["closed-port", "unresolvable-host"])
def test_an_unreachable_target_is_bad_use_and_ends_quickly(
    target: str, closed_port: int, tmp_path: Path
) -> None:
    """A target that never answers a single request is exit 2 with one error line naming
    it, after the retries and not through them all again for every generated case.

    (The line announcing the seed goes to stdout, as on every run.) The bound on the time
    is generous: it is there to catch a hang, not to measure speed.
    """
    url = (
        f"http://127.0.0.1:{closed_port}"
        if target == "closed-port"
        else "http://nonexistent.invalid"
    )
    started = time.monotonic()
    done = zdcontract(
        ["run", "--base-url", url, "--report-dir", str(tmp_path / "reports")], tmp_path
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 2, done.stdout + done.stderr
    assert elapsed < 60
    assert "Traceback" not in done.stdout + done.stderr
    errors = done.stderr.splitlines()
    assert len(errors) == 1, done.stderr
    assert SEED_LINE.match(done.stdout.splitlines()[0]), done.stdout
    assert errors[0].startswith(f"zdcontract: error: cannot reach {url}")
    assert not (tmp_path / "reports").exists()


# -- numbers beyond any sane run: refused before anything is sent ----------------------------

BOUND_CASES = [
    # (arguments, environment, what the line says)
    (["--max-examples", "100000000000000000000000"], {}, "--max-examples"),
    (["--max-examples", "1001"], {}, "1<=x<=1000"),
    ([], {"ZDCONTRACT_MAX_EXAMPLES": "5000"}, "ZDCONTRACT_MAX_EXAMPLES"),
    (["--rate-limit", "1e-300/s"], {}, "slower than the slowest rate, 0.1/min"),
    (["--rate-limit", "0.01/min"], {}, "slower than the slowest rate"),
    (["--timeout", "1e308"], {}, "--timeout"),
    (["--timeout", "601"], {}, "0.1<=x<=600"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("extra", "env", "fragment"),
    BOUND_CASES,
    ids=[" ".join(a) or " ".join(e) for a, e, _ in BOUND_CASES],
)
def test_values_beyond_sane_bounds_are_one_line_before_anything_is_sent(
    extra: list[str], env: dict[str, str], fragment: str, tmp_path: Path
) -> None:
    """A count so large that the run would only draw cases for ever, a rate or a timeout so
    extreme that a wait overflows: exit 2 and one line, and the target sees nothing
    (before, 10**23 examples ran on sending nothing but the probe, and the rate and the
    timeout ended in an internal error once the run had started)."""
    from loopback import counting_target

    with counting_target() as (url, seen):
        args = ["run", "-q", "--base-url", url, "--report-dir", str(tmp_path / "reports")]
        done = zdcontract([*args, *extra], tmp_path, **env)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], done.stderr
    assert seen == []
    assert not (tmp_path / "reports").exists()
