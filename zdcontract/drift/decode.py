"""Reading a response body as JSON, strictly (RFC 8259), without ever raising.

Everything that is not plain JSON becomes a problem for a ``malformed-body`` finding: an
empty body, bytes that are not UTF-8, a byte order mark, ``NaN``/``Infinity``, duplicate
object keys, a lone surrogate escape (``"\\ud800"``: no Unicode character, so not JSON
text that can be exchanged, RFC 8259 section 8.2), numbers or nesting beyond what a parser
can hold, truncated text.

The verdict does not depend on how the hosting process is set up: an integer is too long
beyond MAX_INT_DIGITS digits even where ``sys.set_int_max_str_digits(0)`` lifted Python's
limit (parsing a million digits would take minutes), and a body nested deeper than
MAX_SAFE_NESTING is too deep even under a raised recursion limit (the C parser would run
out of stack and crash the process).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from .findings import safe_text

__all__ = [
    "BOM",
    "MAX_INT_DIGITS",
    "MAX_SAFE_NESTING",
    "NO_VALUE",
    "Decoded",
    "decode_json",
    "has_stack_room",
    "is_json_media_type",
    "nesting",
]

NO_VALUE: Any = object()
#: UTF-8's byte-order mark: a JSON text sent over a network must not begin with one
#: (RFC 8259, section 8.1).
BOM = b"\xef\xbb\xbf"
_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")

#: The most digits an integer may have (CPython's default int-to-str limit).
MAX_INT_DIGITS = 4300
#: Nesting the C parser survives on any thread's stack; enforced when the recursion limit
#: is raised beyond it (under the default limit a RecursionError comes first).
MAX_SAFE_NESTING = 10_000
#: Spare stack frames the decoder keeps: openapi-core parses the same bytes again about a
#: dozen frames deeper, and must not meet a RecursionError on a body accepted here.
_HEADROOM = 64
# What is left where the parser stopped, when a valid document was cut short there: part of
# a literal, a number cut after its sign, point or exponent, part of a \u escape.
_CUT_LITERAL = re.compile(r"t|tr|tru|f|fa|fal|fals|n|nu|nul|-|[.eE][+-]?")
_CUT_ESCAPE = re.compile(r"u[0-9a-fA-F]{0,4}")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
# A \uD800-\uDFFF escape: the only way a surrogate gets into a decoded string (UTF-8 bytes
# cannot encode one). A pair decodes to one character; what is left alone is a surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


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


class _IntegerTooLong(ValueError):
    pass


def _int_parser() -> Callable[[str], int]:
    """``int`` when Python's own limit is MAX_INT_DIGITS or lower, a guarded one otherwise."""
    limit = sys.get_int_max_str_digits()
    if 0 < limit <= MAX_INT_DIGITS:
        return int  # the fast path: int() itself refuses longer digit strings

    def parse_int(text: str) -> int:
        if len(text) - text.startswith("-") > MAX_INT_DIGITS:
            raise _IntegerTooLong("integer too long to parse")
        return int(text)

    return parse_int


def nesting(body: bytes) -> int:
    """How deeply ``body`` nests arrays and objects (strings skipped), without recursion."""
    skeleton = _STRING.sub(b"", body).translate(_STEPS, _NOT_BRACKETS)
    return max(accumulate(step - 1 for step in skeleton), default=0)


def _loads_with_headroom(frames: int, parse: Callable[[], Any]) -> Any:
    """``parse()`` called ``frames`` frames deeper than here: a RecursionError comes sooner."""
    if frames <= 0:
        return parse()
    return _loads_with_headroom(frames - 1, parse)


def has_stack_room(frames: int) -> bool:
    """Whether the stack has ``frames`` frames to spare below the recursion limit."""
    try:
        sys._getframe(max(sys.getrecursionlimit() - frames, 0))
    except ValueError:  # the stack is shallower than that
        return True
    return False


def _ends_early(text: str, exc: json.JSONDecodeError) -> bool:
    """Whether the text is a valid start of JSON that stops early (a body cut off).

    The parser stops at the end of the text, or inside a string it never closes, or in a
    literal or number cut short (``tr``, ``-``, ``1.``, ``2e``).
    """
    if exc.msg.startswith("Unterminated string"):
        return True  # the parser reached the end of the text inside this string
    rest = text[exc.pos :].rstrip()
    if not rest:
        return True
    if len(rest) > 5:
        return False
    cut = _CUT_ESCAPE if exc.msg.startswith("Invalid \\uXXXX") else _CUT_LITERAL
    return bool(cut.fullmatch(rest))


def decode_json(body: bytes) -> Decoded:
    """Decode ``body`` as strict JSON; never raises."""
    result = Decoded()
    if not body.strip():
        result.problems.append(("empty", "body is empty; a JSON document was expected"))
        return result
    if body.startswith(BOM):
        result.problems.append(("bom", "body starts with a byte order mark, which JSON forbids"))
        body = body[len(BOM) :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.problems.append(
            ("not-utf8", f"body is not UTF-8 (invalid byte at offset {exc.start})")
        )
        return result
    if (
        sys.getrecursionlimit() > MAX_SAFE_NESTING
        and body.count(b"[") + body.count(b"{") > MAX_SAFE_NESTING
        and nesting(body) > MAX_SAFE_NESTING
    ):
        result.problems.append(("too-deep", "body is nested too deeply to parse"))
        return result
    duplicates = _DuplicateKeys()
    parse_int = _int_parser()

    def parse() -> Any:
        return json.loads(
            text,
            object_pairs_hook=duplicates,
            parse_constant=_reject_constant,
            parse_int=parse_int,
        )

    headroom = _HEADROOM if has_stack_room(4 * _HEADROOM) else 0
    try:
        result.value = _loads_with_headroom(headroom, parse)
    except json.JSONDecodeError as exc:
        state = "truncated" if _ends_early(text, exc) else "not valid JSON"
        code = "truncated" if state == "truncated" else "invalid-json"
        result.problems.append(
            (
                code,
                f"body is {state}: {exc.msg.removesuffix(' at')} "
                f"at line {exc.lineno} column {exc.colno}",
            )
        )
    except RecursionError:
        result.problems.append(("too-deep", "body is nested too deeply to parse"))
    except ValueError as exc:  # NaN/Infinity, or an integer beyond the int-str limit
        too_long = isinstance(exc, _IntegerTooLong) or "digits" in str(exc)
        reason = "integer too long to parse" if too_long else str(exc)
        code = "number-too-long" if too_long else "non-finite-number"
        result.problems.append((code, f"body is not valid JSON: {reason}"))
    if (
        result.value is not NO_VALUE
        and _SURROGATE_ESCAPE.search(body)
        and _holds_a_surrogate(result.value)
    ):
        result.problems.append(
            (
                "lone-surrogate",
                "body is not valid JSON text: a \\u escape names a lone surrogate, "
                "which is no Unicode character",
            )
        )
    for key in duplicates.found:
        shown = safe_text(key[:60] + ("..." if len(key) > 60 else ""))
        result.problems.append(("duplicate-key", f"body repeats the object key '{shown}'"))
    return result


def _holds_a_surrogate(value: Any) -> bool:
    """Whether any key or string in ``value`` holds a surrogate (iterative: any depth)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False
