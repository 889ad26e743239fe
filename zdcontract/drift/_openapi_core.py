"""The one module that talks to openapi-core.

openapi-core validates each body against the strict schema (see zdcontract.spec.strict).
It is given a synthetic document: one path per operation (no templates, so ``/count`` can
never be taken for ``/{activity_id}``), a relative server (an absolute one makes every other
host fail with ServerNotFound), and strict schemas in place of the published ones. The
published document itself is never handed over, so a spec that openapi-core's own spec
validator rejects for reasons elsewhere (Zendesk's full spec has unresolvable path
parameters on unrelated endpoints) still validates the operations that matter.

openapi-core is imported on first use (a third of a second): the fast path proves most
bodies clean without it, so a replay of conforming responses never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

__all__ = ["CoreValidator", "asserted_formats"]


@cache
def asserted_formats() -> frozenset[str]:
    """The formats openapi-core's schema validators check (any other is an annotation).

    ``uri`` is checked only when rfc3987 is installed, so the answer depends on the machine.
    """
    from openapi_schema_validator import OAS30ReadValidator, OAS31Validator

    return frozenset(OAS30ReadValidator.FORMAT_CHECKER.checkers) | frozenset(
        OAS31Validator.FORMAT_CHECKER.checkers
    )


class CoreValidator:
    """Validates bodies of known operations against strict schemas with openapi-core."""

    def __init__(self, schemas: Mapping[tuple[str, str, str], Any]) -> None:
        """``schemas`` maps (operationId, response key, media type) to a strict schema."""
        from openapi_core import Config, OpenAPI

        self._paths: dict[str, str] = {}
        paths: dict[str, Any] = {}
        for (operation, key, media_type), schema in schemas.items():
            path = self._paths.setdefault(operation, f"/operation-{len(self._paths)}")
            responses = paths.setdefault(path, {"get": {"operationId": operation}})["get"]
            response = responses.setdefault("responses", {}).setdefault(
                key, {"description": key, "content": {}}
            )
            response["content"][media_type] = {"schema": schema}
        document = {
            "openapi": "3.1.0",
            "info": {"title": "zdcontract strict contract", "version": "1"},
            "servers": [{"url": "/"}],
            "paths": paths,
        }
        # The synthetic document is built here and known to be sound: skip spec validation.
        config = Config(spec_validator_cls=None)  # type: ignore[arg-type]
        self._api = OpenAPI.from_dict(document, config=config)

    def schema_errors(self, operation: str, status: int, media_type: str, body: bytes) -> list[Any]:
        """The jsonschema errors of ``body``: every one, not the first."""
        from openapi_core.testing import MockRequest, MockResponse
        from openapi_core.validation.response.exceptions import InvalidData

        request = MockRequest("http://zdcontract.invalid", "get", self._paths[operation])
        response = MockResponse(body, status_code=status, content_type=media_type)
        errors: list[Any] = []
        for error in self._api.iter_response_errors(request, response):
            if isinstance(error, InvalidData):
                errors.extend(getattr(error.__cause__, "schema_errors", ()) or ())
        return errors
