"""The tool's own exceptions: failures to run, as opposed to drift findings.

Exception tree::

    ZdContractError          anything that stops zdcontract from doing its job (exit 2)
    ├── UsageError           a bad option, an unknown operation, an unreadable file
    ├── SpecError            a spec that cannot be loaded or used
    └── TargetError          a target that cannot be reached or refuses to serve at all

A response that breaks the contract is never an exception: it is a Finding.
"""

from __future__ import annotations

__all__ = ["SpecError", "TargetError", "UsageError", "ZdContractError"]


class ZdContractError(Exception):
    """Base class: zdcontract cannot do what was asked; the message is one line for a person."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        # One line, always: the CLI prints str(exc) as the whole answer.
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        """The one-line message."""
        return str(self.args[0])


class UsageError(ZdContractError):
    """A bad option, value, operation name or unreadable input file."""


class SpecError(ZdContractError):
    """An OpenAPI document that cannot be loaded or used for validation."""


class TargetError(ZdContractError):
    """A target API that cannot be reached at all or rejects the run as a whole."""
