"""The files zdcontract reads and writes: regular files only, read in bounded amounts.

A path given for a report, a recording, a baseline, the history, a spec or a body may name
anything: a device node, a FIFO, a socket, a symbolic link. Replacing a device node with a
report (as root, ``--record /dev/null`` would destroy ``/dev/null``), appending through a
symbolic link into whatever it points at, or reading a FIFO that blocks until someone
writes or a device that never ends are all refused here, in one line, the same way for
every caller. It sits beside ``errors`` at the bottom of the layers.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO, cast

from .errors import UsageError

__all__ = [
    "check_output_file",
    "open_for_append",
    "open_input",
    "read_bounded",
    "read_input_file",
]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
# O_NONBLOCK: opening a FIFO for reading blocks until a writer comes; opened this way it
# returns at once and fstat tells what it is. (No effect on a regular file's reads.)
_PROBE = os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def _refusal(what: str, path: str | os.PathLike[str], kind: str) -> UsageError:
    return UsageError(f"{what} {os.fspath(path)} is {kind}, not a regular file")


def check_output_file(path: str | os.PathLike[str], what: str) -> None:
    """UsageError unless ``path`` is a regular file or does not exist yet.

    Not followed: a symbolic link is refused too (a write would go through it into its
    target, or replace the link the user keeps).
    """
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there yet (a missing directory is the writer's to report)
    except OSError as exc:
        raise UsageError(f"{what} {os.fspath(path)}: {exc.strerror or exc}") from None
    kind = _kind(mode)
    if kind is not None:
        raise _refusal(what, path, kind)


def open_input(path: str | os.PathLike[str], what: str) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file (links followed); UsageError else.

    Checked on the opened file itself, so nothing can swap the path in between.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _PROBE)
    except FileNotFoundError:
        raise UsageError(f"cannot read {what} {os.fspath(path)}: no such file") from None
    except IsADirectoryError:
        raise _refusal(what, path, "a directory") from None
    except OSError as exc:
        raise UsageError(f"cannot read {what} {os.fspath(path)}: {exc.strerror or exc}") from None
    return _regular(fd, path, what, "rb")


def read_bounded(handle: BinaryIO, limit: int, what: str) -> bytes:
    """At most ``limit`` bytes of ``handle``; UsageError when there is more."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        size = f"{limit >> 20} MiB" if limit and not limit % (1 << 20) else f"{limit:,} bytes"
        raise UsageError(f"{what} is larger than {size}, more than zdcontract reads")
    return data


def read_input_file(path: str | os.PathLike[str], what: str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; UsageError else."""
    with open_input(path, what) as handle:
        try:
            return read_bounded(handle, limit, f"{what} {os.fspath(path)}")
        except OSError as exc:
            raise UsageError(
                f"cannot read {what} {os.fspath(path)}: {exc.strerror or exc}"
            ) from None


def open_for_append(path: str | os.PathLike[str], what: str, mode: int = 0o666) -> BinaryIO:
    """``path`` opened to read and append (created if absent), if it is a regular file;
    UsageError else. A symbolic link is not followed (appending would write into its target).
    """
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | _PROBE | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except OSError as exc:
        check_output_file(path, what)  # says what it is, when that is the reason
        reason = exc.strerror or exc
        raise UsageError(f"cannot append to {what} {os.fspath(path)}: {reason}") from None
    return _regular(fd, path, what, "a+b")


def _regular(fd: int, path: str | os.PathLike[str], what: str, mode: str) -> BinaryIO:
    """The open ``fd`` as a blocking file object, if it is a regular file (checked on the
    descriptor itself, so nothing can swap the path in between); closed and UsageError else."""
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise _refusal(what, path, kind)
        os.set_blocking(fd, True)
        return cast(BinaryIO, os.fdopen(fd, mode))
    except BaseException:
        os.close(fd)
        raise
