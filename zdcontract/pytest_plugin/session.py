"""The plugin's one object per session: built in pytest_configure, kept in ``config.stash``.

Its hooks are a few lines each; the work is in the recorder (what was found), the target
(where requests go), the contract runner (the suite's pieces) and the report writers that
the CLI uses too. Under pytest-xdist a worker writes nothing: it ships its recorder to the
controller (see xdist.py), which writes one merged report.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..drift import aggregate
from ..errors import UsageError, ZdContractError
from .baseline import load_baseline
from .items import SUITE, ContractSuite, suite_order
from .options import Options
from .recorder import DriftRecorder, failing
from .summary import drift_table, failure_text, target_line, verdict_line
from .target import SessionTarget

if TYPE_CHECKING:
    from ..drift import DriftValidator, Finding
    from ..runner import Exchange
    from .contract import ContractRunner

__all__ = ["PLUGIN_KEY", "WORKER_SEED", "ZdContractPlugin"]

PLUGIN_KEY = pytest.StashKey["ZdContractPlugin"]()
#: The controller's seed for every worker, in xdist's ``workerinput``.
WORKER_SEED = "zdcontract_seed"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class ZdContractPlugin:
    """The session's drift: options, target, recorder, and the hooks that report it."""

    def __init__(self, config: pytest.Config, options: Options) -> None:
        """Read the baseline and settle the seed; nothing is started yet."""
        self.config = config
        self.options = options
        self.workerinput: Mapping[str, Any] | None = getattr(config, "workerinput", None)
        try:
            self.known = load_baseline(options.baseline) if options.baseline else frozenset()
        except UsageError as exc:
            raise pytest.UsageError(str(exc)) from None
        seed = options.seed
        if seed is None and self.workerinput is not None:
            seed = self.workerinput.get(WORKER_SEED)
        # Not the global RNG: drawing from it would shift the random numbers of the tests.
        self.seed: int = seed if seed is not None else secrets.randbelow(2**31)
        self.recorder = DriftRecorder()
        self.target = SessionTarget(options, self.seed)
        self.paths: dict[str, Path] = {}
        self.problem: str | None = None  # why the reports could not be written
        self._validator: DriftValidator | None = None
        self._runner: ContractRunner | None = None
        self._started, self._clock = _now(), time.monotonic()

    @property
    def is_worker(self) -> bool:
        """Whether this process is a pytest-xdist worker (which writes nothing)."""
        return self.workerinput is not None

    @property
    def validator(self) -> DriftValidator:
        """The drift validator of --zd-spec (loaded on first use)."""
        if self._validator is None:
            from ..drift import DriftValidator
            from ..spec import load_spec

            self._validator = DriftValidator(load_spec(self.options.spec, self.options.overlays))
        return self._validator

    def count(self, operation: str, exchange: Exchange) -> None:
        """Count one exchange of the contract suite in the statistics."""
        self.recorder.count(
            operation,
            attempts=exchange.attempts,
            status=exchange.status,
            error=exchange.error,
            rate_limited=exchange.rate_limited,
            seconds=exchange.elapsed,
        )

    # -- what fixtures and items call ---------------------------------------------------

    def validate(
        self, response: object, *, test: str, operation: str | None = None, record: bool = True
    ) -> list[Finding]:
        """The findings of one response (``zd_validate``), recorded under ``test``."""
        from .exchanges import as_response, findings_for

        seen = as_response(response)
        validator = self.validator
        if operation is None:
            operation = validator.spec.match(seen.method, seen.url).operation_id
        found = findings_for(
            validator, seen, operation=operation, credentials=self.target.credentials_or_none()
        )
        if record:
            self.recorder.record(found, operation=operation, check=test)
        return found

    def run_contract_item(self, operation: str, check: str) -> tuple[str | None, str | None]:
        """Run one item of the suite; its failure message (or None) and skip reason (or None)."""
        runner = self._contract_runner()
        piece = runner.schema(operation) if check == "schema" else runner.check(check)
        found = self.recorder.record(
            piece.findings,
            operation=operation,
            check=check,
            cases=piece.cases,
            skipped=piece.skipped,
        )
        from ..reports import redact

        bad = failing(aggregate(found), self.options.threshold, self.known)
        if not bad:
            return None, piece.skipped
        text = failure_text(f"{operation} {check}", bad, self.options.fail_on)
        # headers=False: a reproducer names the variables holding credentials, never values.
        return redact(text, self.target.secrets(), headers=False), piece.skipped

    def _contract_runner(self) -> ContractRunner:
        if self._runner is None:
            from .contract import ContractRunner

            self._runner = ContractRunner(
                self.target,
                self.validator,
                max_examples=self.options.max_examples,
                seed=self.seed,
                count=self.count,
            )
        return self._runner

    # -- hooks --------------------------------------------------------------------------

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        """Say where the contract suite goes and with which seed (only with --zd-contract)."""
        if not self.options.contract:
            return []
        return [f"zdcontract {target_line(self.target.describe(), self.seed)}"]

    @pytest.hookimpl(tryfirst=True)  # before -k/-m deselect, so they apply to the suite too
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Add the contract suite's items (with --zd-contract)."""
        if self.options.contract:
            suite = ContractSuite.from_parent(session, name=SUITE, nodeid=SUITE)
            items.extend(session.genitems(suite))

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """A zd_mock marker on a test that does not use the zd_mock fixture would do nothing."""
        if item.get_closest_marker("zd_mock") and "zd_mock" not in getattr(
            item, "fixturenames", ()
        ):
            pytest.fail(
                "@pytest.mark.zd_mock configures the zd_mock fixture: request it", pytrace=False
            )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Workers hand their drift to the controller; everyone else writes the reports."""
        if self.target.used:
            self.recorder.target = self.target.describe()
        if self.is_worker:
            workeroutput: dict[str, Any] = getattr(self.config, "workeroutput", {})
            workeroutput.update(self.recorder.to_payload(self.target.secrets()))
            return
        bad = failing(self.recorder.merged(), self.options.threshold, self.known)
        if bad and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if self.options.report is not None:
            self._write_reports(int(session.exitstatus))
            if self.problem and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def _write_reports(self, exit_code: int) -> None:
        from .report import write_session_reports

        assert self.options.report is not None
        result = self.recorder.result(
            target=self.target.describe(),
            started_at=self._started,
            finished_at=_now(),
            duration_seconds=time.monotonic() - self._clock,
            spec=self._validator.spec.source
            if self._validator
            else self.options.spec or "the bundled spec",
            seed=self.seed,
            max_examples=self.options.max_examples,
            fail_on=self.options.fail_on,
            exit_code=exit_code,
            order=suite_order() if self.options.contract else (),
            extra=self._extra(),
        )
        try:
            self.paths = write_session_reports(
                result,
                self.options.report,
                formats=self.options.report_formats,
                secrets=self.target.secrets(),
            )
        except ZdContractError as exc:
            self.problem = str(exc)

    def _extra(self) -> dict[str, Any]:
        seen = [f.fingerprint for f in self.recorder.findings]
        known = sorted(self.known & set(seen))
        extra: dict[str, Any] = {
            "pytest": {
                "contract_suite": self.options.contract,
                "baseline": str(self.options.baseline) if self.options.baseline else None,
                "known": known,
            }
        }
        if self.options.baseline:
            # The shape the monitor writes, so every report format reads it the same way.
            extra["baseline"] = {
                "file": str(self.options.baseline),
                "new": sorted(set(seen) - self.known),
                "known": known,
                "resolved": [],
                "expired": [],
            }
        return extra

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """The drift table, the verdict and the report paths, when there is anything to say."""
        if not (self.recorder.used or self.paths or self.problem):
            return  # nothing ran that the plugin saw (collect-only, inert sessions)
        findings = self.recorder.merged()
        write = terminalreporter.write_line
        terminalreporter.write_sep("-", "zdcontract drift")
        for line in drift_table(findings, self.known):
            write(line)
        if self.options.contract or self.recorder.target is not None:
            seed = self.seed if self.options.contract else None  # only the suite generates
            write(target_line(self.recorder.target or self.target.describe(), seed))
        bad = failing(findings, self.options.threshold, self.known)
        known = sum(f.fingerprint in self.known for f in findings)
        write(verdict_line(bad, self.options.fail_on, known))
        if self.problem:
            write(f"zdcontract: {self.problem}", red=True)
        for path in self.paths.values():
            terminalreporter.write_sep("-", f"zdcontract report: {path}")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Stop the mock and close the client, if the session ever started them."""
        self.target.close()
