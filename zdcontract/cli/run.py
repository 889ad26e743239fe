"""``zdcontract run``: the main job — a property-based contract run with reports."""

from __future__ import annotations

import math
import os
from contextlib import ExitStack
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..monitor import HarRecorder
from ..monitor.session import MonitorOptions, check_writable, finish_run, select_baseline
from ..runner import RunConfig, credentials_from, keep_caches_out_of_the_working_directory
from ..runner import run as run_contract
from ..runner.config import (
    DEFAULT_MAX_TIME,
    DEFAULT_MAX_WAIT,
    DEFAULT_OPERATIONS,
    MAX_EXAMPLES,
    MAX_TIME_LIMIT,
    MAX_TIMEOUT,
    MAX_WAIT_LIMIT,
    http_url_problem,
    parse_rate,
)
from ..runner.settings import ENV_PREFIX, SECRET_KEYS, load_project_settings, project_file
from ..spec import load_spec
from ._common import (
    FAIL_ON,
    SETTINGS_FILE_META,
    overlay_option,
    spec_in_use,
    user_spec,
    warn_about,
)
from ._mock_options import drift_callback, fault_callback, mock_syntax
from ._signals import deferred
from ._terminal import print_summary

__all__ = ["run"]


def _rate_option(_ctx: click.Context, _param: click.Parameter, value: Any) -> float | None:
    """``100``, ``100/min`` or ``2/s`` as requests per minute."""
    if value is None:
        return None
    try:
        return parse_rate(str(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rate-limit") from None


def _finite_seconds(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


_SIZE_UNITS = {"": 1, "b": 1, "kb": 1000, "kib": 1024, "mb": 1000**2, "mib": 1024**2,
               "gb": 1000**3, "gib": 1024**3}  # fmt: skip


def _size(_ctx: click.Context, _param: click.Parameter, value: Any) -> int | None:
    """``16MiB``, ``500KB`` or a number of bytes, as bytes."""
    if value is None:
        return None
    text = str(value).strip().lower().replace(" ", "")
    number = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    factor = _SIZE_UNITS.get(text[len(number) :])
    try:
        amount = float(number)
    except ValueError:
        amount = math.nan
    # A finite number times its unit can still overflow (1e308GiB): no size either.
    if factor is None or not math.isfinite(amount * factor) or amount <= 0:
        raise click.BadParameter(f"'{value}' is not a size such as 16MiB or 500KB")
    return int(amount * factor)


def _webhook(_ctx: click.Context, _param: click.Parameter, value: Any) -> str | None:
    """An http(s) URL with a host: checked before the run, not once the alert is due."""
    if value is None:
        return None
    problem = http_url_problem(str(value))
    if problem is not None:
        raise click.BadParameter(problem)
    return str(value)


def _setting_type(param: click.Option) -> tuple[tuple[type, ...], str]:
    """The TOML types a setting for ``param`` may have, and how to say so."""
    if param.is_flag:
        return (bool,), "true or false"
    if param.multiple:
        return (list, str), "a list of strings"
    if param.name == "rate_limit":
        return (str, int, float), 'a rate such as "100/min"'
    if isinstance(param.type, click.types.IntParamType):
        return (int,), "an integer"
    if isinstance(param.type, click.types.FloatParamType):
        return (int, float), "a number"
    return (str,), "a string"


def _check_setting(file: str, key: str, value: Any, param: click.Option) -> Any:
    """``value`` as click takes it; UsageError naming the file and key for a wrong type."""
    types, expected = _setting_type(param)
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if ok and isinstance(value, list):
        ok = all(isinstance(item, str) for item in value)
    if not ok:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise click.UsageError(
            f"{file}: [tool.zdcontract] '{key}' must be {expected} (got {shown})"
        )
    return [value] if param.multiple and isinstance(value, str) else value


def _project_defaults(ctx: click.Context, _param: Any, value: Any) -> Any:
    settings = load_project_settings()
    ctx.meta["zdcontract.settings"] = settings
    file = str(project_file() or "pyproject.toml")
    ctx.meta[SETTINGS_FILE_META] = file
    # Keys are the long option names: ``operation`` sets --operation (stored as operations).
    known = {
        opt[2:]: p
        for p in ctx.command.params
        if isinstance(p, click.Option) and p.expose_value and not p.hidden
        for opt in p.opts
        if opt.startswith("--")
    }
    defaults = {}
    for key, setting in settings.items():
        param = known.get(key)
        if param is not None and param.name is not None:
            defaults[param.name] = _check_setting(file, key, setting, param)
        elif key not in SECRET_KEYS:
            raise click.UsageError(f"unknown setting '{key}' in [tool.zdcontract] of {file}")
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


@click.command(epilog=mock_syntax("--mock-drift", "--mock-fault"))
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
@overlay_option()
@click.option(
    "--max-examples",
    type=click.IntRange(min=1, max=MAX_EXAMPLES),
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
    callback=_rate_option,
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
    type=click.FloatRange(min=0.1, max=MAX_TIMEOUT),
    default=30.0,
    show_default=True,
    envvar=f"{ENV_PREFIX}_TIMEOUT",
    callback=_finite_seconds,
    help="Seconds a whole response (headers and body) may take",
)
@click.option(
    "--max-time",
    type=click.FloatRange(min=1, max=MAX_TIME_LIMIT),
    default=DEFAULT_MAX_TIME,
    show_default=True,
    envvar=f"{ENV_PREFIX}_MAX_TIME",
    callback=_finite_seconds,
    help="Seconds the whole run may take; then it stops sending (what is left: not exercised)",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0, max=MAX_WAIT_LIMIT),
    default=DEFAULT_MAX_WAIT,
    show_default=True,
    envvar=f"{ENV_PREFIX}_MAX_WAIT",
    callback=_finite_seconds,
    help="Longest single wait a server may ask for (Retry-After); beyond it the run stops sending",
)
@click.option(
    "--max-body-size",
    default="16MiB",
    show_default=True,
    envvar=f"{ENV_PREFIX}_MAX_BODY_SIZE",
    callback=_size,
    help="Most bytes one body may have once decoded; a larger one is a finding, not read",
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
    callback=drift_callback,
    help="Make the embedded mock drift, e.g. remove:/activities/*/title (syntax below; repeatable)",
)
@click.option(
    "--mock-fault",
    multiple=True,
    metavar="FAULT",
    callback=fault_callback,
    help="Inject a fault into the embedded mock, e.g. status:503@0.2 (syntax below; repeatable)",
)
@click.option("--no-checks", is_flag=True, help="Skip the Zendesk behaviour checks")
@click.option(
    "--baseline",
    envvar=f"{ENV_PREFIX}_BASELINE",
    type=click.Path(dir_okay=False),
    help="Accepted drift: only new findings fail the run "
    "(default: the shipped Zendesk baseline for live targets and the zendesk mock)",
)
@click.option(
    "--update-baseline",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Accept this run's findings: write them to FILE as the baseline (exit 0)",
)
@click.option(
    "--no-baseline",
    is_flag=True,
    envvar=f"{ENV_PREFIX}_NO_BASELINE",
    help="Apply no baseline: every finding is new",
)
@click.option(
    "--history",
    envvar=f"{ENV_PREFIX}_HISTORY",
    type=click.Path(dir_okay=False),
    help="Run history to append to (default: REPORT_DIR/history.jsonl)",
)
@click.option(
    "--notify-url",
    envvar=f"{ENV_PREFIX}_NOTIFY_URL",
    metavar="URL",
    callback=_webhook,
    help="POST a JSON summary of new drift here (Slack-compatible); never fails the run",
)
@click.option(
    "--record",
    type=click.Path(dir_okay=False),
    metavar="PATH",
    help="Record every exchange as a HAR file (credentials masked)",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary table")
def run(**options: Any) -> None:
    """Run the contract suite against the embedded mock (default) or a live Zendesk.

    Writes JSON, JUnit XML, Markdown and HTML reports to --report-dir and appends the run
    to the history. With a baseline (the shipped Zendesk one by default for live targets and
    the zendesk mock) findings are new or known, and only new drift fails the run. Exit
    status: 0 when no new finding reaches --fail-on, 1 on new drift, 2 on bad usage or an
    unusable target, 130 when interrupted (the reports then hold what was found until then).
    """
    ctx = click.get_current_context()
    settings = ctx.meta.get("zdcontract.settings", {})
    config = RunConfig(
        base_url=options["base_url"],
        subdomain=options["subdomain"],
        spec_path=options["spec"],
        overlays=tuple(options["overlays"]),
        max_examples=options["max_examples"],
        seed=options["seed"],
        fail_on=options["fail_on"],
        max_requests=options["max_requests"],
        rate_limit=options["rate_limit"],
        workers=options["workers"],
        allow_writes=options["allow_writes"],
        timeout=options["timeout"],
        max_time=options["max_time"],
        max_wait=options["max_wait"],
        max_body_size=options["max_body_size"],
        profile=options["profile"],
        mock_drift=tuple(options["mock_drift"]),
        mock_faults=tuple(options["mock_fault"]),
        behaviour_checks=not options["no_checks"],
        credentials=credentials_from(config=settings),
        operations=tuple(options["operations"]) or DEFAULT_OPERATIONS,
    )
    monitor = MonitorOptions(
        baseline=options["baseline"],
        update_baseline=options["update_baseline"],
        no_baseline=options["no_baseline"],
        history=options["history"],
        notify_url=options["notify_url"],
        record=options["record"],
        report_url=_ci_run_url(),
    )
    # A spec or an operation the run cannot use is one line, before the run announces itself
    # (load_spec caches: the run below reads the same document again for free).
    users = config.spec_path or config.overlays
    spec = user_spec(config.spec_path, config.overlays) if users else load_spec()
    warn_about(spec)
    for name in config.operations:
        spec.operation(name)
    baseline = select_baseline(monitor, live=config.live, profile=config.profile)
    check_writable(monitor, options["report_dir"])
    keep_caches_out_of_the_working_directory()
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False)
    quiet = options["quiet"]
    secrets = config.credentials.secrets() if config.credentials else ()

    def announce(seed: int) -> None:
        target = config.target_url or f"the embedded mock (profile {config.profile})"
        # stdout, like everything the run prints but errors: a captured log keeps the order.
        out.print(
            f"zdcontract run: {target}, seed {seed} (reproduce with --seed {seed})", markup=False
        )

    columns = (
        TextColumn("{task.description:<20}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with ExitStack() as stack:
        # Installed until the last report is written: a signal while writing must not
        # leave some formats new and others old, or none at all.
        interrupts = stack.enter_context(deferred())
        with ExitStack() as running:
            bar = running.enter_context(
                Progress(
                    *columns, console=err, transient=True, disable=quiet or not err.is_terminal
                )
            )
            recorder = None
            if options["record"]:
                recorder = running.enter_context(HarRecorder(options["record"], secrets=secrets))
            with spec_in_use(spec.source if users else None, "the run's responses"):
                result = run_contract(
                    config,
                    _Bar(bar),
                    on_seed=announce,
                    on_exchange=recorder.record if recorder is not None else None,
                    stop=interrupts.stop,
                )
        # finish_run masks the secrets in the result first: history, baseline, terminal and
        # alerts see it as the reports show it (a secret the target echoed into a finding).
        outcome = finish_run(
            result,
            monitor,
            baseline,
            report_dir=options["report_dir"],
            secrets=secrets,
            stop=interrupts.stop,
        )
        if not quiet:
            print_summary(out, outcome.result, outcome.classification)
        for line in outcome.messages:
            out.print(line, markup=False)
        for line in outcome.warnings:
            click.echo(line, err=True)
        for name, path in outcome.paths.items():
            out.print(f"{name:>8} {'report' if name in _REPORTS else 'file'}: {path}", markup=False)
        if recorder is not None:
            out.print(
                f"{'har':>8} file: {recorder.path} ({recorder.entries} entries)", markup=False
            )
        out.print(outcome.line, markup=False)
    # A signal after the run (while writing, while alerting) still means "interrupted".
    ctx.exit(130 if interrupts.received else outcome.exit_code)


_REPORTS = ("json", "junit", "markdown", "html")


def _ci_run_url() -> str | None:
    """The CI run's page, for alerts (GitHub Actions sets these)."""
    server, repo, run_id = (
        os.environ.get(name) for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    return f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else None
