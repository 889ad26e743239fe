"""The session's target: ``--zd-base-url``, or the embedded mock started on first use.

Nothing starts before something asks: a session that never touches the target opens no
socket. One HttpClient serves the whole process, so ``zd_client`` and the contract items
share one pacer, one request budget and one Retry-After pause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import TargetError, ZdContractError
from ..results import Target
from .options import Options

if TYPE_CHECKING:
    from ..mock import MockServer
    from ..runner import Credentials, HttpClient
    from ..runner.suite import Suite

__all__ = ["SessionTarget"]


class SessionTarget:
    """Lazily started mock, lazily built client; ``close()`` undoes whatever was started."""

    def __init__(self, options: Options, seed: int) -> None:
        """Serve ``options``; ``seed`` seeds the embedded mock's dataset."""
        self.options = options
        self.seed = seed
        self._mock: MockServer | None = None
        self._client: HttpClient | None = None
        self._probed: TargetError | bool = False

    @property
    def live(self) -> bool:
        """Whether the target is --zd-base-url rather than the embedded mock."""
        return self.options.base_url is not None

    @property
    def mock(self) -> MockServer:
        """The embedded mock, started now if it is not running yet."""
        if self._mock is None:
            from ..mock import MockConfig, MockServer

            config = MockConfig(
                profile=self.options.mock_profile,  # type: ignore[arg-type]  # coerced there
                seed=self.seed,
                activities=self.options.mock_activities,
                drift=self.options.mock_drift,
                faults=self.options.mock_faults,
            )
            self._mock = MockServer(config).start()
        return self._mock

    @property
    def used(self) -> bool:
        """Whether the session started the mock or built the client."""
        return self._mock is not None or self._client is not None

    def credentials(self) -> Credentials | None:
        """From ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL + ZENDESK_API_TOKEN, as the CLI reads them.

        Raises:
            UsageError: an API token without an email.
        """
        from ..runner import credentials_from

        return credentials_from()

    def credentials_or_none(self) -> Credentials | None:
        """The credentials, or None when the environment holds none or only half a pair."""
        try:
            return self.credentials()
        except ZdContractError:
            return None

    def secrets(self) -> tuple[str, ...]:
        """What must never appear in output (nothing when the environment holds no credentials)."""
        credentials = self.credentials_or_none()
        return credentials.secrets() if credentials is not None else ()

    @property
    def client(self) -> HttpClient:
        """The session's HTTP client, bound to the target (starting the mock if it is that)."""
        if self._client is None:
            from ..runner.engine import client_for

            base_url = self.options.base_url or self.mock.url
            self._client = client_for(
                self.options.run_config(self.credentials()), base_url, self.live
            )
        return self._client

    def probe(self, suite: Suite) -> None:
        """Probe the target once for ``suite`` (it learns the target's paths); TargetError
        (the same one every time) when the target does not answer or refuses us."""
        if self._probed is False:
            self._probed = True
            try:
                suite.probe()
            except TargetError as exc:
                self._probed = exc
        if isinstance(self._probed, TargetError):
            raise self._probed

    def describe(self) -> Target:
        """What the reports say was tested (never a credential)."""
        credentials = self.credentials_or_none()
        auth = credentials.scheme if credentials is not None else None
        if self.options.base_url is not None:
            return Target(url=self.options.base_url, kind="live", auth=auth)
        url = self._mock.url if self._mock is not None and self._mock.running else "(not started)"
        return Target(url=url, kind="mock", profile=self.options.mock_profile, auth=auth)

    def close(self) -> None:
        """Close the client and stop the mock, if they were ever made."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
