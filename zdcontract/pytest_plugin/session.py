"""The plugin's one object per session: built in pytest_configure, kept in ``config.stash``.

Its hooks are a few lines each. The policy is the library's, the CLI's: the target and its
bounds (RunConfig), the baseline (monitor.session.select_baseline: the shipped one on the
zendesk mock and live targets), the check each finding belongs to (runner.suite), a
check's outcome and the verdict (reports._summary). This module only renders them as
pytest outcomes and terminal lines. Under pytest-xdist a worker writes nothing: it ships its
recorder to the controller (see xdist.py), which writes one merged report.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import TargetError, UsageError, ZdContractError
from .items import SUITE, ContractSuite, suite_order
from .options import Options
from .recorder import DriftRecorder
from .summary import drift_table, failure_text, target_line
from .target import SessionTarget

if TYPE_CHECKING:
    from ..drift import DriftValidator, Finding
    from ..monitor.baseline import Baseline
    from ..results import RunResult
    from .contract import ContractRunner

__all__ = ["PLUGIN_KEY", "WORKER_SEED", "ItemOutcome", "ZdContractPlugin"]

PLUGIN_KEY = pytest.StashKey["ZdContractPlugin"]()
#: The controller's seed for every worker, in xdist's ``workerinput``.
WORKER_SEED = "zdcontract_seed"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class ItemOutcome:
    """What a contract item does: pass, fail with ``text``, or skip with ``text``."""

    def __init__(self, outcome: str, text: str | None = None, *, fails: bool = False) -> None:
        """``outcome`` is one of reports._summary.OUTCOMES."""
        self.outcome = outcome
        self.text = text
        self.fails = fails


class ZdContractPlugin:
    """The session's drift: options, target, recorder, and the hooks that report it."""

    def __init__(self, config: pytest.Config, options: Options) -> None:
        """Check the baseline and the report path; settle the seed; nothing is started yet."""
        self.config = config
        self.options = options
        self.workerinput: Mapping[str, Any] | None = getattr(config, "workerinput", None)
        self._baseline: Baseline | None | bool = False  # False: not chosen yet
        if options.baseline and options.no_baseline:
            raise pytest.UsageError("give --zd-baseline or --zd-no-baseline, not both")
        try:
            if options.baseline or options.no_baseline:
                self._choose_baseline()  # a bad file fails now, not at the end
        except UsageError as exc:
            raise pytest.UsageError(f"--zd-baseline: {exc}") from None
        try:
            if options.report is not None and not self.is_worker:
                from .report import check_report_target  # here: the writers import jsonschema

                check_report_target(options.report, directory=options.report_dir)
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
        self._result: RunResult | None = None  # decided once, in pytest_sessionfinish
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

    def _choose_baseline(self) -> Baseline | None:
        if self._baseline is False:
            from ..monitor.session import MonitorOptions, select_baseline

            chosen = MonitorOptions(
                baseline=self.options.baseline, no_baseline=self.options.no_baseline
            )
            self._baseline = select_baseline(
                chosen,
                live=self.target_live,
                profile=self.options.mock_profile,
            )
        return self._baseline  # type: ignore[return-value]  # False replaced above

    @property
    def target_live(self) -> bool:
        """Whether the session tests --zd-base-url rather than the embedded mock."""
        return self.options.base_url is not None

    @property
    def known(self) -> frozenset[str]:
        """The fingerprints the baseline in force accepts (as ``zdcontract run`` would)."""
        baseline = self._choose_baseline()
        return baseline.accepted() if baseline is not None else frozenset()

    # -- what fixtures and items call ---------------------------------------------------

    def validate(
        self, response: object, *, test: str, operation: str | None = None, record: bool = True
    ) -> list[Finding]:
        """The findings of one response (``zd_validate``), recorded under ``test``."""
        from ..runner.observe import exchange_findings
        from .exchanges import as_exchange

        seen = as_exchange(response)
        validator = self.validator
        if operation is None:
            operation = validator.spec.match(seen.method, seen.full_url).operation_id
        found = exchange_findings(
            validator, operation, seen, credentials=self.target.credentials_or_none()
        )
        if record:
            self.recorder.record(found, operation=operation, check=test)
        return found

    def run_contract_item(self, operation: str, check: str) -> ItemOutcome:
        """Run one piece of the suite; its outcome, decided as every report decides it."""
        from ..reports import redact
        from ..reports._summary import blocking, check_outcome

        runner = self._contract_runner()
        try:
            piece = runner.schema(operation) if check == "schema" else runner.check(check)
        except TargetError as exc:
            # The item errors with the reason; the report and the verdict say the same: it
            # exercised nothing (a session against a target that never answers is no pass).
            self.recorder.record_piece(runner.suite.unusable(operation, check, exc.message))
            raise
        self.recorder.record_piece(piece)
        known, fail_on = self.known, self.options.fail_on
        reason = piece.outcome.not_exercised if piece.outcome is not None else None
        outcome = check_outcome(piece.findings, reason, fail_on, known)
        failing = [f for f in piece.findings if blocking(f, fail_on, known)]
        if outcome == "not-exercised":
            # Never a pass: it fails the session when its finding reaches --zd-fail-on (as
            # it fails the CLI's run), and is skipped with the reason otherwise.
            return ItemOutcome(outcome, f"not exercised: {reason}", fails=bool(failing))
        if outcome != "fail":
            return ItemOutcome(outcome)
        text = failure_text(f"{operation} {check}", failing, fail_on)
        # headers=False: a reproducer names the variables holding credentials, never values.
        return ItemOutcome(outcome, redact(text, self.target.secrets(), headers=False), fails=True)

    def _contract_runner(self) -> ContractRunner:
        if self._runner is None:
            from .contract import ContractRunner

            self._runner = ContractRunner(
                self.target,
                self.validator,
                max_examples=self.options.max_examples,
                seed=self.seed,
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
        if self._runner is not None:
            self.recorder.take_tallies(self._runner.suite.tally)
        if self.is_worker:
            workeroutput: dict[str, Any] = getattr(self.config, "workeroutput", {})
            workeroutput.update(self.recorder.to_payload(self.target.secrets()))
            return
        if not self.recorder.used:
            return
        result = self.session_result(int(session.exitstatus))
        from ..reports._summary import verdict

        if not verdict(result).passed and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        self._result = result = replace(result, exit_code=int(session.exitstatus))
        if self.options.report is not None:
            self._write_reports(result)
            if self.problem and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def session_result(self, exit_code: int) -> RunResult:
        """What the session found, as the RunResult every report format reads."""
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
            extra={"pytest": {"contract_suite": self.options.contract}},
        )
        baseline = self._choose_baseline()
        if baseline is None:
            return result
        from ..monitor.baseline import classify

        # The shape the monitor writes, so every report format reads it the same way.
        extra = {**result.extra, "baseline": classify(result.findings, baseline).to_extra()}
        return replace(result, extra=extra)

    def _write_reports(self, result: RunResult) -> None:
        from .report import write_session_reports

        assert self.options.report is not None
        try:
            self.paths = write_session_reports(
                result,
                self.options.report,
                directory=self.options.report_dir,
                formats=self.options.report_formats,
                secrets=self.target.secrets(),
            )
        except ZdContractError as exc:
            self.problem = str(exc)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """The drift table, the verdict and the report paths, when there is anything to say."""
        if not (self.recorder.used or self.paths or self.problem):
            return  # nothing ran that the plugin saw (collect-only, inert sessions)
        from ..reports._summary import verdict

        # The result the reports were written from: the terminal says what they say.
        result = self._result if self._result is not None else self.session_result(0)
        state = verdict(result)
        known = state.baseline.known if state.baseline is not None else frozenset()
        write = terminalreporter.write_line
        terminalreporter.write_sep("-", "zdcontract drift")
        for line in drift_table(list(result.findings), known):
            write(line)
        if self.options.contract or self.recorder.target is not None:
            seed = self.seed if self.options.contract else None  # only the suite generates
            write(target_line(self.recorder.target or self.target.describe(), seed))
        write(state.line, red=not state.passed)
        if self.problem:
            write(f"zdcontract: {self.problem}", red=True)
        for path in self.paths.values():
            terminalreporter.write_sep("-", f"zdcontract report: {path}")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Stop the mock and close the client, if the session ever started them."""
        self.target.close()
