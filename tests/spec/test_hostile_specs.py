"""Specs built to break the reader: each is refused in one line, quickly, or read correctly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from zdcontract import DriftValidator
from zdcontract.errors import SpecError
from zdcontract.spec import load_spec

HEAD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"


def bomb(levels: int, where: str) -> str:
    """A 'billion laughs' document: ``levels`` layers of ten aliases each."""
    lines = ["x-l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for level in range(1, levels):
        lines.append(f"x-l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    ops = (
        "paths:\n  /api/v2/activities/count:\n    get:\n      operationId: CountActivities\n"
        f"      x-where: {where}\n"
        "      responses: {'200': {description: ok}}\n"
    )
    return HEAD + "\n".join(lines) + "\n" + ops


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb(9, "*l8"))  # 10^9 nodes once expanded
    started = time.monotonic()
    with pytest.raises(SpecError, match="expands to more than 5,000,000 nodes"):
        load_spec(path)
    assert time.monotonic() - started < 10  # not a hang: the count is over distinct nodes


def test_a_document_sharing_nodes_modestly_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(bomb(4, "*l3"))  # 10^4 nodes: aliases used as intended
    assert "CountActivities" in load_spec(path).operations


def test_a_cycle_of_references_without_a_schema_is_a_spec_error(tmp_path: Path) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text(
        HEAD + "paths:\n  /api/v2/activities/count:\n    get:\n"
        "      operationId: CountActivities\n      responses:\n        '200':\n"
        "          description: ok\n          content:\n            application/json:\n"
        "              schema: {$ref: '#/components/schemas/A'}\n"
        "components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"
        "    B: {$ref: '#/components/schemas/A'}\n"
    )
    validator = DriftValidator(load_spec(path))
    with pytest.raises(SpecError, match=r"\$ref cycle with no schema: .*/A -> .*/B -> .*/A"):
        validator.validate(b'{"anything": 1}', operation="CountActivities")


def test_a_recursive_schema_is_still_validated_above_the_recursion(tmp_path: Path) -> None:
    path = tmp_path / "tree.yaml"
    path.write_text(
        HEAD + "paths:\n  /api/v2/activities/count:\n    get:\n"
        "      operationId: CountActivities\n      responses:\n        '200':\n"
        "          description: ok\n          content:\n            application/json:\n"
        "              schema: {$ref: '#/components/schemas/Node'}\n"
        "components:\n  schemas:\n    Node:\n      type: object\n      properties:\n"
        "        name: {type: string}\n"
        "        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n"
    )
    validator = DriftValidator(load_spec(path))
    good = b'{"name": "root", "children": []}'
    assert validator.validate(good, operation="CountActivities") == []
    [finding] = validator.validate(b'{"name": 5, "children": []}', operation="CountActivities")
    assert finding.path == "/name"
