"""One 100-activity page, four validators: zdcontract (fast and reference), orjson,
schemathesis, openapi-core on the published (non-strict) spec."""

from __future__ import annotations

from typing import Any

import orjson

from ._common import SPEC, Figure, Ratio, median_cpu_seconds, page_body

__all__ = ["run"]


def _schemathesis(body: bytes) -> Any:
    import requests
    import schemathesis
    from schemathesis.core.transport import Response

    operation = schemathesis.openapi.from_path(str(SPEC))["/api/v2/activities"]["GET"]
    request = requests.Request("GET", "http://127.0.0.1/api/v2/activities").prepare()

    def validate() -> None:
        # A fresh Response per call: schemathesis caches the parsed JSON on it.
        response = Response(
            status_code=200,
            headers={"Content-Type": ["application/json"]},
            content=body,
            request=request,
            elapsed=0.0,
            verify=True,
        )
        operation.validate_response(response)  # raises FailureGroup on drift

    return validate


def _openapi_core(body: bytes) -> Any:
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    api = OpenAPI.from_file_path(str(SPEC))
    request = MockRequest("https://acme.zendesk.com", "get", "/api/v2/activities")

    def validate() -> None:
        api.validate_response(
            request, MockResponse(body, status_code=200, content_type="application/json")
        )

    return validate


def run(quick: bool) -> tuple[list[Figure], list[Ratio], dict[str, Any]]:
    from zdcontract import DriftValidator, validate_response

    body = page_body(100)
    fast_repeat, slow_repeat = (20, 3) if quick else (300, 25)
    assert validate_response(body, operation="ListActivities") == []
    reference = DriftValidator(fast=False)
    timed = {
        "orjson.loads": median_cpu_seconds(lambda: orjson.loads(body), fast_repeat),
        "zdcontract.validate_response": median_cpu_seconds(
            lambda: validate_response(body, operation="ListActivities"), fast_repeat
        ),
        "schemathesis validate_response": median_cpu_seconds(_schemathesis(body), fast_repeat),
        "openapi-core validate_response (published spec)": median_cpu_seconds(
            _openapi_core(body), slow_repeat, warmup=1
        ),
        "zdcontract reference path (fast=False)": median_cpu_seconds(
            lambda: reference.validate(body, operation="ListActivities"), slow_repeat, warmup=1
        ),
    }
    slow = ("openapi-core validate_response (published spec)", "zdcontract reference path")
    figures = [
        Figure(name, seconds * 1000, "ms",
               f"CPU, median of {slow_repeat if name.startswith(slow) else fast_repeat}")
        for name, seconds in timed.items()
    ]  # fmt: skip
    ours = timed["zdcontract.validate_response"]
    vs_orjson = ours / timed["orjson.loads"]
    vs_st = ours / timed["schemathesis validate_response"]
    vs_core = timed["openapi-core validate_response (published spec)"] / ours
    ratios = [
        Ratio("validate_response / orjson.loads", vs_orjson, "<= 3", vs_orjson <= 3),
        Ratio("validate_response / schemathesis", vs_st, "<= 1", vs_st <= 1),
        Ratio("openapi-core / validate_response", vs_core, ">= 20", vs_core >= 20),
    ]
    return figures, ratios, {"page_bytes": len(body), "activities": 100}
