"""The mock's drift and fault options, shared by ``zdcontract mock`` and ``zdcontract run``.

Each value is parsed as click reads it, so a bad one is reported under the option the user
typed (``--drift`` or ``--mock-drift``), and the syntax is in ``--help``, not only in errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..errors import UsageError
from ..mock.faults import parse_fault
from ..mock.mutations import parse_mutation

__all__ = ["OptionValueError", "drift_callback", "fault_callback", "mock_syntax"]


class OptionValueError(click.BadParameter):
    """A bad option value whose message already names the option (no click preamble).

    Still a BadParameter, so the CLI says where a value that was not typed came from
    (an environment variable, ``[tool.zdcontract]``).
    """

    def format_message(self) -> str:
        """The message as it is."""
        return self.message


def _checker(
    parse: Callable[..., Any],
) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[str, ...]]:
    def check(
        ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
    ) -> tuple[str, ...]:
        option = max(param.opts, key=len)
        for value in values or ():
            try:
                parse(value, option=option)
            except UsageError as exc:
                raise OptionValueError(exc.message, ctx=ctx, param=param) from None
        return values

    return check


drift_callback = _checker(parse_mutation)
fault_callback = _checker(parse_fault)


def mock_syntax(drift: str, fault: str) -> str:
    """The drift and fault syntax for a command's ``--help`` epilog (lines kept as written)."""
    return f"""\b
Drift: {drift} KIND:TARGET[=VALUE] (repeatable). Body kinds take a JSON
Pointer into any operation's body, '*' standing for every array item:
  remove:/activities/*/title               drop the field
  null:/count/refreshed_at                 make it null
  type:/count/value=string                 give it another JSON type (string,
                                           integer, number, boolean, null,
                                           object, array)
  add:/activities/*/via={{"channel":"api"}}  add a member (VALUE is JSON)
  rename:/activities/*/title=headline      rename a member
Response kinds take a request path ('.json' optional, '*' = one segment):
  status:/api/v2/activities/count=500      answer with this status
  content-type:/api/v2/activities=text/html  answer with this media type

\b
Faults: {fault} KIND[:ARG][@PROBABILITY] (repeatable; PROBABILITY is the
share of requests hit, 0-1, default 1):
  delay:SECONDS        wait before answering (0-3600)
  status:CODE          answer with an error status (400-599)
  html[:CODE]          answer with an HTML error page (default 502)
  reset                close the connection without an answer
  truncate             cut the body short
  slow-body[:SECONDS]  trickle the body over SECONDS (default 1)
  e.g. {fault} status:503@0.2 fails one request in five with a 503"""
