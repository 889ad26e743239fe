"""The ``zdcontract`` command: a thin front-end over the library.

Subcommands are imported only when used, so ``zdcontract --help`` and ``zdcontract validate``
do not pay for importing schemathesis or the HTTP server: the command list of ``--help``
comes from a table of one-line summaries (tests/cli hold it equal to each command's own),
not from importing every command to read its docstring. Even click is imported only once
``main()`` has put its signal handlers in place (the group lives in ``_group``).
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import sys
from typing import Any

from . import _signals

__all__ = ["SUMMARIES", "main"]

# command name -> "module:attribute"
_COMMANDS = {
    "validate": "zdcontract.cli.validate:validate",
    "spec": "zdcontract.cli.spec:spec",
    "mock": "zdcontract.cli.mock:mock",
    "run": "zdcontract.cli.run:run",
}
# command name -> the first sentence of its help (what ``--help`` lists)
SUMMARIES = {
    "validate": "Validate a response body (a file, or - for stdin) against the contract.",
    "spec": "Inspect, lint, learn and apply OpenAPI documents and overlays.",
    "mock": "Serve a mock Zendesk Activity Stream API, logging one line per request.",
    "run": "Run the contract suite against the embedded mock (default) or a live Zendesk.",
}


def _import_for_good(module: str) -> Any:
    """Import a subcommand's module and take what it loaded out of the cyclic collector.

    A run imports schemathesis, Hypothesis, rich and the rest: some 80,000 tracked objects
    that live as long as the process. Left tracked, every full collection walks all of them
    again: a fifth of a 25-example run against the mock went to the collector. Collection
    pauses while they are created and gc.freeze() then moves them to the permanent
    generation; only objects made afterwards are ever examined. Done once per module, on
    its first import, so a process that calls main() many times (a test suite) freezes no
    more than that. The library itself never touches the collector of the process it is
    imported into.
    """
    if module in sys.modules:
        return sys.modules[module]
    enabled = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(module)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _importable(name: str) -> bool:
    module = _COMMANDS[name].partition(":")[0]
    return importlib.util.find_spec(module) is not None


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; every failure to run is one line on stderr and exit status 2.

    SIGINT and SIGTERM are handled from here on, before a subcommand's imports: a signal at
    any moment ends the command with status 130 (see ``_signals``). Called with ``argv``
    (from a test, say), the process is not zdcontract's own and gets its handlers back.
    """
    own_process = argv is None
    signals = _signals.install()
    try:
        try:
            from ._group import run_command

            status = run_command(argv)
        except KeyboardInterrupt:  # while importing click, or between two except clauses
            sys.stderr.write("zdcontract: interrupted\n")  # nothing more to import now
            status = 130
    finally:
        _signals.uninstall(signals, own_process=own_process)
    if signals is not None and signals.received:
        status = 130
    sys.exit(status if isinstance(status, int) else 0)


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, for those who embed or test it
        from ._group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
