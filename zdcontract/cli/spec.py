"""``zdcontract spec``: look at and check OpenAPI documents."""

from __future__ import annotations

import click

from ..spec import bundled_spec_path
from ..spec.lint import lint_path

__all__ = ["spec"]


@click.group()
def spec() -> None:
    """Inspect and lint OpenAPI documents."""


@spec.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def lint(path: str | None) -> None:
    """Report what is wrong with a spec (default: the bundled one); exit 1 if anything is."""
    target = path or str(bundled_spec_path())
    problems = lint_path(target)
    for problem in problems:
        click.echo(f"{target}: {problem}")
    noun = "problem" if len(problems) == 1 else "problems"
    click.echo(f"{target}: {len(problems)} {noun}" if problems else f"{target}: no problems")
    click.get_current_context().exit(1 if problems else 0)


@spec.command()
def path() -> None:
    """Print where the bundled spec is."""
    click.echo(str(bundled_spec_path()))
