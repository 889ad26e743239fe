"""Baselines: drift accepted as known, so a scheduled run reports only what changed.

A baseline file is JSON: ``{"version": 1, "entries": [...]}``; each entry names a finding by
its fingerprint and says why it is accepted (``reason``, ``source``) and until when
(``expires``, a date or date-time in UTC; from then on the drift counts as new again). So
that yesterday's report can be today's baseline, a JSON report of zdcontract
(``{"findings": [...]}``), ``{"fingerprints": [...]}`` and a plain list of fingerprints (or
of objects with one) are read too. ``zendesk`` names the baseline zdcontract ships of
Zendesk's known deviations, in the CLI and the pytest plugin alike.
An entry may name the ``condition`` under which the drift shows at all ("only when the
count exceeds 100,000"); when such an entry is not seen, the run did not meet the
condition, so it is listed as not exercised rather than as resolved.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ..drift.findings import Finding
from ..errors import UsageError
from ..files import read_input_file

__all__ = [
    "BASELINE_VERSION",
    "SHIPPED",
    "Baseline",
    "BaselineEntry",
    "Classification",
    "classify",
    "load_baseline",
    "resolve_baseline",
    "save_baseline",
    "shipped_baseline",
    "updated_baseline",
]

BASELINE_VERSION = 1
#: The largest baseline file read: far above any real one (a few hundred entries).
MAX_BASELINE_BYTES = 64 << 20
#: The name a shipped baseline is shown under, instead of a file path.
SHIPPED = "zdcontract:{name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineEntry:
    """One accepted drift."""

    fingerprint: str
    kind: str
    operation: str
    path: str
    severity: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    reason: str = ""
    source: str | None = None
    expires: str | None = None
    condition: str | None = None  # when the drift can show at all; unseen then says nothing

    def expired(self, now: datetime) -> bool:
        """Whether ``expires`` has come (a bare date expires at its start, UTC)."""
        if not self.expires:
            return False
        return now >= _moment(self.expires)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping, keys in file order."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BaselineEntry:
        """An entry from its JSON form; kind, operation and path follow from the fingerprint."""
        fingerprint = data["fingerprint"]
        if not isinstance(fingerprint, str) or fingerprint.count("|") < 2:
            raise ValueError(f"not a fingerprint: {fingerprint!r}")
        operation, kind, path = fingerprint.split("|")[:3]
        values = {k: data[k] for k in cls.__dataclass_fields__ if data.get(k) is not None}
        values = {"kind": kind, "operation": operation, "path": path, **values}
        if values.get("expires"):
            _moment(str(values["expires"]))  # an unreadable date fails on load, not mid-run
        return cls(**{k: str(v) for k, v in values.items()})


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """Accepted drift, by fingerprint, and where it was read from."""

    source: str
    entries: tuple[BaselineEntry, ...] = ()

    def get(self, fingerprint: str) -> BaselineEntry | None:
        """The entry for ``fingerprint``, if any."""
        return next((e for e in self.entries if e.fingerprint == fingerprint), None)

    def accepted(self, now: datetime | None = None) -> frozenset[str]:
        """The fingerprints this baseline accepts now (expired entries accept nothing)."""
        moment = now or datetime.now(UTC)
        return frozenset(e.fingerprint for e in self.entries if not e.expired(moment))

    def to_dict(self) -> dict[str, Any]:
        """The file's JSON form."""
        return {"version": BASELINE_VERSION, "entries": [e.to_dict() for e in self.entries]}


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """The findings of a run against a baseline: new, known, and accepted drift now gone.

    Without a baseline (``source`` None) every finding is new.
    """

    source: str | None
    new: tuple[Finding, ...] = ()
    known: tuple[Finding, ...] = ()
    resolved: tuple[BaselineEntry, ...] = ()
    expired: tuple[str, ...] = ()  # fingerprints seen whose entry has expired (so: new)
    unexercised: tuple[BaselineEntry, ...] = ()  # conditional entries not seen

    def status_of(self, fingerprint: str) -> str:
        """``known`` or ``new``."""
        return "known" if any(f.fingerprint == fingerprint for f in self.known) else "new"

    def counts(self) -> dict[str, int]:
        """Distinct findings by status, and resolved entries."""
        return {"new": len(self.new), "known": len(self.known), "resolved": len(self.resolved)}

    def to_extra(self) -> dict[str, Any]:
        """The ``baseline`` member of a report's ``extra``."""
        return {
            "file": self.source,
            "new": [f.fingerprint for f in self.new],
            "known": [f.fingerprint for f in self.known],
            "resolved": [e.to_dict() for e in self.resolved],
            "expired": list(self.expired),
            "unexercised": [e.to_dict() for e in self.unexercised],
        }


def classify(
    findings: Iterable[Finding], baseline: Baseline | None, *, now: datetime | None = None
) -> Classification:
    """Sort ``findings`` into new and known; list the baseline entries not seen as resolved
    (or, for entries with a ``condition``, as not exercised).

    An expired entry no longer covers its drift: a finding that matches it is new.
    """
    findings = tuple(findings)
    if baseline is None:
        return Classification(source=None, new=findings)
    now = now or datetime.now(UTC)
    new: list[Finding] = []
    known: list[Finding] = []
    expired: list[str] = []
    for finding in findings:
        entry = baseline.get(finding.fingerprint)
        if entry is not None and entry.expired(now):
            expired.append(finding.fingerprint)
            new.append(finding)
        elif entry is not None:
            known.append(finding)
        else:
            new.append(finding)
    seen = {f.fingerprint for f in findings}
    unseen = [e for e in baseline.entries if e.fingerprint not in seen]
    return Classification(
        source=baseline.source,
        new=tuple(new),
        known=tuple(known),
        resolved=tuple(e for e in unseen if not e.condition),
        expired=tuple(expired),
        unexercised=tuple(e for e in unseen if e.condition),
    )


