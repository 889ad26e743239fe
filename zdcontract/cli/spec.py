"""``zdcontract spec``: look at, check, learn and apply OpenAPI documents and overlays."""

from __future__ import annotations

import json
from typing import Any

import click

from ..spec import bundled_spec_path
from ..spec.lint import lint_document, lint_path
from ._common import overlay_option, user_spec, warn_about, write_output

__all__ = ["spec"]


@click.group()
def spec() -> None:
    """Inspect, lint, learn and apply OpenAPI documents and overlays."""


@spec.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@overlay_option()
def lint(path: str | None, overlays: tuple[str, ...]) -> None:
    """Report what is wrong with a spec (default: the bundled one); exit 1 if anything is.

    With --overlay, the spec is linted as the overlays leave it.
    """
    target = path or str(bundled_spec_path())
    if overlays:
        loaded = user_spec(path, overlays)
        warn_about(loaded)
        problems = lint_document(loaded.document)
        target = loaded.source if path else f"{target} + {' + '.join(overlays)}"
    else:
        problems = lint_path(target)
    for problem in problems:
        click.echo(f"{target}: {problem}")
    noun = "problem" if len(problems) == 1 else "problems"
    click.echo(f"{target}: {len(problems)} {noun}" if problems else f"{target}: no problems")
    click.get_current_context().exit(1 if problems else 0)


@spec.command()
@click.option("--overlay", "overlay", is_flag=True, help="Print where the shipped overlay is")
def path(overlay: bool) -> None:
    """Print where the bundled spec (or the shipped Zendesk overlay) is."""
    from ..spec.loader import shipped_overlay_path

    click.echo(str(shipped_overlay_path() if overlay else bundled_spec_path()))


@spec.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path(dir_okay=False))
@click.argument("overlay_paths", metavar="OVERLAY...", nargs=-1, required=True)
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="OUT",
    help="Where to write the result (.json for JSON, else YAML; - for stdout)",
)
@click.option("--strict", is_flag=True, help="An action whose target matches nothing is an error")
def apply(spec_path: str, overlay_paths: tuple[str, ...], output: str, strict: bool) -> None:
    """Apply Overlay 1.0 documents, in order, to SPEC and write the result for other tools."""
    loaded = user_spec(spec_path, overlay_paths, strict=strict)
    warn_about(loaded)
    document: Any = loaded.document
    if output.endswith(".json"):
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        from ..learn.learner import dump_overlay

        text = dump_overlay(document)
    written = write_output(output, text)
    if written:
        click.echo(f"{loaded.source} written to {written}", err=True)


@spec.command()
@click.argument("har_files", metavar="HAR...", nargs=-1, required=True)
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="OUT",
    help="Where to write the overlay (YAML; - for stdout)",
)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False),
    help="OpenAPI document the responses are checked against (default: the bundled spec)",
)
@overlay_option(help_text="Learn on top of this overlay (repeatable); the new one applies after")
@click.option("--title", help="info.title of the overlay")
def learn(
    har_files: tuple[str, ...],
    output: str,
    spec_path: str | None,
    overlays: tuple[str, ...],
    title: str | None,
) -> None:
    """Learn an Overlay 1.0 document from the responses recorded in HAR files.

    The overlay makes the recorded responses conform to the spec: undocumented fields get
    their inferred schemas, alternative shapes become anyOf branches, observed nulls make
    fields nullable, undocumented statuses are documented. Every action says what it rests
    on. Review it, then use it with --overlay or `zdcontract spec apply`.
    """
    from ..drift.findings import WHOLE_RESPONSE
    from ..learn import dump_overlay, read_samples
    from ..learn import learn as learn_overlay
    from ..reports._summary import plural

    loaded = user_spec(spec_path, overlays)
    warn_about(loaded)
    samples = read_samples(har_files, loaded)
    learned = learn_overlay(loaded, samples, title=title)
    written = write_output(output, dump_overlay(learned.document))
    actions = len(learned.actions) if learned.drifted else 0
    where = f"written to {written}" if written else "written to stdout"
    click.echo(
        f"learned {plural(actions, 'action')} from {plural(learned.samples, 'response')} "
        f"({learned.drifted} with drift); {where}",
        err=True,
    )
    for note in learned.notes:
        click.echo(f"note: {note}", err=True)
    if learned.residual:
        click.echo(
            f"{plural(len(learned.residual), 'finding')} not explained by the overlay "
            "(still drift):",
            err=True,
        )
        for sample, finding in learned.residual[:20]:
            click.echo(
                f"  {sample.operation} {sample.status} {finding.kind} "
                f"{finding.path or WHOLE_RESPONSE}: {finding.message}",
                err=True,
            )
