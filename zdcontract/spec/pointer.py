"""RFC 6901 JSON Pointers: building them and following local ``$ref`` fragments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

__all__ = ["escape", "fragment_tokens", "pointer", "resolve", "tokens"]


def escape(token: Any) -> str:
    """One reference token, escaped (``~`` and ``/``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(tokens: Iterable[Any]) -> str:
    """The pointer of a path of tokens ("" for none: the whole document)."""
    return "".join("/" + escape(token) for token in tokens)


def tokens(text: str) -> list[str]:
    """The unescaped reference tokens of a pointer ("" has none)."""
    return [t.replace("~1", "/").replace("~0", "~") for t in text.split("/")[1:]]


def fragment_tokens(ref: str) -> list[str]:
    """The reference tokens of a local ref or schema path (``#/paths/~1a~1%7Bid%7D``).

    Both are URI fragments: RFC 6901 tokens, percent-encoded where a URI needs it (section
    6), so a path template's braces arrive as ``%7B``/``%7D``.
    """
    return [unquote(t) for t in tokens(ref.removeprefix("#"))]


def resolve(document: Any, ref: str) -> Any:
    """What a local ref (``#/components/...``) points at; LookupError if nothing."""
    if not ref.startswith("#"):
        raise LookupError(ref)
    node = document
    for token in fragment_tokens(ref):
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise LookupError(ref)
    return node
