"""The first request of a run: is the target there, does it take the credentials, and
which form of the spec's paths does it answer?

Zendesk answers ``/api/v2/activities`` and ``/api/v2/activities.json`` alike; the spec's
paths have no suffix; other servers (Prism, gateways, recorded fixtures) may know only one
form. The run uses the spec's paths, and the ``.json`` form only when the target answers
that alone: found out once, here, so that no user has to guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import TargetError
from ..spec import Spec
from .checks import Paths
from .client import Exchange, HttpClient
from .observe import json_object

__all__ = ["Probed", "paths_of", "probe"]

_CREDENTIALS_HINT = "set ZENDESK_EMAIL and ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN"


def paths_of(spec: Spec) -> Paths:
    """The three operations' paths as the spec names them (defaults for those it lacks)."""
    defaults = Paths()
    operations = spec.operations
    return Paths(
        listing=operations["ListActivities"].path
        if "ListActivities" in operations
        else defaults.listing,
        count=operations["CountActivities"].path
        if "CountActivities" in operations
        else defaults.count,
        show_template=operations["ShowActivity"].path
        if "ShowActivity" in operations
        else defaults.show_template,
    )


def _unusable(client: HttpClient, exchange: Exchange) -> TargetError | None:
    if exchange.error is not None:  # after the retries, or at once if retrying is futile
        return TargetError(f"cannot reach {client.base_url}: {exchange.error}")
    if exchange.status in (401, 403):
        return TargetError(
            f"{client.base_url} refused the credentials (HTTP {exchange.status}); "
            + _CREDENTIALS_HINT
        )
    return None


Observer = Callable[[str, Exchange], Any]


@dataclass(frozen=True, slots=True)
class Probed:
    """What the probe learnt: the target's paths, a note worth reporting, a real id."""

    paths: Paths
    note: str | None = None
    sample_id: int | None = None  # an activity the target holds, for ShowActivity


def probe(client: HttpClient, spec: Spec, observe: Observer) -> Probed:
    """Ask the target for one activity of its listing: is it there, does it take the
    credentials, which form of the paths does it answer, which id can ShowActivity show?

    The probe's requests are counted with ListActivities (``observe``); raises TargetError
    when the target does not answer at all or refuses the credentials.
    """
    paths = paths_of(spec)

    def ask(where: Paths) -> Exchange:
        exchange = client.get(where.list(), params={"per_page": 1})
        observe("ListActivities", exchange)
        return exchange

    exchange = ask(paths)
    problem = _unusable(client, exchange)
    if problem is not None:
        raise problem
    if exchange.status == 404:
        suffixed = Paths(paths.listing, paths.count, paths.show_template, ".json")
        second = ask(suffixed)
        if second.error is None and 200 <= second.status < 300:
            note = (
                f"the target answers the spec's paths only with a .json suffix "
                f"({paths.list()} answered 404, {suffixed.list()} {second.status})"
            )
            return Probed(suffixed, note, _first_id(second))
    return Probed(paths, None, _first_id(exchange))


def _first_id(exchange: Exchange) -> int | None:
    body = json_object(exchange)
    items = body.get("activities") if body is not None else None
    first = items[0] if isinstance(items, list) and items else None
    ident = first.get("id") if isinstance(first, dict) else None
    return ident if isinstance(ident, int) and not isinstance(ident, bool) else None
