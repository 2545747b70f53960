"""Crash-safe writes for the few files that live outside the database."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from csec_desktop.errors import CsecError


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old or the new file.

    Temp file in the same folder, private permissions from the start, fsync,
    rename over the target, then fsync the folder so the rename itself survives.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def check_output_path(path: Path, *, overwrite: bool) -> None:
    """Refuse to write where a person did not mean to: through a link, onto a folder, a device or
    a pipe, or over an existing file unless asked to replace it."""
    try:
        found = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(found.st_mode):
        raise CsecError(f"{path.name} is a link: give the path of a file to write, not a link")
    if not stat.S_ISREG(found.st_mode):
        raise CsecError(f"{path} is a folder or a device, not a file: give the path of a file to write")
    if not overwrite:
        raise CsecError(f"{path.name} already exists: give another name, or replace it on purpose "
                        "(csec document ... --force)")


def fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory for fsync; NTFS journals renames.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """An advisory lock between processes (the app and the CLI on one vault)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock on both systems
