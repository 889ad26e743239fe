"""Atomic file writes: a reader sees the old report or the new one, never half of one.

The bytes go to a temporary file in the target's directory (same file system, so the final
``os.replace`` is an atomic rename), are flushed and fsynced, then renamed over the target.
Any exception on the way, KeyboardInterrupt included, removes the temporary file and leaves
the target untouched. A SIGTERM that the process does not turn into an exception kills it
before cleanup can run: the target is still intact, a ``.*.tmp`` file may remain.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..files import check_output_file

__all__ = ["atomic_write_bytes", "atomic_write_text"]


def _umask() -> int:
    # mkstemp creates files 0600; a report should get the mode a plain open() would give.
    # Linux tells the umask in /proc; elsewhere reading it means setting it for a moment,
    # done once, at import, rather than around every write while other threads run.
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, creating parent directories; return the path.

    UsageError when ``path`` is anything but a regular file or absent: the rename would
    replace a device node, a FIFO or a link with the file.
    """
    target = Path(path)
    check_output_file(target, "output file")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _MODE)
        check_output_file(target, "output file")  # nothing put in its place meanwhile
        os.replace(tmp_name, target)
    except BaseException:
        # BaseException on purpose: Ctrl-C mid-write must not leave the temporary file behind.
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(target.parent)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (no newline translation); return the path."""
    return atomic_write_bytes(path, text.encode(encoding))


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable across a power loss; not possible on every platform
    # (Windows cannot open a directory), and the report is already in place either way.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
