"""The ``zdcontract`` command: a thin front-end over the library.

Subcommands are imported only when used, so ``zdcontract --help`` and ``zdcontract validate``
do not pay for importing schemathesis or the HTTP server: the command list of ``--help``
comes from a table of one-line summaries (tests/cli hold it equal to each command's own),
not from importing every command to read its docstring.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
import sys
from typing import Any

import click

from .._version import __version__
from ..errors import ZdContractError

__all__ = ["SUMMARIES", "main"]

# command name -> "module:attribute"
_COMMANDS = {
    "validate": "zdcontract.cli.validate:validate",
    "spec": "zdcontract.cli.spec:spec",
    "mock": "zdcontract.cli.mock:mock",
    "run": "zdcontract.cli.run:run",
}


# command name -> the first sentence of its help (what ``--help`` lists)
SUMMARIES = {
    "validate": "Validate a response body (a file, or - for stdin) against the contract.",
    "spec": "Inspect and lint OpenAPI documents.",
    "mock": "Serve a mock Zendesk Activity Stream API, logging one line per request.",
    "run": "Run the contract suite against the embedded mock (default) or a live Zendesk.",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in _COMMANDS if _importable(name))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, as click lays it out, without importing the commands."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        # A stand-in command shortens a summary exactly as the real one shortens its help.
        rows = [
            (name, click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None or not _importable(cmd_name):
            return None
        module, _, attribute = target.partition(":")
        command = getattr(_import_for_good(module), attribute)
        assert isinstance(command, click.Command)
        return command


def _import_for_good(module: str) -> Any:
    """Import a subcommand's module and take what it loaded out of the cyclic collector.

    A run imports schemathesis, Hypothesis, rich and the rest: some 80,000 tracked objects
    that live as long as the process. Left tracked, every full collection walks all of them
    again: a fifth of a 25-example run against the mock went to the collector. Collection
    pauses while they are created and gc.freeze() then moves them to the permanent
    generation; only objects made afterwards are ever examined. Done once per module, on
    its first import, so a process that calls main() many times (a test suite) freezes no
    more than that. The library itself never touches the collector of the process it is
    imported into.
    """
    if module in sys.modules:
        return sys.modules[module]
    enabled = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(module)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _importable(name: str) -> bool:
    module = _COMMANDS[name].partition(":")[0]
    return importlib.util.find_spec(module) is not None


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zdcontract")
def cli() -> None:
    """Contract and drift testing for the Zendesk Activity Stream API."""


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; every failure to run is one line on stderr and exit status 2."""
    try:
        # standalone_mode=False hands back ctx.exit(code) as a return value instead of exiting
        status = cli.main(args=argv, prog_name="zdcontract", standalone_mode=False)
    except click.exceptions.Exit as exc:
        status = exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        _fail("zdcontract: interrupted", 130)
    except click.ClickException as exc:
        context = getattr(exc, "ctx", None)
        where = context.command_path if context is not None else "zdcontract"
        hint = f" (see '{where} --help')" if isinstance(exc, click.UsageError) else ""
        source = _source_of(exc, sys.argv[1:] if argv is None else argv)
        _fail(f"{where}: error: {exc.format_message()}{source}{hint}", 2)
    except ZdContractError as exc:
        _fail(f"zdcontract: error: {exc.message}", exc.exit_code)
    except BrokenPipeError:
        status = 0
    except Exception as exc:  # the last line of defence: never a traceback unless asked
        if os.environ.get("ZDCONTRACT_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        _fail(
            f"zdcontract: internal error: {type(exc).__name__}: {message} "
            "(set ZDCONTRACT_DEBUG=1 for a traceback)",
            3,
        )
    sys.exit(status if isinstance(status, int) else 0)


def _source_of(exc: click.ClickException, argv: list[str]) -> str:
    """Where a bad option value came from, when not from the command line.

    A value from ``ZDCONTRACT_*`` or from ``[tool.zdcontract]`` is not in front of the user:
    the error says which variable or file to fix.
    """
    param = getattr(exc, "param", None)
    context = getattr(exc, "ctx", None)
    if not isinstance(exc, click.BadParameter) or not isinstance(param, click.Option):
        return ""
    flags = [*param.opts, *param.secondary_opts]
    for arg in argv:
        if arg == "--":
            break
        if any(arg == flag or arg.startswith(f"{flag}=") for flag in flags if flag[:2] == "--"):
            return ""
        if any(arg.startswith(flag) for flag in flags if flag[:2] != "--"):
            return ""
    envvars = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or ())
    for name in envvars:
        if os.environ.get(name) is not None:
            return f" (from the environment variable {name})"
    if context is not None and param.name in (context.default_map or {}):
        from ._common import SETTINGS_FILE_META

        file = context.meta.get(SETTINGS_FILE_META, "pyproject.toml")
        return f" (from [tool.zdcontract] in {file})"
    return ""


def _fail(line: str, code: int) -> None:
    # An error can quote the target (a status line, a header): one printable line.
    from ..drift.findings import safe_text  # here: --help and --version stay light

    click.echo(safe_text(" ".join(line.split()), limit=4000), err=True)
    sys.exit(code)
