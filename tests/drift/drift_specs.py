"""Shared by the drift tests (imported by name: the test directory is on sys.path)."""

from __future__ import annotations

from typing import Any

from zdcontract.spec import Spec


def one_operation(
    schema: Any,
    *,
    media: str = "application/json",
    openapi: str = "3.1.0",
    status: int | str = "200",
    path: str = "/things",
    operation: str = "ListThings",
) -> dict[str, Any]:
    """An OpenAPI document of one GET operation whose one response body has ``schema``."""
    response = {"description": "ok", "content": {media: {"schema": schema}}}
    return {
        "openapi": openapi,
        "info": {"title": "t", "version": "1"},
        "paths": {path: {"get": {"operationId": operation, "responses": {status: response}}}},
    }


def one_operation_spec(schema: Any, **options: Any) -> Spec:
    """``one_operation`` as a Spec."""
    return Spec(one_operation(schema, **options), "inline")
