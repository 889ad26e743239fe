"""``zdcontract validate``: check a captured response, or a whole HAR file, against the contract."""

from __future__ import annotations

import json

import click

from ..drift import DriftValidator, Finding
from ..drift.findings import WHOLE_RESPONSE, safe_text
from ..files import open_input
from ._common import (
    exit_code_for,
    fail_on_option,
    overlay_option,
    read_input,
    spec_in_use,
    user_spec,
    warn_about,
)

#: Exit status of a replay that validated nothing: it must never read as a pass.
NOT_EXERCISED = 1

__all__ = ["NOT_EXERCISED", "render_text", "validate"]


@click.command()
@click.argument("body_file", metavar="[BODY_FILE]", required=False)
@click.option(
    "--har",
    "har_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Replay every response of a HAR file (browser, proxy or zdcontract run --record)",
)
@click.option("--operation", "-o", help="operationId, e.g. ListActivities")
@click.option("--url", help="The request URL instead of --operation (.json suffix understood)")
@click.option("--method", default="GET", show_default=True, help="HTTP method with --url")
@click.option(
    "--status",
    type=click.IntRange(100, 599),
    default=200,
    show_default=True,
    help="HTTP status code of the response",
)
@click.option(
    "--content-type",
    default="application/json",
    show_default=True,
    help="Content-Type header of the response",
)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False),
    help="OpenAPI document to validate against (default: the bundled spec)",
)
@overlay_option()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format",
)
@fail_on_option()
def validate(
    body_file: str | None,
    har_file: str | None,
    operation: str | None,
    url: str | None,
    method: str,
    status: int,
    content_type: str,
    spec_path: str | None,
    overlays: tuple[str, ...],
    fmt: str,
    fail_on: str,
) -> None:
    """Validate a response body (a file, or - for stdin) against the contract.

    With --har, validate every response of a HAR file instead, streamed (entries that no
    operation of the spec serves are counted and skipped).

    Exit status: 0 when nothing reaches --fail-on, 1 on drift, 2 on bad usage or input. A
    replay that validated no response at all (an empty HAR, or one whose entries no
    operation serves) is "not exercised" and exits 1 whatever --fail-on says: it has
    shown nothing about the contract.
    """
    if har_file is not None:
        if body_file is not None or operation is not None or url is not None:
            raise click.UsageError("--har replaces BODY_FILE, --operation and --url")
        _replay(har_file, spec_path, overlays, fmt, fail_on)
        return
    if body_file is None:
        raise click.UsageError("give BODY_FILE (or - for stdin), or --har FILE")
    if (operation is None) == (url is None):
        raise click.UsageError("give exactly one of --operation and --url")
    spec = user_spec(spec_path, overlays)
    warn_about(spec)
    validator = DriftValidator(spec)
    if operation is not None:
        operation = validator.spec.operation(operation).operation_id
    else:
        operation = validator.spec.match(method, str(url)).operation_id
    body = read_input(body_file)
    with spec_in_use(_users(spec_path, overlays), f"{operation} {status} responses"):
        findings = validator.validate(
            body, operation=operation, status=status, content_type=content_type
        )
    if fmt == "json":
        click.echo(json.dumps({"findings": [f.to_dict() for f in findings]}, indent=2))
    else:
        click.echo(render_text(findings, f"{operation} {status} {content_type}"))
    click.get_current_context().exit(exit_code_for(findings, fail_on))


def _users(spec_path: str | None, overlays: tuple[str, ...]) -> str | None:
    """The user's documents, if any: what to blame when validation breaks on them."""
    if spec_path is None and not overlays:
        return None
    return " + ".join([spec_path or "the bundled spec", *overlays])


def _replay(
    har_file: str, spec_path: str | None, overlays: tuple[str, ...], fmt: str, fail_on: str
) -> None:
    from ..monitor.har import replay_har  # the streaming parser only when replaying

    # A FIFO or a device would block the replay or never end: refused before the spec loads
    # (opened as the replay opens it, so it says the same; a FIFO is not waited on).
    with open_input(har_file, "HAR file"):
        pass
    spec = user_spec(spec_path, overlays)
    warn_about(spec)
    validator = DriftValidator(spec)
    with spec_in_use(_users(spec_path, overlays), f"the responses of {har_file}"):
        summary = replay_har(har_file, validator)
    findings = summary.findings
    if fmt == "json":
        document = {
            "har": har_file,
            "entries": summary.entries,
            "validated": summary.validated,
            "exercised": summary.exercised,
            "skipped": summary.skipped(),
            "operations": dict(sorted(summary.operations.items())),
            "findings": [f.to_dict() for f in findings],
        }
        click.echo(json.dumps(document, indent=2))
    elif not summary.exercised:
        why = (
            "the HAR has no entries"
            if not summary.entries
            else "no entry is a response, with a status and a recorded body, "
            "that an operation of the spec serves"
        )
        click.echo(
            safe_text(
                f"{har_file}: {summary.describe()}: not exercised: {why}; no response was "
                "validated, so nothing is known about the contract"
            )
        )
    else:
        click.echo(render_text(findings, f"{har_file}: {summary.describe()}"))
    # A replay that validated nothing has passed nothing: never exit 0 for it.
    code = exit_code_for(findings, fail_on) if summary.exercised else NOT_EXERCISED
    click.get_current_context().exit(code)


def render_text(findings: list[Finding], subject: str) -> str:
    """Findings as aligned lines a person reads at a glance.

    Every text is shown printable (control characters, lone surrogates escaped): a
    response, a HAR file or a header can hold anything, and this goes to a terminal.
    """
    subject = safe_text(subject)
    if not findings:
        return f"{subject}: conforms to the contract (no drift)"
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    noun = "finding" if len(findings) == 1 else "findings"
    lines = [f"{subject}: {len(findings)} {noun} ({summary})"]
    ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.path))
    width_kind = max(len(f.kind.value) for f in ordered)
    width_path = min(48, max(len(safe_text(f.path) or WHOLE_RESPONSE) for f in ordered))
    for finding in ordered:
        times = f"  (x{finding.count})" if finding.count > 1 else ""
        lines.append(
            f"  {finding.severity.value:<8}  {finding.kind.value:<{width_kind}}  "
            f"{safe_text(finding.path) or WHOLE_RESPONSE:<{width_path}}  "
            f"{safe_text(finding.message)}{times}"
        )
    return "\n".join(lines)
