"""The plugin's options: one ``zdcontract`` group of ``--zd-*`` flags, and their ini twins.

Precedence: the command line, then the ini file, then the defaults. Values are checked
once, in ``pytest_configure``; a bad one is a ``pytest.UsageError`` (one line, exit 4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..runner.config import RunConfig
    from ..runner.credentials import Credentials

__all__ = ["FAIL_ON", "FORMATS", "GROUP", "Options", "add_options"]

GROUP = "zdcontract"
FAIL_ON = ("breaking", "warning", "info", "never")
FORMATS = ("json", "junit", "markdown", "html")
PROFILES = ("zendesk", "conformant")

# (flag, dest and ini name, metavar, help); every flag has an ini setting of the same name.
_FLAGS: tuple[tuple[str, str, str | None, str], ...] = (
    ("--zd-base-url", "zd_base_url", "URL", "Zendesk (or any server) to test (default: the mock)"),
    ("--zd-spec", "zd_spec", "PATH", "OpenAPI document (default: the bundled spec)"),
    (
        "--zd-report",
        "zd_report",
        "PATH",
        "Write the reports: into a directory (every format, the CLI's file names), or the "
        "JSON one to a file ending in .json (other --zd-report-formats beside it)",
    ),
    (
        "--zd-report-formats",
        "zd_report_formats",
        "LIST",
        "Formats to write, comma-separated: json,junit,markdown,html "
        "(default: all of them into a directory, json to a file)",
    ),
    ("--zd-fail-on", "zd_fail_on", None, "Fail on drift this severe (default: warning)"),
    (
        "--zd-baseline",
        "zd_baseline",
        "NAME|FILE",
        "Accepted drift that does not fail the session: 'zendesk' (the shipped baseline, the "
        "default for the zendesk mock and live targets) or a baseline/report file",
    ),
    ("--zd-max-examples", "zd_max_examples", "N", "Generated cases per operation (default: 25)"),
    ("--zd-seed", "zd_seed", "N", "Seed for reproducible requests (default: random, printed)"),
)

# ini-only settings: they belong in a config file rather than on every command line.
_INI_ONLY: tuple[tuple[str, str, str], ...] = (
    ("zd_mock_profile", "string", "Profile of the embedded mock: zendesk or conformant"),
    ("zd_mock_activities", "string", "Activities in the embedded mock's dataset (default: 120)"),
    ("zd_mock_drift", "linelist", "Drift the embedded mock starts with, one mutation per line"),
    ("zd_mock_faults", "linelist", "Faults the embedded mock starts with, one per line"),
    ("zd_rate_limit", "string", "Requests to --zd-base-url: 100/min or 2/s (default: 100/min)"),
    ("zd_max_requests", "string", "Request budget against --zd-base-url (default: 1000)"),
)


def add_options(parser: pytest.Parser) -> None:
    """Register the ``zdcontract`` option group and the ini settings."""
    group = parser.getgroup(GROUP, "zdcontract: contract and drift testing of the Zendesk API")
    group.addoption(
        "--zd-contract",
        action="store_true",
        dest="zd_contract",
        default=None,
        help="Collect the built-in contract suite (one item per operation and check)",
    )
    parser.addini("zd_contract", "Collect the built-in contract suite", type="bool", default=False)
    group.addoption(
        "--zd-no-baseline",
        action="store_true",
        dest="zd_no_baseline",
        default=None,
        help="Apply no baseline: every finding is new",
    )
    parser.addini("zd_no_baseline", "Apply no baseline", type="bool", default=False)
    for flag, dest, metavar, text in _FLAGS:
        extra: dict[str, object] = {"metavar": metavar} if metavar else {"choices": FAIL_ON}
        group.addoption(flag, dest=dest, default=None, help=text, **extra)
        parser.addini(dest, text, type="string", default="")
    group.addoption(
        "--zd-overlay",
        action="append",
        dest="zd_overlay",
        default=None,
        metavar="FILE",
        help="Apply this Overlay 1.0 document to the spec (repeatable, in order)",
    )
    parser.addini("zd_overlay", "Overlay 1.0 documents applied to the spec", type="paths")
    for name, kind, text in _INI_ONLY:
        parser.addini(name, text, type=kind, default=[] if kind == "linelist" else "")  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """The plugin's settings for one session, validated."""

    contract: bool = False
    base_url: str | None = None
    spec: str | None = None
    overlays: tuple[str, ...] = ()
    report: Path | None = None
    report_dir: bool = False  # --zd-report names a directory (else the JSON file)
    report_formats: tuple[str, ...] = ("json",)
    fail_on: str = "warning"
    baseline: str | None = None  # a shipped baseline's name, or a file
    no_baseline: bool = False
    max_examples: int = 25
    seed: int | None = None
    mock_profile: str = "zendesk"
    mock_activities: int = 120
    mock_drift: tuple[str, ...] = ()
    mock_faults: tuple[str, ...] = ()
    rate_limit: float | None = None
    max_requests: int | None = None

    def run_config(self, credentials: Credentials | None = None) -> RunConfig:
        """These options as the library's RunConfig: the run ``zdcontract run`` would make
        with the same settings (the same target, bounds and live defaults)."""
        from ..runner.config import RunConfig

        return RunConfig(
            base_url=self.base_url,
            spec_path=self.spec,
            overlays=self.overlays,
            max_examples=self.max_examples,
            seed=self.seed,
            fail_on=self.fail_on,
            max_requests=self.max_requests,
            rate_limit=self.rate_limit,
            profile=self.mock_profile,
            mock_drift=self.mock_drift,
            mock_faults=self.mock_faults,
            mock_activities=self.mock_activities,
            credentials=credentials,
        )

    @classmethod
    def from_config(cls, config: pytest.Config) -> Options:
        """Read and check every setting; pytest.UsageError names the bad one."""
        reader = _Reader(config)
        report = reader.path("zd_report")
        directory = report is not None and (
            report.is_dir()
            or str(reader.text("zd_report")).endswith(("/", "\\"))
            or report.suffix.lower() != ".json"
        )
        default_formats = ",".join(FORMATS) if directory else "json"
        report_formats = tuple(
            f.strip()
            for f in reader.text("zd_report_formats", default_formats).split(",")
            if f.strip()
        )
        for name in report_formats:
            if name not in FORMATS:
                raise pytest.UsageError(
                    f"--zd-report-formats: unknown format {name!r} "
                    f"(choose from {', '.join(FORMATS)})"
                )
        fail_on = reader.text("zd_fail_on", "warning")
        _choice("--zd-fail-on", fail_on, FAIL_ON)
        profile = reader.text("zd_mock_profile", "zendesk")
        _choice("zd_mock_profile", profile, PROFILES)
        if report is not None:
            _check_report_paths(report, report_formats, directory=bool(directory))
        base_url = reader.text("zd_base_url") or None
        if base_url:
            # Here, not at the top: pytest loads this module in every session, and the
            # runner package brings schemathesis with it.
            from ..runner.config import shown_url, target_url_problem

            problem = target_url_problem(base_url)
            if problem is not None:
                shown = "" if "@" in base_url else f" (got {shown_url(base_url)!r})"
                raise pytest.UsageError(f"--zd-base-url {problem}{shown}")
        return cls(
            contract=bool(config.getoption("zd_contract") or config.getini("zd_contract")),
            base_url=base_url.rstrip("/") if base_url else None,
            spec=str(reader.path("zd_spec")) if reader.path("zd_spec") else None,
            overlays=_overlays(config),
            report=report,
            report_dir=bool(directory),
            report_formats=tuple(dict.fromkeys(report_formats)) or ("json",),
            fail_on=fail_on,
            baseline=_baseline(reader),
            no_baseline=bool(config.getoption("zd_no_baseline") or config.getini("zd_no_baseline")),
            max_examples=_default(_max_examples(reader), 25),
            seed=reader.integer("zd_seed", minimum=0),
            mock_profile=profile,
            mock_activities=_default(reader.integer("zd_mock_activities", minimum=0), 120),
            mock_drift=tuple(config.getini("zd_mock_drift")),
            mock_faults=tuple(config.getini("zd_mock_faults")),
            rate_limit=reader.rate("zd_rate_limit"),
            max_requests=reader.integer("zd_max_requests", minimum=1),
        )


