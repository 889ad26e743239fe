"""The one module that talks to schemathesis: requests generated from the spec.

schemathesis (with Hypothesis underneath) produces the cases of its examples, coverage and
fuzzing phases, positive and negative. Generation is separated from sending: every case of
an operation is drawn first (deterministic for a seed), then the runner sends them through
its own polite client. The coverage phase's unexpected-method probes are switched off: a
live Zendesk is someone's production, and the contract is read-only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import hypothesis
import schemathesis
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.generation.modes import GenerationMode

from ..spec import Spec
from .client import Interrupted

__all__ = ["GeneratedCase", "generate_cases"]

_BASE = "http://zdcontract.invalid"

_DROP_HEADERS = {
    "x-schemathesis-testcaseid",
    "user-agent",
    "accept-encoding",
    "accept",
    "connection",
}


@dataclass(frozen=True, slots=True)
class GeneratedCase:
    """One request to send: what schemathesis drew, in plain data."""

    operation: str
    method: str
    path: str
    params: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    phase: str  # examples, coverage, fuzzing
    mode: str  # positive, negative

    @property
    def key(self) -> tuple[Any, ...]:
        """What makes two cases the same request: method, path, query and headers."""
        return (self.method, self.path, self.params, self.headers)


def _flatten(params: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    items: list[tuple[str, str]] = []
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            text = item if isinstance(item, str) else _scalar(item)
            items.append((str(name), text))
    return tuple(items)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _collector(op_id: str, out: list[GeneratedCase], stop: threading.Event | None) -> Any:
    """A test function for Hypothesis that records each case instead of sending it."""

    def collect(case: Any) -> None:
        if stop is not None and stop.is_set():
            raise Interrupted  # a KeyboardInterrupt: Hypothesis lets it through
        kwargs = case.as_transport_kwargs(base_url=_BASE)
        headers = {
            k: str(v)
            for k, v in (kwargs.get("headers") or {}).items()
            if k.lower() not in _DROP_HEADERS
        }
        meta = case.meta
        out.append(
            GeneratedCase(
                operation=op_id,
                method=str(kwargs["method"]).upper(),
                path=str(kwargs["url"])[len(_BASE) :],
                params=_flatten(kwargs.get("params") or {}),
                headers=tuple(sorted(headers.items())),
                phase=meta.phase.name.value if meta is not None else "fuzzing",
                mode=meta.generation.mode.value if meta is not None else "positive",
            )
        )

    return collect


@contextmanager
def _seed_alone() -> Iterator[None]:
    """Hypothesis draws, now and then, constants it finds in the source of "local" modules
    (code loaded from outside site-packages: a test suite, a conftest, an editable install).
    The same seed then gives other requests under pytest than in the CLI, or with one more
    test file. During generation the local pool is empty, so the seed alone decides.

    Hypothesis has no setting for this; its provider looks the pool up through a module
    global, swapped here for the generation's time (left alone if a release renames it).
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without the feature
        yield
        return
    fetch = getattr(providers, "_get_local_constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    constants = getattr(providers, "Constants", None)
    if fetch is None or cache is None or constants is None:
        yield
        return
    nothing = constants()  # no integers, floats, bytes or strings of the caller's code
    providers._get_local_constants = lambda: nothing
    providers.CONSTANTS_CACHE = type(cache)(1024)  # afresh: earlier draws cached the local pool
    try:
        yield
    finally:
        providers._get_local_constants = fetch
        providers.CONSTANTS_CACHE = cache


def keep_caches_out_of_the_working_directory() -> None:
    """Point Hypothesis' storage (its Unicode tables, never a database here) at a cache
    directory, so a CLI run leaves no ``.hypothesis/`` behind in the user's directory.

    HYPOTHESIS_STORAGE_DIRECTORY, when set, wins. Not for the pytest plugin: a test suite
    keeps its ``.hypothesis`` where its own tests do.
    """
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    set_hypothesis_home_dir(os.path.join(base, "zdcontract", "hypothesis"))


_SCHEMAS: dict[int, tuple[Spec, Any]] = {}


def _schema_of(spec: Spec) -> Any:
    """schemathesis' view of ``spec``, built once per spec (the pytest plugin asks for one
    operation at a time; loading the document again for each costs a sixth of a second)."""
    cached = _SCHEMAS.get(id(spec))
    if cached is None or cached[0] is not spec:
        schema = schemathesis.openapi.from_dict(dict(spec.document))
        schema.config.phases.coverage.unexpected_methods = set()
        cached = _SCHEMAS[id(spec)] = (spec, schema)
    return cached[1]


def generate_cases(
    spec: Spec,
    operations: list[str],
    *,
    max_examples: int,
    seed: int,
    negative: bool = True,
    stop: threading.Event | None = None,
    failed: dict[str, str] | None = None,
) -> Iterator[GeneratedCase]:
    """Every case schemathesis generates for ``operations``, in a reproducible order.

    ``stop``, once set, ends the generation with Interrupted. When schemathesis itself fails
    on an operation, the operation is drawn again from a freshly loaded schema (its caches
    are per schema object, and a long-lived process can leave them in a state a fresh one
    never sees); if that fails too, the operation yields nothing and ``failed`` gets one
    line saying why, for the caller to report as not exercised.
    """
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if negative else [])
    for op_id in _wanted_in_order(_schema_of(spec), operations):
        # Interrupted is a KeyboardInterrupt, not an Exception: a stop goes straight through.
        try:
            drawn = _draw(_schema_of(spec), op_id, modes, max_examples, seed, stop)
        except Exception:  # schemathesis' own failure: try once more from a fresh schema
            _SCHEMAS.pop(id(spec), None)
            try:
                drawn = _draw(_schema_of(spec), op_id, modes, max_examples, seed, stop)
            except Exception as exc:
                if failed is None:
                    raise
                failed[op_id] = _failure_line(exc)
                continue
        yield from drawn


