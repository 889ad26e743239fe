"""``zdcontract run``: the main job — a property-based contract run with reports."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..reports import write_reports
from ..results import RunResult
from ..runner import RunConfig, credentials_from
from ..runner import run as run_contract
from ..runner.config import DEFAULT_OPERATIONS
from ..runner.settings import ENV_PREFIX, SECRET_KEYS, load_project_settings
from ._common import FAIL_ON, exit_code_for

__all__ = ["run"]


def _rate(value: str | None) -> float | None:
    """``100``, ``100/min`` or ``2/s`` as requests per minute."""
    if value is None:
        return None
    text = str(value).strip().lower()
    number, _, unit = text.partition("/")
    try:
        amount = float(number)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a rate such as 100/min", param_hint="--rate-limit"
        ) from None
    factor = {
        "": 1.0,
        "m": 1.0,
        "min": 1.0,
        "minute": 1.0,
        "s": 60.0,
        "sec": 60.0,
        "second": 60.0,
    }.get(unit)
    if factor is None or amount <= 0:
        raise click.BadParameter(
            f"'{value}' is not a rate such as 100/min", param_hint="--rate-limit"
        )
    return amount * factor


def _project_defaults(ctx: click.Context, _param: Any, value: Any) -> Any:
    settings = load_project_settings()
    ctx.meta["zdcontract.settings"] = settings
    known = {p.name: p for p in ctx.command.params if isinstance(p, click.Option)}
    defaults = {}
    for key, setting in settings.items():
        name = key.replace("-", "_")
        if name in known:
            defaults[name] = setting
        elif key not in SECRET_KEYS:
            raise click.UsageError(f"unknown setting '{key}' in [tool.zdcontract]")
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return value


class _Bar:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("generating requests", total=None)

    def start(self, total: int) -> None:
        self.progress.update(self.task, total=total, description="running")

    def advance(self, description: str) -> None:
        self.progress.update(self.task, advance=1, description=description)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl-C: reports are still written, marked interrupted."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command()
@click.option(
    "--config-file-defaults",
    is_eager=True,
    expose_value=False,
    hidden=True,
    callback=_project_defaults,
    default=None,
)
@click.option(
    "--base-url", envvar=f"{ENV_PREFIX}_BASE_URL", help="A live Zendesk (or any server) to test"
)
@click.option(
    "--subdomain", envvar="ZENDESK_SUBDOMAIN", help="A live account: https://SUBDOMAIN.zendesk.com"
)
@click.option(
    "--spec", "spec", envvar=f"{ENV_PREFIX}_SPEC", help="OpenAPI document (default: bundled)"
)
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    envvar=f"{ENV_PREFIX}_MAX_EXAMPLES",
    help="Generated cases per operation and phase",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    envvar=f"{ENV_PREFIX}_SEED",
    help="Seed for reproducible requests (printed when not given)",
)
@click.option(
    "--report-dir",
    default="reports",
    show_default=True,
    envvar=f"{ENV_PREFIX}_REPORT_DIR",
    type=click.Path(file_okay=False),
    help="Where the reports are written",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="warning",
    show_default=True,
    envvar=f"{ENV_PREFIX}_FAIL_ON",
    help="Exit 1 when a finding is at least this severe",
)
@click.option(
    "--max-requests",
    type=click.IntRange(min=1),
    envvar=f"{ENV_PREFIX}_MAX_REQUESTS",
    help="Request budget (live default: 1000)",
)
@click.option(
    "--rate-limit",
    envvar=f"{ENV_PREFIX}_RATE_LIMIT",
    help="Client-side limit, e.g. 100/min or 2/s (live default: 100/min)",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    envvar=f"{ENV_PREFIX}_WORKERS",
    help="Concurrent requests (default: 1 live, 4 against the mock)",
)
@click.option(
    "--allow-writes",
    is_flag=True,
    envvar=f"{ENV_PREFIX}_ALLOW_WRITES",
    help="Permit methods other than GET (off: the target is read-only)",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    envvar=f"{ENV_PREFIX}_TIMEOUT",
    help="Seconds to wait for a response",
)
@click.option(
    "--operation",
    "operations",
    multiple=True,
    help="Only these operationIds (repeatable; default: the three Activity operations)",
)
@click.option(
    "--profile",
    type=click.Choice(["zendesk", "conformant"]),
    default="zendesk",
    show_default=True,
    help="Profile of the embedded mock (no target given)",
)
@click.option(
    "--mock-drift",
    multiple=True,
    metavar="MUTATION",
    help="Make the embedded mock drift, e.g. remove:/activities/*/title (repeatable)",
)
@click.option(
    "--mock-fault",
    multiple=True,
    metavar="FAULT",
    help="Inject a fault into the embedded mock, e.g. status:503@0.2 (repeatable)",
)
@click.option("--no-checks", is_flag=True, help="Skip the Zendesk behaviour checks")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary table")
def run(**options: Any) -> None:
    """Run the contract suite against the embedded mock (default) or a live Zendesk.

    Writes JSON, JUnit XML, Markdown and HTML reports to --report-dir. Exit status: 0 when
    nothing reaches --fail-on, 1 on drift, 2 on bad usage or an unusable target, 130 when
    interrupted (the reports then hold what was found until then).
    """
    ctx = click.get_current_context()
    settings = ctx.meta.get("zdcontract.settings", {})
    config = RunConfig(
        base_url=options["base_url"],
        subdomain=options["subdomain"],
        spec_path=options["spec"],
        max_examples=options["max_examples"],
        seed=options["seed"],
        fail_on=options["fail_on"],
        max_requests=options["max_requests"],
        rate_limit=_rate(options["rate_limit"]),
        workers=options["workers"],
        allow_writes=options["allow_writes"],
        timeout=options["timeout"],
        profile=options["profile"],
        mock_drift=tuple(options["mock_drift"]),
        mock_faults=tuple(options["mock_fault"]),
        behaviour_checks=not options["no_checks"],
        credentials=credentials_from(config=settings),
        operations=tuple(options["operations"]) or DEFAULT_OPERATIONS,
    )
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False)
    quiet = options["quiet"]

    def announce(seed: int) -> None:
        target = config.target_url or f"the embedded mock (profile {config.profile})"
        click.echo(
            f"zdcontract run: {target}, seed {seed} (reproduce with --seed {seed})", err=True
        )

    columns = (
        TextColumn("{task.description:<20}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with (
        _sigterm_interrupts(),
        Progress(
            *columns, console=err, transient=True, disable=quiet or not err.is_terminal
        ) as bar,
    ):
        result = run_contract(config, _Bar(bar), on_seed=announce)
    secrets = config.credentials.secrets() if config.credentials else ()
    paths = write_reports(result, options["report_dir"], secrets=secrets)
    if not quiet:
        _summary(out, result)
    for name, path in paths.items():
        out.print(f"{name:>8} report: {path}")
    code = 130 if result.interrupted else exit_code_for(result.findings, config.fail_on)
    ctx.exit(code)


def _summary(console: Console, result: RunResult) -> None:
    requests = Table(title="Requests", title_justify="left", show_edge=False)
    for column in ("operation", "requests", "statuses", "transport errors", "rate limited"):
        requests.add_column(
            column, justify="left" if column in ("operation", "statuses") else "right"
        )
    for op in result.operations:
        statuses = ", ".join(f"{k}×{v}" for k, v in sorted(op.statuses.items()))
        requests.add_row(
            op.operation, str(op.requests), statuses, str(op.transport_errors), str(op.rate_limited)
        )
    console.print(requests)
    if not result.findings:
        console.print("No drift: every response matched the contract.")
    else:
        by = Table(title="Findings", title_justify="left", show_edge=False)
        by.add_column("severity")
        by.add_column("kind")
        by.add_column("distinct", justify="right")
        by.add_column("occurrences", justify="right")
        groups: dict[tuple[str, str], list[int]] = {}
        for f in result.findings:
            groups.setdefault((f.severity.value, f.kind.value), []).append(f.count)
        rank = {"breaking": 0, "warning": 1, "info": 2}
        for (severity, kind), counts in sorted(
            groups.items(), key=lambda g: (rank[g[0][0]], g[0][1])
        ):
            by.add_row(severity, kind, str(len(counts)), str(sum(counts)))
        console.print(by)
        console.print("Top drift")
        ordered = sorted(result.findings, key=lambda f: (-f.severity.rank, -f.count))
        for f in ordered[:10]:
            where = ", ".join(f.examples[:2]) or f.path or "(response)"
            console.print(
                f"  {f.severity.value:<8} {f.operation:<15} {f.kind.value:<19} x{f.count:<4} "
                f"{where}  {f.message}",
                markup=False,
            )
    for note in result.notes:
        console.print(f"note: {note}")
    if sys.stdout.isatty():
        console.print()
