"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ..drift import Finding, Severity
from ..errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["FAIL_ON", "exit_code_for", "fail_on_option", "read_input", "severity_threshold"]

FAIL_ON = ("breaking", "warning", "info", "never")


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


def read_input(name: str) -> bytes:
    """The bytes of a file, or of stdin for ``-``; UsageError with one line otherwise."""
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"cannot read {name}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"cannot read {name}: it is a directory") from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