def _label(operation: Any) -> str:
    return str(operation.definition.raw.get("operationId") or operation.label)


def _wanted_in_order(schema: Any, operations: list[str]) -> list[str]:
    """``operations`` in the spec's order."""
    wanted = set(operations)
    labels = (_label(result.ok()) for result in schema.get_all_operations())
    return [label for label in labels if label in wanted]


def _draw(
    schema: Any,
    op_id: str,
    modes: list[GenerationMode],
    max_examples: int,
    seed: int,
    stop: threading.Event | None,
) -> list[GeneratedCase]:
    """Every case of one operation; nothing of it is yielded before all of it is drawn."""
    schema.config.generation.modes = modes
    operation = next(
        result.ok() for result in schema.get_all_operations() if _label(result.ok()) == op_id
    )
    drawn: list[GeneratedCase] = []
    collect = _collector(op_id, drawn, stop)
    chosen: dict[str, Any] = {
        "max_examples": max_examples,
        "database": None,
        "deadline": None,
        "derandomize": False,
        "suppress_health_check": list(hypothesis.HealthCheck),
        "phases": [hypothesis.Phase.explicit, hypothesis.Phase.generate],
    }
    # The seed alone decides the requests: neither a Hypothesis profile loaded by the
    # caller (a test suite's conftest, say) nor the `ci` profile Hypothesis picks up
    # by itself when CI is set may change what is generated.
    config = HypothesisTestConfig(
        project=schema.config,
        modes=list(HypothesisTestMode),
        settings=hypothesis.settings(**chosen),
        explicit_setting_names=set(chosen),
        apply_ci_profile=False,
        seed=seed,
    )
    with _seed_alone():
        create_test(operation=operation, test_func=collect, config=config)()
    return drawn


def _failure_line(exc: BaseException) -> str:
    """One line for an exception schemathesis raised (the first of a group)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = " ".join(str(exc).split())[:200]
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"schemathesis could not generate its requests ({what})"