def _baseline(reader: _Reader) -> str | None:
    """--zd-baseline: a shipped baseline's name as given, else a path resolved like others."""
    value = reader.text("zd_baseline")
    if not value:
        return None
    if value.removeprefix("zdcontract:") == "zendesk" and not Path(value).exists():
        return value
    path = reader.path("zd_baseline")
    return str(path) if path is not None else None


def _check_report_paths(report: Path, formats: tuple[str, ...], *, directory: bool) -> None:
    """Before the session: no report would replace a device node, a FIFO or a link."""
    from ..errors import UsageError
    from ..files import check_output_file
    from ..reports import FILE_NAMES

    if directory:
        paths = [report / FILE_NAMES[f] for f in formats]
    else:
        paths = [report, *(report.parent / FILE_NAMES[f] for f in formats if f != "json")]
    for path in paths:
        try:
            check_output_file(path, "--zd-report:")
        except UsageError as exc:
            raise pytest.UsageError(exc.message) from None


def _max_examples(reader: _Reader) -> int | None:
    value = reader.integer("zd_max_examples", minimum=1)
    if value is not None:
        from ..runner.config import MAX_EXAMPLES  # here: the runner brings schemathesis

        if value > MAX_EXAMPLES:
            raise pytest.UsageError(
                f"--zd-max-examples must be at most {MAX_EXAMPLES} "
                f"(got {reader.text('zd_max_examples')})"
            )
    return value


