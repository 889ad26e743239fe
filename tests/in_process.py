"""``zdcontract`` run inside the test's own process, as a user's shell would run it."""

from __future__ import annotations

import pytest

from zdcontract.cli import main


def zd(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``zdcontract ARGV`` to its exit: the exit status, stdout and stderr."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err
