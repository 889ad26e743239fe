"""RFC 6901 JSON Pointers with one extension: a ``*`` token stands for every item of an array."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["keys", "parents", "parse_pointer"]


def parse_pointer(text: str) -> tuple[str, ...]:
    """The unescaped tokens of ``text``; ValueError when it is not a JSON Pointer below the root."""
    if not text.startswith("/"):
        raise ValueError("a JSON Pointer starts with '/'")
    tokens = []
    for raw in text[1:].split("/"):
        if "~" in raw.replace("~0", "").replace("~1", ""):
            raise ValueError(f"bad escape in '{raw}' ('~' must be followed by 0 or 1)")
        tokens.append(raw.replace("~1", "/").replace("~0", "~"))
    return tuple(tokens)


def parents(document: Any, tokens: tuple[str, ...]) -> Iterator[Any]:
    """Every container that ``tokens`` (a pointer without its last token) reaches in ``document``.

    A pointer that does not resolve yields nothing: a mutation applies to whichever bodies
    have the pointer, and is silently skipped by the others.
    """
    nodes = [document]
    for token in tokens:
        reached = []
        for node in nodes:
            if isinstance(node, list):
                if token == "*":
                    reached.extend(node)
                elif token.isdigit() and int(token) < len(node):
                    reached.append(node[int(token)])
            elif isinstance(node, dict) and token in node:
                reached.append(node[token])
        nodes = reached
    yield from (node for node in nodes if isinstance(node, dict | list))


def keys(container: Any, token: str) -> list[Any]:
    """The keys (or indexes, last first) of ``container`` that the last token names."""
    if isinstance(container, dict):
        return [token] if token in container else []
    if token == "*":
        return list(reversed(range(len(container))))
    if token.isdigit() and int(token) < len(container):
        return [int(token)]
    return []