def _default(value: int | None, default: int) -> int:
    return default if value is None else value


def _choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise pytest.UsageError(f"{name}: {value!r} is not one of {', '.join(choices)}")


class _Reader:
    """One setting from the command line, else the ini file; paths resolved where given."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def _raw(self, name: str) -> tuple[str | None, bool]:
        value = self.config.getoption(name, default=None)
        if value is not None:
            return str(value), True
        ini = self.config.getini(name)
        return (str(ini).strip() or None), False

    def text(self, name: str, default: str = "") -> str:
        return self._raw(name)[0] or default

    def path(self, name: str) -> Path | None:
        value, from_command_line = self._raw(name)
        if not value:
            return None
        if from_command_line:
            base = self.config.invocation_params.dir
        else:  # relative to the ini file, like pytest's own path settings
            inipath = self.config.inipath
            base = inipath.parent if inipath is not None else self.config.rootpath
        return base / Path(value).expanduser()

    def integer(self, name: str, *, minimum: int) -> int | None:
        value = self.real(name, minimum=minimum)
        if value is not None and value != int(value):
            raise pytest.UsageError(f"{_flag(name)}: {value:g} is not a whole number")
        return None if value is None else int(value)

    def rate(self, name: str) -> float | None:
        """A rate as ``--rate-limit`` takes it (``100``, ``100/min``, ``2/s``), per minute."""
        from ..runner.config import parse_rate

        value = self._raw(name)[0]
        if value is None:
            return None
        try:
            return parse_rate(str(value))
        except ValueError as exc:
            raise pytest.UsageError(f"{_flag(name)}: {exc}") from None

    def real(self, name: str, *, minimum: float) -> float | None:
        value = self._raw(name)[0]
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise pytest.UsageError(f"{_flag(name)}: {value!r} is not a number")
        if number < minimum:
            raise pytest.UsageError(f"{_flag(name)} must be at least {minimum:g} (got {value})")
        return number


def _flag(name: str) -> str:
    """How the user named a setting: ``--zd-seed`` for a flag's, ``zd_rate_limit`` otherwise."""
    if any(dest == name for _, dest, _, _ in _FLAGS):
        return "--" + name.replace("_", "-")
    return name


def _overlays(config: pytest.Config) -> tuple[str, ...]:
    """--zd-overlay (relative to the invocation directory), else the ini's (to the ini file)."""
    given = config.getoption("zd_overlay")
    if given:
        base = config.invocation_params.dir
        return tuple(str(base / Path(name).expanduser()) for name in given)
    return tuple(str(path) for path in config.getini("zd_overlay"))
