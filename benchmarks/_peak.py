"""Run a module as ``__main__``; record its wall and CPU time and its peak RSS (VmHWM).

``python -m benchmarks._peak OUT MODULE [ARGS...]``. Modules named in ``BENCH_PRELOAD``
(comma-separated) are imported before the clock starts, so that start-up is not counted.
The kernel's rusage of a child is no use for memory: a child started by vfork or fork
inherits its parent's high-water mark, while VmHWM belongs to the map exec created.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import runpy
import sys
import time
from pathlib import Path


def _record(out: str, started: float, cpu_started: float) -> None:
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])  # KiB
            measured = {"seconds": seconds, "cpu_seconds": cpu, "peak_kib": peak}
            Path(out).write_text(json.dumps(measured))


def main() -> None:
    out, module, *args = sys.argv[1:]
    for name in filter(None, os.environ.get("BENCH_PRELOAD", "").split(",")):
        importlib.import_module(name)
    atexit.register(_record, out, time.perf_counter(), time.process_time())
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
