"""The files of a vault folder beside the key file: each database generation with SQLite's own
files and the sealed youth index, and the scratch that killed operations leave behind."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from csec_desktop.storage import sealed_rows


def db_files(folder: Path, name: str) -> list[Path]:
    """A vault database's files, with the sealed youth index kept beside it (sealed_rows.py)."""
    return [folder / name, folder / f"{name}-wal", folder / f"{name}-shm", folder / f"{name}-journal",
            *sealed_rows.files(folder / name)]


SCRATCH_AGE_S = 3600
"""Scratch left this long ago is from an operation that was killed (a backup of a large vault
takes seconds to minutes), never from one still running."""


def sweep_scratch(folder: Path, now: float) -> int:
    """Remove what killed operations left in the vault folder: a backup's scratch database, a
    restore's staging folder, an interrupted atomic write's temp file. Returns how many."""
    removed = 0
    for item in folder.iterdir():
        name = item.name
        temp = name.startswith(".") and name.endswith(".tmp")
        if not (name.startswith((".backup-", ".restore-")) or temp):
            continue
        try:
            if now - item.lstat().st_mtime < SCRATCH_AGE_S:
                continue
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
            removed += 1
        except OSError:
            continue  # tried again at the next unlock
    return removed


def remove_db(folder: Path, name: str) -> None:
    for path in db_files(folder, name):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