def updated_baseline(
    findings: Sequence[Finding],
    previous: Iterable[Baseline | None],
    *,
    source: str,
    seen_at: str,
) -> Baseline:
    """A baseline accepting exactly ``findings``, keeping what earlier baselines said of them.

    ``previous`` baselines are asked in order for each fingerprint's reason, source, expiry,
    condition and first sighting; drift no longer seen is dropped, except entries with a
    condition (a run that did not meet it cannot tell). Entries are sorted by fingerprint,
    so a reviewed diff of the file shows only what changed.
    """
    earlier = [b for b in previous if b is not None]
    entries = []
    for finding in findings:
        entry = BaselineEntry(
            fingerprint=finding.fingerprint,
            kind=finding.kind.value,
            operation=finding.operation,
            path=finding.fingerprint.split("|")[2],  # generic: /activities/*/title
            severity=finding.severity.value,
            first_seen=seen_at,
            last_seen=seen_at,
        )
        old = next((e for b in earlier if (e := b.get(finding.fingerprint))), None)
        if old is not None:
            entry = replace(
                entry,
                first_seen=old.first_seen or seen_at,
                reason=old.reason,
                source=old.source,
                expires=old.expires,
                condition=old.condition,
            )
        entries.append(entry)
    unique = {e.fingerprint: e for e in entries}
    for baseline in earlier:
        for old in baseline.entries:
            if old.condition and old.fingerprint not in unique:
                unique[old.fingerprint] = old
    return Baseline(source=source, entries=tuple(unique[k] for k in sorted(unique)))


def load_baseline(path: str | os.PathLike[str]) -> Baseline:
    """Read a baseline file; UsageError (one line) when it is missing or malformed."""
    name = os.fspath(path)
    if not os.path.exists(name):
        raise UsageError(
            f"baseline {name} does not exist (write one with: zdcontract run "
            f"--update-baseline {name})"
        )
    # A regular file only (a FIFO would block the run's start), of a bounded size.
    raw = read_input_file(name, "baseline", MAX_BASELINE_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"cannot read baseline {name}: not UTF-8 text") from None
    return _parse(text, name)


#: Baselines that ship inside zdcontract, by the name a user gives them.
SHIPPED_NAMES = ("zendesk",)


def resolve_baseline(value: str | os.PathLike[str]) -> Baseline:
    """The baseline ``value`` names: a shipped one (``zendesk``, ``zdcontract:zendesk``),
    else a file; UsageError (one line) when it cannot be read."""
    text = os.fspath(value)
    name = text.removeprefix("zdcontract:")
    if name in SHIPPED_NAMES and (text.startswith("zdcontract:") or not Path(text).exists()):
        return shipped_baseline(name)
    return load_baseline(text)


def shipped_baseline(name: str = "zendesk") -> Baseline:
    """A baseline that ships inside zdcontract (``known/<name>.json``)."""
    text = resources.files(__package__).joinpath("known", f"{name}.json").read_text("utf-8")
    return _parse(text, SHIPPED.format(name=name))


def save_baseline(baseline: Baseline, path: str | os.PathLike[str]) -> Path:
    """Write ``baseline`` to ``path`` atomically (a crash never leaves half a file)."""
    from ..reports import atomic_write_text

    text = json.dumps(baseline.to_dict(), indent=2, ensure_ascii=False) + "\n"
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return atomic_write_text(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write baseline {os.fspath(path)}: {exc.strerror or exc}") from exc


def _parse(text: str, source: str) -> Baseline:
    try:
        data = json.loads(text)
        if isinstance(data, dict) and "entries" in data:
            if data.get("version", BASELINE_VERSION) != BASELINE_VERSION:
                raise ValueError(f"unsupported version {data.get('version')!r}")
            items = data["entries"]
        elif isinstance(data, dict):  # a JSON report, or {"fingerprints": [...]}
            items = next((data[k] for k in ("findings", "fingerprints") if k in data), None)
        else:
            items = data
        if not isinstance(items, list):
            raise ValueError(
                "expected a baseline's entries, a report's findings or a list of fingerprints"
            )
        entries = tuple(_read_entry(index, item) for index, item in enumerate(items))
    except json.JSONDecodeError as exc:
        raise UsageError(f"baseline {source} is not JSON: {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"baseline {source} is not a zdcontract baseline: {exc}") from exc
    unique = {e.fingerprint: e for e in entries}  # a report may repeat none, a list may
    return Baseline(source=source, entries=tuple(unique.values()))


def _read_entry(index: int, item: Any) -> BaselineEntry:
    try:
        return BaselineEntry.from_dict(_entry(item))
    except KeyError as exc:
        raise ValueError(f"entry {index} has no {exc.args[0]}") from None
    except (ValueError, TypeError) as exc:
        raise ValueError(f"entry {index}: {exc}") from None


def _entry(item: Any) -> Mapping[str, Any]:
    if isinstance(item, str):
        return {"fingerprint": item}
    if isinstance(item, Mapping):
        # A report's finding carries more than an entry holds: keep what an entry means.
        return {k: v for k, v in item.items() if k in BaselineEntry.__dataclass_fields__}
    raise ValueError(f"not a fingerprint: {item!r}")


def _moment(value: str) -> datetime:
    """A date (``2026-12-31``) or ISO date-time as an aware UTC datetime."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"expires {value!r} is not a date such as 2026-12-31") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
