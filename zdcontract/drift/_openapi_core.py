"""The one module that talks to openapi-core.

openapi-core validates each body against the strict schema (see zdcontract.spec.strict).
It is given a synthetic document: one path per operation (no templates, so ``/count`` can
never be taken for ``/{activity_id}``), a relative server (an absolute one makes every other
host fail with ServerNotFound), and strict schemas in place of the published ones. The
published document itself is never handed over, so a spec that openapi-core's own spec
validator rejects for reasons elsewhere (Zendesk's full spec has unresolvable path
parameters on unrelated endpoints) still validates the operations that matter.

Two ways in, both built on first use and kept for the life of the process:

* ``CoreValidator``: the whole response (status, media type, bytes) through openapi-core's
  ``iter_response_errors``. Importing openapi-core takes 0.3-0.5 s (it loads its spec
  validator, pydantic settings, requests...).
* ``body_validator``: the schema validator openapi-core validates a 3.1 body with, built the
  way openapi-core builds it (openapi_core/validation/schemas/__init__.py: openapi-schema-
  validator's OAS31Validator, with OAS 3.0's read format checker). For a JSON body,
  ``iter_response_errors`` yields exactly this validator's ``iter_errors`` of ``json.loads``
  of the bytes; the validator takes a value directly, so a narrowed body (a value, see
  zdcontract.drift._narrow) is never serialised and parsed again, and a drift monitor's
  first drifted body does not wait for the rest of openapi-core to import.
  tests/drift/test_validator.py pins that openapi-core builds the same validator.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import orjson

from .decode import is_json_media_type

__all__ = ["CoreValidator", "asserted_formats", "body_validator"]

_lock = threading.Lock()
_cores: dict[bytes, CoreValidator] = {}
_bodies: dict[bytes, Any] = {}


@cache
def asserted_formats() -> frozenset[str]:
    """The formats openapi-core's schema validators check (any other is an annotation).

    ``uri`` is checked only when rfc3987 is installed, so the answer depends on the machine.
    """
    from openapi_schema_validator import OAS30ReadValidator, OAS31Validator

    return frozenset(OAS30ReadValidator.FORMAT_CHECKER.checkers) | frozenset(
        OAS31Validator.FORMAT_CHECKER.checkers
    )


def _key(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # a schema orjson cannot write (a huge integer): by repr
        return repr(value).encode()


class CoreValidator:
    """Validates bodies of known operations against strict schemas with openapi-core."""

    def __init__(self, schemas: Mapping[tuple[str, str, str], Any]) -> None:
        """``schemas`` maps (operationId, response key, media type) to a strict schema."""
        from openapi_core import Config, OpenAPI
        from openapi_core.deserializing.media_types.util import json_loads

        self._paths: dict[str, str] = {}
        paths: dict[str, Any] = {}
        # openapi-core parses application/json and application/vnd.api+json with json.loads
        # and hands any other media type to the schema as bytes; every JSON media type the
        # spec documents (application/problem+json...) is JSON to a client, and to us.
        parsers: dict[str, Callable[[bytes], Any]] = {}
        for _, _, media_type in schemas:
            bare = media_type.split(";")[0].lower().rstrip()
            if is_json_media_type(bare):
                parsers[bare] = json_loads
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
        config = Config(
            spec_validator_cls=None,  # type: ignore[arg-type]
            extra_media_type_deserializers=parsers,
        )
        self._api = OpenAPI.from_dict(document, config=config)

    @classmethod
    def shared(cls, schemas: Mapping[tuple[str, str, str], Any]) -> CoreValidator:
        """One CoreValidator per distinct set of schemas in the process: set-up is paid once."""
        key = _key([[list(k), v] for k, v in schemas.items()])
        with _lock:
            found = _cores.get(key)
            if found is None:
                found = _cores[key] = cls(schemas)
            return found

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


def body_validator(schema: Any) -> Any:
    """openapi-core's jsonschema validator for a 3.1 body ``schema`` (one per schema)."""
    key = _key(schema)
    with _lock:
        found = _bodies.get(key)
        if found is None:
            from openapi_schema_validator import OAS30ReadValidator, OAS31Validator

            # As openapi-core's oas31_schema_validators_factory: OAS31Validator, with the
            # OAS 3.0 read format checker (kept for byte/binary compatibility, it says).
            found = OAS31Validator(schema, format_checker=OAS30ReadValidator.FORMAT_CHECKER)
            _bodies[key] = found
        return found
