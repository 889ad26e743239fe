"""``zdcontract mock``: serve the embedded Zendesk mock until SIGINT or SIGTERM."""

from __future__ import annotations

import sys

import click
import orjson

from ..mock.app import CONTRACT_PATH
from ..mock.config import MAX_ACTIVITIES, MockConfig, Profile
from ..mock.server import MockServer, serve
from ._common import overlay_option, user_spec, warn_about
from ._mock_options import drift_callback, fault_callback, mock_syntax

__all__ = ["mock"]


@click.command("mock", epilog=mock_syntax("--drift", "--fault"))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="Port to listen on (0: any free port)",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the dataset and faults"
)
@click.option(
    "--activities",
    type=click.IntRange(0, MAX_ACTIVITIES),
    default=250,
    show_default=True,
    help="Number of activities in the dataset",
)
@click.option(
    "--profile",
    type=click.Choice([p.value for p in Profile]),
    default=Profile.ZENDESK.value,
    show_default=True,
    help="zendesk: the live API with its deviations; conformant: only what the spec documents",
)
@click.option(
    "--auth-token",
    envvar="ZDCONTRACT_MOCK_TOKEN",
    metavar="TOKEN",
    help="Require this API token (basic {email}/token) or bearer token [env ZDCONTRACT_MOCK_TOKEN]",
)
@click.option("--auth-email", metavar="EMAIL", help="Require this email with the API token")
@click.option(
    "--rate-limit", type=click.IntRange(min=1), metavar="N", help="Allow N requests per minute"
)
@click.option(
    "--count-total",
    type=click.IntRange(min=0),
    metavar="N",
    help="Count that CountActivities reports (above 100000: capped and refreshing)",
)
@click.option(
    "--drift",
    multiple=True,
    metavar="MUTATION",
    callback=drift_callback,
    help="Inject drift, e.g. remove:/activities/*/title (syntax below; repeatable)",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="FAULT",
    callback=fault_callback,
    help="Inject a fault, e.g. status:503@0.2 (syntax below; repeatable)",
)
@click.option("--public-url", metavar="URL", help="Base URL written into links and urls")
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False),
    help=f"OpenAPI document served at {CONTRACT_PATH} (default: the bundled spec)",
)
@overlay_option(f"Apply this Overlay 1.0 document to the spec served at {CONTRACT_PATH}")
def mock(
    host: str,
    port: int,
    seed: int,
    activities: int,
    profile: str,
    auth_token: str | None,
    auth_email: str | None,
    rate_limit: int | None,
    count_total: int | None,
    drift: tuple[str, ...],
    faults: tuple[str, ...],
    public_url: str | None,
    spec_path: str | None,
    overlays: tuple[str, ...],
) -> None:
    """Serve a mock Zendesk Activity Stream API, logging one line per request.

    The mock also serves the OpenAPI document it is described by at /openapi.json: the
    bundled spec (or --spec) with every --overlay applied, for other tools to read.
    """
    contract = user_spec(spec_path, overlays)
    warn_about(contract)
    config = MockConfig(
        host=host,
        port=port,
        seed=seed,
        activities=activities,
        profile=Profile(profile),
        auth_token=auth_token,
        auth_email=auth_email,
        rate_limit=rate_limit,
        count_total=count_total,
        drift=drift,
        faults=faults,
        public_url=public_url,
        contract=orjson.dumps(dict(contract.document)),
    )

    def announce(server: MockServer) -> None:
        click.echo(
            f"zdcontract mock serving {server.url} (profile {config.profile}, "
            f"{config.activities} activities, seed {config.seed})"
        )
        if spec_path or overlays:
            click.echo(f"zdcontract mock contract {server.url}{CONTRACT_PATH} ({contract.source})")

    serve(config, access_log=sys.stdout, on_ready=announce)
