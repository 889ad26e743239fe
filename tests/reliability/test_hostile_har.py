"""``zdcontract validate --har`` on HAR files someone else wrote: bounded, one line, never hollow.

Each case runs the CLI as a user would. A HAR that is not JSON, or whose shape is not HAR,
is one line and exit 2; bytes inside it that are not UTF-8 too. A replay that validated no
response says so and never exits 0. Nesting and long strings cost memory and time in
proportion to the file, not its square (the figures are in benchmarks/; here a memory
limit the old reader could not live within).
"""

from __future__ import annotations

import json
import resource
import subprocess
import tempfile
from pathlib import Path

import pytest
import zendesk_bodies as zb
from hypothesis import given, settings
from hypothesis import strategies as st
from reliability._helpers import NO_HANG, Finished, clean_env, run_cli, zd_command

from zdcontract.monitor.har import HarEntry, _body, iter_har

COUNT_URL = "https://acme.zendesk.com/api/v2/activities/count.json"
LIST_URL = "https://acme.zendesk.com/api/v2/activities.json"


def entry(url: str = COUNT_URL, text: str | None = None, **extra: object) -> dict[str, object]:
    body = zb.dumps(zb.count()).decode() if text is None else text
    return {
        "request": {"method": "GET", "url": url},
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": body},
        },
        **extra,
    }


def har(*entries: object) -> str:
    return json.dumps({"log": {"version": "1.2", "entries": list(entries)}})


def replay(tmp_path: Path, content: str | bytes, *args: str) -> Finished:
    path = tmp_path / "capture.har"
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return run_cli(["validate", "--har", str(path), *args], cwd=tmp_path)


def one_line(done: Finished) -> str:
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_surrogate_bytes_in_a_har_are_one_line_exit_2(tmp_path: Path) -> None:
    """CESU-8 bytes of a lone surrogate: the file is not UTF-8, so not JSON (it was exit 3)."""
    content = har(entry(text="MARK")).encode().replace(b"MARK", b"\xed\xa0\x80")
    done = replay(tmp_path, content)
    assert done.returncode == 2
    assert "is not a HAR file" in one_line(done) and "UTF-8" in done.output


def test_a_lone_surrogate_escape_in_a_body_is_a_finding(tmp_path: Path) -> None:
    body = '{"count": {"refreshed_at": "\\ud800", "value": 1}}'
    done = replay(tmp_path, har(entry(text=body)))
    assert done.returncode == 1, done.output
    assert "1 validated" in done.output and "Traceback" not in done.output
    # The string is no date-time either: exit 1 alone would not show the surrogate was seen.
    assert "malformed-body" in done.output and "lone surrogate" in done.output, done.output


@pytest.mark.parametrize("entries", ["null", '{"0": {}}', '"entries"', "7"])
def test_entries_that_are_not_an_array_are_not_a_har(tmp_path: Path, entries: str) -> None:
    """They used to read as a HAR of no entries: exit 0, "conforms to the contract"."""
    done = replay(tmp_path, '{"log": {"version": "1.2", "entries": ' + entries + "}}")
    assert done.returncode == 2, done.output
    assert "'log.entries' is not an array" in one_line(done)


def test_a_log_without_entries_is_not_a_har(tmp_path: Path) -> None:
    done = replay(tmp_path, '{"log": {"version": "1.2", "pages": []}}')
    assert done.returncode == 2, done.output
    assert "no 'entries'" in one_line(done)


def _no_response() -> dict[str, object]:
    blocked = entry()
    blocked["response"]["status"] = 0  # type: ignore[index]
    return blocked


@pytest.mark.parametrize(
    "content",
    [
        har(),
        har(None, 1, "x", []),
        har(entry("https://acme.zendesk.com/assets/app.js"), _no_response()),
    ],
    ids=["no-entries", "not-entry-objects", "nothing-served"],
)
@pytest.mark.parametrize("fail_on", ["warning", "never"])
def test_a_replay_that_validated_nothing_is_not_exercised(
    tmp_path: Path, content: str, fail_on: str
) -> None:
    """It used to say "conforms to the contract (no drift)" and exit 0."""
    done = replay(tmp_path, content, "--fail-on", fail_on)
    assert done.returncode == 1, done.output
    out = done.stdout.decode()
    assert "not exercised" in out and "0 validated" in out
    assert "conforms" not in out
    as_json = replay(tmp_path, content, "--format", "json", "--fail-on", fail_on)
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    assert document["validated"] == 0 and document["exercised"] is False


def test_a_replay_that_validated_something_still_conforms(tmp_path: Path) -> None:
    done = replay(tmp_path, har(entry(), entry("https://acme.zendesk.com/assets/app.js")))
    assert done.returncode == 0, done.output
    assert "1 validated" in done.stdout.decode() and "conforms" in done.stdout.decode()


