"""``learn`` on specs other than the bundled one: where the schemas stand, how they are keyed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import zendesk_bodies as zb
from in_process import zd

from zdcontract.drift import DriftValidator
from zdcontract.errors import UsageError
from zdcontract.learn import Sample, dump_overlay, learn, read_samples
from zdcontract.spec import load_spec
from zdcontract.spec.loader import shipped_overlay_path

THINGS = """\
openapi: 3.1.0
info: {title: Things, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: GetThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: integer}
                required: [id]
"""


def _sample(operation: str, body: Any, status: int = 200) -> Sample:
    return Sample(operation, status, "application/json", json.dumps(body).encode(), "a.har")


def _drift_left(
    spec_path: Path | None, overlays: list[Path], learned: Any, tmp_path: Path, sample: Sample
) -> list[Any]:
    """The findings on ``sample`` with the learned overlay applied as a user applies it."""
    overlay = tmp_path / "learned.overlay.yaml"
    overlay.write_text(dump_overlay(learned.document))
    validator = DriftValidator(load_spec(spec_path, [*overlays, overlay], strict_overlays=True))
    return validator.validate(sample.body, operation=sample.operation, status=sample.status)


def _learn_cli(
    tmp_path: Path, path: str, sample: Sample, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """``zdcontract spec learn`` of a HAR holding ``sample`` as the answer to GET ``path``
    (under /api/v2/): its exit status and stderr."""
    har = tmp_path / "one.har"
    entry = {
        "request": {"method": "GET", "url": f"https://acme.zendesk.com/api/v2/{path}"},
        "response": {
            "status": sample.status,
            "content": {"mimeType": "application/json", "text": sample.body.decode()},
        },
    }
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    code, _, err = zd(["spec", "learn", str(har), "-o", str(tmp_path / "out.yaml")], capsys)
    return code, err


def test_a_schema_inline_under_a_templated_path_is_learned(tmp_path: Path) -> None:
    # The finding's schema_path is a URI fragment: the template's braces arrive as %7B/%7D.
    path = tmp_path / "things.yaml"
    path.write_text(THINGS)
    spec = load_spec(path)
    sample = _sample("GetThing", {"id": 1, "colour": "red"})
    assert "%7Bid%7D" in str(DriftValidator(spec).validate(sample.body, operation="GetThing"))
    learned = learn(spec, [sample])
    assert learned.residual == []
    assert [a["target"] for a in learned.actions] == [
        "$.paths['/things/{id}'].get.responses['200'].content['application/json'].schema"
    ]
    assert _drift_left(path, [], learned, tmp_path, sample) == []


def test_learning_on_top_of_the_shipped_overlay_reads_its_inline_error_bodies(
    tmp_path: Path,
) -> None:
    # The shipped overlay documents ShowActivity's 404 inline, under /activities/{activity_id}.
    spec = load_spec(None, [shipped_overlay_path()])
    sample = _sample(
        "ShowActivity", {"error": "RecordNotFound", "description": "Not found", "id": 5}, 404
    )
    learned = learn(spec, [sample])
    assert learned.drifted == 1 and learned.residual == []
    assert _drift_left(None, [shipped_overlay_path()], learned, tmp_path, sample) == []


CHAINED = """\
openapi: 3.1.0
info: {title: Things, version: '1'}
paths:
  /things:
    get:
      operationId: ListThings
      responses:
        '2XX': {$ref: '#/components/responses/Things'}
components:
  responses:
    Things: {$ref: '#/components/responses/Page'}
    Page:
      description: ok
      content:
        application/json; charset=utf-8:
          schema:
            type: object
            properties:
              things: {type: array, items: {type: integer}}
            required: [things]
