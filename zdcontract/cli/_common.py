"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from ..drift import Finding, Severity
from ..errors import SpecError, UsageError, ZdContractError
from ..files import read_bounded, read_input_file
from ..spec import Spec, load_spec

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "FAIL_ON",
    "MAX_INPUT_BYTES",
    "SETTINGS_FILE_META",
    "exit_code_for",
    "fail_on_option",
    "overlay_option",
    "read_input",
    "severity_threshold",
    "spec_in_use",
    "user_spec",
    "warn_about",
    "write_output",
]

FAIL_ON = ("breaking", "warning", "info", "never")
#: Where ``zdcontract run`` keeps the path of the pyproject.toml its settings came from.
SETTINGS_FILE_META = "zdcontract.settings_file"


def _debugging() -> bool:
    return bool(os.environ.get("ZDCONTRACT_DEBUG"))


def user_spec(path: str | None, overlays: Sequence[str] = (), *, strict: bool = False) -> Spec:
    """The spec at ``path`` (bundled when None) with ``overlays`` applied; a SpecError if broken.

    The spec layer reports what it knows to look for (unreadable, not YAML, not OpenAPI,
    dangling refs, overlays that are not Overlay 1.0); a document that breaks the reader in
    another way (nested too deeply, say) is still the user's document, and one line about it.
    """
    source = path if path is not None else "the bundled spec"
    if overlays:
        source += " with " + ", ".join(overlays)
    try:
        return load_spec(path, overlays, strict_overlays=strict)
    except ZdContractError:
        raise
    except (RecursionError, MemoryError):
        if _debugging():
            raise
        raise SpecError(f"spec {source} is nested too deeply or too large to read") from None
    except Exception as exc:
        if _debugging():
            raise
        raise SpecError(f"spec {source} cannot be read: {_describe(exc)}") from None


@contextmanager
def spec_in_use(path: str | None, what: str) -> Iterator[None]:
    """Validation against a user's spec: a spec that breaks it is a SpecError, one line.

    With the bundled spec, an exception is zdcontract's own bug and stays one (exit 3).
    Set ZDCONTRACT_DEBUG to see the traceback either way.
    """
    try:
        yield
    except ZdContractError:
        raise
    except Exception as exc:
        if path is None or _debugging():
            raise
        raise SpecError(
            f"spec {path} cannot be used to validate {what}: {_describe(exc)}"
        ) from None


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def overlay_option(
    help_text: str = "Apply this Overlay 1.0 document to the spec (repeatable, in order)",
) -> Callable[[F], F]:
    """``--overlay FILE`` (repeatable): overlays applied to the spec when it is loaded."""
    return click.option(
        "--overlay",
        "overlays",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help=help_text,
    )


def warn_about(spec: Spec) -> None:
    """Print what loading the spec had to say (overlay actions that matched nothing)."""
    for line in spec.warnings:
        click.echo(f"zdcontract: warning: {line}", err=True)


def write_output(name: str, text: str) -> str | None:
    """Write ``text`` to the file ``name`` atomically, or to stdout for ``-``.

    Returns the path written (None for stdout); UsageError (one line) when it cannot be.
    """
    if name == "-":
        click.echo(text, nl=False)
        return None
    from ..reports._atomic import atomic_write_text

    try:
        return str(atomic_write_text(name, text))
    except OSError as exc:
        raise UsageError(f"cannot write {name}: {exc.strerror or exc}") from None


def fail_on_option(default: str = "warning") -> Callable[[F], F]:
    """``--fail-on``: the lowest severity that makes the exit status 1."""
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON),
        default=default,
        show_default=True,
        help="Exit 1 when a finding is at least this severe",
    )


def severity_threshold(fail_on: str) -> Severity | None:
    """The Severity for a --fail-on value (None for 'never')."""
    return None if fail_on == "never" else Severity(fail_on)


def exit_code_for(findings: Sequence[Finding], fail_on: str) -> int:
    """1 when any finding reaches --fail-on, else 0."""
    threshold = severity_threshold(fail_on)
    return 1 if any(f.severity.at_least(threshold) for f in findings) else 0


#: The largest body ``validate`` reads (a page of 100 activities is well under 1 MiB).
MAX_INPUT_BYTES = 64 << 20


def read_input(name: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file, or of stdin for ``-``, at most ``limit`` of them;
    UsageError with one line otherwise (a FIFO or device is refused, never waited on)."""
    if name == "-":
        try:
            return read_bounded(sys.stdin.buffer, limit, "stdin")
        except OSError as exc:
            raise UsageError(f"cannot read stdin: {exc.strerror or exc}") from None
    return read_input_file(name, "body file", limit)
