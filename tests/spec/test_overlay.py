"""Applying OpenAPI Overlay 1.0 documents: the specification's own suites, and load_spec."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from zdcontract.errors import SpecError
from zdcontract.spec import load_spec
from zdcontract.spec.loader import read_document
from zdcontract.spec.overlay import apply_overlays, parse_overlay, read_overlay

SUITE = Path(__file__).parent / "overlay-suite"
# The one example of the Overlay 1.0 text that its JSON Schema accepts but that is not RFC 9535
# JSONPath: a member name with a hyphen written in dot notation.
NOT_RFC9535 = {"actions-traits-example.yaml"}


@pytest.mark.parametrize("name", sorted(p.name for p in (SUITE / "compliant").iterdir()), ids=str)
def test_compliant_sets_give_the_published_result(name: str) -> None:
    folder = SUITE / "compliant" / name
    document = read_document(folder / "openapi.yaml")
    before = read_document(folder / "openapi.yaml")
    applied, warnings = apply_overlays(document, [read_overlay(folder / "overlay.yaml")])
    assert applied == read_document(folder / "output.yaml")
    assert warnings == []
    assert document == before  # the input is left as it was


@pytest.mark.parametrize("name", sorted(p.name for p in (SUITE / "pass").iterdir()), ids=str)
def test_documents_the_schema_accepts_are_read(name: str) -> None:
    document = read_document(SUITE / "pass" / name)
    if name in NOT_RFC9535:
        with pytest.raises(SpecError, match="is not an RFC 9535 JSONPath"):
            parse_overlay(document, name)
    else:
        assert parse_overlay(document, name).actions


@pytest.mark.parametrize("name", sorted(p.name for p in (SUITE / "fail").iterdir()), ids=str)
def test_documents_the_schema_rejects_are_refused_in_one_line(name: str) -> None:
    with pytest.raises(SpecError) as refused:
        parse_overlay(read_document(SUITE / "fail" / name), name)
    assert "\n" not in refused.value.message
    assert refused.value.message.startswith(f"overlay {name}")


def _overlay(tmp_path: Path, actions: str, name: str = "o.yaml") -> Path:
    path = tmp_path / name
    text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
    path.write_text(text + textwrap.indent(textwrap.dedent(actions), "  "))
    return path


NULLABLE_REFRESHED_AT = """
- target: $.components.schemas.ActivitiesCountResponse.properties.count.properties.refreshed_at
  remove: true
- target: $.components.schemas.ActivitiesCountResponse.properties.count.properties
  update: {refreshed_at: {type: [string, 'null'], format: date-time}}
"""


def test_load_spec_applies_overlays_and_keys_its_cache_on_them(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, NULLABLE_REFRESHED_AT)
    plain, overlaid = load_spec(), load_spec(None, [overlay])
    count = overlaid.document["components"]["schemas"]["ActivitiesCountResponse"]
    assert count["properties"]["count"]["properties"]["refreshed_at"]["type"] == [
        "string",
        "null",
    ]
    published = plain.document["components"]["schemas"]["ActivitiesCountResponse"]
    assert published["properties"]["count"]["properties"]["refreshed_at"]["type"] == "string"
    assert load_spec(None, [overlay]) is overlaid
    assert "o.yaml" in overlaid.source
    # An edited overlay is read again.
    _overlay(tmp_path, "- target: $.info\n  update: {x-edited: true}\n")
    stat = overlay.stat()
    os.utime(overlay, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    edited = load_spec(None, [overlay])
    assert edited.document["info"]["x-edited"] is True


def test_overlays_apply_in_order_each_to_the_result_of_the_last(tmp_path: Path) -> None:
    first = _overlay(tmp_path, "- target: $.info\n  update: {x-n: 1, x-list: [a]}\n", "1.yaml")
    second = _overlay(tmp_path, "- target: $.info\n  update: {x-n: 2, x-list: [b]}\n", "2.yaml")
    info = load_spec(None, [first, second]).document["info"]
    assert (info["x-n"], info["x-list"]) == (2, ["a", "b"])  # primitives replace, arrays add


def test_a_target_that_matches_nothing_is_a_warning_or_with_strict_an_error(
    tmp_path: Path,
) -> None:
    overlay = _overlay(tmp_path, "- target: $.components.schemas.Nope\n  update: {x: 1}\n")
    spec = load_spec(None, [overlay])
    assert spec.warnings == (
        f"overlay {overlay.resolve()}: action 0 target '$.components.schemas.Nope' "
        "matches nothing in the spec",
    )
    with pytest.raises(SpecError, match="matches nothing"):
        load_spec(None, [overlay], strict_overlays=True)


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ("- target: $\n  remove: true\n", "removes the whole document"),
        ("- target: $.info\n  update: {title: {a: 1}}\n", "merges an object into the string"),
        ("- target: $.info\n  update: [1]\n", "with an array; an update of an object must be"),
        ("- target: $.info\n  update: 5\n", "with an integer; an update"),
        ("- target: $.info\n  update: {title: [x]}\n", "merges an array into the string"),
        ("- target: $.info\n  update: true\n", "with a boolean; an update"),
        ("- target: $.openapi\n  update: '3.1.1'\n", "updates objects and arrays only"),
        ("- target: $.paths[\n  update: {}\n", "is not an RFC 9535 JSONPath"),
    ],
)
def test_actions_that_cannot_apply_are_one_line(tmp_path: Path, actions: str, message: str) -> None:
    with pytest.raises(SpecError, match="action 0") as refused:
        load_spec(None, [_overlay(tmp_path, actions)])
    assert message in refused.value.message


def test_removing_several_array_items_removes_each_once(tmp_path: Path) -> None:
    overlay = _overlay(
        tmp_path,
        """
        - target: $.info
          update: {x-items: [a, b, c, d]}
        - target: $.info['x-items'][0,2,2]
          remove: true
        """,
    )
    assert load_spec(None, [overlay]).document["info"]["x-items"] == ["b", "d"]


def test_an_overlay_that_is_not_one_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions: [{target: $}]\n")
    with pytest.raises(SpecError, match="declares overlay '1.1.0'; zdcontract applies"):
        load_spec(None, [path])
    with pytest.raises(SpecError, match="cannot read overlay .*: no such file"):
        load_spec(None, [tmp_path / "missing.yaml"])