"""


def test_a_response_is_found_as_the_validator_finds_it(tmp_path: Path) -> None:
    # A status range, a chain of two $refs, a media type with parameters.
    path = tmp_path / "chained.yaml"
    path.write_text(CHAINED)
    spec = load_spec(path)
    sample = _sample("ListThings", {"things": [1, None], "next": None}, 206)
    learned = learn(spec, [sample])
    assert learned.residual == []
    assert {a["target"] for a in learned.actions} >= {
        "$.components.responses.Page.content['application/json; charset=utf-8'].schema"
    }
    assert _drift_left(path, [], learned, tmp_path, sample) == []


def test_drift_it_cannot_teach_is_never_called_conforming(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failure = _sample("CountActivities", {"error": "Service Unavailable"}, 503)
    learned = learn(load_spec(), [failure])
    assert learned.drifted == 1 and len(learned.residual) == 1
    assert learned.actions == []
    assert learned.notes == ["CountActivities 503: a server failure, not learned as contract"]
    (only,) = learned.document["actions"]  # Overlay 1.0 needs one: an update of nothing
    assert only["update"] == {} and "conform" not in only["description"]
    assert "1 finding on the samples could not be learned" in only["description"]
    assert learn(load_spec(), [_sample("CountActivities", zb.count())]).document["actions"] == [
        {"target": "$", "description": "The samples conform: nothing to change.", "update": {}}
    ]

    code, err = _learn_cli(tmp_path, "activities/count", failure, capsys)
    assert code == 0
    assert "learned 0 actions from 1 response (1 with drift)" in err


def test_a_recording_without_bodies_says_so(tmp_path: Path) -> None:
    # A browser's HAR saved without content: the requests match, the bodies are not there.
    har = tmp_path / "sanitized.har"
    entries = [
        {
            "request": {"method": "GET", "url": f"https://acme.zendesk.com/api/v2/{path}"},
            "response": {"status": 200, "content": {"size": 512, "mimeType": "application/json"}},
        }
        for path in ("activities", "activities/count", "tickets")
    ]
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    with pytest.raises(UsageError) as caught:
        read_samples([har], load_spec())
    message = caught.value.message
    assert "\n" not in message and "no recorded response matches" not in message
    assert "the 2 responses of operations of the bundled spec were recorded without" in message
    assert "(3 entries)" in message and "export the HAR with content" in message


def test_a_fifo_to_learn_from_is_refused_not_waited_on(tmp_path: Path) -> None:
    # Opening a FIFO to read blocks until a writer comes: the HAR is opened as every input
    # is, refused in one line. A child process, so a hang fails the test instead of the suite.
    from reliability._helpers import run_cli

    fifo = tmp_path / "traffic.har"
    os.mkfifo(fifo)
    finished = run_cli(["spec", "learn", str(fifo), "-o", "out.yaml"], cwd=tmp_path, timeout=60)
    assert finished.returncode == 2, finished.output
    lines = finished.stderr.decode().strip().splitlines()
    assert lines == [
        f"zdcontract: error: HAR file {fifo} is a FIFO (named pipe), not a regular file"
    ]
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("depth", [65, 300, 800])
def test_a_body_nested_too_deep_to_learn_from_stays_drift_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    """The validator reads bodies ~900 levels deep; inferring, writing and applying a schema
    for one recursed out of stack at ~250 (an internal error). Such a body is validated,
    its drift kept as drift with a note, and the other samples are still learned from."""
    nested: Any = 1
    for _ in range(depth):
        nested = {"k": nested}
    deep_body, plain_body = json.loads(zb.dumps(zb.show())), json.loads(zb.dumps(zb.show()))
    deep_body["activity"]["nested"] = nested
    plain_body["activity"]["colour"] = "red"
    deep, plain = _sample("ShowActivity", deep_body), _sample("ShowActivity", plain_body)

    learned = learn(load_spec(), [deep, plain])

    assert learned.drifted == 2
    assert [a["target"] for a in learned.actions] != []  # `colour` was learned
    assert all("nested" not in json.dumps(a) for a in learned.actions)
    # Still drift (and, learned from the other sample alone, `colour` is now expected of it).
    assert "/activity/nested" in [f.path for s, f in learned.residual if s is deep]
    assert not [f for s, f in learned.residual if s is plain]
    assert learned.notes == [
        f"ShowActivity 200: a body nested {depth + 2} levels deep, beyond the 64 learned "
        "from: not learned"
    ]

    code, err = _learn_cli(tmp_path, "activities/1", deep, capsys)
    assert code == 0, err
    assert "beyond the 64 learned from: not learned" in err and "internal error" not in err
