"""A signal while ``zdcontract`` is still starting: exit 130 and one line, whatever the moment.

On a loaded machine a run's imports take seconds; a CI runner cancelling the job or a user
pressing Ctrl-C then hits the import machinery. Here an import hook (a ``sitecustomize``
on the child's path) makes one chosen module slow to import and says when that import has
begun, so the signal lands inside it every time: click (the command line's own first
import) or schemathesis (the run's heaviest). Before, SIGTERM there killed the process by
signal with no message, and SIGINT inside click's import printed a KeyboardInterrupt
traceback.
"""

from __future__ import annotations

import os
import signal
import textwrap
from pathlib import Path

import pytest
from reliability._helpers import clean_env, started_cli, wait_for

pytestmark = pytest.mark.slow

SLOW_IMPORT = textwrap.dedent(
    """
    import os, sys, time

    class SlowImport:
        def find_spec(self, name, path=None, target=None):
            if name == os.environ["ZD_TEST_SLOW_IMPORT"]:
                open(os.environ["ZD_TEST_IMPORT_BEGUN"], "w").close()
                time.sleep(30)  # a signal lands in here
            return None

    sys.meta_path.insert(0, SlowImport())
    """
)


@pytest.mark.parametrize("module", ["click", "schemathesis"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_imports_is_exit_130_and_one_line(
    tmp_path: Path, module: str, signum: int
) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SLOW_IMPORT)
    begun = tmp_path / "import-begun"
    path = os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))
    env = clean_env(PYTHONPATH=path, ZD_TEST_SLOW_IMPORT=module, ZD_TEST_IMPORT_BEGUN=str(begun))
    args = ["run", "-q", "--report-dir", str(tmp_path / "reports")]
    with started_cli(args, cwd=tmp_path, env=env) as running:
        wait_for(begun.exists, 60, f"the import of {module} to begin")
        running.signal(signum)
        finished = running.finish(20)
    assert finished.returncode == 130, finished.output
    assert "Traceback" not in finished.output
    lines = [line for line in finished.stderr.decode().splitlines() if line.strip()]
    assert lines == ["zdcontract: interrupted"], finished.output
    assert not (tmp_path / "reports").exists()
