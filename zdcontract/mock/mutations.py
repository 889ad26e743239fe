"""Drift injection: parse ``KIND:TARGET[=VALUE]`` mutations and apply them to replies.

Body mutations name an RFC 6901 pointer into the response body (``*`` = every array item)
and apply to whichever operation's body has it; ``status``/``content-type`` mutations name a
request path, matched with or without ``.json`` (a ``*`` segment matches any one segment).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson

from ..errors import UsageError
from ._pointer import keys, parents, parse_pointer
from .messages import Reply

__all__ = [
    "BODY_KINDS",
    "KINDS",
    "TYPES",
    "Mutation",
    "apply_mutations",
    "convert",
    "parse_mutation",
]

BODY_KINDS = ("remove", "type", "null", "add", "rename")
KINDS = (*BODY_KINDS, "status", "content-type")
TYPES = ("string", "integer", "number", "boolean", "null", "object", "array")
_EXAMPLES = (
    "remove:/activities/*/title, type:/count/value=string, null:/count/refreshed_at, "
    'add:/activities/*/via={"channel":"api"}, rename:/activities/*/title=headline, '
    "status:/api/v2/activities/count=500, content-type:/api/v2/activities=text/html"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Mutation:
    """One drift mutation: its kind, target (pointer or path), and value."""

    kind: str
    target: str
    value: Any = None
    text: str = ""

    def __str__(self) -> str:
        return self.text

    @property
    def tokens(self) -> tuple[str, ...]:
        """The pointer's tokens (body mutations only)."""
        return parse_pointer(self.target)

    def apply_to_body(self, document: Any) -> bool:
        """Mutate ``document`` in place; whether anything changed."""
        *head, last = self.tokens
        changed = False
        for container in list(parents(document, tuple(head))):
            if self.kind == "add":
                changed |= _add(container, last, self.value)
                continue
            for key in keys(container, last):
                if self.kind == "remove":
                    del container[key]
                elif self.kind == "null":
                    container[key] = None
                elif self.kind == "type":
                    container[key] = convert(container[key], self.value)
                elif isinstance(container, dict):  # rename: only object members have names
                    items = [(self.value if k == key else k, v) for k, v in container.items()]
                    container.clear()
                    container.update(items)
                else:
                    continue
                changed = True
        return changed

    def matches_path(self, path: str) -> bool:
        """Whether a ``status``/``content-type`` mutation's path names request ``path``."""
        want, have = _normal(self.target).split("/"), _normal(path).split("/")
        return len(want) == len(have) and all(
            fnmatch.fnmatchcase(h, w) for w, h in zip(want, have, strict=True)
        )


def parse_mutation(text: str, *, option: str = "drift") -> Mutation:
    """The mutation ``text`` describes; UsageError with the accepted forms otherwise.

    ``option`` names, in the error, what the user wrote the mutation into (``--drift``,
    ``--mock-drift``): the line must point at the thing to fix.
    """
    kind, sep, rest = text.strip().partition(":")
    kind = kind.lower()
    if not sep or kind not in KINDS:
        raise UsageError(
            f"bad {option} '{text}': expected KIND:TARGET[=VALUE] with KIND one of "
            f"{', '.join(KINDS)} (e.g. {_EXAMPLES})"
        )
    target, has_value, raw = rest.partition("=")
    if not target.startswith("/"):
        raise UsageError(f"bad {option} '{text}': the target must start with '/'")
    wants_value = kind not in ("remove", "null")
    if wants_value and not has_value:
        raise UsageError(f"bad {option} '{text}': '{kind}' needs '=VALUE' ({_EXAMPLES})")
    if not wants_value and has_value:
        raise UsageError(f"bad {option} '{text}': '{kind}' takes no value")
    value: Any = None
    if kind in BODY_KINDS:
        try:
            tokens = parse_pointer(target)
        except ValueError as exc:
            raise UsageError(f"bad {option} '{text}': {exc}") from None
        if kind == "rename" and tokens[-1] == "*":
            raise UsageError(f"bad {option} '{text}': rename needs a member name, not '*'")
    if kind == "type":
        value = raw.strip().lower()
        if value not in TYPES:
            raise UsageError(f"bad {option} '{text}': type must be one of {', '.join(TYPES)}")
    elif kind == "add":
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise UsageError(f"bad {option} '{text}': the value is not JSON ({exc})") from None
    elif kind == "rename":
        value = raw
        if not raw or "/" in raw:
            raise UsageError(f"bad {option} '{text}': rename needs a new member name")
    elif kind == "status":
        if not raw.strip().isdigit() or not 100 <= int(raw) <= 599:
            raise UsageError(f"bad {option} '{text}': status must be an HTTP status 100-599")
        value = int(raw)
    elif kind == "content-type":
        value = raw.strip()
        # Header values go out as Latin-1; anything else failed every request with a 500.
        if not value or not value.isprintable() or not value.isascii():
            raise UsageError(f"bad {option} '{text}': content-type needs an ASCII media type")
    return Mutation(kind=kind, target=target, value=value, text=text.strip())


def apply_mutations(mutations: Sequence[Mutation], path: str, reply: Reply) -> Reply:
    """``reply`` with every mutation that applies to it (body pointers, or this path) applied."""
    if not mutations:
        return reply
    body_mutations = [m for m in mutations if m.kind in BODY_KINDS]
    if body_mutations and reply.body and reply.content_type.startswith("application/json"):
        try:
            document = orjson.loads(reply.body)
        except orjson.JSONDecodeError:
            document = None
        if document is not None:
            changed = [m.apply_to_body(document) for m in body_mutations]
            if any(changed):
                reply = replace(reply, body=orjson.dumps(document))
    for mutation in mutations:
        if mutation.kind == "status" and mutation.matches_path(path):
            reply = replace(reply, status=int(mutation.value))
        elif mutation.kind == "content-type" and mutation.matches_path(path):
            reply = replace(reply, content_type=str(mutation.value))
    return reply


def convert(value: Any, type_name: str) -> Any:
    """``value`` turned into a value of JSON type ``type_name`` (a visible change of type)."""
    if type_name == "null":
        return None
    if type_name == "string":
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if type_name == "boolean":
        return value if isinstance(value, bool) else bool(value)
    if type_name == "object":
        return value if isinstance(value, dict) else {"value": value}
    if type_name == "array":
        return value if isinstance(value, list) else [value]
    number = _as_number(value)
    if type_name == "integer":
        return int(number)
    # A float with no fraction is an integer to JSON Schema; add one so the drift shows.
    return number if number != int(number) else number + 0.5


def _as_number(value: Any) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return float(len(value))
    return float(len(value)) if isinstance(value, list | dict) else 0.0


def _add(container: Any, token: str, value: Any) -> bool:
    # RFC 6902 "add": set an object member, insert into an array ("-" appends).
    fresh = orjson.loads(orjson.dumps(value))  # one copy per target, never shared
    if isinstance(container, dict):
        container[token] = fresh
        return True
    if token == "-":
        container.append(fresh)
        return True
    if token.isdigit() and int(token) <= len(container):
        container.insert(int(token), fresh)
        return True
    return False


def _normal(path: str) -> str:
    path = path.split("?", 1)[0]
    if path.endswith(".json"):
        path = path[: -len(".json")]
    return path.rstrip("/") or "/"
