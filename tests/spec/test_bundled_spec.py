"""The bundled contract: complete, valid OpenAPI 3.1, every example true to its schema."""

from __future__ import annotations

import copy
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from zdcontract.spec import bundled_spec_path, load_spec
from zdcontract.spec._yaml import load_yaml
from zdcontract.spec.lint import lint_document, lint_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return dict(load_spec().document)


def walk(node: Any, at: str = "") -> Any:
    """(JSON Pointer, node) for every node below ``node``."""
    yield at, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{at}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{at}/{i}")


def test_bundled_spec_is_the_repository_file() -> None:
    assert bundled_spec_path().read_bytes() == (ROOT / "spec" / "activities.yaml").read_bytes()


def test_passes_openapi_spec_validator_and_is_31(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_has_the_three_operations(document: dict[str, Any]) -> None:
    spec = load_spec()
    assert {(op.operation_id, op.method, op.path) for op in spec.operations.values()} == {
        ("ListActivities", "GET", "/api/v2/activities"),
        ("ShowActivity", "GET", "/api/v2/activities/{activity_id}"),
        ("CountActivities", "GET", "/api/v2/activities/count"),
    }


def test_no_dangling_ref_no_nullable_no_nonstandard_format(document: dict[str, Any]) -> None:
    for at, node in walk(document):
        if isinstance(node, dict):
            assert "nullable" not in node, at
            if "$ref" in node:
                target: Any = document
                for token in node["$ref"][2:].split("/"):
                    target = target[token]
            assert node.get("format") != "datetime", at


def test_user_schemas_are_complete(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert {"ActivityObject", "UserObject", "UserForAdmin", "UserForEndUser"} <= set(schemas)
    admin = schemas["UserForAdmin"]["properties"]
    assert admin["phone"]["type"] == ["string", "null"]
    assert admin["photo"]["type"] == ["object", "null"]
    assert admin["created_at"]["format"] == "date-time"
    # the published contract is kept: refreshed_at stays non-nullable despite the prose
    count = schemas["ActivitiesCountResponse"]["properties"]["count"]["properties"]
    assert count["refreshed_at"]["type"] == "string"


def _examples(document: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(where, example value, schema pointer) for every example of the document."""
    found = []
    for at, node in walk(document):
        if not isinstance(node, dict):
            continue
        if "example" in node and "/schemas/" in at and "/example" not in at:
            found.append((at, node["example"], at))  # a schema's own example
        if "example" in node and isinstance(node.get("schema"), dict):
            found.append((at, node["example"], f"{at}/schema"))  # a parameter's example
        if isinstance(node.get("schema"), dict):
            for name, example in (node.get("examples") or {}).items():
                target = example
                if "$ref" in example:
                    target = document["components"]["examples"][example["$ref"].rsplit("/", 1)[1]]
                found.append((f"{at}/examples/{name}", target["value"], f"{at}/schema"))
    return found


def test_every_example_validates_against_its_schema(document: dict[str, Any]) -> None:
    registry: Registry[Any] = Registry().with_resource(
        "urn:doc", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    examples = _examples(document)
    assert len(examples) >= 9
    for at, value, schema_at in examples:
        validator = Draft202012Validator(
            {"$ref": f"urn:doc#{schema_at}"}, registry=registry, format_checker=FormatChecker()
        )
        assert [e.message for e in validator.iter_errors(value)] == [], at


def test_example_emails_are_strings(document: dict[str, Any]) -> None:
    emails = [
        node for at, node in walk(document) if at.endswith("/email") and "/properties/" not in at
    ]
    assert len(emails) >= 10
    assert all(isinstance(e, str) and "@" in e for e in emails)


def test_lint_finds_nothing_in_the_bundled_spec() -> None:
    assert lint_path(bundled_spec_path()) == []


def test_lint_finds_the_seed_defects(seed_spec_path: str) -> None:
    problems = lint_path(seed_spec_path)
    dangling = {p.message for p in problems if p.rule == "dangling-ref"}
    assert len(dangling) == 6  # ActivityObject (twice), two parameters, three examples
    assert {p.pointer for p in problems if p.rule == "3.0-idiom"} == {
        "/components/schemas/ActivitiesResponse/properties/next_page/nullable",
        "/components/schemas/ActivitiesResponse/properties/previous_page/nullable",
    }
    # 3.1 ignores nullable, so the seed's own example (next_page: null) contradicts its schema
    assert any(
        p.rule == "example-invalid" and p.pointer.endswith("/example/next_page") for p in problems
    )


def test_lint_finds_a_mangled_email_and_a_nonstandard_format(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    example = broken["components"]["schemas"]["ActivityResponse"]["example"]
    example["activity"]["actor"]["email"] = ["email protected"]  # what the seed's YAML read
    broken["components"]["schemas"]["UserForEndUser"]["properties"]["created_at"]["format"] = (
        "datetime"
    )
    problems = lint_document(broken)
    assert any(
        p.rule == "example-invalid" and p.pointer.endswith("/example/activity/actor/email")
        for p in problems
    ), problems
    assert any(p.rule == "unknown-format" and "date-time" in p.message for p in problems)


def test_yaml_is_read_as_yaml_12() -> None:
    assert load_yaml("a: on\nb: yes\nc: =\nd: 2020-01-01T00:00:00Z\ne: true") == {
        "a": "on",
        "b": "yes",
        "c": "=",
        "d": "2020-01-01T00:00:00Z",
        "e": True,
    }


def test_zendesks_published_spec_loads(zendesk_spec_path: str) -> None:
    spec = load_spec(zendesk_spec_path)
    assert spec.match("GET", "/api/v2/activities/count.json").operation_id == "CountActivities"
    assert len(spec.operations) > 300


@pytest.mark.slow
def test_the_wheel_ships_the_spec(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("zdcontract-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("zdcontract/_bundled/activities.yaml")
        overlay = archive.read("zdcontract/_bundled/zendesk-observed.overlay.yaml")
        names = archive.namelist()
    assert shipped == (ROOT / "spec" / "activities.yaml").read_bytes()
    assert overlay == (ROOT / "spec" / "zendesk-observed.overlay.yaml").read_bytes()
    assert any(name.endswith("entry_points.txt") for name in names)
    # package data the installed tool reads at run time
    for data in (
        "reports/report.schema.json",
        "reports/templates/report.html.j2",
        "monitor/known/zendesk.json",
        "spec/overlay-1.0.schema.yaml",
    ):
        assert f"zdcontract/{data}" in names
