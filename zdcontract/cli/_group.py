"""The click group of ``zdcontract`` and the one place that turns failures into a status."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from .._version import __version__
from ..errors import ZdContractError
from . import _COMMANDS, SUMMARIES, _import_for_good, _importable

__all__ = ["cli", "report", "run_command"]


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


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zdcontract")
def cli() -> None:
    """Contract and drift testing for the Zendesk Activity Stream API."""


def run_command(argv: list[str] | None) -> Any:
    """The command line run through click; the status to exit with (one line printed)."""
    try:
        # standalone_mode=False hands back ctx.exit(code) as a return value instead of exiting
        return cli.main(args=argv, prog_name="zdcontract", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        return report("zdcontract: interrupted", 130)
    except click.ClickException as exc:
        # Every error line starts the same way, whichever subcommand and layer found it
        # (click's option parsing or zdcontract's own checks); the hint names the subcommand.
        context = getattr(exc, "ctx", None)
        where = context.command_path if context is not None else "zdcontract"
        hint = f" (see '{where} --help')" if isinstance(exc, click.UsageError) else ""
        source = _source_of(exc, sys.argv[1:] if argv is None else argv)
        return report(f"zdcontract: error: {exc.format_message()}{source}{hint}", 2)
    except ZdContractError as exc:
        return report(f"zdcontract: error: {exc.message}", exc.exit_code)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: never a traceback unless asked
        if os.environ.get("ZDCONTRACT_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        return report(
            f"zdcontract: internal error: {type(exc).__name__}: {message} "
            "(set ZDCONTRACT_DEBUG=1 for a traceback)",
            3,
        )


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


def report(line: str, code: int) -> int:
    """Print ``line`` on stderr; ``code`` is the status to exit with."""
    # An error can quote the target (a status line, a header): one printable line.
    from ..drift.findings import safe_text  # here: --help and --version stay light

    click.echo(safe_text(" ".join(line.split()), limit=4000), err=True)
    return code
