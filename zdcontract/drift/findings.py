"""Drift findings: the data every layer of zdcontract speaks.

A finding is a frozen value. The vocabulary of kinds is fixed; severities come from a
policy that users can override per kind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

__all__ = [
    "DEFAULT_SEVERITIES",
    "MAX_EXAMPLES",
    "MAX_TEXT",
    "WHOLE_RESPONSE",
    "Finding",
    "Kind",
    "Severity",
    "SeverityPolicy",
    "aggregate",
    "fingerprint",
    "generic_pointer",
    "safe_text",
]


#: How every report and terminal line names the place of a finding whose ``path`` is ""
#: (a status, a content type, a body that is not JSON): one spelling everywhere.
WHOLE_RESPONSE = "(whole response)"


class Kind(str, Enum):
    """What kind of deviation from the contract a finding is."""

    UNDOCUMENTED_FIELD = "undocumented-field"
    MISSING_FIELD = "missing-field"
    TYPE_MISMATCH = "type-mismatch"
    UNEXPECTED_NULL = "unexpected-null"
    FORMAT_MISMATCH = "format-mismatch"
    CONSTRAINT_VIOLATION = "constraint-violation"
    UNDOCUMENTED_STATUS = "undocumented-status"
    UNDOCUMENTED_CONTENT_TYPE = "undocumented-content-type"
    MALFORMED_BODY = "malformed-body"
    SEMANTIC_VIOLATION = "semantic-violation"
    TRANSPORT_ERROR = "transport-error"
    NOT_EXERCISED = "not-exercised"  # a check or an operation the run could not exercise

    def __str__(self) -> str:
        return self.value


class Severity(str, Enum):
    """How bad a finding is for a client of the API."""

    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        """2 for breaking, 1 for warning, 0 for info."""
        return _RANK[self]

    def at_least(self, threshold: Severity | None) -> bool:
        """Whether this severity reaches ``threshold`` (``None`` means never)."""
        return threshold is not None and self.rank >= threshold.rank


_RANK = {Severity.BREAKING: 2, Severity.WARNING: 1, Severity.INFO: 0}

#: Severity of each kind unless a policy says otherwise. Three kinds are refined by context
#: (see SeverityPolicy.severity_of): a missing field the schema lists as ``required`` is
#: breaking; an undocumented 5xx status is breaking while an undocumented 4xx is info; an
#: operation whose responses were never validated is breaking, a behaviour check that read
#: nothing a warning, and one the target does not support (no cursor pages) info.
DEFAULT_SEVERITIES: Mapping[Kind, Severity] = {
    Kind.UNDOCUMENTED_FIELD: Severity.WARNING,
    Kind.MISSING_FIELD: Severity.WARNING,
    Kind.TYPE_MISMATCH: Severity.BREAKING,
    Kind.UNEXPECTED_NULL: Severity.BREAKING,
    Kind.FORMAT_MISMATCH: Severity.WARNING,
    Kind.CONSTRAINT_VIOLATION: Severity.BREAKING,
    Kind.UNDOCUMENTED_STATUS: Severity.WARNING,
    Kind.UNDOCUMENTED_CONTENT_TYPE: Severity.BREAKING,
    Kind.MALFORMED_BODY: Severity.BREAKING,
    Kind.SEMANTIC_VIOLATION: Severity.BREAKING,
    Kind.TRANSPORT_ERROR: Severity.WARNING,
    Kind.NOT_EXERCISED: Severity.WARNING,
}


@dataclass(frozen=True, slots=True)
class SeverityPolicy:
    """Maps a finding's kind (and context) to a severity; user overrides win outright."""

    overrides: Mapping[Kind, Severity] = field(default_factory=dict)

    @classmethod
    def from_strings(cls, pairs: Mapping[str, str]) -> SeverityPolicy:
        """Build from ``{"undocumented-field": "info"}``; ValueError on unknown names."""
        return cls({Kind(k): Severity(v) for k, v in pairs.items()})

    def severity_of(
        self,
        kind: Kind,
        *,
        required: bool = False,
        status: int | None = None,
        schema: bool = False,
        unsupported: bool = False,
    ) -> Severity:
        """The severity of a finding of ``kind`` in its context."""
        if kind in self.overrides:
            return self.overrides[kind]
        if kind is Kind.NOT_EXERCISED and (schema or unsupported):
            return Severity.BREAKING if schema else Severity.INFO
        if kind is Kind.MISSING_FIELD and required:
            return Severity.BREAKING
        if kind is Kind.UNDOCUMENTED_STATUS and status is not None:
            if status >= 500:
                return Severity.BREAKING
            if 400 <= status < 500:
                return Severity.INFO
        return DEFAULT_SEVERITIES[kind]


#: How many example pointers a finding keeps.
MAX_EXAMPLES = 5

#: The longest text the validator puts in one field of a finding (see safe_text).
MAX_TEXT = 1000

# Characters that change what a terminal, a log or an XML report shows rather than showing
# themselves: controls, format characters (bidi overrides, zero-width...), lone surrogates
# (which no UTF-8 output can even encode), line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _escape_char(char: str) -> str:
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


