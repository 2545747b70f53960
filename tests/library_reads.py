"""A vault as a person holding the data key reads it with the project's library alone: the tests'
view of what an insider (a colleague with their own passphrase) can take from the file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from csec_desktop.storage import keys as K
from csec_desktop.storage.database import Database


def as_library(folder: Path, user: str, passphrase: str, read: Callable[[Database], Any]) -> Any:
    """`read` over the database, opened with this person's own key material and no app checks."""
    keyfile = K.KeyFile.load(folder)
    dek, _private = keyfile.unlock_user(user, passphrase)
    db = Database.open(folder / keyfile.db_name(), dek)
    try:
        return read(db)
    finally:
        db.close()


def every_text(folder: Path, user: str, passphrase: str, *, search_for: str | None = None) -> str:
    """Every table's rows as text (the search index's own tables aside); with `search_for`, the
    word INDEXED at the end when the search index still finds that term."""
    def read(db: Database) -> str:
        tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'youth_search%'")]
        text = "\n".join(json.dumps(db.query(f"SELECT * FROM {t}"), default=str, ensure_ascii=False)
                         for t in tables)
        match = "SELECT rowid FROM youth_search WHERE youth_search MATCH ?"
        if search_for and db.query(match, (search_for,)):
            text += "\nINDEXED"
        return text

    return str(as_library(folder, user, passphrase, read))