def _limited(args: list[str], cwd: Path, limit: int) -> Finished:
    """``zdcontract args`` with its data segment limited to ``limit`` bytes."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))

    done = subprocess.run(
        zd_command(*args),
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        timeout=NO_HANG,
        check=False,
        preexec_fn=cap,
    )
    return Finished(done.returncode, done.stdout, done.stderr, 0.0)


@pytest.mark.parametrize("depth", [30_000, 200_000])
def test_a_deeply_nested_entry_replays_within_400_mb(tmp_path: Path, depth: int) -> None:
    """A 60 KB HAR nested 30,000 deep took 2.26 GB (200,000 deep: MemoryError, exit 3)."""
    nested = "[" * depth + "]" * depth
    content = har(entry()).replace('"request"', f'"_deep": {nested}, "request"', 1)
    content = content[:-3] + ", " + json.dumps(entry()) + "]}}"
    path = tmp_path / "deep.har"
    path.write_text(content)
    done = _limited(["validate", "--har", str(path)], tmp_path, 400 * 1024 * 1024)
    assert done.returncode == 0, done.output[-2000:]
    assert "2 entries, 2 validated" in done.stdout.decode()


def test_a_long_body_in_one_entry_replays(tmp_path: Path) -> None:
    """A 19 MB body: one long string token, read in growing chunks (no timing asserted)."""
    page = zb.offset_page(5000, total=5000)
    content = har(entry(LIST_URL, text=zb.dumps(page).decode()))
    assert len(content) > 19_000_000
    done = replay(tmp_path, content)
    assert done.returncode == 0, done.output[-2000:]
    assert "1 entries, 1 validated (ListActivities 1)" in done.stdout.decode()


# --- the streaming reader sees what a whole-file parse sees ---------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _expected(raw: object, index: int) -> HarEntry | None:
    """The entry a whole-file parse makes of ``raw``: fields read as the old reader read
    them, a field that is an object or an array counting as absent."""
    if not isinstance(raw, dict):
        return None

    def part(value: object) -> dict:
        if not isinstance(value, dict):
            return {}
        return {k: v for k, v in value.items() if not isinstance(v, dict | list) or k in NESTED}

    request, response = part(raw.get("request")), part(raw.get("response"))
    content = part(response.get("content"))
    try:
        status = int(response.get("status") or 0)
    except (TypeError, ValueError, OverflowError):
        status = 0
    headers = response.get("headers")
    header = next(
        (
            str(h.get("value"))
            for h in map(part, headers if isinstance(headers, list) else [])
            if str(h.get("name") or "").lower() == "content-type"
        ),
        None,
    )
    mime = content.get("mimeType")
    fields = {k: content[k] for k in ("text", "encoding", "size") if k in content}
    fields = {k: v for k, v in fields.items() if not isinstance(v, dict | list)}
    started = raw.get("startedDateTime")
    return HarEntry(
        index=index,
        method=str(request.get("method") or "GET"),
        url=str(request.get("url") or ""),
        status=status,
        content_type=header or (str(mime) if mime else None),
        body=_body(fields),
        started=str(started) if started and not isinstance(started, dict | list) else None,
    )


NESTED = {"headers", "content"}


@given(
    entries=st.lists(
        st.one_of(
            _JSON,
            st.fixed_dictionaries(
                {
                    "request": st.dictionaries(
                        st.sampled_from(["method", "url", "headers"]), _JSON, max_size=3
                    )
                    | st.fixed_dictionaries(
                        {"method": st.sampled_from(["GET", "POST"]), "url": st.just(COUNT_URL)}
                    ),
                    "response": st.fixed_dictionaries(
                        {
                            "status": st.sampled_from([200, 0, "200", None, 404.0, True]),
                            "headers": st.lists(
                                st.fixed_dictionaries(
                                    {
                                        "name": st.sampled_from(
                                            ["Content-Type", "content-type", "X-A"]
                                        ),
                                        "value": st.sampled_from(["application/json", "text/html"]),
                                    }
                                )
                                | _JSON,
                                max_size=3,
                            ),
                            "content": st.fixed_dictionaries(
                                {"mimeType": st.sampled_from(["application/json", ""])},
                                optional={
                                    "text": st.text(max_size=20) | _JSON,
                                    "size": st.sampled_from([0, 10]),
                                    "encoding": st.just("base64"),
                                },
                            ),
                        }
                    ),
                },
                optional={
                    "_extra": _JSON,
                    "cache": _JSON,
                    "startedDateTime": st.just("2026-11-26T08:00:00.000Z") | _JSON,
                },
            ),
        ),
        max_size=6,
    ),
    pretty=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_the_streaming_reader_reads_what_a_whole_parse_reads(
    entries: list[object], pretty: bool
) -> None:
    # Decoys where exports put other things: an array before "log", and log.pages (as
    # browsers write it, before the entries) holding something shaped like an entry.
    decoy = {"id": "page_1", "entries": [entry()], "request": {"url": COUNT_URL}}
    document = {
        "pages": [{"x": [1, {"entries": 2}]}],
        "log": {"version": "1.2", "pages": [decoy], "entries": entries},
    }
    text = json.dumps(document, indent=2 if pretty else None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h.har"
        path.write_text(text)
        read = list(iter_har(path))
    assert read == [_expected(raw, i) for i, raw in enumerate(entries)]
