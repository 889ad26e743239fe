"""The CLI takes its imports out of the cyclic collector; the library leaves it alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_a_subcommand_freezes_what_it_imported_and_keeps_collecting() -> None:
    out = _python(
        """
        import gc
        import click
        from zdcontract.cli import cli
        ctx = click.Context(cli)
        cli.get_command(ctx, "run")
        frozen = gc.get_freeze_count()
        cli.get_command(ctx, "run")
        print(gc.isenabled(), frozen > 50_000, gc.get_freeze_count() == frozen)
        """
    )
    assert out == "True True True"


def test_a_disabled_collector_stays_disabled() -> None:
    out = _python(
        """
        import gc
        import click
        from zdcontract.cli import cli
        gc.disable()
        cli.get_command(click.Context(cli), "validate")
        print(gc.isenabled())
        """
    )
    assert out == "False"


def test_the_library_and_the_plugin_never_touch_the_collector() -> None:
    out = _python(
        """
        import gc
        import zdcontract, zdcontract.runner, zdcontract.plugin, zdcontract.mock
        from zdcontract.drift import DriftValidator
        DriftValidator().validate(b"{}", operation="CountActivities")
        print(gc.isenabled(), gc.get_freeze_count())
        """
    )
    assert out == "True 0"
