"""Masking secrets in text: the one implementation the runner and the reports share.

It sits beside ``errors`` at the bottom of the layers: it imports nothing of zdcontract.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MASK", "mask_secrets"]

MASK = "***"
# A value shown cut short ends in "..." (after a closing quote when it was repr'd): a secret
# cut that way is still most of the secret, and its head goes as the whole would.
_CUT_MARKS = ("...", "'...", '"...', "\u2026")
_SHORTEST_HEAD = 8


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, and the head of any secret shown cut short, as ``***``.

    Example:
        >>> mask_secrets("token=s3cr3t-v4lu3-l0ng and 's3cr3t-v4...'", ["s3cr3t-v4lu3-l0ng"])
        "token=*** and '***...'"
    """
    # Longest first: a secret that contains another one must go whole.
    ordered = sorted({s for s in secrets if s}, key=len, reverse=True)
    for secret in ordered:
        text = text.replace(secret, MASK)
    if not any(mark in text for mark in _CUT_MARKS):
        return text
    for secret in ordered:
        if len(secret) <= _SHORTEST_HEAD:
            continue
        start = text.find(secret[:_SHORTEST_HEAD])
        while start != -1:
            size = _SHORTEST_HEAD
            while size < len(secret) and text[start + size : start + size + 1] == secret[size]:
                size += 1
            if text.startswith(_CUT_MARKS, start + size):
                text = text[:start] + MASK + text[start + size :]
                start += len(MASK)
            else:
                start += 1
            start = text.find(secret[:_SHORTEST_HEAD], start)
    return text
