"""Reading a response body as JSON, strictly (RFC 8259), without ever raising.

Everything that is not plain JSON becomes a problem for a ``malformed-body`` finding: an
empty body, bytes that are not UTF-8, a byte order mark, ``NaN``/``Infinity``, duplicate
object keys, numbers or nesting beyond what a parser can hold, truncated text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["NO_VALUE", "Decoded", "decode_json", "is_json_media_type"]

NO_VALUE: Any = object()
_BOM = b"\xef\xbb\xbf"
_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


def is_json_media_type(media_type: str) -> bool:
    """Whether a bare media type (no parameters) is JSON: application/json or ``+json``."""
    return bool(_JSON_TYPE.match(media_type.strip().lower()))


@dataclass(slots=True)
class Decoded:
    """The decoded value (NO_VALUE when there is none) and what was wrong with the bytes."""

    value: Any = NO_VALUE
    problems: list[tuple[str, str]] = field(default_factory=list)  # (problem code, message)


class _DuplicateKeys:
    """An ``object_pairs_hook`` that remembers duplicate keys (JSON says names SHOULD be unique)."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs) and len(self.found) < 5:
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.found.append(key)
                seen.add(key)
        return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def decode_json(body: bytes) -> Decoded:
    """Decode ``body`` as strict JSON; never raises."""
    result = Decoded()
    if not body.strip():
        result.problems.append(("empty", "body is empty; a JSON document was expected"))
        return result
    if body.startswith(_BOM):
        result.problems.append(("bom", "body starts with a byte order mark, which JSON forbids"))
        body = body[len(_BOM) :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.problems.append(
            ("not-utf8", f"body is not UTF-8 (invalid byte at offset {exc.start})")
        )
        return result
    duplicates = _DuplicateKeys()
    try:
        result.value = json.loads(
            text, object_pairs_hook=duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        state = "truncated" if exc.pos >= len(text.rstrip()) else "not valid JSON"
        code = "truncated" if state == "truncated" else "invalid-json"
        result.problems.append(
            (code, f"body is {state}: {exc.msg} at line {exc.lineno} column {exc.colno}")
        )
    except RecursionError:
        result.problems.append(("too-deep", "body is nested too deeply to parse"))
    except ValueError as exc:  # NaN/Infinity, or an integer beyond the int-str limit
        too_long = "digits" in str(exc)
        reason = "integer too long to parse" if too_long else str(exc)
        code = "number-too-long" if too_long else "non-finite-number"
        result.problems.append((code, f"body is not valid JSON: {reason}"))
    for key in duplicates.found:
        result.problems.append(("duplicate-key", f"body repeats the object key '{key[:60]}'"))
    return result
