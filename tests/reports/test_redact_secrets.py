from __future__ import annotations

import pytest

from zdcontract.drift.findings import Kind, Severity
from zdcontract.reports.redact import MASK, redact, redact_result

from ._factories import VIA, sample_result

TOKEN = "zT0k3n-9f8e7d6c5b4a"


def test_replaces_every_occurrence_of_every_secret() -> None:
    text = f"token {TOKEN} and again {TOKEN}; pw hunter2"

    assert redact(text, [TOKEN, "hunter2"]) == "token *** and again ***; pw ***"


def test_empty_secrets_are_ignored() -> None:
    assert redact("abc", ["", ""]) == "abc"


def test_longer_secret_wins_over_its_substring() -> None:
    assert redact("abcdef", ["abc", "abcdef"]) == MASK


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            f"curl -H 'Authorization: Bearer {TOKEN}' -H 'Accept: a/b' 'x'",
            "curl -H 'Authorization: Bearer ***' -H 'Accept: a/b' 'x'",
        ),
        ('-H "authorization: Basic dXNlcjpwdw=="', '-H "authorization: Basic ***"'),
        ('{"Authorization": "Bearer abc"}', '{"Authorization": "Bearer ***"}'),
        ("Proxy-Authorization: Basic abc\nnext line", "Proxy-Authorization: Basic ***\nnext line"),
        ("Authorization: naketoken", "Authorization: ***"),
        ("Authorization: Bearer ***", "Authorization: Bearer ***"),
        ("curl -u me@example.com/token:abc123 'x'", "curl -u me@example.com/token:*** 'x'"),
        ("curl --user=me:pw 'x'", "curl --user=me:*** 'x'"),
        ("no credentials here: none", "no credentials here: none"),
    ],
)
def test_masks_authorization_values(text: str, masked: str) -> None:
    assert redact(text) == masked


def test_headers_can_be_left_alone() -> None:
    text = "Authorization: Bearer abc"

    assert redact(text, ["zzz"], headers=False) == text


def test_redact_result_masks_every_string_and_keeps_types() -> None:
    leaky = VIA.__class__(
        kind=Kind.UNDOCUMENTED_FIELD,
        severity=Severity.WARNING,
        operation="ListActivities",
        path="/activities/0/via",
        message=f"echoed {TOKEN}",
        fingerprint=VIA.fingerprint,
        examples=(f"/x/{TOKEN}",),
        request=f"curl -H 'Authorization: Bearer {TOKEN}'",
    )
    result = sample_result(findings=(leaky,), notes=(f"n {TOKEN}",), extra={"k": [TOKEN]})

    clean = redact_result(result, [TOKEN])

    assert TOKEN not in repr(clean)
    assert clean.findings[0].kind is Kind.UNDOCUMENTED_FIELD
    assert clean.findings[0].examples == ("/x/***",)
    assert clean.findings[0].request == "curl -H 'Authorization: Bearer ***'"
    assert clean.extra == {"k": ["***"]}
    assert clean.operations == result.operations