# The texts of a Finding (``request``, a reproducer, is left whole; it is ours).
_TEXT_FIELDS = ("path", "message", "fingerprint", "expected", "actual", "schema_path", "check")


def safe_text(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` fit for a finding: printable, one line, at most ``limit`` characters.

    A response is hostile input: its keys and values reach messages and pointers, and from
    there terminals, logs, HTML and XML reports. Every text of a Finding passes through
    here when it is built, whoever builds it. Control and format characters and lone
    surrogates are written as ``\\uXXXX`` escapes (as JSON would spell them), and text
    beyond ``limit`` ends in ``...``. Text that is already safe comes back unchanged, so
    applying it twice changes nothing.
    """
    if len(text) <= limit and text.isprintable():
        return text  # the common case, decided in C
    cut = len(text) > limit
    if cut:
        text = text[:limit]  # escaping below is linear in what is left: bound it first
    if not text.isprintable():
        text = "".join(_escape_char(char) for char in text)
    if cut or len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


_INDEX = re.compile(r"/\d+(?=/|$)")


def generic_pointer(pointer: str) -> str:
    """Array indices of a pointer as ``*``: ``/activities/3/id`` -> ``/activities/*/id``.

    Every all-digit token is taken as an index: the bodies zdcontract validates do not key
    objects by numbers, and a stable fingerprint matters more than the rare exception.
    """
    return _INDEX.sub("/*", pointer)


def fingerprint(operation: str, kind: Kind, pointer: str, qualifier: str | None = None) -> str:
    """The stable identity of a drift: ``operation|kind|generic path[|qualifier]``.

    The qualifier distinguishes findings that share a path by nature: the status code of an
    undocumented status, the media type of an undocumented content type, the name of a
    semantic check.
    """
    parts = [operation, kind.value, generic_pointer(pointer)]
    if qualifier:
        parts.append(qualifier)
    return "|".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One deviation of the API from its contract, possibly seen many times.

    ``path`` is the RFC 6901 JSON Pointer of the first occurrence in the body ("" for the
    whole response); ``examples`` holds the first few pointers and ``count`` how many times
    the same fingerprint was seen.
    """

    kind: Kind
    severity: Severity
    operation: str
    path: str
    message: str
    fingerprint: str
    count: int = 1
    examples: tuple[str, ...] = ()
    status: int | None = None
    expected: str | None = None
    actual: str | None = None
    schema_path: str | None = None
    check: str | None = None
    request: str | None = None

    def __post_init__(self) -> None:
        # Whoever built it (the validator, a behaviour check quoting a link, a transport
        # error quoting the server), a finding is safe to write anywhere: every text is
        # one printable line of bounded size (see safe_text). Reports then only escape
        # their own markup.
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                fixed = safe_text(value, 2 * MAX_TEXT if name == "fingerprint" else MAX_TEXT)
                if fixed is not value:
                    object.__setattr__(self, name, fixed)
        if self.examples:
            examples = tuple(safe_text(e) for e in self.examples)
            if examples != self.examples:
                object.__setattr__(self, "examples", examples)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (enums as their string values, None fields kept)."""
        return {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "operation": self.operation,
            "path": self.path,
            "message": self.message,
            "fingerprint": self.fingerprint,
            "count": self.count,
            "examples": list(self.examples),
            "status": self.status,
            "expected": self.expected,
            "actual": self.actual,
            "schema_path": self.schema_path,
            "check": self.check,
            "request": self.request,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Finding:
        """Inverse of to_dict (used by report readers and the pytest-xdist controller)."""
        values = dict(data)
        values["kind"] = Kind(str(values["kind"]))
        values["severity"] = Severity(str(values["severity"]))
        values["examples"] = tuple(values.get("examples") or ())  # type: ignore[arg-type]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})  # type: ignore[arg-type]


def aggregate(findings: Iterable[Finding]) -> list[Finding]:
    """Merge findings by fingerprint: counts add up, the first pointers are kept.

    Order is first appearance; the most severe severity seen for a fingerprint wins. The
    first finding of a fingerprint is kept as it is when it already holds its pointers: a
    replay merges each response's findings into the merged findings of the responses
    before it, and rebuilding every one of those each time cost more than the merge.
    """
    merged: dict[str, Finding] = {}
    for item in findings:
        seen = merged.get(item.fingerprint)
        if seen is None:
            examples = (item.examples or (item.path,))[:MAX_EXAMPLES]
            same = examples == item.examples
            merged[item.fingerprint] = item if same else replace(item, examples=examples)
            continue
        examples = seen.examples
        for pointer in item.examples or (item.path,):
            if len(examples) >= MAX_EXAMPLES:
                break
            if pointer not in examples:
                examples = (*examples, pointer)
        severity = item.severity if item.severity.rank > seen.severity.rank else seen.severity
        merged[item.fingerprint] = replace(
            seen, count=seen.count + item.count, examples=examples, severity=severity
        )
    return list(merged.values())
